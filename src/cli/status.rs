//! `recall status`: per area and in total, what is due today, the new
//! cards left, the cards learned, and the streak.

use std::process::ExitCode;

use super::Context;
use crate::model::DeckId;
use crate::report::{self, Status};
use crate::store::Access;
use crate::text::{Align, plural, table};
use crate::{Error, Result};
use clap::Args;

#[derive(Debug, Args)]
pub(super) struct StatusArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// Print JSON (schema: see the README).
    #[arg(long)]
    json: bool,
}

pub(super) fn run(ctx: &Context, args: &StatusArgs) -> Result<ExitCode> {
    let (store, user) = ctx.learner(Access::ReadOnly)?;
    let deck = args.deck.as_deref().map(DeckId::from);
    let status = report::status(&*store, &user, deck.as_ref(), ctx.now()?)?;
    if args.json {
        let json = serde_json::to_string_pretty(&status)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        outln!("{json}")?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("{}", text(&status))?;
    Ok(ExitCode::SUCCESS)
}

/// The status as a table, a row per area, with the day's line.
fn text(status: &Status) -> String {
    let several = status.areas.iter().any(|r| r.deck != status.areas[0].deck);
    let mut rows: Vec<Vec<String>> = status
        .areas
        .iter()
        .chain(std::iter::once(&status.total))
        .map(|r| {
            let name = if several && !r.deck.is_empty() && r.name != "Total" {
                format!("{} ({})", r.name, r.deck)
            } else {
                r.name.clone()
            };
            vec![
                name,
                r.due.to_string(),
                r.new.to_string(),
                r.learning.to_string(),
                r.learned.to_string(),
                r.cards.to_string(),
            ]
        })
        .collect();
    if rows.len() == 1 {
        rows.clear();
    }
    format!(
        "{} · study day {}\n{}New cards left for today: {} · streak: {}",
        status.user,
        status.study_day,
        table(
            &["area", "due", "new", "learning", "learned", "cards"],
            &Align::columns("lrrrrr"),
            &rows
        ),
        status.new_today,
        plural(status.streak, "day")
    )
}
