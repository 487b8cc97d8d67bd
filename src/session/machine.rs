//! A drill as a state machine: the queue, then SM-2's rule that every card
//! graded below 4 comes back until it scores 4, and `--minutes`. It takes
//! answers and times and says what to show next.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};

use super::Item;
use crate::model::{CardKey, Mode};
use crate::sched::Quality;

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
    /// The card answered.
    pub key: CardKey,
    /// The name of its area.
    pub area_name: String,
    /// The grade recorded.
    pub quality: Quality,
    /// How it was given: a drill's first answer or repeat, or a quiz answer.
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
    /// The card.
    pub item: &'s Item,
    /// A first answer, or SM-2's end-of-session repeat.
    pub mode: Mode,
    /// 1-based position among the session's first answers; repeats show
    /// the count of cards left to repeat.
    pub position: usize,
    /// Cards in the queue at the start: the session's first answers, owed
    /// repeats not counted.
    pub total: usize,
    /// Repeats still to come, this one included when it is a repeat.
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
