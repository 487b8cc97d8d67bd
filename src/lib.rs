//! `recall`: spaced-repetition flashcards and quizzes for case managers.
//!
//! The library holds every rule; a front end only drives it and renders.
//! The binary turns arguments into a call to [`cli::run`] and prints the
//! one error that may come back.
//!
//! Dependencies point one way, down this list (a module uses only those
//! below it): `cli` -> `term` -> `report` -> `session` -> `quiz` ->
//! `review` -> `store` -> `deck` -> `model` -> `sched`, `text`, `files`.
//! Only `store::sqlite` speaks SQL; only `cli` and `term` read the
//! environment or the clock, or print.

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

/// Every way a `recall` command can fail, each with what a person needs to
/// put it right.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Quality(#[from] sched::QualityError),
    #[error(transparent)]
    Rollover(#[from] sched::RolloverError),
    #[error("RECALL_NOW={} is not an RFC 3339 time such as 2026-03-02T09:00:00Z: {reason}", text::quoted(.value))]
    Now { value: String, reason: String },
    #[error(transparent)]
    Deck(#[from] deck::Invalid),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("{}: {}", path.display(), io_text(source))]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {}", path.display(), io_text(source))]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{col}: not UTF-8 text (save the file as UTF-8)", path.display())]
    NotUtf8 {
        path: std::path::PathBuf,
        line: usize,
        col: usize,
    },
    #[error("{}: already exists (use --force to replace it)", .0.display())]
    Exists(std::path::PathBuf),
    #[error("{}: that is the database (or one of its files); refusing to write over it", .0.display())]
    OntoDatabase(std::path::PathBuf),
    #[error(
        "no user {}: add one with `recall user add NAME`, or run `recall drill`, which creates its user",
        text::quoted(.0)
    )]
    UnknownUser(String),
    #[error("no deck {} is installed (`recall deck list` shows those that are)", text::quoted(.0))]
    UnknownDeck(String),
    #[error("{0}")]
    Usage(String),
    #[error(
        "no deck is installed: `recall deck add --builtin` puts back the built-in deck, and `recall deck add FILE` installs another"
    )]
    NoDeck,
    #[error(
        "that card was answered already (a page reloaded, or open twice): here is the card now"
    )]
    Stale,
    #[error("{what}: run again with --yes to confirm")]
    NeedsYes { what: String },
    #[error("this system has no data directory for the database: pass --db PATH or set RECALL_DB")]
    NoDataDir,
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
