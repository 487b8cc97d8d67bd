//! The SQLite store: users and their settings, installed decks and cards,
//! each user's card state, and the append-only review log.
//!
//! This is the only module that speaks SQL. It depends on `sched` for the
//! scheduler and on the deck model (data only); it never prints, never
//! reads the clock (times are passed in) and never alters a database it
//! cannot fully understand: a file that is not SQLite, a read-only file, or
//! a schema newer than this build is refused before anything is written.

mod check;
mod decks;
mod exams;
mod history;
mod report;
mod reviews;
mod sessions;
mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use check::{CheckReport, Mismatch};
pub use decks::{DeckSummary, InstallReport, InstalledDeck};
pub use exams::{ExamAnswer, ExamAttempt, ExamRecord};
pub use history::{HistoryRow, ImportReport, LogEntry, Review};
pub use report::{AreaName, ExamScore, ReportCard, ScheduledReview};
pub use reviews::{CardKey, Mode, Recorded};
pub use sessions::{DayCounts, StudyCard};
pub use users::{Setting, User, UserSummary, valid_user_name};

/// Migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_sessions.sql"),
    include_str!("migrations/0003_exams.sql"),
    include_str!("migrations/0004_report_index.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Every way the store can fail.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {}: the directory {} does not exist", path.display(), dir.display())]
    NoDirectory { path: PathBuf, dir: PathBuf },
    #[error("database {}: the file is read-only; recall needs to write to it", .0.display())]
    ReadOnly(PathBuf),
    #[error("database {}: not a recall database (not an SQLite file); left untouched", .0.display())]
    NotADatabase(PathBuf),
    #[error(
        "database {}: written by a newer recall (schema version {found}; this one knows up to {known}); left untouched",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("no card {card:?} in deck {deck:?}")]
    UnknownCard { deck: String, card: String },
    #[error(
        "a review at {at} is already recorded for another card ({existing}); the history belongs to another user or database"
    )]
    HistoryConflict { at: String, existing: String },
    #[error("database {}: cannot read it: {}", path.display(), crate::io_text(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    created: bool,
}

impl Store {
    /// Opens the database at `path`, creating it (but not its directory) if
    /// it does not exist, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let dir = match path.parent() {
            Some(d) if d.as_os_str().is_empty() => Path::new("."),
            Some(d) => d,
            None => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(StoreError::NoDirectory {
                path: path.to_path_buf(),
                dir: dir.to_path_buf(),
            });
        }
        let created = !path.exists();
        if !created {
            preflight(path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(sqlite(path))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            created,
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    /// Whether this open created the database file.
    pub fn created(&self) -> bool {
        self.created
    }

    /// Where the database is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(&self) -> Result<(), StoreError> {
        let err = sqlite(&self.path);
        self.conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(&err)?;
        // Read the version before anything that writes (journal_mode does).
        let found = self.user_version()?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: self.path.clone(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        // WAL lets a reader and a writer work at once; FULL makes every
        // commit durable before the next card is shown.
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(&err)?;
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(&err)?;
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(&err)?;
        Ok(())
    }

    fn user_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sqlite(&self.path))
    }

    /// Applies the migrations this database lacks, each in its own
    /// transaction, re-reading the version under the write lock so two
    /// processes never apply one twice.
    fn migrate(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = sqlite(&path);
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(&err)?;
            let version: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(&err)?;
            let Some(step) = usize::try_from(version)
                .ok()
                .and_then(|v| MIGRATIONS.get(v))
            else {
                return Ok(());
            };
            tx.execute_batch(step).map_err(&err)?;
            tx.pragma_update(None, "user_version", version + 1)
                .map_err(&err)?;
            tx.commit().map_err(&err)?;
        }
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

/// Refuses a file that is not SQLite or that may not be written, before
/// SQLite touches it.
fn preflight(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(StoreError::NotADatabase(path.to_path_buf()));
    }
    if meta.permissions().readonly() {
        return Err(StoreError::ReadOnly(path.to_path_buf()));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(io)?;
    let read = std::io::Read::read(&mut file, &mut header).map_err(io)?;
    if read < header.len() || &header != b"SQLite format 3\0" {
        return Err(StoreError::NotADatabase(path.to_path_buf()));
    }
    Ok(())
}

fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + use<> {
    let path = path.to_path_buf();
    move |source| StoreError::Sqlite {
        path: path.clone(),
        source,
    }
}

/// A stored text that does not read as what it should be (a date, a
/// mode, a card's JSON): the error SQLite's own conversions give.
pub(crate) fn bad_text(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
}

/// A card from the JSON a `cards` row stores.
pub(crate) fn card_json(json: &str) -> rusqlite::Result<crate::deck::Card> {
    serde_json::from_str(json).map_err(bad_text)
}

/// A UTC time as stored: fixed width, milliseconds, so text order is time
/// order.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}
