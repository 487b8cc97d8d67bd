//! `recall status`: per area and in total, what is due today, the new
//! cards left, the cards learned, and the streak.

use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::Context;
use crate::store::Access;
use crate::term::{Align, plural, table};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub(super) struct StatusArgs {
    /// Only this installed deck.
    #[arg(long, value_name = "ID")]
    deck: Option<String>,
    /// Print JSON (schema: see the README).
    #[arg(long)]
    json: bool,
}

/// One area's figures.
#[derive(Debug, Default, Serialize)]
struct Row {
    deck: String,
    area: String,
    name: String,
    /// Cards due today or overdue.
    due: usize,
    /// Cards never answered.
    new: usize,
    /// Cards answered whose last scheduled answer failed (not yet recalled
    /// since): with new and learned, they make up every card.
    learning: usize,
    /// Cards recalled at least once since their last failure.
    learned: usize,
    cards: usize,
}

#[derive(Debug, Serialize)]
struct Status {
    user: String,
    study_day: String,
    streak: u32,
    /// New cards the daily allowance still lets in today.
    new_today: usize,
    areas: Vec<Row>,
    total: Row,
}

pub(super) fn run(ctx: &Context, args: &StatusArgs) -> Result<ExitCode> {
    let (store, user) = ctx.learner(Access::ReadOnly)?;
    if let Some(deck) = &args.deck {
        if store.deck_version(deck)?.is_none() {
            return Err(Error::UnknownDeck(deck.clone()));
        }
    }
    let today = ctx.now()?.study_day(user.rollover);
    let mut areas: Vec<Row> = Vec::new();
    for c in store.study_cards(user.id, args.deck.as_deref())? {
        let i = match areas
            .iter()
            .position(|r| r.deck == c.key.deck && r.area == c.card.area)
        {
            Some(i) => i,
            None => {
                areas.push(Row {
                    deck: c.key.deck.clone(),
                    area: c.card.area.clone(),
                    name: c.area_name.clone(),
                    ..Row::default()
                });
                areas.len() - 1
            }
        };
        let row = &mut areas[i];
        row.cards += 1;
        row.due += usize::from(c.state.due.is_some_and(|d| d <= today));
        row.new += usize::from(c.state.is_new());
        row.learning += usize::from(!c.state.is_new() && c.state.repetitions == 0);
        row.learned += usize::from(c.state.repetitions >= 1);
    }
    let mut total = Row {
        deck: args.deck.clone().unwrap_or_default(),
        area: String::new(),
        name: "Total".to_string(),
        ..Row::default()
    };
    for r in &areas {
        total.cards += r.cards;
        total.due += r.due;
        total.new += r.new;
        total.learning += r.learning;
        total.learned += r.learned;
    }
    let counts = store.day_counts(user.id, today)?;
    let left = (user.new_per_day as usize).saturating_sub(counts.new);
    let status = Status {
        user: user.name.clone(),
        study_day: today.to_string(),
        streak: store.streak(user.id, today)?,
        new_today: left.min(total.new),
        areas,
        total,
    };
    if args.json {
        let json = serde_json::to_string_pretty(&status)
            .map_err(|e| Error::Usage(format!("cannot write JSON: {e}")))?;
        outln!("{json}")?;
        return Ok(ExitCode::SUCCESS);
    }
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
    outln!("{} · study day {}", status.user, status.study_day)?;
    out!(
        "{}",
        table(
            &["area", "due", "new", "learning", "learned", "cards"],
            &Align::columns("lrrrrr"),
            &rows
        )
    )?;
    outln!(
        "New cards left for today: {} · streak: {}",
        status.new_today,
        plural(u64::from(status.streak), "day")
    )?;
    Ok(ExitCode::SUCCESS)
}
