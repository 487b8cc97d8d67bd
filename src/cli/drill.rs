//! `recall drill`: the options a drill is started with, then the terminal
//! loop (`term::drill`) drives the engine's drill to its summary.

use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::Context;
use crate::model::DeckId;
use crate::session::{Drill, DrillOptions};
use crate::store::Access;
use crate::term::{self, Clock as _, Prompt, Terminal};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct DrillArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// Only these areas (repeat the flag for several).
    #[arg(long = "area", value_name = "ID")]
    areas: Vec<String>,
    /// At most this many cards in this session.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// End the session at the next card once this many minutes have passed.
    #[arg(long, value_name = "M")]
    minutes: Option<u32>,
    /// New cards for this session, instead of what is left of the day's
    /// allowance.
    #[arg(long, value_name = "N")]
    new: Option<usize>,
    /// The grading scale: buttons (1-4: Again, Hard, Good, Easy) or sm2
    /// (qualities 0-5).
    #[arg(long, value_enum, default_value = "buttons")]
    grades: Grades,
    /// Fixes the order of cards due on the same day (default: one order
    /// per user and day).
    #[arg(long)]
    seed: Option<u64>,
}

/// `--grades`, as clap reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Grades {
    Buttons,
    Sm2,
}

impl From<Grades> for term::Scale {
    fn from(g: Grades) -> term::Scale {
        match g {
            Grades::Buttons => term::Scale::Buttons,
            Grades::Sm2 => term::Scale::Sm2,
        }
    }
}

pub(super) fn run(ctx: &Context, args: &DrillArgs) -> Result<ExitCode> {
    let clock = ctx.clock()?;
    let (mut store, user, added) = ctx.learner_opened(Access::ReadWrite)?;
    store.set_patience(term::PATIENCE)?;
    let mut terminal = Terminal::open().map_err(Error::Output)?;
    if added {
        let db = store.place();
        terminal
            .say(&format!(
                "New learner {}: every answer is kept in {db}",
                user.name
            ))
            .map_err(Error::Output)?;
    }
    let options = DrillOptions {
        deck: args.deck.as_deref().map(DeckId::from),
        areas: args.areas.clone(),
        limit: args.limit,
        minutes: args.minutes,
        new: args.new,
        seed: args.seed,
    };
    let mut drill = Drill::start(&*store, user, options, clock.now())?;
    let finished = term::drill(
        &mut terminal,
        &mut *store,
        &clock,
        &mut drill,
        args.grades.into(),
    )?;
    terminal
        .say(&term::drill_text(&finished, !args.areas.is_empty()))
        .map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}
