//! `recall quiz`: the options a quiz is started with, then the terminal
//! loop (`term::quiz`) drives the engine's quiz to its summary.
//! How a judged answer becomes an SM-2 quality is `review::quality_for`.

use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::model::DeckId;
use crate::quiz::Form;
use crate::session::{Quiz, QuizOptions};
use crate::store::Access;
use crate::term::{self, Clock as _, Prompt, Terminal};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct QuizArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// Only these areas (repeat the flag for several).
    #[arg(long = "area", value_name = "ID")]
    areas: Vec<String>,
    /// How many questions.
    #[arg(long, default_value_t = 10)]
    count: usize,
    /// Question kinds to ask, comma-separated: choice, truefalse, typed,
    /// cloze [default: all]
    #[arg(long, value_delimiter = ',', value_parser = parse_form)]
    kinds: Vec<Form>,
    /// Fixes the questions and their option order (default: one per user
    /// and day).
    #[arg(long)]
    seed: Option<u64>,
}

fn parse_form(s: &str) -> std::result::Result<Form, String> {
    Form::from_name(s.trim())
        .ok_or_else(|| format!("unknown kind {s:?}: use choice, truefalse, typed or cloze"))
}

pub(super) fn run(ctx: &Context, args: &QuizArgs) -> Result<ExitCode> {
    let clock = ctx.clock()?;
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    store.set_patience(term::PATIENCE)?;
    let options = QuizOptions {
        deck: args.deck.as_deref().map(DeckId::from),
        areas: args.areas.clone(),
        count: args.count,
        forms: args.kinds.clone(),
        seed: args.seed,
    };
    let mut quiz = Quiz::start(&*store, user, &options, clock.now())?;
    let mut terminal = Terminal::open().map_err(Error::Output)?;
    term::quiz(&mut terminal, &mut *store, &clock, &mut quiz)?;
    terminal
        .say(&term::quiz_text(&quiz))
        .map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}
