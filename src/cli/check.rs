//! `recall check`: verify the database; `--repair` rebuilds card state
//! from the review log.

use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::Result;
use crate::sched::State;
use crate::store::{Access, Mismatch};

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
    let mut store = ctx.store(access)?;
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
    if report.mismatches.is_empty() && report.integrity.is_empty() {
        outln!("ok: every card state matches the review log")?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.repair && report.integrity.is_empty() {
        let fixed = store.repair()?;
        outln!("repaired: rewrote card state from the review log ({fixed} cards changed)")?;
        return Ok(ExitCode::SUCCESS);
    }
    let hint = if report.integrity.is_empty() {
        "`recall check --repair` rewrites card state from the review log"
    } else {
        "the file itself is damaged: restore it from a backup"
    };
    outln!(
        "{} problems found; {hint}",
        report.mismatches.len() + report.integrity.len()
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
