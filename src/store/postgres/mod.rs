//! The PostgreSQL backend, for an organisation's server: the same traits
//! as the SQLite backend, the same schema in PostgreSQL terms, numbered
//! migrations in a `schema_migrations` table, every write in one
//! transaction, and one card's log read and rewritten under a lock on
//! that card (a transaction-scoped advisory lock), so two devices
//! answering it at once are put in order, never lost.
//!
//! Times and study days are stored as the same text as in SQLite, so text
//! order is time order and an export is the same to the byte from either
//! backend. Like the SQLite backend, this is the only code that speaks
//! its SQL; it never prints and never reads the clock.

mod accounts;
mod decks;
mod exams;
mod history;
mod maintenance;
mod report;
mod reviews;
mod study;
mod users;

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};

use super::StoreError;
use crate::model::{CardKey, Mode};
use crate::sched::{Ease, Interval, Quality, State, StudyDay};

/// Migrations, in order; the table `schema_migrations` lists those
/// applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_schema.sql"),
    include_str!("migrations/0002_byte_order_indexes.sql"),
    include_str!("migrations/0003_exam_attempt_ids.sql"),
];

/// The `meta` key recording that a deck was once installed (the shipped
/// deck is given only to a database that never had one).
const FIRST_DECK: &str = "first-deck-installed";

/// An open PostgreSQL database.
pub struct PgStore {
    /// Always `Some` until the store is dropped.
    client: RefCell<Option<Client>>,
    place: String,
    /// The URL connected to, for another connection.
    url: String,
    /// The answer path's statements, prepared once on this connection.
    statements: Statements,
}

/// Statements prepared once per connection, by their SQL: executing one
/// again is one round trip, not two (parse, then bind and execute).
#[derive(Default)]
pub(super) struct Statements(RefCell<HashMap<String, Statement>>);

impl Statements {
    /// `sql` prepared on `db`'s connection (the one these statements
    /// belong to), the first time it is asked for.
    pub(super) fn get(
        &self,
        db: &mut impl GenericClient,
        sql: &str,
    ) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.0.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = db.prepare(sql)?;
        self.0.borrow_mut().insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// What a write transaction can fail with.
pub(super) enum TxError {
    Sql(postgres::Error),
    Store(StoreError),
}

impl From<postgres::Error> for TxError {
    fn from(e: postgres::Error) -> TxError {
        TxError::Sql(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> TxError {
        TxError::Store(e)
    }
}

/// Whether `url` names a PostgreSQL database (`postgres://` or
/// `postgresql://`).
pub fn is_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The URL as messages name it: without its password.
fn shown(url: &str) -> String {
    match (url.split_once("://"), url.rfind('@')) {
        (Some((scheme, rest)), Some(at)) => {
            let user = rest[..at - scheme.len() - 3]
                .split(':')
                .next()
                .unwrap_or("");
            format!("{scheme}://{user}@{}", &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

impl PgStore {
    /// Connects to the database at `url` and brings its schema up to date
    /// (in one transaction, under a lock, so two servers starting at once
    /// migrate once).
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let place = shown(url);
        let client = Client::connect(url, NoTls).map_err(backend(&place))?;
        let mut store = PgStore {
            client: RefCell::new(Some(client)),
            place,
            url: url.to_string(),
            statements: Statements::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Connects as the program uses a database: one that has never had a
    /// deck gets the shipped one, and an installed shipped deck older than
    /// this build's is brought up to date (history kept); `learner` is
    /// added if missing; all in one transaction, under a lock. Whether it
    /// added the learner.
    pub fn open_for_use(
        url: &str,
        learner: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(PgStore, bool), StoreError> {
        let store = PgStore::connect(url)?;
        let added = store.write(|tx| {
            tx.execute("SELECT pg_advisory_xact_lock(5243)", &[])?;
            let had: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM meta WHERE key = $1)",
                    &[&FIRST_DECK],
                )?
                .get(0);
            let installed: Option<u32> = tx
                .query_opt(
                    "SELECT version FROM decks WHERE id = $1",
                    &[&crate::deck::SHIPPED_ID],
                )?
                .map(|r| u(r.get(0)));
            if !had || installed.is_some_and(|v| v < crate::deck::SHIPPED_VERSION) {
                let deck =
                    crate::deck::shipped().map_err(|e| StoreError::FirstDeck(Box::new(e)))?;
                decks::install(tx, &deck, &timestamp(now))?;
                tx.execute(
                    "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                    &[&FIRST_DECK, &timestamp(now)],
                )?;
            }
            match learner {
                Some(name) => users::insert(tx, name, now),
                None => Ok(false),
            }
        })?;
        Ok((store, added))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.batch_execute(
                "SELECT pg_advisory_xact_lock(5243);
                 CREATE TABLE IF NOT EXISTS schema_migrations (
                     version BIGINT PRIMARY KEY,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                 );",
            )?;
            let applied: i64 = tx
                .query_one(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                    &[],
                )?
                .get(0);
            let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
            if applied > known {
                return Err(StoreError::Newer {
                    place: String::new(),
                    found: applied,
                    known,
                }
                .into());
            }
            for (n, step) in (1_i64..)
                .zip(MIGRATIONS.iter())
                .skip(usize::try_from(applied).unwrap_or(0))
            {
                tx.batch_execute(step)?;
                tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&n])?;
            }
            Ok(())
        })
        .map_err(|e| match e {
            StoreError::Newer { found, known, .. } => StoreError::Newer {
                place: self.place.clone(),
                found,
                known,
            },
            e => e,
        })
    }

    /// The connection, for reads.
    fn db(&self) -> RefMut<'_, Client> {
        RefMut::map(self.client.borrow_mut(), |c| {
            c.as_mut()
                .expect("a PgStore holds its client until dropped")
        })
    }

    /// Runs `f` in a transaction; nothing is kept if it fails.
    fn write<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, TxError>,
    ) -> Result<T, StoreError> {
        let err = backend(&self.place);
        let mut client = self.db();
        let mut tx = client.transaction().map_err(&err)?;
        let value = f(&mut tx).map_err(|e| match e {
            TxError::Sql(e) => err(e),
            TxError::Store(e) => e,
        })?;
        tx.commit().map_err(&err)?;
        Ok(value)
    }

    fn err(&self) -> impl Fn(postgres::Error) -> StoreError + use<> {
        backend(&self.place)
    }

    /// Turns a write's error into the store's.
    fn tx_err(&self) -> impl Fn(TxError) -> StoreError + use<> {
        let err = self.err();
        move |e| match e {
            TxError::Sql(e) => err(e),
            TxError::Store(e) => e,
        }
    }
}

impl Drop for PgStore {
    /// The synchronous client blocks on a runtime of its own as it closes,
    /// which a thread driving async tasks (a web server's) may not: there
    /// it is closed on a thread of its own.
    fn drop(&mut self) {
        if let Some(client) = self.client.get_mut().take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::spawn(move || drop(client));
            }
        }
    }
}

/// Turns PostgreSQL's errors into the store's: a lock or serialization
/// conflict is [`StoreError::Busy`]; anything else the backend's own
/// error, as a source.
fn backend(place: &str) -> impl Fn(postgres::Error) -> StoreError + use<> {
    let place = place.to_string();
    move |source| {
        use postgres::error::SqlState;
        let busy = source.code().is_some_and(|c| {
            *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
        });
        // No SQL state: the connection itself failed (the server stopped,
        // restarted, or cannot be reached).
        let gone = source.is_closed()
            || (source.code().is_none() && source.as_db_error().is_none())
            || source
                .code()
                .is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P"));
        if busy {
            StoreError::Busy(place.clone())
        } else if gone {
            StoreError::Unavailable(place.clone())
        } else {
            StoreError::Backend {
                place: place.clone(),
                source: Box::new(source),
            }
        }
    }
}

/// A stored text that does not read as what it should be.
fn bad(what: &str, text: &str) -> StoreError {
    StoreError::Invalid(format!("the database holds {text:?}, not {what}"))
}

/// A UTC time as stored: the SQLite backend's text.
fn timestamp(t: DateTime<Utc>) -> String {
    super::sqlite::timestamp(t)
}

/// A stored time.
fn time_of(text: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad("a time", text))
}

/// A stored study day.
fn day_of(text: &str) -> Result<StudyDay, StoreError> {
    text.parse().map_err(|_| bad("a date", text))
}

/// A stored mode.
fn mode_of(text: &str) -> Result<Mode, StoreError> {
    text.parse().map_err(|_| bad("a mode", text))
}

/// A stored grade.
fn quality_of(n: i64) -> Result<Quality, StoreError> {
    u8::try_from(n)
        .ok()
        .and_then(|q| Quality::new(q).ok())
        .ok_or_else(|| bad("a grade", &n.to_string()))
}

/// A stored count as the engine's `u32` (never negative, by the schema's
/// checks and the engine's writes).
fn u(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A count as stored.
fn big(n: impl Into<u64>) -> i64 {
    i64::try_from(n.into()).unwrap_or(i64::MAX)
}

/// The state in five columns of `row` from `at`: repetitions, ease,
/// interval, due (text or NULL), lapses.
fn state_at(row: &Row, at: usize) -> Result<State, StoreError> {
    let due: Option<String> = row.get(at + 3);
    Ok(State {
        repetitions: u(row.get(at)),
        ease: Ease::from_hundredths(u16::try_from(row.get::<_, i64>(at + 1)).unwrap_or(u16::MAX)),
        interval: Interval::days(u(row.get(at + 2))),
        lapses: u(row.get(at + 4)),
        due: due.as_deref().map(day_of).transpose()?,
    })
}

/// A state's five column values, as stored.
fn state_values(s: &State) -> (i64, i64, i64, Option<String>, i64) {
    (
        big(s.repetitions),
        big(s.ease.hundredths()),
        big(s.interval.get()),
        s.due.map(|d| d.to_string()),
        big(s.lapses),
    )
}

/// A card's key from two text columns of `row` from `at`.
fn key_at(row: &Row, at: usize) -> CardKey {
    let deck: String = row.get(at);
    let card: String = row.get(at + 1);
    CardKey::new(deck.as_str(), card.as_str())
}

/// A card from the JSON a `cards` row stores.
fn card_json(json: &str) -> Result<crate::deck::Card, StoreError> {
    serde_json::from_str(json).map_err(|_| bad("a card", json))
}

/// The modes whose answers move a schedule, as an SQL list.
fn rescheduling_modes() -> String {
    let names: Vec<String> = Mode::ALL
        .into_iter()
        .filter(|m| m.reschedules())
        .map(|m| format!("'{}'", m.name()))
        .collect();
    names.join(", ")
}

/// The modes of a drill, as an SQL list.
fn drill_modes() -> String {
    format!("'{}', '{}'", Mode::Drill.name(), Mode::DrillRepeat.name())
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
