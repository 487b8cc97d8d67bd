//! A drill session as a state machine: the queue for today (due cards,
//! most overdue first, then new ones, within the daily limits), then SM-2's
//! rule that every card graded below 4 comes back until it scores 4.
//!
//! It takes answers and times and says what to show next; it never touches
//! a terminal or the database, so every rule is tested directly.

mod summary;

use std::collections::{HashMap, HashSet, VecDeque};

use chrono::{DateTime, Duration, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::deck::NewCards;
use crate::sched::{Quality, StudyDay};
use crate::store::{CardKey, Mode};

pub use summary::{AreaSummary, Summary};

/// A card as a session sees it: the store's study card.
pub use crate::store::StudyCard as Item;

/// How many cards today's queue may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    /// Due cards still allowed today.
    pub reviews: usize,
    /// New cards still allowed today.
    pub new: usize,
    /// The session's own cap, if any.
    pub limit: Option<usize>,
}

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
    Some((item.key.deck.clone(), normalize_source(source)))
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

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every card done, repeats included.
    Finished,
    /// `--minutes` ran out.
    TimeUp,
    /// The input ended (end of file, Ctrl-C, q).
    Stopped,
}

/// One answer given in the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub key: CardKey,
    pub area_name: String,
    pub quality: Quality,
    pub mode: Mode,
}

/// A drill in progress.
#[derive(Debug)]
pub struct Session {
    queue: VecDeque<Item>,
    repeats: VecDeque<Item>,
    current: Option<(Item, Mode)>,
    total: usize,
    deadline: Option<DateTime<Utc>>,
    outcomes: Vec<Outcome>,
    end: Option<End>,
}

/// The card to show, and where the session stands.
#[derive(Debug, Clone, Copy)]
pub struct Current<'s> {
    pub item: &'s Item,
    pub mode: Mode,
    /// 1-based position among the session's first answers; repeats show
    /// the count of cards left to repeat.
    pub position: usize,
    pub total: usize,
    pub repeats_left: usize,
}

impl Session {
    /// A session over `queue` that ends at the first card after
    /// `minutes` from `start`, if given.
    pub fn new(queue: Vec<Item>, start: DateTime<Utc>, minutes: Option<u32>) -> Session {
        Session {
            total: queue.len(),
            queue: queue.into(),
            repeats: VecDeque::new(),
            current: None,
            deadline: minutes.map(|m| start + Duration::minutes(i64::from(m))),
            outcomes: Vec::new(),
            end: None,
        }
    }

    /// The same session, with cards still owed SM-2's repeat from an
    /// earlier session today asked again after the queue.
    pub fn with_repeats(mut self, owed: Vec<Item>) -> Session {
        self.repeats.extend(owed);
        self
    }

    /// The card to show at `now`, or `None` when the session is over.
    pub fn next(&mut self, now: DateTime<Utc>) -> Option<Current<'_>> {
        if self.end.is_some() {
            return None;
        }
        if self.current.is_none() {
            let cards_left = !self.queue.is_empty() || !self.repeats.is_empty();
            if cards_left && self.deadline.is_some_and(|d| now >= d) {
                self.end = Some(End::TimeUp);
                return None;
            }
            self.current = match self.queue.pop_front() {
                Some(item) => Some((item, Mode::Drill)),
                None => self
                    .repeats
                    .pop_front()
                    .map(|item| (item, Mode::DrillRepeat)),
            };
        }
        let position = self.first_answers() + 1;
        let (total, repeats_left) = (self.total, self.repeats.len());
        match &self.current {
            Some((item, mode)) => Some(Current {
                item,
                mode: *mode,
                position: position.min(total),
                total,
                repeats_left: repeats_left + usize::from(*mode == Mode::DrillRepeat),
            }),
            None => {
                self.end = Some(End::Finished);
                None
            }
        }
    }

    /// Records the answer to the current card: below 4, SM-2 asks it again
    /// at the end of the session. Returns the mode it is logged with.
    pub fn answer(&mut self, quality: Quality) -> Option<Mode> {
        let (item, mode) = self.current.take()?;
        self.outcomes.push(Outcome {
            key: item.key.clone(),
            area_name: item.area_name.clone(),
            quality,
            mode,
        });
        if quality < Quality::SESSION_DONE {
            self.repeats.push_back(item);
        }
        Some(mode)
    }

    /// Ends the session where it stands: the input is gone.
    pub fn stop(&mut self) {
        self.current = None;
        self.end.get_or_insert(End::Stopped);
    }

    /// Why the session ended, once it has.
    pub fn end(&self) -> Option<End> {
        self.end
    }

    /// Every answer so far, repeats included.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The session's first answers (not repeats) so far.
    fn first_answers(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.mode == Mode::Drill)
            .count()
    }
}
