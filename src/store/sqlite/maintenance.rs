//! `recall check` and `recall backup` at the SQLite level: the file's own
//! integrity and foreign-key checks, the whole log in replay order, the
//! stored states, and a consistent copy through the online backup API.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, params};

use super::reviews::{AFTER_COLUMNS, BEFORE_COLUMNS, STATE_COLUMNS, logged, save_state, state_at};
use super::{SqliteStore, sqlite, time_of};
use crate::model::{CardKey, UserId};
use crate::store::{Counts, LoggedReview, Maintenance, StoreError, StoredState};

impl Maintenance for SqliteStore {
    fn place(&self) -> String {
        self.path.display().to_string()
    }

    fn integrity(&self) -> Result<Vec<String>, StoreError> {
        let err = self.err();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(&err)?;
        let mut problems: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .map_err(&err)?
            .collect::<Result<Vec<String>, _>>()
            .map_err(&err)?
            .into_iter()
            .filter(|l| l != "ok")
            .collect();
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
        problems.extend(fk);
        Ok(problems)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let err = self.err();
        let count = |sql: &str| self.conn.query_row(sql, [], |r| r.get(0)).map_err(&err);
        Ok(Counts {
            users: count("SELECT COUNT(*) FROM users")?,
            decks: count("SELECT COUNT(*) FROM decks")?,
            reviews: count("SELECT COUNT(*) FROM reviews")?,
            states: count("SELECT COUNT(*) FROM card_state")?,
        })
    }

    fn each_review(
        &self,
        f: &mut dyn FnMut(UserId, &CardKey, &LoggedReview) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, uid, reviewed_at, study_day, mode, quality, response_ms,
                    {BEFORE_COLUMNS}, {AFTER_COLUMNS}, user_id, deck_id, card_id
                 FROM reviews ORDER BY user_id, deck_id, card_id, reviewed_at, id"
            ))
            .map_err(&err)?;
        let mut rows = stmt.query([]).map_err(&err)?;
        while let Some(r) = rows.next().map_err(&err)? {
            let review = logged(r).map_err(&err)?;
            let user: UserId = r.get(17).map_err(&err)?;
            let card = CardKey {
                deck: r.get(18).map_err(&err)?,
                card: r.get(19).map_err(&err)?,
            };
            f(user, &card, &review)?;
        }
        Ok(())
    }

    fn stored_states(&self) -> Result<Vec<StoredState>, StoreError> {
        let err = self.err();
        let sql = format!(
            "SELECT user_id, deck_id, card_id, last_review, {STATE_COLUMNS} FROM card_state
             ORDER BY user_id, deck_id, card_id"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(&err)?;
        let rows = stmt
            .query_map(params![], |r| {
                let last: String = r.get(3)?;
                Ok(StoredState {
                    user: r.get(0)?,
                    card: CardKey {
                        deck: r.get(1)?,
                        card: r.get(2)?,
                    },
                    last: time_of(&last)?,
                    state: state_at(r, 4)?,
                })
            })
            .map_err(&err)?;
        rows.collect::<Result<_, _>>().map_err(&err)
    }

    fn replace_states(&mut self, states: &[StoredState]) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM card_state", [])?;
            for s in states {
                save_state(tx, s.user, &s.card, &s.state, s.last)?;
            }
            Ok(())
        })
    }

    fn another(&self) -> Result<crate::store::Db, StoreError> {
        Ok(Box::new(SqliteStore::another(self)?))
    }

    /// Copies the database, as one consistent snapshot, to a new file at
    /// `to` through SQLite's online backup: what is still in the `-wal`
    /// is included, and writers may go on meanwhile.
    fn backup(&self, to: &Path) -> Result<(), StoreError> {
        let err = sqlite(to);
        let mut target = Connection::open(to).map_err(&err)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target).map_err(&err)?;
            backup
                .run_to_completion(1024, Duration::from_millis(10), None)
                .map_err(&err)?;
        }
        // A copy on its own: one file, not a WAL database.
        target
            .pragma_update(None, "journal_mode", "DELETE")
            .map_err(&err)?;
        target.close().map_err(|(_, e)| err(e))
    }
}
