//! `recall check`: SQLite's own integrity check, then every user's log
//! replayed through the scheduler and compared with the stored card state.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;

use rusqlite::OptionalExtension;

use super::reviews::{
    AFTER_COLUMNS, BEFORE_COLUMNS, CardKey, Mode, STATE_COLUMNS, save_state, state_at, state_values,
};
use super::{Store, StoreError, TxError};
use crate::sched::{Quality, State, StudyDay};

/// The replay of one card's log, one review at a time.
#[derive(Debug, Default)]
pub(super) struct Replay {
    state: Option<State>,
    last: Option<DateTime<Utc>>,
}

impl Replay {
    /// Applies one stored review; the states before and after it.
    pub fn step(
        &mut self,
        at: &str,
        day: &str,
        mode: &str,
        quality: u8,
    ) -> rusqlite::Result<(State, State)> {
        let bad = super::bad_text;
        let mode: Mode = mode.parse().map_err(bad)?;
        let quality = Quality::new(quality).map_err(|e| bad(e.to_string()))?;
        let day: StudyDay = day
            .parse()
            .map_err(|e: chrono::ParseError| bad(e.to_string()))?;
        let before = self.state.unwrap_or(State::NEW);
        let after = mode.apply(before, quality, day);
        if mode.reschedules() {
            let at = DateTime::parse_from_rfc3339(at).map_err(|e| bad(e.to_string()))?;
            self.last = Some(at.with_timezone(&Utc));
            self.state = Some(after);
        }
        Ok((before, after))
    }

    /// The card's state and its last rescheduling review, if it has one.
    pub fn finish(self) -> Option<(State, DateTime<Utc>)> {
        self.state.zip(self.last)
    }
}

/// A card whose stored state is not what its log gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub user: String,
    pub card: CardKey,
    /// `None`: no state stored.
    pub stored: Option<(State, String)>,
    /// `None`: the log has no review that schedules the card.
    pub replayed: Option<(State, String)>,
}

/// What `check` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// SQLite's integrity and foreign-key problems; empty when sound.
    pub integrity: Vec<String>,
    pub users: u64,
    /// Installed decks: none means nothing can be drilled.
    pub decks: u64,
    pub reviews: u64,
    pub states: u64,
    pub mismatches: Vec<Mismatch>,
}

type Key = (i64, CardKey);

impl Store {
    /// Checks the file and compares every card state with its replayed log.
    pub fn check(&self) -> Result<CheckReport, StoreError> {
        let err = self.err();
        let mut report = CheckReport::default();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(&err)?;
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .map_err(&err)?
            .collect::<Result<_, _>>()
            .map_err(&err)?;
        report
            .integrity
            .extend(lines.into_iter().filter(|l| l != "ok"));
        let mut stmt = self
            .conn
            .prepare("PRAGMA foreign_key_check")
            .map_err(&err)?;
        let fk: Vec<String> = stmt
            .query_map([], |r| {
                let table: String = r.get(0)?;
                let parent: String = r.get(2)?;
                Ok(format!(
                    "a row of {table} refers to a missing row of {parent}"
                ))
            })
            .map_err(&err)?
            .collect::<Result<_, _>>()
            .map_err(&err)?;
        report.integrity.extend(fk);
        let count = |sql: &str| self.conn.query_row(sql, [], |r| r.get(0)).map_err(&err);
        report.users = count("SELECT COUNT(*) FROM users")?;
        report.decks = count("SELECT COUNT(*) FROM decks")?;
        report.reviews = count("SELECT COUNT(*) FROM reviews")?;
        report.states = count("SELECT COUNT(*) FROM card_state")?;
        let replayed = replay_all(&self.conn).map_err(&err)?;
        let stored = stored_states(&self.conn).map_err(&err)?;
        let names = user_names(&self.conn).map_err(&err)?;
        report.mismatches = compare(&stored, &replayed, &names);
        Ok(report)
    }

    /// Rewrites every card state from the log; the number of states that
    /// changed.
    pub fn repair(&mut self) -> Result<usize, StoreError> {
        self.write(|tx| {
            let replayed = replay_all(tx)?;
            let stored = stored_states(tx)?;
            let names = user_names(tx)?;
            let fixes = compare(&stored, &replayed, &names).len();
            tx.execute("DELETE FROM card_state", [])?;
            for ((user, card), (state, last)) in &replayed {
                let last = DateTime::parse_from_rfc3339(last)
                    .map_err(super::bad_text)?
                    .with_timezone(&Utc);
                save_state(tx, *user, card, state, last)?;
            }
            Ok::<_, TxError>(fixes)
        })
    }
}

/// Every card's state as its log gives it, with its last rescheduling
/// review as stored.
fn replay_all(conn: &rusqlite::Connection) -> rusqlite::Result<HashMap<Key, (State, String)>> {
    let mut stmt = conn.prepare(
        "SELECT user_id, deck_id, card_id, reviewed_at, study_day, mode, quality
         FROM reviews ORDER BY user_id, deck_id, card_id, reviewed_at, id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    let mut current: Option<(Key, Replay)> = None;
    while let Some(r) = rows.next()? {
        let key: Key = (
            r.get(0)?,
            CardKey {
                deck: r.get(1)?,
                card: r.get(2)?,
            },
        );
        if current.as_ref().is_none_or(|(k, _)| *k != key) {
            if let Some((k, replay)) = current.take() {
                finish(&mut out, k, replay);
            }
            current = Some((key, Replay::default()));
        }
        if let Some((_, replay)) = current.as_mut() {
            let (at, day, mode): (String, String, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
            replay.step(&at, &day, &mode, r.get(6)?)?;
        }
    }
    if let Some((k, replay)) = current {
        finish(&mut out, k, replay);
    }
    Ok(out)
}

fn finish(out: &mut HashMap<Key, (State, String)>, key: Key, replay: Replay) {
    if let Some((state, last)) = replay.finish() {
        out.insert(key, (state, super::timestamp(last)));
    }
}

fn stored_states(conn: &rusqlite::Connection) -> rusqlite::Result<HashMap<Key, (State, String)>> {
    let sql =
        format!("SELECT user_id, deck_id, card_id, last_review, {STATE_COLUMNS} FROM card_state");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![], |r| {
        let key = (
            r.get(0)?,
            CardKey {
                deck: r.get(1)?,
                card: r.get(2)?,
            },
        );
        Ok((key, (state_at(r, 4)?, r.get(3)?)))
    })?;
    rows.collect()
}

fn user_names(conn: &rusqlite::Connection) -> rusqlite::Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM users")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

fn compare(
    stored: &HashMap<Key, (State, String)>,
    replayed: &HashMap<Key, (State, String)>,
    names: &HashMap<i64, String>,
) -> Vec<Mismatch> {
    let mut keys: Vec<&Key> = stored.keys().chain(replayed.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| stored.get(k) != replayed.get(k))
        .map(|k| Mismatch {
            user: names
                .get(&k.0)
                .cloned()
                .unwrap_or_else(|| format!("#{}", k.0)),
            card: k.1.clone(),
            stored: stored.get(k).cloned(),
            replayed: replayed.get(k).cloned(),
        })
        .collect()
}

/// Replays one card's log for one user, in time order then as recorded:
/// rewrites each review's state before and after where it differs, and
/// the card's state (removed if no review reschedules it). Whether the
/// card's state changed.
pub(super) fn rebuild_card(
    tx: &rusqlite::Transaction<'_>,
    user: i64,
    card: &CardKey,
) -> Result<bool, TxError> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT id, reviewed_at, study_day, mode, quality, {BEFORE_COLUMNS}, {AFTER_COLUMNS}
         FROM reviews WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3
         ORDER BY reviewed_at, id"
    ))?;
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
    let mut update = tx.prepare_cached(
        "UPDATE reviews SET before_reps = ?2, before_ease = ?3, before_interval = ?4,
            before_due = ?5, before_lapses = ?6, after_reps = ?7, after_ease = ?8,
            after_interval = ?9, after_due = ?10, after_lapses = ?11
         WHERE id = ?1",
    )?;
    let mut replay = Replay::default();
    for (id, at, day, mode, quality, stored_before, stored_after) in rows {
        let (before, after) = replay.step(&at, &day, &mode, quality)?;
        if (before, after) != (stored_before, stored_after) {
            let b = state_values(&before);
            let a = state_values(&after);
            update.execute(params![
                id, b.0, b.1, b.2, b.3, b.4, a.0, a.1, a.2, a.3, a.4
            ])?;
        }
    }
    let stored: Option<(State, String)> = tx
        .query_row(
            &format!(
                "SELECT {STATE_COLUMNS}, last_review FROM card_state
                 WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3"
            ),
            params![user, card.deck, card.card],
            |r| Ok((state_at(r, 0)?, r.get(5)?)),
        )
        .optional()?;
    let replayed = replay.finish();
    let same = match (&stored, &replayed) {
        (None, None) => true,
        (Some((s, at)), Some((r, last))) => s == r && *at == super::timestamp(*last),
        _ => false,
    };
    if same {
        return Ok(false);
    }
    match replayed {
        Some((state, last)) => save_state(tx, user, card, &state, last)?,
        None => {
            tx.execute(
                "DELETE FROM card_state WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3",
                params![user, card.deck, card.card],
            )?;
        }
    }
    Ok(true)
}
