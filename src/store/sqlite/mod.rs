//! The SQLite backend, the embedded default: one file, WAL mode,
//! `synchronous=FULL` and `BEGIN IMMEDIATE` writes, numbered migrations on
//! `PRAGMA user_version`, and a preflight that refuses what recall must
//! not open before SQLite touches it.
//!
//! This is the only code that speaks SQL. It never prints, never reads the
//! clock (times are passed in) and never alters a database it cannot fully
//! understand.

mod accounts;
mod decks;
mod exams;
mod history;
mod maintenance;
mod open;
mod report;
mod reviews;
mod study;
mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, TransactionBehavior};

pub use open::{APPLICATION_ID, Access, Builtin, Opening, damage};

use super::StoreError;
use crate::model::{CardId, DeckId, Mode, UserId};
use crate::sched::{Quality, StudyDay};

/// Migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_sessions.sql"),
    include_str!("migrations/0003_exams.sql"),
    include_str!("migrations/0004_report_index.sql"),
    include_str!("migrations/0005_review_ids.sql"),
    include_str!("migrations/0006_new_cards.sql"),
    include_str!("migrations/0007_classes.sql"),
    include_str!("migrations/0008_exam_attempt_ids.sql"),
];

/// The schema version this build writes.
#[allow(clippy::cast_possible_wrap)] // a handful of migrations
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long one statement waits for another process's write lock before
/// it reports the database busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open SQLite database.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    created: bool,
    added_user: bool,
}

impl SqliteStore {
    fn wrap(conn: Connection, path: &Path, created: bool) -> SqliteStore {
        SqliteStore {
            conn,
            path: path.to_path_buf(),
            created,
            added_user: false,
        }
    }

    /// A new database in memory, with the whole schema: for tests and
    /// throwaway runs.
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        let err = sqlite(Path::new(":memory:"));
        let mut conn = Connection::open_in_memory().map_err(&err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(&err)?;
        let tx = conn.transaction().map_err(&err)?;
        for step in MIGRATIONS {
            tx.execute_batch(step).map_err(&err)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(&err)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(SqliteStore::wrap(conn, Path::new(":memory:"), true))
    }

    /// Whether this open added the learner it was asked for.
    pub fn added_user(&self) -> bool {
        self.added_user
    }

    /// Whether this open created the database file.
    pub fn created(&self) -> bool {
        self.created
    }

    /// Where the database is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in a write transaction taken at once (`BEGIN IMMEDIATE`),
    /// so what it reads cannot change before it writes. Nothing is kept if
    /// `f` fails.
    fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, TxError>,
    ) -> Result<T, StoreError> {
        let err = sqlite(&self.path);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let value = f(&tx).map_err(|e| match e {
            TxError::Sql(e) => err(e),
            TxError::Store(e) => e,
        })?;
        tx.commit().map_err(&err)?;
        Ok(value)
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        sqlite(&self.path)
    }
}

/// What a write transaction can fail with.
enum TxError {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for TxError {
    fn from(e: rusqlite::Error) -> TxError {
        TxError::Sql(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> TxError {
        TxError::Store(e)
    }
}

/// Turns SQLite's errors into the store's: a lock held too long is
/// [`StoreError::Busy`], a damaged file [`StoreError::Damaged`], anything
/// else the backend's own error, as a source.
fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + use<> {
    use rusqlite::ErrorCode;
    let place = path.display().to_string();
    move |source| match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            StoreError::Busy(place.clone())
        }
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
            place: place.clone(),
            detail: source.to_string(),
        },
        _ => StoreError::Backend {
            place: place.clone(),
            source: Box::new(source),
        },
    }
}

/// A stored text that does not read as what it should be (a date, a
/// mode, a card's JSON): the error SQLite's own conversions give.
fn bad_text(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
}

/// A card from the JSON a `cards` row stores.
fn card_json(json: &str) -> rusqlite::Result<crate::deck::Card> {
    serde_json::from_str(json).map_err(bad_text)
}

/// A UTC time as stored: fixed width, milliseconds, so text order is time
/// order.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored time.
fn time_of(text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(bad_text)
}

/// The modes whose answers move a schedule, as an SQL list: the filters
/// take it from the rules, never from a literal.
fn rescheduling_modes() -> String {
    let names: Vec<String> = Mode::ALL
        .into_iter()
        .filter(|m| m.reschedules())
        .map(|m| format!("'{}'", m.name()))
        .collect();
    names.join(", ")
}

/// The SQL condition that deck `deck` (a column) is one `user` (a
/// parameter) studies: a learner in a class studies the decks assigned to
/// their classes; anyone else, every installed deck.
fn studied(deck: &str, user: &str) -> String {
    format!(
        "(NOT EXISTS (SELECT 1 FROM class_members m WHERE m.user_id = {user})
          OR {deck} IN (SELECT cd.deck_id FROM class_decks cd
                        JOIN class_members m ON m.class_id = cd.class_id
                        WHERE m.user_id = {user}))"
    )
}

/// The modes of a drill (first answers and SM-2's repeats), as an SQL list.
fn drill_modes() -> String {
    format!("'{}', '{}'", Mode::Drill.name(), Mode::DrillRepeat.name())
}

impl ToSql for UserId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0))
    }
}

impl FromSql for UserId {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(UserId)
    }
}

macro_rules! text_sql {
    ($name:ident) => {
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                String::column_result(value).map($name::from)
            }
        }
    };
}

text_sql!(DeckId);
text_sql!(CardId);

impl ToSql for Mode {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.name()))
    }
}

impl FromSql for Mode {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        text.parse()
            .map_err(|e: crate::model::ModeError| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for Quality {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.value()))
    }
}

impl FromSql for Quality {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let n = u8::column_result(value)?;
        Quality::new(n).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for StudyDay {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for StudyDay {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: chrono::ParseError| FromSqlError::Other(Box::new(e)))
    }
}
