//! Questions and their judging: a question built from a card of any kind
//! (multiple choice with distractors from the same area first,
//! true/false, typed answers with tolerant matching, cloze blanks, "which
//! skill"), the quiz and the mock exam as sessions a front end drives, and
//! exam assembly by area weight. Pure functions of the cards and the seeded
//! randomness, and the store's traits; no terminal, no SQL.

pub mod exam;
mod matching;
mod mock;
mod pools;
mod question;
mod run;

pub use matching::{Match, judge_choice, judge_typed, normalize};
pub use mock::{
    AreaTrend, ExamEnd, ExamMiss, ExamOptions, ExamPresentation, ExamResult, ExamRun, assemble,
    passed, trend,
};
pub use pools::{Pools, questions, quiz_order};
pub use question::{Form, Pool, Question, build, card_names_area};
pub use run::{Miss, Quiz, QuizOptions, QuizQuestion};
