//! Users and their settings.

use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError, timestamp};
use crate::sched::Rollover;

/// A learner, with the settings their drills follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub name: String,
    /// New cards introduced per study day.
    pub new_per_day: u32,
    /// Reviews of due cards per study day.
    pub reviews_per_day: u32,
    pub rollover: Rollover,
}

/// A user and how much they have done, for `recall user list`.
#[derive(Debug, Clone)]
pub struct UserSummary {
    pub user: User,
    pub created_at: String,
    pub reviews: u64,
    pub cards: u64,
}

/// A setting `recall user set KEY VALUE` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    NewPerDay(u32),
    ReviewsPerDay(u32),
    RolloverHour(Rollover),
}

impl Setting {
    /// The keys, as typed.
    pub const KEYS: [&'static str; 3] = ["new-per-day", "reviews-per-day", "rollover-hour"];

    /// A setting from its key and value as typed.
    pub fn parse(key: &str, value: &str) -> Result<Setting, String> {
        let count = || {
            value
                .trim()
                .parse::<u32>()
                .map_err(|_| format!("{key} must be a whole number, got {value:?}"))
        };
        match key {
            "new-per-day" => count().map(Setting::NewPerDay),
            "reviews-per-day" => count().map(Setting::ReviewsPerDay),
            "rollover-hour" => value
                .parse()
                .map(Setting::RolloverHour)
                .map_err(|e| e.to_string()),
            _ => Err(format!(
                "unknown setting {key:?} (settings: {})",
                Setting::KEYS.join(", ")
            )),
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::NewPerDay(n) => write!(f, "new-per-day = {n}"),
            Setting::ReviewsPerDay(n) => write!(f, "reviews-per-day = {n}"),
            Setting::RolloverHour(r) => write!(f, "rollover-hour = {}", r.hour()),
        }
    }
}

/// Whether `name` can name a user: 1-64 characters, not only spaces, and
/// nothing invisible that could make two names look alike or reorder what
/// is printed around it.
pub fn valid_user_name(name: &str) -> bool {
    check_user_name(name).is_ok()
}

/// Why `name` cannot name a user, if it cannot.
pub fn check_user_name(name: &str) -> Result<(), String> {
    let shown = crate::text::quoted(name);
    let why = if name.trim().is_empty() {
        "a name needs a visible character"
    } else if name.chars().count() > 64 {
        "a name has at most 64 characters"
    } else if name.chars().any(char::is_control) {
        "a name may not hold control characters (they act on the terminal)"
    } else if name.chars().any(crate::text::is_bidi_control) {
        "a name may not hold right-to-left overrides or isolates (they reorder the text around them)"
    } else if name.chars().any(crate::text::is_invisible) {
        "a name may not hold zero-width or invisible characters (two names would look alike)"
    } else {
        return Ok(());
    };
    Err(format!("{shown} cannot name a user: {why}"))
}

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

const USER_COLUMNS: &str = "id, name, new_per_day, reviews_per_day, rollover_hour";

fn user_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let hour: u8 = row.get(4)?;
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        new_per_day: row.get(2)?,
        reviews_per_day: row.get(3)?,
        rollover: Rollover::new(hour).unwrap_or_default(),
    })
}

impl Store {
    /// The user with this name.
    pub fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name = ?1");
        self.conn
            .query_row(&sql, [name], user_row)
            .optional()
            .map_err(self.err())
    }

    /// Adds a user; `None` if one with this name exists.
    pub fn add_user(&mut self, name: &str, now: DateTime<Utc>) -> Result<Option<User>, StoreError> {
        let added = self.write(|tx| {
            check_user_name(name).map_err(StoreError::UserName)?;
            let sql = "INSERT INTO users (name, created_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
            Ok(tx.execute(sql, params![name, timestamp(now)])? == 1)
        })?;
        if added { self.user(name) } else { Ok(None) }
    }

    /// Every user, by name, with their totals.
    pub fn users(&self) -> Result<Vec<UserSummary>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, created_at,
                (SELECT COUNT(*) FROM reviews r WHERE r.user_id = u.id),
                (SELECT COUNT(*) FROM card_state s WHERE s.user_id = u.id)
             FROM users u ORDER BY name"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([], |row| {
                Ok(UserSummary {
                    user: user_row(row)?,
                    created_at: row.get(5)?,
                    reviews: row.get(6)?,
                    cards: row.get(7)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Removes a user and their history, nobody else's; the number of
    /// reviews deleted, or `None` if there is no such user.
    pub fn remove_user(&mut self, name: &str) -> Result<Option<u64>, StoreError> {
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

    /// Changes one of a user's settings.
    pub fn set(&mut self, user: &User, setting: Setting) -> Result<(), StoreError> {
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
