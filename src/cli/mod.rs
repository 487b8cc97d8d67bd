//! The command line: clap definitions, the environment the binary reads
//! (`RECALL_NOW`, the local zone), and one handler per command.
//!
//! This is the edge of the program: it is the only module, with `term`,
//! that reads the environment or prints. Handlers parse arguments, call
//! the library and render what comes back; the rules live elsewhere.

mod clock;
mod deck;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use clock::Now;

use crate::{Error, Result};

/// Spaced-repetition flashcards and quizzes for case managers.
#[derive(Debug, Parser)]
#[command(name = "recall", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Today's due cards, then new ones, within the daily limits.
    Drill,
    /// Check, import and manage decks.
    #[command(subcommand)]
    Deck(deck::DeckCommand),
}

/// Runs `recall` with these arguments (the first is the program name) and
/// returns the exit code; an `Err` is printed once by the caller.
pub fn run<I, T>(args: I) -> Result<ExitCode>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with success; usage errors to
            // stderr with clap's exit code 2.
            err.print().map_err(Error::Output)?;
            return Ok(ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2)));
        }
    };
    let _now = Now::from_env()?;
    match cli.command {
        Command::Drill => Err(Error::NotYetAvailable("drill")),
        Command::Deck(command) => deck::run(command),
    }
}
