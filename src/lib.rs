//! `recall`: spaced-repetition flashcards and quizzes for case managers.
//!
//! The library holds every rule; a front end only drives it and renders.
//! The binary turns arguments into a call to [`cli::run`] and prints the
//! one error that may come back.
//!
//! Dependencies point one way, down this list (a module uses only those
//! below it): `cli` -> `web`, `term` -> `report` -> `session` -> `quiz` ->
//! `review` -> `store` -> `deck` -> `model` -> `sched`, `text`, `files`.
//! `web` and `term` are two front ends and never use each other;
//! `accounts` (the class server's account rules) sits beside `report`,
//! over `store`. Only `store::sqlite` speaks SQL; only `cli` and `term`
//! read the environment or the clock, or print (`web` logs requests and
//! failed ones).

pub mod accounts;
pub mod cli;
pub mod deck;
pub mod files;
pub mod model;
pub mod quiz;
pub mod report;
pub mod review;
pub mod sched;
pub mod session;
pub mod store;
pub mod term;
pub mod text;
pub mod web;

/// Every way a `recall` command can fail, each with what a person needs to
/// put it right.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `RECALL_NOW` is set (not empty) but is not UTF-8 text or not an RFC 3339
    /// time.
    #[error("RECALL_NOW={} is not an RFC 3339 time such as 2026-03-02T09:00:00Z: {reason}", text::quoted(.value))]
    Now {
        /// The variable's value as set (lossily decoded when not UTF-8).
        value: String,
        /// Why it cannot be read as a time, in words.
        reason: String,
    },
    /// A deck file, or the built-in deck, failed its checks: the first error
    /// and how many more.
    #[error(transparent)]
    Deck(#[from] deck::Invalid),
    /// The database could not be opened, read or written (see
    /// [`store::StoreError`]).
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// A file a command was pointed at could not be read.
    #[error("{}: {}", path.display(), io_text(source))]
    Read {
        /// The file, as given.
        path: std::path::PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// An output file could not be written (its temporary file is removed and
    /// any existing file is left as it was), or the database's data directory
    /// could not be created.
    #[error("{}: {}", path.display(), io_text(source))]
    Write {
        /// The file or directory.
        path: std::path::PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// A text file holds bytes that are not UTF-8.
    #[error("{}:{line}:{col}: not UTF-8 text (save the file as UTF-8)", path.display())]
    NotUtf8 {
        /// The file.
        path: std::path::PathBuf,
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
        /// 1-based column of that byte, in characters.
        col: usize,
    },
    /// An output file already exists and `--force` was not given; nothing is
    /// written.
    #[error("{}: already exists (use --force to replace it)", .0.display())]
    Exists(std::path::PathBuf),
    /// An output path names the database or its `-wal`, `-shm` or `-journal`
    /// file (through links too); refused even with `--force`.
    #[error("{}: that is the database (or one of its files); refusing to write over it", .0.display())]
    OntoDatabase(std::path::PathBuf),
    /// No learner has this name.
    #[error(
        "no user {}: add one with `recall user add NAME`, or run `recall drill`, which creates its user",
        text::quoted(.0)
    )]
    UnknownUser(String),
    /// No installed deck has this id.
    #[error("no deck {} is installed (`recall deck list` shows those that are)", text::quoted(.0))]
    UnknownDeck(String),
    /// An argument, a setting or an environment variable (such as
    /// `RECALL_TICK`) that cannot be used; the text says why.
    #[error("{0}")]
    Usage(String),
    /// A mock exam was started without `--deck` while no deck is installed.
    #[error(
        "no deck is installed: `recall deck add --builtin` puts back the built-in deck, and `recall deck add FILE` installs another"
    )]
    NoDeck,
    /// An answer named a card or question that is no longer the one shown
    /// (answered already, a page reloaded or open twice, or the session
    /// stopped); nothing is recorded.
    #[error(
        "that card was answered already (a page reloaded, or open twice): here is the card now"
    )]
    Stale,
    /// Removing a deck or a learner was asked for without `--yes`; nothing is
    /// removed.
    #[error("{what}: run again with --yes to confirm")]
    NeedsYes {
        /// What would be lost, in words ("removing deck X deletes ...").
        what: String,
    },
    /// The database has no place to live: no `--db` or `RECALL_DB`, and the
    /// system reports no data directory.
    #[error("this system has no data directory for the database: pass --db PATH or set RECALL_DB")]
    NoDataDir,
    /// Standard output or the terminal could not be written (a closed pipe,
    /// say), or the answers read from standard input are not UTF-8.
    #[error("{}", terminal_text(.0))]
    Output(#[source] std::io::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong at the terminal: unreadable input, or output that
/// could not be written.
fn terminal_text(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::InvalidData {
        return "the answers on standard input are not UTF-8 text".to_string();
    }
    format!("cannot write to the terminal: {}", io_text(e))
}

/// An I/O error in plain words, without the OS error number.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
        ErrorKind::AlreadyExists => "already exists".to_string(),
        ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}
