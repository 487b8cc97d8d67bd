//! `recall history`: a user's review log out to JSON lines or CSV, and back
//! in.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use super::Context;
use crate::store::{Access, CardKey, HistoryRow};
use crate::term::plural;
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

impl Format {
    fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    }
}

pub(super) fn run(ctx: &Context, command: HistoryCommand) -> Result<ExitCode> {
    match command {
        HistoryCommand::Export { format, out, force } => {
            let (store, user) = ctx.learner(Access::ReadOnly)?;
            let rows = store.history(user.id)?;
            let format = format.unwrap_or_else(|| out.as_deref().map_or(Format::Jsonl, Format::of));
            let text = render(&rows, format)?;
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

fn render(rows: &[HistoryRow], format: Format) -> Result<String> {
    let broken = |e: String| Error::Usage(format!("cannot write the history: {e}"));
    match format {
        Format::Jsonl => {
            let mut out = String::new();
            for row in rows {
                out.push_str(&serde_json::to_string(row).map_err(|e| broken(e.to_string()))?);
                out.push('\n');
            }
            Ok(out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for row in rows {
                w.serialize(row).map_err(|e| broken(e.to_string()))?;
            }
            let bytes = w.into_inner().map_err(|e| broken(e.to_string()))?;
            String::from_utf8(bytes).map_err(|e| broken(e.to_string()))
        }
    }
}

/// The most problems a refused import lists before it counts the rest.
const PROBLEMS_SHOWN: usize = 20;

/// Reads every row with its line, or every problem.
fn parse(path: &Path, text: &str) -> std::result::Result<Vec<(usize, HistoryRow)>, Vec<String>> {
    let at = |line: usize, e: &dyn std::fmt::Display| {
        // A parser's message may quote a whole value: keep it to a line.
        let message = crate::text::short(&e.to_string(), 160);
        format!("{}:{line}: {message}", path.display())
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    match Format::of(path) {
        Format::Jsonl => {
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<HistoryRow>(line) {
                    Ok(row) => rows.push((i + 1, row)),
                    Err(e) => problems.push(at(i + 1, &e)),
                }
            }
        }
        Format::Csv => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header = match reader.headers() {
                Ok(h) => h.clone(),
                Err(e) => return Err(vec![at(1, &e)]),
            };
            for record in reader.records() {
                let line = |p: Option<&csv::Position>| {
                    p.map_or(0, |p| usize::try_from(p.line()).unwrap_or(0))
                };
                match record {
                    Ok(record) => match record.deserialize::<HistoryRow>(Some(&header)) {
                        Ok(row) => rows.push((line(record.position()), row)),
                        Err(e) => problems.push(at(line(record.position()), &e)),
                    },
                    Err(e) => problems.push(at(line(e.position()), &e)),
                }
            }
        }
    }
    // The same review twice in one file is a damaged file, not a history.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in &rows {
        let key = row.id.clone().unwrap_or_else(|| {
            format!(
                "{}|{}|{}|{}|{}",
                row.reviewed_at, row.deck, row.card, row.mode, row.quality
            )
        });
        if let Some(first) = seen.insert(key, *line) {
            let what = if row.id.is_some() {
                "the same review id"
            } else {
                "the same time, card, mode and quality"
            };
            problems.push(at(*line, &format!("repeats line {first} ({what})")));
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn import(ctx: &Context, file: &Path) -> Result<ExitCode> {
    let text = crate::files::read_text(file)?;
    let rows = match parse(file, &text) {
        Ok(rows) => rows,
        Err(problems) => return refuse(&problems),
    };
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    let mut known: HashMap<CardKey, bool> = HashMap::new();
    let mut reviews = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (line, row) in rows {
        let at = |e: &str| format!("{}:{line}: {e}", file.display());
        match row.review() {
            Ok(review) => {
                let exists = match known.get(&review.card) {
                    Some(e) => *e,
                    None => {
                        let e = store.has_card(&review.card)?;
                        known.insert(review.card.clone(), e);
                        e
                    }
                };
                if exists {
                    reviews.push(review);
                } else {
                    problems.push(at(&format!(
                        "card {} is not installed (install its deck first)",
                        crate::text::quoted(&review.card.to_string())
                    )));
                }
            }
            Err(e) => problems.push(at(&e)),
        }
    }
    if !problems.is_empty() {
        return refuse(&problems);
    }
    let report = store.import_history(user.id, &reviews)?;
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
