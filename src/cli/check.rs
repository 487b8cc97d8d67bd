//! `recall check`: verify the database; `--repair` rebuilds card state
//! from the review log.

use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::sched::State;
use crate::store::{Access, Mismatch, StoreError};
use crate::term::plural;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// Rewrite every card state from the review log.
    #[arg(long)]
    repair: bool,
}

pub(super) fn run(ctx: &Context, args: &CheckArgs) -> Result<ExitCode> {
    let access = if args.repair {
        Access::ReadWrite
    } else {
        Access::ReadOnly
    };
    let mut store = match ctx.store(access) {
        Ok(store) => store,
        Err(Error::Store(StoreError::Damaged { path, detail })) => {
            return damaged(&path, &detail);
        }
        Err(e) => return Err(e),
    };
    let report = store.check()?;
    outln!(
        "{}: {} users, {} reviews, {} card states",
        store.path().display(),
        report.users,
        report.reviews,
        report.states
    )?;
    for problem in &report.integrity {
        outln!("integrity: {problem}")?;
    }
    for m in &report.mismatches {
        outln!("{}", describe(m))?;
    }
    let no_deck = report.decks == 0;
    if no_deck {
        outln!("no deck is installed, so there is nothing to drill")?;
    }
    if report.mismatches.is_empty() && report.integrity.is_empty() && !no_deck {
        outln!("ok: every card state matches the review log")?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.repair && report.integrity.is_empty() {
        let fixed = store.repair()?;
        outln!("repaired: rewrote card state from the review log ({fixed} cards changed)")?;
        if no_deck {
            let installed = store.install_deck(&crate::deck::shipped()?, ctx.now()?.utc())?;
            outln!(
                "repaired: installed the built-in deck {} (version {})",
                installed.deck,
                installed.version
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let hint = if !report.integrity.is_empty() {
        "the file itself is damaged: restore it from a backup"
    } else if report.mismatches.is_empty() {
        "`recall deck add --builtin` puts back the built-in deck (so does `recall check --repair`)"
    } else {
        "`recall check --repair` rewrites card state from the review log"
    };
    let problems = report.mismatches.len() + report.integrity.len() + usize::from(no_deck);
    outln!("{} found; {hint}", plural(problems as u64, "problem"))?;
    Ok(ExitCode::FAILURE)
}

/// A file too damaged to open: what SQLite's integrity check finds in it.
fn damaged(path: &std::path::Path, detail: &str) -> Result<ExitCode> {
    outln!("{}: damaged: {detail}", path.display())?;
    for problem in crate::store::damage(path) {
        outln!("integrity: {problem}")?;
    }
    outln!(
        "the file itself is damaged: restore it from a backup (made with `recall backup FILE`); \
         recall has not changed it"
    )?;
    Ok(ExitCode::FAILURE)
}

fn describe(m: &Mismatch) -> String {
    let state = |s: &Option<(State, String)>| match s {
        None => "none".to_string(),
        Some((s, _)) => format!(
            "{} reps, ease {}, interval {}, due {}, {} lapses",
            s.repetitions,
            s.ease,
            s.interval,
            s.due.map_or_else(|| "-".to_string(), |d| d.to_string()),
            s.lapses
        ),
    };
    format!(
        "user {} card {}: stored {}; the log gives {}",
        m.user,
        m.card,
        state(&m.stored),
        state(&m.replayed)
    )
}
