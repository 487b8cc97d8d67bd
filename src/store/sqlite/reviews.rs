//! The review log and card state: one card's log read and rewritten in the
//! transaction that appends to it, exports, and the appends of an import.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, TxError, time_of, timestamp};
use crate::model::{CardKey, UserId};
use crate::sched::{Ease, Interval, State, StudyDay};
use crate::store::{
    CardLog, CardWrite, Found, HistoryRow, LoggedReview, NewReview, Review, ReviewLog, StoreError,
};

pub(super) const STATE_COLUMNS: &str = "repetitions, ease, interval, due, lapses";

/// The state columns of a review before and after it, in `state_at` order.
pub(super) const BEFORE_COLUMNS: &str =
    "before_reps, before_ease, before_interval, before_due, before_lapses";
pub(super) const AFTER_COLUMNS: &str =
    "after_reps, after_ease, after_interval, after_due, after_lapses";

/// A state from five columns starting at `at`: repetitions, ease, interval,
/// due (text or NULL), lapses.
pub(super) fn state_at(row: &Row<'_>, at: usize) -> rusqlite::Result<State> {
    Ok(State {
        repetitions: row.get(at)?,
        ease: Ease::from_hundredths(row.get(at + 1)?),
        interval: Interval::days(row.get(at + 2)?),
        lapses: row.get(at + 4)?,
        due: row.get::<_, Option<StudyDay>>(at + 3)?,
    })
}

/// A state's five column values.
pub(super) fn state_values(s: &State) -> (u32, u16, u32, Option<StudyDay>, u32) {
    (
        s.repetitions,
        s.ease.hundredths(),
        s.interval.get(),
        s.due,
        s.lapses,
    )
}

impl ReviewLog for SqliteStore {
    fn update_card(
        &mut self,
        user: UserId,
        card: &CardKey,
        f: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
    ) -> Result<(), StoreError> {
        self.write(|tx| update_card(tx, user, card, f))
    }

    fn card_state(&self, user: UserId, card: &CardKey) -> Result<State, StoreError> {
        load_state(&self.conn, user, card)
            .map(|s| s.map_or(State::NEW, |(s, _)| s))
            .map_err(self.err())
    }

    fn card_states(&self, user: UserId) -> Result<Vec<(CardKey, State)>, StoreError> {
        let sql = format!(
            "SELECT deck_id, card_id, {STATE_COLUMNS} FROM card_state WHERE user_id = ?1
             ORDER BY deck_id, card_id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([user], |r| {
                let key = CardKey {
                    deck: r.get(0)?,
                    card: r.get(1)?,
                };
                Ok((key, state_at(r, 2)?))
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    fn history(&self, user: UserId) -> Result<Vec<HistoryRow>, StoreError> {
        super::history::history(&self.conn, user).map_err(self.err())
    }

    fn find_review(&self, user: UserId, review: &Review) -> Result<Found, StoreError> {
        super::history::find_review(&self.conn, user, review).map_err(|e| match e {
            TxError::Sql(e) => self.err()(e),
            TxError::Store(e) => e,
        })
    }

    fn append_reviews(
        &mut self,
        user: UserId,
        reviews: &[(NewReview, State, State)],
    ) -> Result<usize, StoreError> {
        self.write(|tx| {
            let mut added = 0;
            for (review, before, after) in reviews {
                added += insert_review(tx, user, review, before, after)?;
            }
            Ok(added)
        })
    }

    fn has_card(&self, card: &CardKey) -> Result<bool, StoreError> {
        card_exists(&self.conn, card).map_err(self.err())
    }

    fn set_patience(&mut self, wait: Duration) -> Result<(), StoreError> {
        self.conn.busy_timeout(wait).map_err(self.err())
    }
}

fn card_exists(conn: &rusqlite::Connection, card: &CardKey) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1 AND id = ?2)",
        params![card.deck, card.card],
        |r| r.get(0),
    )
}

/// [`ReviewLog::update_card`] inside a transaction: the card must be
/// installed and the learner still exist.
pub(super) fn update_card(
    tx: &rusqlite::Transaction<'_>,
    user: UserId,
    card: &CardKey,
    f: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
) -> Result<(), TxError> {
    if !card_exists(tx, card)? {
        return Err(TxError::Store(StoreError::UnknownCard {
            deck: card.deck.to_string(),
            card: card.card.to_string(),
        }));
    }
    let known: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)",
        [user],
        |r| r.get(0),
    )?;
    if !known {
        return Err(TxError::Store(StoreError::NoSuchUser(user)));
    }
    let log = CardLog {
        reviews: card_log(tx, user, card)?,
        stored: load_state(tx, user, card)?,
    };
    let write = f(&log)?;
    if let Some((review, before, after)) = &write.append {
        insert_review(tx, user, review, before, after)?;
    }
    let mut update = tx.prepare_cached(&format!(
        "UPDATE reviews SET ({BEFORE_COLUMNS}, {AFTER_COLUMNS}) =
            (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         WHERE id = ?1"
    ))?;
    for (seq, before, after) in &write.rewrite {
        let (b, a) = (state_values(before), state_values(after));
        update.execute(params![
            seq, b.0, b.1, b.2, b.3, b.4, a.0, a.1, a.2, a.3, a.4
        ])?;
    }
    if write.state != log.stored {
        match &write.state {
            Some((state, last)) => save_state(tx, user, card, state, *last)?,
            None => {
                tx.execute(
                    "DELETE FROM card_state WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3",
                    params![user, card.deck, card.card],
                )?;
            }
        }
    }
    Ok(())
}

/// One card's log for one user, in replay order: time, then recording.
fn card_log(
    conn: &rusqlite::Connection,
    user: UserId,
    card: &CardKey,
) -> rusqlite::Result<Vec<LoggedReview>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, uid, reviewed_at, study_day, mode, quality, response_ms,
            {BEFORE_COLUMNS}, {AFTER_COLUMNS}
         FROM reviews WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3
         ORDER BY reviewed_at, id"
    ))?;
    let rows = stmt.query_map(params![user, card.deck, card.card], logged)?;
    rows.collect()
}

/// A review from a row of the columns `card_log` selects.
pub(super) fn logged(r: &Row<'_>) -> rusqlite::Result<LoggedReview> {
    let at: String = r.get(2)?;
    Ok(LoggedReview {
        seq: r.get(0)?,
        id: r.get(1)?,
        at: time_of(&at)?,
        day: r.get(3)?,
        mode: r.get(4)?,
        quality: r.get(5)?,
        response_ms: r.get(6)?,
        before: state_at(r, 7)?,
        after: state_at(r, 12)?,
    })
}

/// A user's stored state of a card and its last rescheduling review.
fn load_state(
    conn: &rusqlite::Connection,
    user: UserId,
    card: &CardKey,
) -> rusqlite::Result<Option<(State, DateTime<Utc>)>> {
    let sql = format!(
        "SELECT {STATE_COLUMNS}, last_review FROM card_state
         WHERE user_id = ?1 AND deck_id = ?2 AND card_id = ?3"
    );
    conn.query_row(&sql, params![user, card.deck, card.card], |r| {
        let last: String = r.get(5)?;
        Ok((state_at(r, 0)?, time_of(&last)?))
    })
    .optional()
}

/// Appends one review; 0 if its id is already recorded.
pub(super) fn insert_review(
    conn: &rusqlite::Connection,
    user: UserId,
    r: &NewReview,
    before: &State,
    after: &State,
) -> rusqlite::Result<usize> {
    let b = state_values(before);
    let a = state_values(after);
    conn.prepare_cached(
        "INSERT INTO reviews (uid, user_id, deck_id, card_id, reviewed_at, study_day, mode,
            quality, response_ms, before_reps, before_ease, before_interval, before_due,
            before_lapses, after_reps, after_ease, after_interval, after_due, after_lapses)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19)
         ON CONFLICT (uid) DO NOTHING",
    )?
    .execute(params![
        r.id,
        user,
        r.card.deck,
        r.card.card,
        timestamp(r.at),
        r.day,
        r.mode,
        r.quality,
        r.response_ms,
        b.0,
        b.1,
        b.2,
        b.3,
        b.4,
        a.0,
        a.1,
        a.2,
        a.3,
        a.4
    ])
}

pub(super) fn save_state(
    conn: &rusqlite::Connection,
    user: UserId,
    card: &CardKey,
    state: &State,
    last_review: DateTime<Utc>,
) -> rusqlite::Result<()> {
    let s = state_values(state);
    conn.prepare_cached(
        "INSERT INTO card_state (user_id, deck_id, card_id, repetitions, ease, interval, due,
            lapses, last_review)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (user_id, deck_id, card_id) DO UPDATE SET
            repetitions = excluded.repetitions, ease = excluded.ease,
            interval = excluded.interval, due = excluded.due, lapses = excluded.lapses,
            last_review = excluded.last_review",
    )?
    .execute(params![
        user,
        card.deck,
        card.card,
        s.0,
        s.1,
        s.2,
        s.3,
        s.4,
        timestamp(last_review)
    ])?;
    Ok(())
}
