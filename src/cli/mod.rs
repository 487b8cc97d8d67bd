//! The command line: clap definitions, the environment the binary reads
//! (`RECALL_NOW`, `RECALL_DB`, `RECALL_USER`, the local zone), and one
//! handler per command.
//!
//! This is the edge of the program: it is the only module, with `term`,
//! that reads the environment or prints. Handlers parse arguments, call
//! the library and render what comes back; the rules live elsewhere.

/// Writes a line to standard output, returning the error (a closed pipe)
/// instead of panicking as `println!` would. What it prints may quote
/// stored text, so control characters are shown, never obeyed.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($arg)*);
        writeln!(std::io::stdout().lock(), "{}", $crate::text::clean(&text))
            .map_err($crate::Error::Output)
    }};
}

/// `outln!` without the newline.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let text = format!($($arg)*);
        write!(std::io::stdout().lock(), "{}", $crate::text::clean(&text))
            .map_err($crate::Error::Output)
    }};
}

/// A line to standard error, shown, never obeyed, as `outln!` does.
macro_rules! errln {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        eprintln!("{}", $crate::text::clean(&text));
    }};
}

mod backup;
mod check;
mod class;
mod clock;
mod context;
mod deck;
mod drill;
mod exam;
mod history;
mod migrate;
mod quiz;
mod report;
mod serve;
mod status;
mod sync;
mod user;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use context::Context;

use crate::{Error, Result};

/// Spaced-repetition flashcards and quizzes for case managers.
#[derive(Debug, Parser)]
#[command(name = "recall", version, about, long_about = None)]
struct Cli {
    /// Whose drills, history and settings (default: $RECALL_USER, else your
    /// login name).
    #[arg(long, global = true, value_name = "NAME")]
    user: Option<String>,
    /// The database file (default: $RECALL_DB, else recall.sqlite3 in the
    /// platform data directory).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Today's due cards, then new ones, within the daily limits.
    Drill(drill::DrillArgs),
    /// Questions graded for you, from any card, that feed the scheduler.
    Quiz(quiz::QuizArgs),
    /// A timed mock exam scored by skill area; it does not reschedule.
    Exam(exam::ExamArgs),
    /// Retention by skill area: a table, --json, --csv or --html FILE.
    Report(report::ReportArgs),
    /// What is due today, per area, and the streak.
    Status(status::StatusArgs),
    /// Check, import, install and manage decks.
    #[command(subcommand)]
    Deck(deck::DeckCommand),
    /// Learners and their settings; accounts on a class server.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Classes on a class server: their instructor, learners and decks.
    #[command(subcommand)]
    Class(class::ClassCommand),
    /// Export or import a learner's review log.
    #[command(subcommand)]
    History(history::HistoryCommand),
    /// Verify the database and compare card state with the review log.
    Check(check::CheckArgs),
    /// Copy the database, consistently, while it is in use.
    Backup(backup::BackupArgs),
    /// Copy the whole database into an empty one (SQLite or PostgreSQL),
    /// and check the copy.
    Migrate(migrate::MigrateArgs),
    /// Merge this learner's reviews here and on another database, both
    /// ways (offline work on a laptop, and the class server's).
    Sync(sync::SyncArgs),
    /// The web app: drill, quiz, exam, report and decks in a browser.
    Serve(serve::ServeArgs),
}

/// Runs `recall` with these arguments (the first is the program name) and
/// returns the exit code; an `Err` is printed once by the caller.
pub fn run<I, T>(args: I) -> Result<ExitCode>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let db_help = format!(
        "The database file [default: $RECALL_DB, else {}]",
        context::default_db_path().map_or_else(
            || "recall.sqlite3 in the platform data directory".to_string(),
            |p| p.display().to_string()
        )
    );
    let command = Cli::command().mut_arg("db", |a| a.help(db_help));
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(err) => {
            // Help and version go to stdout with success; usage errors to
            // stderr with clap's exit code 2. A reader that went away
            // (`recall --help | head -1`) is no error.
            match err.print() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.map_err(Error::Output)?,
            }
            return Ok(ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2)));
        }
    };
    let user_given = cli.user.is_some();
    let ctx = Context::new(cli.user, cli.db);
    let done = match cli.command {
        Command::Drill(args) => drill::run(&ctx, &args),
        Command::Quiz(args) => quiz::run(&ctx, &args),
        Command::Exam(args) => exam::run(&ctx, &args),
        Command::Report(args) => report::run(&ctx, &args, user_given),
        Command::Status(args) => status::run(&ctx, &args),
        Command::Deck(command) => deck::run(&ctx, command),
        Command::User(command) => user::run(&ctx, command),
        Command::Class(command) => class::run(&ctx, command),
        Command::History(command) => history::run(&ctx, command),
        Command::Check(args) => check::run(&ctx, &args),
        Command::Backup(args) => backup::run(&ctx, &args),
        Command::Migrate(args) => migrate::run(&ctx, &args),
        Command::Sync(args) => sync::run(&ctx, &args),
        Command::Serve(args) => serve::run(&ctx, &args),
    };
    match done {
        // The reader went away (`recall report | head`): nothing is wrong.
        Err(Error::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::SUCCESS)
        }
        other => other,
    }
}
