//! `recall`: spaced-repetition flashcards and quizzes for case managers.
//!
//! The library holds every rule; the binary only turns arguments into a
//! call to [`cli::run`] and prints the one error that may come back.
//! Dependencies point one way: `cli` -> everything else -> `sched`.

pub mod cli;
pub mod deck;
pub mod sched;

/// Every way a `recall` command can fail, each with what a person needs to
/// put it right.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Quality(#[from] sched::QualityError),
    #[error(transparent)]
    Rollover(#[from] sched::RolloverError),
    #[error("RECALL_NOW={value:?} is not an RFC 3339 time such as 2026-03-02T09:00:00Z: {source}")]
    Now {
        value: String,
        #[source]
        source: chrono::ParseError,
    },
    #[error(transparent)]
    Deck(#[from] deck::Invalid),
    #[error("{}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: already exists (use --force to replace it)", .0.display())]
    Exists(std::path::PathBuf),
    #[error("`recall {0}` is not yet available in this version")]
    NotYetAvailable(&'static str),
    #[error("cannot write to the terminal: {0}")]
    Output(#[source] std::io::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
