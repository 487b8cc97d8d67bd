//! `recall history`: a user's review log out to JSON lines or CSV, and back
//! in.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::Context;
use crate::store::{Access, history};
use crate::text::plural;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub(super) enum HistoryCommand {
    /// Write the user's review log, oldest first.
    Export {
        /// jsonl (one JSON object a line) or csv [default: from --out's
        /// extension, else jsonl]
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// The file to write; standard output if absent.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Add reviews from an exported file to the user's log (rows already
    /// there are skipped) and rebuild the card states they touch.
    Import {
        /// A .csv file, or JSON lines.
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Jsonl,
    Csv,
}

impl From<Format> for history::Format {
    fn from(f: Format) -> history::Format {
        match f {
            Format::Jsonl => history::Format::Jsonl,
            Format::Csv => history::Format::Csv,
        }
    }
}

impl Format {
    /// The format a file's name implies.
    fn of(path: &Path) -> Format {
        match history::Format::of(path) {
            history::Format::Csv => Format::Csv,
            history::Format::Jsonl => Format::Jsonl,
        }
    }
}

pub(super) fn run(ctx: &Context, command: HistoryCommand) -> Result<ExitCode> {
    match command {
        HistoryCommand::Export { format, out, force } => {
            let (store, user) = ctx.learner(Access::ReadOnly)?;
            let rows = store.history(user.id)?;
            let format = format.unwrap_or_else(|| out.as_deref().map_or(Format::Jsonl, Format::of));
            let text = history::write(&rows, format.into())
                .map_err(|e| Error::Usage(format!("cannot write the history: {e}")))?;
            match out {
                Some(path) => {
                    let db = ctx.db_path()?;
                    crate::files::write_new(&path, text.as_bytes(), force, Some(&db))?;
                    errln!(
                        "wrote {} reviews of {} to {}",
                        rows.len(),
                        user.name,
                        path.display()
                    );
                }
                None => std::io::stdout()
                    .lock()
                    .write_all(text.as_bytes())
                    .map_err(Error::Output)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        HistoryCommand::Import { file } => import(ctx, &file),
    }
}

/// The most problems a refused import lists before it counts the rest.
const PROBLEMS_SHOWN: usize = 20;

fn import(ctx: &Context, file: &Path) -> Result<ExitCode> {
    let text = crate::files::read_text(file)?;
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    let reviews = match history::prepare(&*store, file, &text)? {
        Ok(reviews) => reviews,
        Err(problems) => return refuse(&problems),
    };
    let report = crate::review::import_history(&mut *store, user.id, &reviews)?;
    outln!(
        "imported {} for {} ({} already present); {} changed",
        plural(report.added as u64, "review"),
        user.name,
        report.present,
        plural(report.rebuilt as u64, "card state")
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the first problems and how many more, and fails, having written
/// nothing.
fn refuse(problems: &[String]) -> Result<ExitCode> {
    for p in problems.iter().take(PROBLEMS_SHOWN) {
        errln!("recall: {p}");
    }
    if problems.len() > PROBLEMS_SHOWN {
        errln!(
            "recall: and {} more problems",
            problems.len() - PROBLEMS_SHOWN
        );
    }
    errln!("recall: nothing imported");
    Ok(ExitCode::FAILURE)
}
