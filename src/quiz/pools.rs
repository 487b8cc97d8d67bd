//! Which cards a quiz asks about, and what a question may borrow from: each
//! deck's cards (for distractors) and its skills (for "which skill").

use std::collections::HashMap;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::exam::{ExamQuestion, allocate};
use super::question::{Form, Pool, Question, build};
use crate::deck::Card;
use crate::model::DeckId;
use crate::sched::StudyDay;
use crate::store::StudyCard as Item;

/// Due cards first (most overdue first), then the weakest learned ones
/// (lowest E-Factor, then most lapses), then new ones in deck order.
pub fn quiz_order(items: Vec<Item>, today: StudyDay) -> Vec<Item> {
    let (mut due, rest): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .partition(|i| i.state.due.is_some_and(|d| d <= today));
    due.sort_by_key(|i| i.state.due);
    let (mut weak, new): (Vec<Item>, Vec<Item>) = rest.into_iter().partition(|i| !i.state.is_new());
    weak.sort_by(|a, b| {
        (a.state.ease, std::cmp::Reverse(a.state.lapses))
            .cmp(&(b.state.ease, std::cmp::Reverse(b.state.lapses)))
    });
    due.extend(weak);
    due.extend(new);
    due
}

/// Each deck's cards and skill areas, for building questions.
pub struct Pools {
    cards: HashMap<DeckId, Vec<Card>>,
    skills: HashMap<DeckId, Vec<(String, String)>>,
}

impl Pools {
    /// The pools of the decks `items` come from.
    pub fn new(items: &[Item]) -> Pools {
        let mut cards: HashMap<DeckId, Vec<Card>> = HashMap::new();
        let mut skills: HashMap<DeckId, Vec<(String, String)>> = HashMap::new();
        for item in items {
            cards
                .entry(item.key.deck.clone())
                .or_default()
                .push(item.card.clone());
            // An area with a practice card is a skill a practice can develop.
            if item.card.tags.iter().any(|t| t == "practice") {
                let list = skills.entry(item.key.deck.clone()).or_default();
                if !list.iter().any(|(id, _)| *id == item.card.area) {
                    list.push((item.card.area.clone(), item.area_name.clone()));
                }
            }
        }
        Pools { cards, skills }
    }

    /// What questions on `deck` may borrow from.
    pub fn pool(&self, deck: &DeckId) -> Pool<'_> {
        Pool {
            cards: self.cards.get(deck).map_or(&[], Vec::as_slice),
            skills: self.skills.get(deck).map_or(&[], Vec::as_slice),
        }
    }
}

/// Builds up to `count` questions from `items` in order, skipping cards
/// no allowed form suits.
pub fn questions(
    items: Vec<Item>,
    forms: &[Form],
    count: usize,
    seed: u64,
) -> Vec<(Item, Question)> {
    let pools = Pools::new(&items);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = Vec::new();
    for item in items {
        if out.len() == count {
            break;
        }
        if let Some(q) = build(&item.card, &pools.pool(&item.key.deck), forms, &mut rng) {
            out.push((item, q));
        }
    }
    out
}

/// The questions of an exam: each area's share of `n` by weight, cards
/// drawn by the seeded rng, every question graded automatically.
pub fn assemble(
    items: &[Item],
    areas: &[(String, Option<f64>)],
    n: usize,
    seed: u64,
) -> Vec<ExamQuestion> {
    let pools = Pools::new(items);
    let mut rng = StdRng::seed_from_u64(seed);
    let forms = [Form::Choice, Form::TrueFalse, Form::Typed, Form::Cloze];
    let by_area: Vec<Vec<&Item>> = areas
        .iter()
        .map(|(id, _)| items.iter().filter(|i| i.card.area == *id).collect())
        .collect();
    let weights: Vec<f64> = areas.iter().map(|(_, w)| w.unwrap_or(1.0)).collect();
    let available: Vec<usize> = by_area.iter().map(Vec::len).collect();
    let counts = allocate(&weights, &available, n);
    let mut out = Vec::new();
    for (mut cards, count) in by_area.into_iter().zip(counts) {
        cards.shuffle(&mut rng);
        let mut taken = 0;
        for item in cards {
            if taken == count {
                break;
            }
            let pool = pools.pool(&item.key.deck);
            if let Some(question) = build(&item.card, &pool, &forms, &mut rng) {
                out.push(ExamQuestion {
                    key: item.key.clone(),
                    area: item.card.area.clone(),
                    area_name: item.area_name.clone(),
                    question,
                });
                taken += 1;
            }
        }
    }
    out.shuffle(&mut rng);
    out
}
