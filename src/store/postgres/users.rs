//! Users and their settings.

use chrono::{DateTime, Utc};
use postgres::{Row, Transaction};

use super::{PgStore, TxError, time_of, timestamp, u};
use crate::model::UserId;
use crate::sched::Rollover;
use crate::store::{Setting, StoreError, User, UserSummary, Users, check_user_name};

/// Adds the user `name` in `tx` unless they exist; whether it did.
pub(super) fn insert(
    tx: &mut Transaction<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, TxError> {
    check_user_name(name).map_err(StoreError::UserName)?;
    let sql = "INSERT INTO users (name, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";
    Ok(tx.execute(sql, &[&name, &timestamp(now)])? == 1)
}

/// The columns `user_row` reads, in its order.
pub(super) const USER_COLUMNS: &str = "id, name, new_per_day, reviews_per_day, rollover_hour";

/// A user from the first five columns of `row`, as `USER_COLUMNS` names
/// them.
pub(super) fn user_row(row: &Row) -> Result<User, StoreError> {
    let hour: i64 = row.get(4);
    Ok(User {
        id: UserId(row.get(0)),
        name: row.get(1),
        new_per_day: u(row.get(2)),
        reviews_per_day: u(row.get(3)),
        rollover: u8::try_from(hour)
            .ok()
            .and_then(|h| Rollover::new(h).ok())
            .unwrap_or_default(),
    })
}

/// A stored count as a `u64`.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Users for PgStore {
    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1");
        let row = self
            .db()
            .query_opt(sql.as_str(), &[&name])
            .map_err(self.err())?;
        row.as_ref().map(user_row).transpose()
    }

    fn add_user(&mut self, name: &str, now: DateTime<Utc>) -> Result<Option<User>, StoreError> {
        let added = self.write(|tx| insert(tx, name, now))?;
        if added { self.user(name) } else { Ok(None) }
    }

    fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, created_at,
                (SELECT COUNT(*) FROM reviews r WHERE r.user_id = u.id),
                (SELECT COUNT(*) FROM card_state s WHERE s.user_id = u.id)
             FROM users u ORDER BY name COLLATE \"C\""
        );
        let rows = self.db().query(sql.as_str(), &[]).map_err(self.err())?;
        rows.iter()
            .map(|row| -> Result<UserSummary, StoreError> {
                let created: String = row.get(5);
                Ok(UserSummary {
                    user: user_row(row)?,
                    created_at: time_of(&created)?,
                    reviews: count(row.get(6)),
                    cards: count(row.get(7)),
                })
            })
            .collect()
    }

    fn remove_user(&mut self, name: &str) -> Result<Option<u64>, StoreError> {
        self.write(|tx| {
            let reviews: Option<i64> = tx
                .query_opt(
                    "SELECT (SELECT COUNT(*) FROM reviews r WHERE r.user_id = u.id)
                     FROM users u WHERE name = $1",
                    &[&name],
                )?
                .map(|r| r.get(0));
            // Reviews and card state go with the user (ON DELETE CASCADE).
            tx.execute("DELETE FROM users WHERE name = $1", &[&name])?;
            Ok(reviews.map(count))
        })
    }

    fn set(&mut self, user: &User, setting: Setting) -> Result<(), StoreError> {
        let (column, value) = match setting {
            Setting::NewPerDay(n) => ("new_per_day", n),
            Setting::ReviewsPerDay(n) => ("reviews_per_day", n),
            Setting::RolloverHour(r) => ("rollover_hour", u32::from(r.hour())),
        };
        let sql = format!("UPDATE users SET {column} = $1 WHERE id = $2");
        let value = i64::from(value);
        self.write(|tx| {
            tx.execute(sql.as_str(), &[&value, &user.id.0])?;
            Ok(())
        })
    }
}
