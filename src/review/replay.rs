//! The replay of one card's log: its state is what its reviews, in order,
//! make of a new card.

use chrono::{DateTime, Utc};

use crate::model::Mode;
use crate::sched::{Quality, State, StudyDay};

/// The replay of one card's log, one review at a time.
#[derive(Debug, Default, Clone)]
pub struct Replay {
    state: Option<State>,
    last: Option<DateTime<Utc>>,
}

impl Replay {
    /// Applies one review; the states before and after it.
    pub fn step(
        &mut self,
        mode: Mode,
        quality: Quality,
        day: StudyDay,
        at: DateTime<Utc>,
    ) -> (State, State) {
        let before = self.state.unwrap_or(State::NEW);
        let after = mode.apply(before, quality, day);
        if mode.reschedules() {
            self.last = Some(at);
            self.state = Some(after);
        }
        (before, after)
    }

    /// The card's state and its last rescheduling review, if a review
    /// scheduled it.
    pub fn finish(self) -> Option<(State, DateTime<Utc>)> {
        self.state.zip(self.last)
    }
}
