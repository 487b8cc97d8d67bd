//! A user's review log as rows to export and import, and the replay that
//! rebuilds card state from it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::reviews::{CardKey, Mode, insert_review, save_state, state_at};
use super::{Store, StoreError, TxError, timestamp};
use crate::sched::{Quality, State, StudyDay};

/// One review as exported: flat, so JSON lines and CSV share it. E-Factors
/// are in hundredths (250 is 2.50); a new card's due day is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub deck: String,
    pub card: String,
    /// UTC, RFC 3339 with milliseconds.
    pub reviewed_at: String,
    pub study_day: String,
    pub mode: String,
    pub quality: u8,
    pub response_ms: Option<u32>,
    pub before_repetitions: u32,
    pub before_ease: u16,
    pub before_interval: u32,
    pub before_due: Option<String>,
    pub before_lapses: u32,
    pub after_repetitions: u32,
    pub after_ease: u16,
    pub after_interval: u32,
    pub after_due: Option<String>,
    pub after_lapses: u32,
}

/// A review read from a history file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub card: CardKey,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub mode: Mode,
    pub quality: Quality,
    pub response_ms: Option<u32>,
}

impl HistoryRow {
    /// The review this row records. The states before and after are not
    /// trusted: they are recomputed from the log on import.
    pub fn review(&self) -> Result<Review, String> {
        let at = DateTime::parse_from_rfc3339(&self.reviewed_at)
            .map_err(|e| format!("reviewed_at {:?}: {e}", self.reviewed_at))?
            .with_timezone(&Utc);
        let day = self
            .study_day
            .parse()
            .map_err(|e| format!("study_day {:?}: {e}", self.study_day))?;
        Ok(Review {
            card: CardKey {
                deck: self.deck.clone(),
                card: self.card.clone(),
            },
            at,
            day,
            mode: self.mode.parse()?,
            quality: Quality::new(self.quality).map_err(|e| e.to_string())?,
            response_ms: self.response_ms,
        })
    }
}

/// A review with the states around it, as a bulk writer knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub review: Review,
    pub before: State,
    pub after: State,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    /// Rows already in the log, skipped.
    pub present: usize,
    /// Card states rebuilt from the log.
    pub rebuilt: usize,
}

impl Store {
    /// A user's whole review log, oldest first.
    pub fn history(&self, user: i64) -> Result<Vec<HistoryRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deck_id, card_id, reviewed_at, study_day, mode, quality, response_ms,
                    before_reps, before_ease, before_interval, before_due, before_lapses,
                    after_reps, after_ease, after_interval, after_due, after_lapses
                 FROM reviews WHERE user_id = ?1 ORDER BY reviewed_at",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([user], |r| {
                Ok(HistoryRow {
                    deck: r.get(0)?,
                    card: r.get(1)?,
                    reviewed_at: r.get(2)?,
                    study_day: r.get(3)?,
                    mode: r.get(4)?,
                    quality: r.get(5)?,
                    response_ms: r.get(6)?,
                    before_repetitions: r.get(7)?,
                    before_ease: r.get(8)?,
                    before_interval: r.get(9)?,
                    before_due: r.get(10)?,
                    before_lapses: r.get(11)?,
                    after_repetitions: r.get(12)?,
                    after_ease: r.get(13)?,
                    after_interval: r.get(14)?,
                    after_due: r.get(15)?,
                    after_lapses: r.get(16)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Appends many reviews to a user's log in one transaction, as given
    /// (times must be unique per user and the states SM-2's), without
    /// touching card state: `repair` rebuilds it from the log afterwards.
    /// For loading large histories quickly, such as benchmark databases.
    pub fn append_log(&mut self, user: i64, entries: &[LogEntry]) -> Result<(), StoreError> {
        self.write(|tx| {
            for e in entries {
                let r = &e.review;
                insert_review(
                    tx,
                    user,
                    &r.card,
                    r.at,
                    r.day,
                    r.mode,
                    r.quality,
                    r.response_ms,
                    &e.before,
                    &e.after,
                )?;
            }
            Ok(())
        })
    }

    /// Whether a card (active or retired) is installed.
    pub fn has_card(&self, card: &CardKey) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1 AND id = ?2)",
                params![card.deck, card.card],
                |r| r.get(0),
            )
            .map_err(self.err())
    }

    /// Adds reviews to a user's log, skipping those already present (same
    /// time, same card), then rebuilds the state of every card they touch
    /// by replaying its log. All or nothing.
    pub fn import_history(
        &mut self,
        user: i64,
        reviews: &[Review],
    ) -> Result<ImportReport, StoreError> {
        self.write(|tx| {
            let mut report = ImportReport::default();
            let mut touched = BTreeSet::new();
            for r in reviews {
                let at = timestamp(r.at);
                let existing: Option<(String, String)> = tx
                    .query_row(
                        "SELECT deck_id, card_id FROM reviews WHERE user_id = ?1 AND reviewed_at = ?2",
                        params![user, at],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()?;
                match existing {
                    Some((deck, card)) if deck == r.card.deck && card == r.card.card => {
                        report.present += 1;
                    }
                    Some((deck, card)) => {
                        return Err(TxError::Store(StoreError::HistoryConflict {
                            at,
                            existing: format!("{deck}/{card}"),
                        }));
                    }
                    None => {
                        let new = State::NEW;
                        insert_review(
                            tx, user, &r.card, r.at, r.day, r.mode, r.quality, r.response_ms,
                            &new, &new,
                        )?;
                        report.added += 1;
                        touched.insert(r.card.clone());
                    }
                }
            }
            for card in &touched {
                rebuild_card(tx, user, card)?;
                report.rebuilt += 1;
            }
            Ok(report)
        })
    }
}

/// Replays one card's log for one user: rewrites each review's state
/// before and after where it differs, and the card's state (removed if no
/// review reschedules it).
fn rebuild_card(tx: &rusqlite::Transaction<'_>, user: i64, card: &CardKey) -> Result<(), TxError> {
    let mut stmt = tx.prepare(
        "SELECT id, reviewed_at, study_day, mode, quality,
            before_reps, before_ease, before_interval, before_due, before_lapses,
            after_reps, after_ease, after_interval, after_due, after_lapses
         FROM reviews WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3
         ORDER BY reviewed_at",
    )?;
    let rows: Vec<(i64, String, String, String, u8, State, State)> = stmt
        .query_map(params![user, card.deck, card.card], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                state_at(r, 5)?,
                state_at(r, 10)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut update = tx.prepare(
        "UPDATE reviews SET before_reps = ?2, before_ease = ?3, before_interval = ?4,
            before_due = ?5, before_lapses = ?6, after_reps = ?7, after_ease = ?8,
            after_interval = ?9, after_due = ?10, after_lapses = ?11
         WHERE id = ?1",
    )?;
    let mut replay = super::check::Replay::default();
    for (id, at, day, mode, quality, stored_before, stored_after) in rows {
        let (before, after) = replay.step(&at, &day, &mode, quality)?;
        if (before, after) != (stored_before, stored_after) {
            let b = super::reviews::state_values(&before);
            let a = super::reviews::state_values(&after);
            update.execute(params![
                id, b.0, b.1, b.2, b.3, b.4, a.0, a.1, a.2, a.3, a.4
            ])?;
        }
    }
    match replay.finish() {
        Some((state, last)) => save_state(tx, user, card, &state, last)?,
        None => {
            tx.execute(
                "DELETE FROM card_state WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3",
                params![user, card.deck, card.card],
            )?;
        }
    }
    Ok(())
}
