//! `recall exam`: the options a mock exam is started with, then the
//! terminal loop (`term::exam`) drives the engine's exam to its score;
//! `--history` lists past attempts with each area's trend.

use std::process::ExitCode;

use clap::Args;

use super::Context;
use crate::model::DeckId;
use crate::quiz::exam::percent;
use crate::quiz::{AreaTrend, passed, trend};
use crate::session::{ExamOptions, ExamRun};
use crate::store::{Access, Exams, User};
use crate::term::{self, Clock as _, Prompt, Terminal};
use crate::text::{Align, table};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct ExamArgs {
    /// The deck to be examined on (needed when several are installed).
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// How many questions.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..))]
    questions: u64,
    /// Time allowed [default: one minute a question]
    #[arg(long, value_name = "M", value_parser = clap::value_parser!(u32).range(1..))]
    minutes: Option<u32>,
    /// The score needed to pass, in percent.
    #[arg(long, default_value_t = 70, value_parser = clap::value_parser!(u32).range(0..=100))]
    pass_mark: u32,
    /// Fixes the questions and their order (default: one per user and day).
    #[arg(long)]
    seed: Option<u64>,
    /// List past attempts with the score trend per area instead.
    #[arg(long)]
    history: bool,
}

pub(super) fn run(ctx: &Context, args: &ExamArgs) -> Result<ExitCode> {
    let clock = ctx.clock()?;
    if args.history {
        let (store, user) = ctx.learner(Access::ReadOnly)?;
        return history(&*store, &user);
    }
    let (mut store, user) = ctx.learner(Access::ReadWrite)?;
    store.set_patience(term::PATIENCE)?;
    let options = ExamOptions {
        deck: args.deck.as_deref().map(DeckId::from),
        questions: usize::try_from(args.questions).unwrap_or(usize::MAX),
        minutes: args.minutes,
        pass_mark: args.pass_mark,
        seed: args.seed,
    };
    let mut run = ExamRun::start(&*store, user, &options, clock.now())?;
    let mut terminal = Terminal::open().map_err(Error::Output)?;
    let ticking = || clock.reader();
    let end = term::exam(&mut terminal, &mut *store, &clock, &mut run, ticking)?;
    terminal
        .say(&term::exam_text(&end, run.asked_fewer()))
        .map_err(Error::Output)?;
    Ok(ExitCode::SUCCESS)
}

fn history(store: &(impl Exams + ?Sized), user: &User) -> Result<ExitCode> {
    let attempts = store.exams(user.id)?;
    if attempts.is_empty() {
        outln!("No exam yet: `recall exam` starts one.")?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = attempts
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let score = percent(a.correct, a.questions);
            let (right, score, verdict) = match (a.finished, passed(score, a.pass_mark)) {
                (false, _) => ("-".to_string(), "-".to_string(), "abandoned"),
                (true, pass) => (
                    format!("{}/{}", a.correct, a.questions),
                    format!("{score}%"),
                    if pass { "pass" } else { "fail" },
                ),
            };
            vec![
                (n + 1).to_string(),
                a.started_at.format("%Y-%m-%d").to_string(),
                a.deck.to_string(),
                right,
                score,
                verdict.to_string(),
                format!("{} min", a.minutes),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            &["#", "date", "deck", "right", "score", "result", "time"],
            &Align::columns("rllrrlr"),
            &rows
        )
    )?;
    let trend = trend(&attempts);
    if !trend.is_empty() {
        out!("{}", trend_text(&trend))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Each area's scores, weakest first, oldest attempt first in each row.
fn trend_text(trend: &[AreaTrend]) -> String {
    let mut out =
        "\nScore per area, weakest first (oldest attempt first in each row):\n".to_string();
    let width = trend
        .iter()
        .map(|t| t.area_name.chars().count())
        .max()
        .unwrap_or(0);
    for t in trend {
        let scores: Vec<String> = t
            .scores
            .iter()
            .map(|(c, t)| format!("{}% ({c}/{t})", percent(*c, *t)))
            .collect();
        out.push_str(&format!(
            "  {:width$}  {}\n",
            t.area_name,
            scores.join(" → ")
        ));
    }
    out
}
