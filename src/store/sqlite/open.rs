//! Opening a database: refusing what is not ours or cannot be written
//! before SQLite touches it, read-only opens that never wait on a writer,
//! and a first use (schema, first deck, learner) in one transaction.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{MIGRATIONS, SCHEMA_VERSION, SqliteStore, StoreError, TxError, sqlite};
use crate::deck::{Deck, Invalid};

/// `PRAGMA application_id` of a recall database: "RCLL".
pub const APPLICATION_ID: i32 = 0x5243_4c4c;

/// The `meta` key set once a database has had its first deck: a database
/// without it (a first use that was killed) gets the first deck on its
/// next open, and one with it is never given a deck its owner removed.
const FIRST_DECK: &str = "first-deck-installed";

/// How long an open waits for another process that holds the write lock
/// (creating or migrating the same database) before it gives up.
const OPEN_PATIENCE: Duration = Duration::from_secs(30);

/// Whether a command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    /// Reads and writes; takes the write lock only while writing.
    #[default]
    ReadWrite,
    /// Opened read-only: never takes a lock a writer holds, never waits
    /// on one, never changes the file.
    ReadOnly,
}

/// The deck built into the program: a database that has never had a deck
/// is given it, and an installed copy older than `version` is updated.
pub struct Builtin<'a> {
    /// The deck's id.
    pub id: &'a str,
    /// The version this build carries.
    pub version: u32,
    /// Reads the deck (only when it is needed).
    pub load: &'a dyn Fn() -> Result<Deck, Invalid>,
}

/// How to open a database, and what a first use puts in it.
pub struct Opening<'a> {
    /// Whether the database is opened for writing.
    pub access: Access,
    /// Installed in the transaction that creates the schema.
    pub builtin: Option<Builtin<'a>>,
    /// The learner to add, in that same transaction, if missing.
    pub user: Option<&'a str>,
    /// The time a first use records.
    pub now: DateTime<Utc>,
}

impl Opening<'_> {
    /// A read-write open that adds nothing (so needs no time).
    pub fn plain() -> Opening<'static> {
        Opening {
            access: Access::ReadWrite,
            builtin: None,
            user: None,
            now: DateTime::UNIX_EPOCH,
        }
    }
}

/// What the file on disk is, read before SQLite opens it.
enum Found {
    /// No file, or an empty one: a new database.
    New,
    /// An SQLite file marked as recall's.
    Recall,
    /// An SQLite file without recall's application id in its header: an
    /// empty database, an earlier recall's, or another program's; SQLite
    /// reads its id and tables under its locks, and they tell.
    Unmarked,
}

impl SqliteStore {
    /// Opens the database at `path` for reading and writing, creating it
    /// (but not its directory) if needed, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, &Opening::plain())
    }

    /// Opens the database as the program uses it: a database that has
    /// never had a deck gets the shipped one, in the transaction that
    /// creates it, with `learner` if given; an installed shipped deck older
    /// than this build's is brought up to date, keeping its history.
    pub fn open_for_use(
        path: &Path,
        access: Access,
        learner: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<SqliteStore, StoreError> {
        let load = || crate::deck::shipped();
        let opening = Opening {
            access,
            builtin: Some(Builtin {
                id: crate::deck::SHIPPED_ID,
                version: crate::deck::SHIPPED_VERSION,
                load: &load,
            }),
            user: learner,
            now,
        };
        SqliteStore::open_with(path, &opening)
    }

    /// Opens the database at `path` as `opening` says. Another process
    /// creating or migrating the same file at the same moment is waited
    /// for, not failed on.
    pub fn open_with(path: &Path, opening: &Opening<'_>) -> Result<SqliteStore, StoreError> {
        let started = Instant::now();
        loop {
            match try_open(path, opening) {
                Err(StoreError::Busy(_)) if started.elapsed() < OPEN_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }
}

fn try_open(path: &Path, opening: &Opening<'_>) -> Result<SqliteStore, StoreError> {
    let found = preflight(path)?;
    let created = matches!(found, Found::New);
    let err = sqlite(path);
    // What needs writing is decided on a read-only look first, so a
    // command that only reads never queues behind a writer.
    let needs_write = match found {
        Found::New => true,
        Found::Recall | Found::Unmarked => {
            let conn = connect_to_read(path)?;
            // One read transaction: a first use committing meanwhile is
            // seen whole (mark, version and tables) or not at all.
            let snapshot = conn.unchecked_transaction().map_err(&err)?;
            let look = look(&snapshot, path, opening.builtin.as_ref().map(|b| b.id))?;
            drop(snapshot);
            if matches!(found, Found::Unmarked) && !look.is_recall_or_empty() {
                return Err(StoreError::NotRecall(path.to_path_buf()));
            }
            if look.version > SCHEMA_VERSION {
                return Err(StoreError::Newer {
                    place: path.display().to_string(),
                    found: look.version,
                    known: SCHEMA_VERSION,
                });
            }
            let user_missing = match opening.user {
                Some(name) if look.version >= 1 => !has_user(&conn, name).map_err(&err)?,
                Some(_) => true,
                None => false,
            };
            let builtin_due = opening.builtin.as_ref().is_some_and(|b| {
                !look.first_deck || look.builtin_version.is_some_and(|v| v < b.version)
            });
            let needs = look.version < SCHEMA_VERSION
                || look.application_id != APPLICATION_ID
                || builtin_due
                || user_missing;
            if !needs && opening.access == Access::ReadOnly {
                return Ok(SqliteStore::wrap(conn, path, false));
            }
            needs
        }
    };
    let mut conn = connect(path, Access::ReadWrite)?;
    let added_user = needs_write && set_up(&mut conn, path, opening)?;
    if opening.access == Access::ReadOnly {
        conn = connect_to_read(path)?;
    }
    let mut store = SqliteStore::wrap(conn, path, created);
    store.added_user = added_user;
    Ok(store)
}

impl SqliteStore {
    /// Another connection to this store's database, with no preflight:
    /// for a process that already holds one (a server's learners). The
    /// preflight reads the file through descriptors of its own, and
    /// closing any descriptor of a file drops every POSIX lock this
    /// process holds on it, SQLite's included: another process could then
    /// take the database for unused and remove its `-wal`.
    pub fn another(&self) -> Result<SqliteStore, StoreError> {
        if self.path == Path::new(":memory:") {
            return Err(StoreError::Invalid(
                "a database in memory has no second connection".to_string(),
            ));
        }
        let conn = connect(&self.path, Access::ReadWrite)?;
        Ok(SqliteStore::wrap(conn, &self.path, false))
    }
}

/// A connection with the settings every use needs.
fn connect(path: &Path, access: Access) -> Result<Connection, StoreError> {
    let err = sqlite(path);
    let flags = match access {
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(&err)?;
    conn.busy_timeout(super::BUSY_TIMEOUT).map_err(&err)?;
    if access == Access::ReadWrite {
        // FULL makes every commit durable before the next card is shown.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(&err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(&err)?;
    }
    Ok(conn)
}

/// A connection that only reads: read-only, unless the file holds a `-wal`
/// left by a process that was killed, which only a writer may recover
/// (preflight has made sure this process may write).
fn connect_to_read(path: &Path) -> Result<Connection, StoreError> {
    let conn = connect(path, Access::ReadOnly)?;
    match conn.query_row("PRAGMA application_id", [], |r| r.get::<_, i32>(0)) {
        Ok(_) => Ok(conn),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ReadOnly) => {
            drop(conn);
            connect(path, Access::ReadWrite)
        }
        Err(e) => Err(sqlite(path)(e)),
    }
}

/// What a read-only look at an existing file finds.
struct Look {
    application_id: i32,
    version: i64,
    tables: Vec<String>,
    first_deck: bool,
    /// The installed version of the built-in deck, if asked about.
    builtin_version: Option<u32>,
}

impl Look {
    /// An empty database, or one whose tables are recall's.
    fn is_recall_or_empty(&self) -> bool {
        if self.application_id == APPLICATION_ID {
            return true;
        }
        if self.application_id != 0 {
            return false;
        }
        if self.tables.is_empty() && self.version == 0 {
            return true;
        }
        let ours = ["users", "decks", "areas", "cards", "card_state", "reviews"];
        self.version >= 1 && ours.iter().all(|t| self.tables.iter().any(|n| n == t))
    }
}

fn look(conn: &Connection, path: &Path, builtin: Option<&str>) -> Result<Look, StoreError> {
    let err = sqlite(path);
    let application_id: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(&err)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(&err)?;
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .map_err(&err)?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map_err(&err)?
        .collect::<Result<_, _>>()
        .map_err(&err)?;
    let first_deck = tables.iter().any(|t| t == "meta")
        && conn
            .query_row(
                "SELECT 1 FROM meta WHERE key = ?1",
                [FIRST_DECK],
                |_| Ok(()),
            )
            .optional()
            .map_err(&err)?
            .is_some();
    let builtin_version = match builtin {
        Some(id) if tables.iter().any(|t| t == "decks") => conn
            .query_row("SELECT version FROM decks WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&err)?,
        _ => None,
    };
    Ok(Look {
        application_id,
        version,
        tables,
        first_deck,
        builtin_version,
    })
}

fn has_user(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
        [name],
        |r| r.get(0),
    )
}

/// Everything a first use or an upgrade writes, in one transaction taken
/// under the write lock: the migrations this file lacks, recall's mark,
/// the first deck and the learner. Killed at any point, it leaves the
/// file as it was. Whether it added the learner.
fn set_up(conn: &mut Connection, path: &Path, opening: &Opening<'_>) -> Result<bool, StoreError> {
    let err = sqlite(path);
    // WAL lets readers work beside a writer. The switch cannot happen in a
    // transaction; on an empty file it changes nothing else, so a kill
    // right after it still leaves a new database.
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(&err)?;
    if !mode.eq_ignore_ascii_case("wal") {
        let set: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(&err)?;
        if !set.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Busy(path.display().to_string()));
        }
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(&err)?;
    let result = (|| -> Result<bool, TxError> {
        let look = look(&tx, path, None)?;
        if !look.is_recall_or_empty() {
            return Err(StoreError::NotRecall(path.to_path_buf()).into());
        }
        if look.version > SCHEMA_VERSION {
            return Err(StoreError::Newer {
                place: path.display().to_string(),
                found: look.version,
                known: SCHEMA_VERSION,
            }
            .into());
        }
        let from = usize::try_from(look.version).unwrap_or(0);
        for step in MIGRATIONS.iter().skip(from) {
            tx.execute_batch(step)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        if let Some(builtin) = &opening.builtin {
            let had: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
                [FIRST_DECK],
                |r| r.get(0),
            )?;
            let installed: Option<u32> = tx
                .query_row(
                    "SELECT version FROM decks WHERE id = ?1",
                    [builtin.id],
                    |r| r.get(0),
                )
                .optional()?;
            if !had || installed.is_some_and(|v| v < builtin.version) {
                let deck = (builtin.load)().map_err(|e| StoreError::FirstDeck(Box::new(e)))?;
                super::decks::install(&tx, &deck, &super::timestamp(opening.now))?;
                mark_first_deck(&tx, opening.now)?;
            }
        }
        match opening.user {
            Some(name) => super::users::insert(&tx, name, opening.now),
            None => Ok(false),
        }
    })();
    match result {
        Ok(added) => tx.commit().map(|()| added).map_err(&err),
        Err(TxError::Sql(e)) => Err(err(e)),
        Err(TxError::Store(e)) => Err(e),
    }
}

/// Records that the database has had its first deck.
pub(super) fn mark_first_deck(
    tx: &rusqlite::Transaction<'_>,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING",
        [FIRST_DECK, &super::timestamp(now)],
    )?;
    Ok(())
}

/// Refuses what recall must not open, before SQLite touches it: a
/// directory, a file that is not SQLite, one marked as another program's,
/// or one this user cannot write (so no answer is ever taken that cannot
/// be saved, and no `-wal` or `-shm` of another user's is left behind).
fn preflight(path: &Path) -> Result<Found, StoreError> {
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
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(e)),
    };
    if !writable_dir(dir) {
        return Err(StoreError::NotWritable(path.to_path_buf()));
    }
    let Some(meta) = meta else {
        return Ok(Found::New);
    };
    if !meta.is_file() {
        return Err(StoreError::NotADatabase(path.to_path_buf()));
    }
    if meta.permissions().readonly() {
        return Err(StoreError::ReadOnly(path.to_path_buf()));
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&file)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !suffix.is_empty() => {}
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(StoreError::NotWritable(path.to_path_buf()));
            }
            Err(e) => return Err(io(e)),
        }
    }
    if meta.len() == 0 {
        return Ok(Found::New);
    }
    // Read without SQLite's locks, the header may be caught in the middle
    // of another process's write: a look that fails is taken again before
    // the file is called foreign, and an application id that is not ours
    // is left for SQLite itself to read, under its locks.
    let mut header = [0u8; 100];
    for attempt in 0..3 {
        let mut file = std::fs::File::open(path).map_err(io)?;
        let read = read_up_to(&mut file, &mut header).map_err(io)?;
        if read == header.len() && &header[..16] == b"SQLite format 3\0" {
            break;
        }
        if attempt == 2 {
            return Err(StoreError::NotADatabase(path.to_path_buf()));
        }
        std::thread::yield_now();
    }
    // The header keeps the application id at byte 68, big-endian.
    let id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    Ok(if id == APPLICATION_ID {
        Found::Recall
    } else {
        Found::Unmarked
    })
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut read = 0;
    while read < buf.len() {
        match file.read(&mut buf[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(read)
}

/// Whether this process may create files in `dir` (SQLite's `-wal` and
/// `-shm` go beside the database).
#[cfg(unix)]
fn writable_dir(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(not(unix))]
fn writable_dir(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

/// What SQLite's integrity check says of a file too damaged to open as a
/// recall database: its first hundred problems, or why it cannot be read.
pub fn damage(path: &Path) -> Vec<String> {
    let found = (|| -> rusqlite::Result<Vec<String>> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let mut stmt = conn.prepare("PRAGMA integrity_check(100)")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines)
    })();
    match found {
        Ok(lines) => lines.into_iter().filter(|l| l != "ok").collect(),
        Err(e) => vec![e.to_string()],
    }
}
