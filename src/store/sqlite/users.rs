//! Users and their settings.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{SqliteStore, time_of, timestamp};
use crate::sched::Rollover;
use crate::store::{Setting, StoreError, User, UserSummary, Users, check_user_name};

/// Adds the user `name` in `tx` unless they exist; whether it did.
pub(super) fn insert(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, super::TxError> {
    check_user_name(name).map_err(StoreError::UserName)?;
    let sql = "INSERT INTO users (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
    Ok(tx.execute(sql, params![name, timestamp(now)])? == 1)
}

pub(super) const USER_COLUMNS: &str = "id, name, new_per_day, reviews_per_day, rollover_hour";

pub(super) fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let hour: u8 = row.get(4)?;
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        new_per_day: row.get(2)?,
        reviews_per_day: row.get(3)?,
        rollover: Rollover::new(hour).unwrap_or_default(),
    })
}

impl Users for SqliteStore {
    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1");
        self.conn
            .query_row(&sql, [name], user_row)
            .optional()
            .map_err(self.err())
    }

    fn add_user(&mut self, name: &str, now: DateTime<Utc>) -> Result<Option<User>, StoreError> {
        let added = self.write(|tx| {
            check_user_name(name).map_err(StoreError::UserName)?;
            let sql = "INSERT INTO users (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
            Ok(tx.execute(sql, params![name, timestamp(now)])? == 1)
        })?;
        if added { self.user(name) } else { Ok(None) }
    }

    fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, created_at,
                (SELECT COUNT(*) FROM reviews r WHERE r.user_id = u.id),
                (SELECT COUNT(*) FROM card_state s WHERE s.user_id = u.id)
             FROM users u ORDER BY name"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([], |row| {
                let created: String = row.get(5)?;
                Ok(UserSummary {
                    user: user_row(row)?,
                    created_at: time_of(&created)?,
                    reviews: row.get(6)?,
                    cards: row.get(7)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    fn remove_user(&mut self, name: &str) -> Result<Option<u64>, StoreError> {
        self.write(|tx| {
            let reviews: Option<u64> = tx
                .query_row(
                    "SELECT (SELECT COUNT(*) FROM reviews r WHERE r.user_id = u.id)
                     FROM users u WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .optional()?;
            // Reviews and card state go with the user (ON DELETE CASCADE).
            tx.execute("DELETE FROM users WHERE name = ?1", [name])?;
            Ok(reviews)
        })
    }

    fn set(&mut self, user: &User, setting: Setting) -> Result<(), StoreError> {
        let (column, value) = match setting {
            Setting::NewPerDay(n) => ("new_per_day", n),
            Setting::ReviewsPerDay(n) => ("reviews_per_day", n),
            Setting::RolloverHour(r) => ("rollover_hour", u32::from(r.hour())),
        };
        let sql = format!("UPDATE users SET {column} = ?1 WHERE id = ?2");
        self.write(|tx| {
            tx.execute(&sql, params![value, user.id])?;
            Ok(())
        })
    }
}
