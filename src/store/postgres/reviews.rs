//! The review log and card state: one card's log read and rewritten in the
//! transaction that appends to it, under a lock on that card, exports, and
//! the appends of an import.

use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::{GenericClient, Row, Transaction};

use super::{
    PgStore, Statements, TxError, day_of, mode_of, quality_of, state_at, state_values, time_of,
    timestamp, u,
};
use crate::model::{CardKey, UserId};
use crate::sched::State;
use crate::store::{
    CardLog, CardWrite, Found, HistoryRow, LoggedReview, NewReview, Review, ReviewLog, StoreError,
};

/// The state columns of `card_state`, in `state_at` order.
pub(super) const STATE_COLUMNS: &str = "repetitions, ease, interval, due, lapses";

/// The state columns of a review before it, in `state_at` order.
pub(super) const BEFORE_COLUMNS: &str =
    "before_reps, before_ease, before_interval, before_due, before_lapses";
/// The state columns of a review after it, in `state_at` order.
pub(super) const AFTER_COLUMNS: &str =
    "after_reps, after_ease, after_interval, after_due, after_lapses";

impl ReviewLog for PgStore {
    fn update_card(
        &mut self,
        user: UserId,
        card: &CardKey,
        f: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
    ) -> Result<(), StoreError> {
        self.write(|tx| update_card(tx, &self.statements, user, card, f))
    }

    fn card_state(&self, user: UserId, card: &CardKey) -> Result<State, StoreError> {
        load_state(&mut *self.db(), &self.statements, user, card)
            .map(|s| s.map_or(State::NEW, |(s, _)| s))
            .map_err(self.tx_err())
    }

    fn card_states(&self, user: UserId) -> Result<Vec<(CardKey, State)>, StoreError> {
        let sql = format!(
            "SELECT deck_id, card_id, {STATE_COLUMNS} FROM card_state WHERE user_id = $1
             ORDER BY deck_id COLLATE \"C\", card_id COLLATE \"C\""
        );
        let rows = self
            .db()
            .query(sql.as_str(), &[&user.0])
            .map_err(self.err())?;
        rows.iter()
            .map(|r| -> Result<(CardKey, State), StoreError> {
                Ok((super::key_at(r, 0), state_at(r, 2)?))
            })
            .collect()
    }

    fn history(&self, user: UserId) -> Result<Vec<HistoryRow>, StoreError> {
        super::history::history(&mut *self.db(), user).map_err(self.tx_err())
    }

    fn find_review(&self, user: UserId, review: &Review) -> Result<Found, StoreError> {
        super::history::find_review(&mut *self.db(), user, review).map_err(self.tx_err())
    }

    fn append_reviews(
        &mut self,
        user: UserId,
        reviews: &[(NewReview, State, State)],
    ) -> Result<usize, StoreError> {
        self.write(|tx| {
            let mut added = 0;
            for (review, before, after) in reviews {
                added += insert_review(&mut *tx, &self.statements, user, review, before, after)?;
            }
            Ok(added)
        })
    }

    fn has_card(&self, card: &CardKey) -> Result<bool, StoreError> {
        card_exists(&mut *self.db(), card).map_err(self.err())
    }

    fn set_patience(&mut self, wait: Duration) -> Result<(), StoreError> {
        // `lock_timeout = 0` would wait for ever: the shortest wait is 1 ms.
        let ms = wait.as_millis().max(1);
        let sql = format!("SET lock_timeout = '{ms}ms'");
        self.db().batch_execute(&sql).map_err(self.err())
    }
}

fn card_exists(db: &mut impl GenericClient, card: &CardKey) -> Result<bool, postgres::Error> {
    let row = db.query_one(
        "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = $1 AND id = $2)",
        &[&card.deck.as_str(), &card.card.as_str()],
    )?;
    Ok(row.get(0))
}

/// [`ReviewLog::update_card`] inside a transaction: the card must be
/// installed and the learner still exist. The card is locked for `user`
/// (a transaction-scoped advisory lock) before its log is read, so two
/// writers of one card take turns.
pub(super) fn update_card(
    tx: &mut Transaction<'_>,
    st: &Statements,
    user: UserId,
    card: &CardKey,
    f: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
) -> Result<(), TxError> {
    let lock = format!("{user}/{}/{}", card.deck, card.card);
    let locking = st.get(tx, "SELECT pg_advisory_xact_lock(hashtextextended($1, $2))")?;
    tx.execute(&locking, &[&lock, &user.0])?;
    // The card and the learner are held (FOR KEY SHARE) until the end of
    // the transaction: neither can be removed between this check and the
    // writes, as SQLite's write lock ensures.
    let holding_card = st.get(
        tx,
        "SELECT 1 FROM cards WHERE deck_id = $1 AND id = $2 FOR KEY SHARE",
    )?;
    let installed = tx
        .query_opt(&holding_card, &[&card.deck.as_str(), &card.card.as_str()])?
        .is_some();
    if !installed {
        return Err(TxError::Store(StoreError::UnknownCard {
            deck: card.deck.to_string(),
            card: card.card.to_string(),
        }));
    }
    let holding_user = st.get(tx, "SELECT 1 FROM users WHERE id = $1 FOR KEY SHARE")?;
    let known = tx.query_opt(&holding_user, &[&user.0])?.is_some();
    if !known {
        return Err(TxError::Store(StoreError::NoSuchUser(user)));
    }
    let log = CardLog {
        reviews: card_log(&mut *tx, st, user, card)?,
        stored: load_state(&mut *tx, st, user, card)?,
    };
    let write = f(&log)?;
    if let Some((review, before, after)) = &write.append {
        insert_review(&mut *tx, st, user, review, before, after)?;
    }
    if !write.rewrite.is_empty() {
        let update = tx.prepare(
            "UPDATE reviews SET
                before_reps = $2, before_ease = $3, before_interval = $4, before_due = $5,
                before_lapses = $6,
                after_reps = $7, after_ease = $8, after_interval = $9, after_due = $10,
                after_lapses = $11
             WHERE id = $1",
        )?;
        for (seq, before, after) in &write.rewrite {
            let (b, a) = (state_values(before), state_values(after));
            tx.execute(
                &update,
                &[
                    seq, &b.0, &b.1, &b.2, &b.3, &b.4, &a.0, &a.1, &a.2, &a.3, &a.4,
                ],
            )?;
        }
    }
    if write.state != log.stored {
        match &write.state {
            Some((state, last)) => save_state(&mut *tx, st, user, card, state, *last)?,
            None => {
                tx.execute(
                    "DELETE FROM card_state WHERE user_id = $1 AND deck_id = $2 AND card_id = $3",
                    &[&user.0, &card.deck.as_str(), &card.card.as_str()],
                )?;
            }
        }
    }
    Ok(())
}

/// One card's log for one user, in replay order: time, then recording.
fn card_log(
    db: &mut impl GenericClient,
    st: &Statements,
    user: UserId,
    card: &CardKey,
) -> Result<Vec<LoggedReview>, TxError> {
    let sql = format!(
        "SELECT id, uid, reviewed_at, study_day, mode, quality, response_ms,
            {BEFORE_COLUMNS}, {AFTER_COLUMNS}
         FROM reviews WHERE user_id = $1 AND deck_id = $2 AND card_id = $3
         ORDER BY reviewed_at COLLATE \"C\", id"
    );
    let reading = st.get(db, &sql)?;
    let rows = db.query(
        &reading,
        &[&user.0, &card.deck.as_str(), &card.card.as_str()],
    )?;
    let reviews: Vec<LoggedReview> = rows.iter().map(logged).collect::<Result<_, StoreError>>()?;
    Ok(reviews)
}

/// A review from a row of the columns `card_log` selects: id, uid,
/// reviewed_at, study_day, mode, quality, response_ms, then the five
/// columns before and the five after.
pub(super) fn logged(r: &Row) -> Result<LoggedReview, StoreError> {
    let at: String = r.get(2);
    let day: String = r.get(3);
    let mode: String = r.get(4);
    let response_ms: Option<i64> = r.get(6);
    Ok(LoggedReview {
        seq: r.get(0),
        id: r.get(1),
        at: time_of(&at)?,
        day: day_of(&day)?,
        mode: mode_of(&mode)?,
        quality: quality_of(r.get(5))?,
        response_ms: response_ms.map(u),
        before: state_at(r, 7)?,
        after: state_at(r, 12)?,
    })
}

/// A user's stored state of a card and its last rescheduling review.
fn load_state(
    db: &mut impl GenericClient,
    st: &Statements,
    user: UserId,
    card: &CardKey,
) -> Result<Option<(State, DateTime<Utc>)>, TxError> {
    let sql = format!(
        "SELECT {STATE_COLUMNS}, last_review FROM card_state
         WHERE user_id = $1 AND deck_id = $2 AND card_id = $3"
    );
    let reading = st.get(db, &sql)?;
    let row = db.query_opt(
        &reading,
        &[&user.0, &card.deck.as_str(), &card.card.as_str()],
    )?;
    match row {
        None => Ok(None),
        Some(r) => {
            let last: String = r.get(5);
            Ok(Some((state_at(&r, 0)?, time_of(&last)?)))
        }
    }
}

/// Appends one review; 0 if its id is already recorded.
pub(super) fn insert_review(
    db: &mut impl GenericClient,
    st: &Statements,
    user: UserId,
    r: &NewReview,
    before: &State,
    after: &State,
) -> Result<usize, postgres::Error> {
    let b = state_values(before);
    let a = state_values(after);
    let at = timestamp(r.at);
    let day = r.day.to_string();
    let mode = r.mode.name();
    let quality = i64::from(r.quality.value());
    let response_ms = r.response_ms.map(i64::from);
    let inserting = st.get(
        db,
        "INSERT INTO reviews (uid, user_id, deck_id, card_id, reviewed_at, study_day, mode,
            quality, response_ms, before_reps, before_ease, before_interval, before_due,
            before_lapses, after_reps, after_ease, after_interval, after_due, after_lapses)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $19)
         ON CONFLICT (uid) DO NOTHING",
    )?;
    let added = db.execute(
        &inserting,
        &[
            &r.id,
            &user.0,
            &r.card.deck.as_str(),
            &r.card.card.as_str(),
            &at,
            &day,
            &mode,
            &quality,
            &response_ms,
            &b.0,
            &b.1,
            &b.2,
            &b.3,
            &b.4,
            &a.0,
            &a.1,
            &a.2,
            &a.3,
            &a.4,
        ],
    )?;
    Ok(usize::try_from(added).unwrap_or(usize::MAX))
}

/// Stores a user's state of a card, with its last rescheduling review's
/// time, in place of any stored before.
pub(super) fn save_state(
    db: &mut impl GenericClient,
    st: &Statements,
    user: UserId,
    card: &CardKey,
    state: &State,
    last_review: DateTime<Utc>,
) -> Result<(), postgres::Error> {
    let s = state_values(state);
    let last = timestamp(last_review);
    let saving = st.get(
        db,
        "INSERT INTO card_state (user_id, deck_id, card_id, repetitions, ease, interval, due,
            lapses, last_review)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (user_id, deck_id, card_id) DO UPDATE SET
            repetitions = EXCLUDED.repetitions, ease = EXCLUDED.ease,
            interval = EXCLUDED.interval, due = EXCLUDED.due, lapses = EXCLUDED.lapses,
            last_review = EXCLUDED.last_review",
    )?;
    db.execute(
        &saving,
        &[
            &user.0,
            &card.deck.as_str(),
            &card.card.as_str(),
            &s.0,
            &s.1,
            &s.2,
            &s.3,
            &s.4,
            &last,
        ],
    )?;
    Ok(())
}
