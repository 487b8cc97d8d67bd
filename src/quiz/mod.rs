//! Questions and their judging: a question built from a card of any kind
//! (multiple choice with distractors from the same area first,
//! true/false, typed answers with tolerant matching, cloze blanks, "which
//! skill"), the quiz's order, exam assembly by area weight, and an exam's
//! scoring. Pure functions of the cards and the seeded randomness: no
//! store, no terminal, no SQL. The quiz and the exam a front end drives
//! are sessions (`session`), built on these.

pub mod exam;
mod matching;
mod pools;
mod question;

pub use exam::{AreaTrend, passed, trend};
pub use matching::{Match, judge_choice, judge_typed, normalize};
pub use pools::{Pools, assemble, questions, quiz_order};
pub use question::{Form, Pool, Question, build, card_names_area};
