//! What a finished session tells the learner.

use super::Outcome;
use crate::model::Mode;

/// Cards done and recalled, per area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSummary {
    /// The area's name (not its id).
    pub area: String,
    /// First answers in the area.
    pub cards: usize,
    /// Of those, answers of quality 3 or more.
    pub recalled: usize,
}

/// A session's results: first answers only (SM-2's end-of-session repeats
/// do not count twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// First answers given (repeats not counted).
    pub cards: usize,
    /// First answers of quality 3 or more.
    pub recalled: usize,
    /// SM-2's end-of-session repeats answered.
    pub repeats: usize,
    /// In order of first appearance.
    pub areas: Vec<AreaSummary>,
}

impl Summary {
    /// Sums up a session's outcomes.
    pub fn of(outcomes: &[Outcome]) -> Summary {
        let mut summary = Summary {
            cards: 0,
            recalled: 0,
            repeats: 0,
            areas: Vec::new(),
        };
        for o in outcomes {
            if o.mode == Mode::DrillRepeat {
                summary.repeats += 1;
                continue;
            }
            let passed = usize::from(o.quality.passed());
            summary.cards += 1;
            summary.recalled += passed;
            match summary.areas.iter_mut().find(|a| a.area == o.area_name) {
                Some(a) => {
                    a.cards += 1;
                    a.recalled += passed;
                }
                None => summary.areas.push(AreaSummary {
                    area: o.area_name.clone(),
                    cards: 1,
                    recalled: passed,
                }),
            }
        }
        summary
    }
}
