//! `recall deck`: lint and import deck files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::deck::{self, Severity};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub(super) enum DeckCommand {
    /// Check deck files and list every problem as path:line:col.
    Lint(LintArgs),
    /// Turn a CSV or TSV spreadsheet (or an Anki text export) into a deck.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub(super) struct LintArgs {
    /// Deck files (TOML, or JSON when the name ends in .json).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Args)]
pub(super) struct ImportArgs {
    /// The spreadsheet: columns front, back, area, tags.
    file: PathBuf,
    /// Where to write the deck; standard output if absent.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
    /// The deck id (default: from #deck: or the file name).
    #[arg(long)]
    id: Option<String>,
    /// The deck title (default: from #deck: or the file name).
    #[arg(long)]
    title: Option<String>,
    /// The area for rows with no area column (default: General).
    #[arg(long, default_value = "General")]
    area: String,
}

pub(super) fn run(command: DeckCommand) -> Result<ExitCode> {
    match command {
        DeckCommand::Lint(args) => lint(&args),
        DeckCommand::Import(args) => import(&args),
    }
}

fn lint(args: &LintArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let (mut errors, mut warnings) = (0, 0);
    for path in &args.files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(source) => {
                let err = Error::Read {
                    path: path.clone(),
                    source,
                };
                writeln!(out, "{err}").map_err(Error::Output)?;
                errors += 1;
                continue;
            }
        };
        let checked = deck::check(path, &text);
        for d in &checked.diagnostics {
            writeln!(out, "{d}").map_err(Error::Output)?;
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        if let Some(deck) = &checked.deck {
            if checked.diagnostics.is_empty() {
                let summary = format!("{}: ok, {}", path.display(), size(deck));
                writeln!(out, "{summary}").map_err(Error::Output)?;
            }
        }
    }
    if errors + warnings > 0 {
        eprintln!(
            "{}",
            count(errors, "error") + ", " + &count(warnings, "warning")
        );
    }
    let failed = errors > 0 || (args.strict && warnings > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// "12 cards in 3 areas".
fn size(deck: &deck::Deck) -> String {
    let cards = count(deck.cards.len(), "card");
    format!("{cards} in {}", count(deck.areas.len(), "area"))
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn import(args: &ImportArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file).map_err(|source| Error::Read {
        path: args.file.clone(),
        source,
    })?;
    let options = deck::import::Options {
        id: args.id.clone(),
        title: args.title.clone(),
        area: args.area.clone(),
    };
    let imported = match deck::import::import(&args.file, &text, &options) {
        Ok(imported) => imported,
        Err(invalid) => {
            // Every problem, not only the first: the user fixes them in one go.
            for d in &invalid.diagnostics {
                eprintln!("recall: {d}");
            }
            return Ok(ExitCode::FAILURE);
        }
    };
    for note in &imported.notes {
        eprintln!("recall: note: {note}");
    }
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(imported.toml.as_bytes())
                .map_err(Error::Output)?;
        }
        Some(path) => {
            write_new(path, &imported.toml, args.force)?;
            eprintln!("wrote {}: {}", path.display(), size(&imported.deck));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to `path` through a temporary file renamed into place, so
/// an existing file is either kept whole or replaced whole; refuses to
/// replace one unless `force`.
fn write_new(path: &Path, text: &str, force: bool) -> Result<()> {
    let failed = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if !force && path.exists() {
        return Err(Error::Exists(path.to_path_buf()));
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text).map_err(failed)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(e)
    })
}
