//! The quiz a front end drives: questions built from any card, asked one
//! at a time; each answer is judged, shown with its correction, and
//! recorded (rescheduling the card as a drill answer would) before the next
//! question comes.

use super::{Item, Outcome, Summary, day_seed, study_items};
use crate::model::{DeckId, Mode};
use crate::quiz::exam::{Given, judge};
use crate::quiz::{Form, Match, Question, questions, quiz_order};
use crate::review::{self, Answer, Judged, Recorded};
use crate::sched::Now;
use crate::store::{Decks, ReviewLog, Study, User};
use crate::{Error, Result};

/// What a quiz is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizOptions {
    /// Only this installed deck.
    pub deck: Option<DeckId>,
    /// Only these areas; every area when empty.
    pub areas: Vec<String>,
    /// How many questions.
    pub count: usize,
    /// The forms a question may take; every form when empty.
    pub forms: Vec<Form>,
    /// Fixes the questions and their option order (one per learner and day
    /// without it).
    pub seed: Option<u64>,
}

impl Default for QuizOptions {
    fn default() -> QuizOptions {
        QuizOptions {
            deck: None,
            areas: Vec::new(),
            count: 10,
            forms: Vec::new(),
            seed: None,
        }
    }
}

/// A question on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizQuestion {
    /// Names this showing: an answer must name it.
    pub id: u64,
    /// The card asked about, with the learner's state of it.
    pub item: Item,
    /// The question as asked.
    pub question: Question,
    /// 1-based.
    pub position: usize,
    /// Questions in the quiz.
    pub total: usize,
    /// Whether showing the area would give the answer away.
    pub hide_area: bool,
}

/// A question missed, with the answer given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The question as asked.
    pub question: Question,
    /// The answer given.
    pub given: Given,
}

/// A quiz in progress.
pub struct Quiz {
    user: User,
    asked: Vec<(Item, Question)>,
    next: usize,
    judged: Option<(Given, Match)>,
    outcomes: Vec<Outcome>,
    missed: Vec<Miss>,
    stopped: bool,
    last: Option<String>,
    /// The id the current question's answer is logged under: an answer
    /// saved whose reply was lost, given again, is logged once.
    review: String,
}

impl Quiz {
    /// Starts a quiz for `user` on the day of `now`: due cards first, then
    /// the weakest, then new ones, each made into a question of an allowed
    /// form.
    pub fn start(
        store: &(impl Study + Decks + ?Sized),
        user: User,
        options: &QuizOptions,
        now: Now,
    ) -> Result<Quiz> {
        let today = now.study_day(user.rollover);
        let items = study_items(store, &user, options.deck.as_ref(), &options.areas)?;
        let forms = if options.forms.is_empty() {
            Form::ALL.to_vec()
        } else {
            options.forms.clone()
        };
        let seed = options.seed.unwrap_or_else(|| day_seed(&user.name, today));
        let asked = questions(quiz_order(items, today), &forms, options.count, seed);
        Ok(Quiz {
            user,
            asked,
            next: 0,
            judged: None,
            outcomes: Vec::new(),
            missed: Vec::new(),
            stopped: false,
            last: None,
            review: crate::store::new_review_id(),
        })
    }

    /// How many questions the quiz asks.
    pub fn total(&self) -> usize {
        self.asked.len()
    }

    /// The question to answer, or `None` when the quiz is over.
    pub fn next(&self) -> Option<QuizQuestion> {
        if self.stopped {
            return None;
        }
        let (item, question) = self.asked.get(self.next)?;
        Some(QuizQuestion {
            id: self.next as u64 + 1,
            hide_area: question.names_area(&item.area_name),
            item: item.clone(),
            question: question.clone(),
            position: self.next + 1,
            total: self.asked.len(),
        })
    }

    /// Judges the answer `given` to question `id`, to be shown with its
    /// correction; [`Quiz::record`] then saves it.
    pub fn judge(&mut self, id: u64, given: Given) -> Result<Match> {
        let question = self.current(id)?;
        let verdict = judge(&question.1, &given);
        self.judged = Some((given, verdict));
        Ok(verdict)
    }

    /// Records the judged answer to question `id` at `now` (`easy`: a right
    /// answer the learner marks easy), rescheduling the card, and moves on.
    pub fn record(
        &mut self,
        log: &mut (impl ReviewLog + ?Sized),
        id: u64,
        easy: bool,
        now: Now,
        response_ms: Option<u32>,
    ) -> Result<Recorded> {
        let (item, question) = self.current(id)?.clone();
        let Some((given, verdict)) = self.judged.clone() else {
            return Err(Error::Stale);
        };
        let quality = review::quality_for(Judged::Auto { verdict, easy }, Mode::Quiz);
        let answer = Answer {
            user: self.user.id,
            card: item.key.clone(),
            quality,
            mode: Mode::Quiz,
            at: now.utc(),
            day: now.study_day(self.user.rollover),
            response_ms,
        };
        let recorded = review::record_once(log, &answer, &self.review)?;
        self.review = crate::store::new_review_id();
        self.outcomes.push(Outcome {
            key: item.key.clone(),
            area_name: item.area_name.clone(),
            quality: recorded.quality,
            mode: Mode::Quiz,
        });
        if verdict == Match::Wrong {
            self.missed.push(Miss { question, given });
        }
        self.judged = None;
        self.next += 1;
        self.last = Some(recorded.id.clone());
        Ok(recorded)
    }

    /// Ends the quiz where it stands: every answer recorded is kept (an
    /// answer judged but not recorded is not).
    pub fn stop(&mut self) {
        self.stopped = true;
        self.judged = None;
    }

    /// Whether it ended before its last question.
    pub fn stopped(&self) -> bool {
        self.stopped && self.next < self.asked.len()
    }

    /// The last review it recorded: where an undo would go back to.
    pub fn undo_point(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// Its results so far.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.outcomes)
    }

    /// The questions missed so far, with the answers given.
    pub fn missed(&self) -> &[Miss] {
        &self.missed
    }

    fn current(&self, id: u64) -> Result<&(Item, Question)> {
        if self.stopped || id != self.next as u64 + 1 {
            return Err(Error::Stale);
        }
        self.asked.get(self.next).ok_or(Error::Stale)
    }
}
