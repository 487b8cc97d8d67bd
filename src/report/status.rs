//! A learner's day at a glance: per area and in total, what is due today,
//! the new cards, those learning and learned, the new cards the daily
//! allowance still lets in, and the streak.

use serde::Serialize;

use crate::Result;
use crate::model::DeckId;
use crate::review;
use crate::sched::Now;
use crate::session::study_items;
use crate::store::{Decks, Study, User};

/// One area's figures (or the total's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StatusRow {
    /// The deck's id (for the total, the `--deck` asked for, else empty).
    pub deck: String,
    /// Empty for the total.
    pub area: String,
    /// The area's name; `Total` for the total.
    pub name: String,
    /// Cards due today or overdue.
    pub due: usize,
    /// Cards never answered.
    pub new: usize,
    /// Cards answered whose last scheduled answer failed (not yet recalled
    /// since): with new and learned, they make up every card.
    pub learning: usize,
    /// Cards recalled at least once since their last failure.
    pub learned: usize,
    /// Active cards.
    pub cards: usize,
}

/// A learner's status on a study day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The learner's name.
    pub user: String,
    /// The study day, `YYYY-MM-DD`.
    pub study_day: String,
    /// Study days in a row with a finished drill, ending today (or yesterday
    /// while today's is still to come).
    pub streak: u32,
    /// New cards the daily allowance still lets in today.
    pub new_today: usize,
    /// Each area's figures, in the order their first cards come in the
    /// decks.
    pub areas: Vec<StatusRow>,
    /// Every area together.
    pub total: StatusRow,
}

/// `user`'s status at `now`, over every installed deck or `deck` (an
/// unknown one is an error).
pub fn status(
    store: &(impl Study + Decks + ?Sized),
    user: &User,
    deck: Option<&DeckId>,
    now: Now,
) -> Result<Status> {
    let today = now.study_day(user.rollover);
    let mut areas: Vec<StatusRow> = Vec::new();
    for c in study_items(store, user, deck, &[])? {
        let i = match areas
            .iter()
            .position(|r| c.key.deck == *r.deck && r.area == c.card.area)
        {
            Some(i) => i,
            None => {
                areas.push(StatusRow {
                    deck: c.key.deck.to_string(),
                    area: c.card.area.clone(),
                    name: c.area_name.clone(),
                    ..StatusRow::default()
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
    let mut total = StatusRow {
        deck: deck.map(DeckId::to_string).unwrap_or_default(),
        area: String::new(),
        name: "Total".to_string(),
        ..StatusRow::default()
    };
    for r in &areas {
        total.cards += r.cards;
        total.due += r.due;
        total.new += r.new;
        total.learning += r.learning;
        total.learned += r.learned;
    }
    let done = review::day_counts(&store.day_reviews(user.id, today)?);
    let left = review::allowance(user, done, None, None).new;
    Ok(Status {
        user: user.name.clone(),
        study_day: today.to_string(),
        streak: review::streak(&store.finished_days(user.id, today)?, today),
        new_today: left.min(total.new),
        areas,
        total,
    })
}
