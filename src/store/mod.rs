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
pub mod history;
mod open;
mod report;
mod reviews;
mod sessions;
mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, TransactionBehavior};

pub use check::{CheckReport, Mismatch};
pub use decks::{DeckSummary, InstallReport, InstalledDeck};
pub use exams::{ExamAnswer, ExamAttempt, ExamRecord, ExamStart, GivenAnswer};
pub use history::{HistoryRow, ImportReport, LogEntry, Review};
pub use open::{APPLICATION_ID, Access, Builtin, Opening, damage};
pub use report::{AreaName, ExamScore, ReportCard, ScheduledReview};
pub use reviews::{CardKey, Mode, Recorded};
pub use sessions::{DayCounts, StudyCard};
pub use users::{Setting, User, UserSummary, check_user_name, valid_user_name};

/// Migrations, in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_sessions.sql"),
    include_str!("migrations/0003_exams.sql"),
    include_str!("migrations/0004_report_index.sql"),
    include_str!("migrations/0005_review_ids.sql"),
    include_str!("migrations/0006_new_cards.sql"),
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
    #[error("database {}: you cannot write to it or to its directory (it belongs to another user?); recall needs to, so nothing was opened", .0.display())]
    NotWritable(PathBuf),
    #[error("database {}: not a recall database (not an SQLite file); left untouched", .0.display())]
    NotADatabase(PathBuf),
    #[error("database {}: not a recall database (another program's SQLite file); left untouched", .0.display())]
    NotRecall(PathBuf),
    #[error("database {}: busy: another recall is writing to it", .0.display())]
    Busy(PathBuf),
    #[error("database {}: the file is damaged ({detail}); restore it from a backup (`recall backup FILE` makes one)", path.display())]
    Damaged { path: PathBuf, detail: String },
    #[error("the built-in deck: {0}")]
    FirstDeck(Box<crate::deck::Invalid>),
    #[error(
        "no learner with id {0}: they were removed while this ran; nothing more is saved for them"
    )]
    NoSuchUser(i64),
    #[error("{0}")]
    UserName(String),
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
        "review {id} is already recorded for another learner or card ({existing}); the history belongs to another learner"
    )]
    HistoryConflict { id: String, existing: String },
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
    added_user: bool,
}

/// How long one statement waits for another process's write lock before
/// it reports the database busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    fn wrap(conn: Connection, path: &Path, created: bool) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
            created,
            added_user: false,
        }
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

    /// How long a write waits for another process's lock before it
    /// fails with [`StoreError::Busy`] (10 seconds unless set).
    pub fn set_patience(&mut self, wait: Duration) -> Result<(), StoreError> {
        self.conn.busy_timeout(wait).map_err(self.err())
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

    /// Copies the database, as one consistent snapshot, to a new file at
    /// `to` through SQLite's online backup: what is still in the `-wal`
    /// is included, and writers may go on meanwhile.
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
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
/// [`StoreError::Busy`], a damaged file [`StoreError::Damaged`].
fn sqlite(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + use<> {
    use rusqlite::ErrorCode;
    let path = path.to_path_buf();
    move |source| match source.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy(path.clone()),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Damaged {
            path: path.clone(),
            detail: source.to_string(),
        },
        _ => StoreError::Sqlite {
            path: path.clone(),
            source,
        },
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
