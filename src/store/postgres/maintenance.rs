//! `recall check` at the PostgreSQL level: the database's own checks
//! (its constraints hold every foreign key), the whole log in replay
//! order, the stored states. A backup of a PostgreSQL database is
//! `pg_dump`'s job, not recall's.

use std::path::Path;

use super::reviews::{AFTER_COLUMNS, BEFORE_COLUMNS, STATE_COLUMNS, logged, save_state};
use super::{PgStore, key_at, state_at, time_of};
use crate::model::UserId;
use crate::store::{CardKey, Counts, LoggedReview, Maintenance, StoreError, StoredState};

impl Maintenance for PgStore {
    fn place(&self) -> String {
        self.place.clone()
    }

    /// PostgreSQL enforces every foreign key and check as it writes, and
    /// checksums its pages itself: what is left to find is a card state
    /// whose card is gone, which the constraints already refuse.
    fn integrity(&self) -> Result<Vec<String>, StoreError> {
        let row = self
            .db()
            .query_one(
                "SELECT COUNT(*) FROM card_state s
                 WHERE NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.deck_id = s.deck_id AND c.id = s.card_id)",
                &[],
            )
            .map_err(self.err())?;
        let orphans: i64 = row.get(0);
        Ok(if orphans > 0 {
            vec![format!("{orphans} card states refer to missing cards")]
        } else {
            Vec::new()
        })
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let row = self
            .db()
            .query_one(
                "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM decks),
                        (SELECT COUNT(*) FROM reviews), (SELECT COUNT(*) FROM card_state)",
                &[],
            )
            .map_err(self.err())?;
        let n = |i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
        Ok(Counts {
            users: n(0),
            decks: n(1),
            reviews: n(2),
            states: n(3),
        })
    }

    fn each_review(
        &self,
        f: &mut dyn FnMut(UserId, &CardKey, &LoggedReview) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let rows = self
            .db()
            .query(
                &format!(
                    "SELECT id, uid, reviewed_at, study_day, mode, quality, response_ms,
                        {BEFORE_COLUMNS}, {AFTER_COLUMNS}, user_id, deck_id, card_id
                     FROM reviews ORDER BY user_id, deck_id, card_id, reviewed_at, id"
                ),
                &[],
            )
            .map_err(self.err())?;
        for r in &rows {
            let review = logged(r)?;
            let user = UserId(r.get(17));
            let card = key_at(r, 18);
            f(user, &card, &review)?;
        }
        Ok(())
    }

    fn stored_states(&self) -> Result<Vec<StoredState>, StoreError> {
        let rows = self
            .db()
            .query(
                &format!(
                    "SELECT user_id, deck_id, card_id, last_review, {STATE_COLUMNS} FROM card_state
                     ORDER BY user_id, deck_id, card_id"
                ),
                &[],
            )
            .map_err(self.err())?;
        rows.iter()
            .map(|r| {
                let last: String = r.get(3);
                Ok(StoredState {
                    user: UserId(r.get(0)),
                    card: key_at(r, 1),
                    last: time_of(&last)?,
                    state: state_at(r, 4)?,
                })
            })
            .collect()
    }

    fn replace_states(&mut self, states: &[StoredState]) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM card_state", &[])?;
            for s in states {
                save_state(tx, &self.statements, s.user, &s.card, &s.state, s.last)?;
            }
            Ok(())
        })
    }

    fn broken(&self) -> bool {
        self.client
            .try_borrow()
            .is_ok_and(|c| c.as_ref().is_none_or(postgres::Client::is_closed))
    }

    fn another(&self) -> Result<crate::store::Db, StoreError> {
        Ok(Box::new(PgStore::connect(&self.url)?))
    }

    fn backup(&self, _to: &Path) -> Result<(), StoreError> {
        Err(StoreError::Invalid(format!(
            "{}: back up a PostgreSQL database with pg_dump (recall backup copies SQLite files)",
            self.place
        )))
    }
}
