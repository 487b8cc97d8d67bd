//! `recall check`: verify the database; `--repair` rebuilds card state
//! from the review log.

use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::review::{self, CheckReport, Mismatch};
use crate::sched::State;
use crate::store::{Access, StoreError, sqlite};
use crate::text::plural;
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
        Err(Error::Store(StoreError::Damaged { place, detail })) => {
            return damaged(&place, &ctx.db_path()?, &detail);
        }
        Err(e) => return Err(e),
    };
    let report = review::check(&*store)?;
    out!("{}", findings(&store.place(), &report))?;
    let no_deck = report.decks == 0;
    if report.mismatches.is_empty() && report.integrity.is_empty() && !no_deck {
        outln!("ok: every card state matches the review log")?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.repair && report.integrity.is_empty() {
        let fixed = review::repair(&mut *store)?;
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
    outln!("{}", verdict(&report))?;
    Ok(ExitCode::FAILURE)
}

/// What the check counted and every problem it found, a line each.
fn findings(place: &str, report: &CheckReport) -> String {
    let mut out = format!(
        "{place}: {} users, {} reviews, {} card states\n",
        report.users, report.reviews, report.states
    );
    for problem in &report.integrity {
        out.push_str(&format!("integrity: {problem}\n"));
    }
    for m in &report.mismatches {
        out.push_str(&describe(m));
        out.push('\n');
    }
    if report.decks == 0 {
        out.push_str("no deck is installed, so there is nothing to drill\n");
    }
    out
}

/// How many problems, and what puts them right.
fn verdict(report: &CheckReport) -> String {
    let hint = if !report.integrity.is_empty() {
        "the file itself is damaged: restore it from a backup"
    } else if report.mismatches.is_empty() {
        "`recall deck add --builtin` puts back the built-in deck (so does `recall check --repair`)"
    } else {
        "`recall check --repair` rewrites card state from the review log"
    };
    let no_deck = usize::from(report.decks == 0);
    let problems = report.mismatches.len() + report.integrity.len() + no_deck;
    format!("{} found; {hint}", plural(problems, "problem"))
}

/// A file too damaged to open: what SQLite's integrity check finds in it.
fn damaged(place: &str, path: &std::path::Path, detail: &str) -> Result<ExitCode> {
    outln!("{place}: damaged: {detail}")?;
    for problem in sqlite::damage(path) {
        outln!("integrity: {problem}")?;
    }
    outln!(
        "the file itself is damaged: restore it from a backup (made with `recall backup FILE`); \
         recall has not changed it"
    )?;
    Ok(ExitCode::FAILURE)
}

fn describe(m: &Mismatch) -> String {
    let state = |s: &Option<(State, chrono::DateTime<chrono::Utc>)>| match s {
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
