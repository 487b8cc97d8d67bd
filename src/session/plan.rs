//! Today's queue: which cards a drill shows, in what order, within the
//! daily allowance, keeping siblings apart.

use std::collections::{HashMap, HashSet};

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use super::Item;
use crate::deck::NewCards;
use crate::model::CardKey;
use crate::review::Allowance;
use crate::sched::StudyDay;

/// Today's queue: due cards (due on or before `today`), most overdue
/// first with ties in an order fixed by `seed`, up to the review allowance;
/// then new cards in their deck's order (the file's, or interleaved across
/// areas) up to the new allowance; capped by the session limit.
///
/// Siblings, cards made from the same `source` sentence, are kept apart
/// within a day, as Anki buries them: once one is in the queue, the others
/// wait for another day, so one card never gives away the next.
pub fn plan(items: Vec<Item>, today: StudyDay, allowance: Allowance, seed: u64) -> Vec<Item> {
    plan_after(items, today, allowance, seed, &HashSet::new())
}

/// [`plan`], with the siblings of `earlier` (the deck and source of each
/// card already answered today) kept for another day too.
pub fn plan_after(
    items: Vec<Item>,
    today: StudyDay,
    allowance: Allowance,
    seed: u64,
    earlier: &HashSet<(String, String)>,
) -> Vec<Item> {
    let turns = turns(&items);
    let (mut due, new): (Vec<Item>, Vec<Item>) = items
        .into_iter()
        .filter(|i| i.state.due.is_none_or(|d| d <= today))
        .partition(|i| i.state.due.is_some());
    due.shuffle(&mut StdRng::seed_from_u64(seed));
    due.sort_by_key(|i| i.state.due);
    let mut seen = earlier.clone();
    let mut queue = unburied(due, allowance.reviews, &mut seen);
    queue.extend(unburied(new_order(new, &turns), allowance.new, &mut seen));
    if let Some(limit) = allowance.limit {
        queue.truncate(limit);
    }
    queue
}

/// The deck and source sentence a card shares with its siblings.
pub fn sibling_key(item: &Item) -> Option<(String, String)> {
    let source = item.card.source.as_ref()?;
    Some((item.key.deck.to_string(), normalize_source(source)))
}

fn normalize_source(source: &str) -> String {
    source
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Up to `n` of `cards`, in order, skipping the siblings of any card in
/// `seen` or taken before; each card taken joins `seen`.
fn unburied(cards: Vec<Item>, n: usize, seen: &mut HashSet<(String, String)>) -> Vec<Item> {
    let mut out = Vec::new();
    for item in cards {
        if out.len() == n {
            break;
        }
        match sibling_key(&item) {
            Some(key) if seen.contains(&key) => continue,
            Some(key) => {
                seen.insert(key);
            }
            None => {}
        }
        out.push(item);
    }
    out
}

/// Each card's turn in an interleaved deck: its place among its area's
/// cards in file order, counted over every card the learner has (new or
/// not), so the rotation across areas carries on from one drill to the
/// next instead of starting again at the first area.
fn turns(items: &[Item]) -> HashMap<CardKey, usize> {
    let mut by_area: HashMap<(&str, usize), Vec<&Item>> = HashMap::new();
    for item in items {
        by_area
            .entry((item.key.deck.as_str(), item.area_position))
            .or_default()
            .push(item);
    }
    let mut turns = HashMap::new();
    for cards in by_area.values_mut() {
        cards.sort_by_key(|i| i.position);
        for (turn, item) in cards.iter().enumerate() {
            turns.insert(item.key.clone(), turn);
        }
    }
    turns
}

/// New cards in the order their decks introduce them: decks by id; within
/// a deck, the file's order, or, interleaved, one card from each area in
/// turn (areas in the deck's order).
fn new_order(mut new: Vec<Item>, turns: &HashMap<CardKey, usize>) -> Vec<Item> {
    let turn = |i: &Item| match i.new_cards {
        NewCards::Interleaved => (turns.get(&i.key).copied().unwrap_or(0), i.area_position),
        NewCards::InOrder => (0, 0),
    };
    new.sort_by(|a, b| (&a.key.deck, turn(a), a.position).cmp(&(&b.key.deck, turn(b), b.position)));
    new
}
