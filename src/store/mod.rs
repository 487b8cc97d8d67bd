//! What the engine needs from a database, as narrow traits by consumer:
//! the review log, study (a learner's cards and day), decks, users, exams,
//! the report's source and maintenance; with backend-neutral types
//! ([`UserId`], [`CardKey`], typed times) and one error type.
//!
//! The traits are primitives: which answer moves a schedule, how a log is
//! replayed, what counts for a streak are the rules' (`review`), which
//! run on top of them. A backend ([`sqlite`], the embedded default) is the
//! only code that speaks SQL; every backend passes the one contract suite
//! in `tests/store_contract.rs`.

mod accounts;
pub mod history;
pub mod postgres;
pub mod sqlite;
mod types;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::deck::Deck;
pub use crate::model::{CardId, CardKey, DeckId, Mode, UserId};
use crate::sched::{State, StudyDay};
pub use accounts::*;
pub use history::{HistoryRow, ImportReport, Review};
pub use postgres::PgStore;
pub use sqlite::{APPLICATION_ID, Access, Builtin, Opening, SCHEMA_VERSION, SqliteStore};
pub use types::*;

/// Every store trait, for code that uses a store whole:
/// `use recall::store::prelude::*;`.
pub mod prelude {
    pub use super::{
        Accounts, Classes, Decks, Exams, Maintenance, ReportSource, ReviewLog, Store, Study, Users,
    };
}

/// A new review id: 128 random bits as 32 hex digits.
pub fn new_review_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// A time as stored: to the millisecond.
pub fn to_millis(at: DateTime<Utc>) -> DateTime<Utc> {
    at - chrono::Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos() % 1_000_000))
}

/// Every way a store can fail. The backend's own errors are kept as their
/// source, never as a type of this crate's interface.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// What the database itself reported.
    #[error("database {place}: {source}")]
    Backend {
        /// Where the database is (its path), as messages name it.
        place: String,
        /// The backend's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The directory that should hold the database does not exist; nothing
    /// is created.
    #[error("database {}: the directory {} does not exist", path.display(), dir.display())]
    NoDirectory {
        /// The database file asked for.
        path: PathBuf,
        /// Its directory, the one missing.
        dir: PathBuf,
    },
    /// The database file exists but is marked read-only.
    #[error("database {}: the file is read-only; recall needs to write to it", .0.display())]
    ReadOnly(PathBuf),
    /// This user may not write the database file, its `-wal` or `-shm`, or
    /// its directory; found before SQLite opens anything.
    #[error("database {}: you cannot write to it or to its directory (it belongs to another user?); recall needs to, so nothing was opened", .0.display())]
    NotWritable(PathBuf),
    /// The path is not a regular file, or the file does not start with an
    /// SQLite header.
    #[error("database {}: not a recall database (not an SQLite file); left untouched", .0.display())]
    NotADatabase(PathBuf),
    /// An SQLite file that is neither empty nor marked as recall's: another
    /// program's, left as it is.
    #[error("database {}: not a recall database (another program's SQLite file); left untouched", .0.display())]
    NotRecall(PathBuf),
    /// The file's schema version is higher than this build knows: a newer
    /// recall wrote it, and it is left as it is.
    #[error(
        "database {place}: written by a newer recall (schema version {found}; this one knows up to {known}); left untouched"
    )]
    Newer {
        /// Where the database is.
        place: String,
        /// The schema version the file has.
        found: i64,
        /// The highest schema version this build knows.
        known: i64,
    },
    /// The database server could not be reached, or closed the
    /// connection (it stopped or restarted); nothing was written.
    #[error("database {0}: the database server cannot be reached; nothing was saved: try again")]
    Unavailable(String),
    /// Another process held the write lock for longer than this one waits.
    #[error("database {0}: busy: another recall is writing to it")]
    Busy(String),
    /// SQLite reports the file corrupt, or not a database, once opened.
    #[error(
        "database {place}: the file is damaged ({detail}); restore it from a backup (`recall backup FILE` makes one)"
    )]
    Damaged {
        /// Where the database is.
        place: String,
        /// SQLite's own message.
        detail: String,
    },
    /// A review names a card that is not installed, active or retired;
    /// nothing is written.
    #[error("no card {card:?} in deck {deck:?}")]
    UnknownCard {
        /// The deck id given.
        deck: String,
        /// The card id given.
        card: String,
    },
    /// An imported review's id is already logged for another learner or
    /// another card; nothing of the import is written.
    #[error(
        "review {id} is already recorded for another learner or card ({existing}); the history belongs to another learner"
    )]
    HistoryConflict {
        /// The review id from the file.
        id: String,
        /// The card it is already logged for, as `deck/card`.
        existing: String,
    },
    /// The database file exists but could not be looked at before opening
    /// (for a reason other than its absence).
    #[error("database {}: cannot read it: {}", path.display(), crate::io_text(source))]
    Io {
        /// The database file.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The built-in deck failed its checks while a first use or an upgrade
    /// was installing it; nothing is written.
    #[error("the built-in deck: {0}")]
    FirstDeck(Box<crate::deck::Invalid>),
    /// A write for a learner who was removed (by another process) after this
    /// one found them; nothing is written.
    #[error(
        "no learner with id {0}: they were removed while this ran; nothing more is saved for them"
    )]
    NoSuchUser(UserId),
    /// A name that cannot name a user; the text says why.
    #[error("{0}")]
    UserName(String),
    /// A write refused for a reason given in words: what the code run inside
    /// a store's transaction (the callback of [`ReviewLog::update_card`])
    /// returns to abandon it, so that nothing is written.
    #[error("{0}")]
    Invalid(String),
}

/// The review log: every answer, appended, never changed by a review; and
/// each card's state, a cache of it.
pub trait ReviewLog {
    /// Runs `f` on one card's log and stored state, holding the write
    /// lock, and writes what it returns in the same transaction: nothing
    /// else can change the card between the read and the write.
    fn update_card(
        &mut self,
        user: UserId,
        card: &CardKey,
        f: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
    ) -> Result<(), StoreError>;

    /// A user's state of one card (new if never scheduled).
    fn card_state(&self, user: UserId, card: &CardKey) -> Result<State, StoreError>;

    /// Every card state a user has, ordered by deck and card.
    fn card_states(&self, user: UserId) -> Result<Vec<(CardKey, State)>, StoreError>;

    /// A user's whole log as exported, in replay order.
    fn history(&self, user: UserId) -> Result<Vec<HistoryRow>, StoreError>;

    /// Whether a review from a file is in the user's log (by its id, or,
    /// without one, by time, card, mode and grade); its owner if it is
    /// another learner's or card's.
    fn find_review(&self, user: UserId, review: &Review) -> Result<Found, StoreError>;

    /// Appends reviews as given, in one transaction, skipping any whose id
    /// is already recorded; card state is left to be rebuilt. The number
    /// appended.
    fn append_reviews(
        &mut self,
        user: UserId,
        reviews: &[(NewReview, State, State)],
    ) -> Result<usize, StoreError>;

    /// Whether a card (active or retired) is installed.
    fn has_card(&self, card: &CardKey) -> Result<bool, StoreError>;

    /// How long a write waits for another process's lock before it fails
    /// with [`StoreError::Busy`].
    fn set_patience(&mut self, wait: Duration) -> Result<(), StoreError>;
}

/// What a learner's session needs: their cards, what they did today, and
/// the days they finished a drill.
pub trait Study {
    /// The active cards of every installed deck (or of `deck`), with the
    /// user's state of each, in deck and file order.
    fn study_cards(
        &self,
        user: UserId,
        deck: Option<&DeckId>,
    ) -> Result<Vec<StudyCard>, StoreError>;

    /// The user's drill, repeat and quiz answers on `day`, in order.
    fn day_reviews(&self, user: UserId, day: StudyDay) -> Result<Vec<DayReview>, StoreError>;

    /// Records a drill session.
    fn record_session(&mut self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The study days, latest first, on or before `until`, on which the
    /// user finished a drill.
    fn finished_days(&self, user: UserId, until: StudyDay) -> Result<Vec<StudyDay>, StoreError>;

    /// Every drill session a user recorded, oldest first (for copying a
    /// database).
    fn sessions(&self, user: UserId) -> Result<Vec<SessionRecord>, StoreError>;
}

/// Installed decks.
pub trait Decks {
    /// Installs `deck`, or brings an installed copy up to date with it:
    /// cards matched by id keep their history, cards gone are retired.
    fn install_deck(
        &mut self,
        deck: &Deck,
        now: DateTime<Utc>,
    ) -> Result<InstallReport, StoreError>;

    /// Every installed deck, with what is due for `user` on `today`.
    fn decks(&self, user: Option<UserId>, today: StudyDay) -> Result<Vec<DeckSummary>, StoreError>;

    /// One installed deck in full.
    fn installed_deck(
        &self,
        id: &DeckId,
        user: Option<UserId>,
        today: StudyDay,
    ) -> Result<Option<InstalledDeck>, StoreError>;

    /// The version of an installed deck.
    fn deck_version(&self, id: &DeckId) -> Result<Option<u32>, StoreError>;

    /// Removes a deck with its cards and every user's history of them:
    /// the number of reviews deleted, or `None` if no such deck.
    fn remove_deck(&mut self, id: &DeckId) -> Result<Option<u64>, StoreError>;

    /// The active cards of a deck, in file order.
    fn deck_cards(&self, id: &DeckId) -> Result<Vec<crate::deck::Card>, StoreError>;

    /// An installed deck as a file would hold it, every card it ever had
    /// in file order (retired ones too), with the ids of those retired
    /// (for copying a database).
    fn deck_file(&self, id: &DeckId) -> Result<Option<(Deck, Vec<String>)>, StoreError>;
}

/// Learners and their settings.
pub trait Users {
    /// The user with this name.
    fn user(&self, name: &str) -> Result<Option<User>, StoreError>;

    /// Adds a user; `None` if one with this name exists.
    fn add_user(&mut self, name: &str, now: DateTime<Utc>) -> Result<Option<User>, StoreError>;

    /// Every user, by name, with their totals.
    fn users(&self) -> Result<Vec<UserSummary>, StoreError>;

    /// Removes a user and their history, nobody else's; the number of
    /// reviews deleted, or `None` if there is no such user.
    fn remove_user(&mut self, name: &str) -> Result<Option<u64>, StoreError>;

    /// Changes one of a user's settings.
    fn set(&mut self, user: &User, setting: Setting) -> Result<(), StoreError>;
}

/// Mock-exam attempts.
pub trait Exams {
    /// Saves one exam answer: its review (written by `review`, as
    /// [`ReviewLog::update_card`] does) and the question as asked and
    /// answered, in one transaction. The first answer (`exam` is `None`)
    /// records the attempt; its id comes back.
    fn record_exam_answer(
        &mut self,
        user: UserId,
        exam: Option<ExamId>,
        start: &ExamStart,
        given: &GivenAnswer,
        review: &mut dyn FnMut(&CardLog) -> Result<CardWrite, StoreError>,
    ) -> Result<ExamId, StoreError>;

    /// Scores an attempt: the questions left unanswered are stored as such
    /// and the attempt is finished.
    fn finish_exam(
        &mut self,
        exam: ExamId,
        ended: DateTime<Utc>,
        timed_out: bool,
        unanswered: &[(usize, ExamAnswer)],
    ) -> Result<(), StoreError>;

    /// Stores a finished attempt whole (its reviews are not logged).
    fn record_exam(&mut self, user: UserId, exam: &ExamRecord) -> Result<ExamId, StoreError>;

    /// A user's attempts, oldest first, with per-area scores.
    fn exams(&self, user: UserId) -> Result<Vec<ExamAttempt>, StoreError>;

    /// A user's finished attempts whole, oldest first, every question as
    /// asked and answered (for copying a database).
    fn exam_records(&self, user: UserId) -> Result<Vec<ExamRecord>, StoreError>;
}

/// The rows a retention report is computed from.
pub trait ReportSource {
    /// Every area of every installed deck (or of `deck`), in deck order.
    fn report_areas(&self, deck: Option<&DeckId>) -> Result<Vec<AreaName>, StoreError>;

    /// The cards of `users` as a report counts them, retired ones too.
    fn report_cards(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ReportCard>, StoreError>;

    /// The scheduled reviews of `users` between two study days, counted in
    /// the database: one row per learner, area, day, result and maturity,
    /// in (learner, deck, area, day) order.
    fn review_tallies(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
        from: StudyDay,
        to: StudyDay,
    ) -> Result<Vec<ReviewTally>, StoreError>;

    /// Each user's score per area in their latest scored exam that asked
    /// about it.
    fn latest_exam_scores(
        &self,
        users: &[UserId],
        deck: Option<&DeckId>,
    ) -> Result<Vec<ExamScore>, StoreError>;

    /// The prompt of a card, for naming it.
    fn card_prompt(&self, card: &CardKey) -> Result<Option<String>, StoreError>;
}

/// Checking, repairing and copying the database.
pub trait Maintenance {
    /// Where the database is, as messages name it.
    fn place(&self) -> String;

    /// What the database's own integrity checks find; empty when sound.
    fn integrity(&self) -> Result<Vec<String>, StoreError>;

    /// How much it holds.
    fn counts(&self) -> Result<Counts, StoreError>;

    /// Visits every review of every learner, by learner, card, time and
    /// order of recording.
    fn each_review(
        &self,
        f: &mut dyn FnMut(UserId, &CardKey, &LoggedReview) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Every stored card state, with its last rescheduling review.
    fn stored_states(&self) -> Result<Vec<StoredState>, StoreError>;

    /// Replaces every card state with these.
    fn replace_states(&mut self, states: &[StoredState]) -> Result<(), StoreError>;

    /// Copies the database, as one consistent snapshot, to a new file.
    fn backup(&self, to: &std::path::Path) -> Result<(), StoreError>;

    /// Another connection to the same database, for a process that holds
    /// this one (a server's learners): never a second open of an SQLite
    /// file through the preflight (see [`SqliteStore::another`]).
    fn another(&self) -> Result<Db, StoreError>;

    /// Whether the connection is gone for good (the database server
    /// closed it): a pool then drops it and makes another.
    fn broken(&self) -> bool {
        false
    }
}

/// A database of either backend, as a front end holds it.
pub type Db = Box<dyn Store + Send>;

/// Opens the database `place` names, as the program uses it (see
/// [`SqliteStore::open_for_use`]): a `postgres://` or `postgresql://` URL
/// is a PostgreSQL database, anything else an SQLite file. The store, and
/// whether it added `learner`.
pub fn open_for_use(
    place: &std::path::Path,
    access: Access,
    learner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Db, bool), StoreError> {
    match place.to_str().filter(|p| postgres::is_url(p)) {
        Some(url) => {
            let (store, added) = PgStore::open_for_use(url, learner, now)?;
            Ok((Box::new(store), added))
        }
        None => {
            let store = SqliteStore::open_for_use(place, access, learner, now)?;
            let added = store.added_user();
            Ok((Box::new(store), added))
        }
    }
}

/// Opens (creating if need be) the database `place` names with nothing
/// added to it: no shipped deck, no learner (a copy's target).
pub fn open_plain(place: &std::path::Path) -> Result<Db, StoreError> {
    match place.to_str().filter(|p| postgres::is_url(p)) {
        Some(url) => Ok(Box::new(PgStore::connect(url)?)),
        None => Ok(Box::new(SqliteStore::open(place)?)),
    }
}

/// Everything a front end needs from one database, whatever its backend.
pub trait Store:
    ReviewLog + Study + Decks + Users + Exams + ReportSource + Maintenance + Accounts + Classes
{
}

impl<T: ReviewLog + Study + Decks + Users + Exams + ReportSource + Maintenance + Accounts + Classes>
    Store for T
{
}
