//! The engine without the command line: a drill, a quiz and an exam run
//! in-process, against a store in memory, first through the terminal
//! loops with a scripted terminal, then through the session API alone, as
//! a second front end (the web app) drives it. Nothing here imports `cli`.
//!
//! Every card of the fixture deck has the same answer, "four", so a
//! scripted learner's answers do not depend on the order cards come in.
//! Expected states are SM-2 worked by hand:
//! - new, quality 4: 1 repetition, interval 1, E-Factor 2.50;
//! - new, quality 1: 0 repetitions, interval 1, E-Factor
//!   2.50 + (0.1 - 4 × (0.08 + 4 × 0.02)) = 1.96;
//! - 1 repetition, quality 4: 2 repetitions, interval 6, E-Factor 2.50;
//! - 0 repetitions, quality 4: 1 repetition, interval 1, E-Factor
//!   1.96 + (0.1 - 1 × (0.08 + 1 × 0.02)) = 1.96.

use chrono::{DateTime, FixedOffset};
use recall::model::{DeckId, Mode};
use recall::quiz::exam::Given;
use recall::quiz::{Match, Question};
use recall::sched::{Ease, Interval, Now, Quality, State, StudyDay};
use recall::session::{
    Ask, Drill, DrillOptions, End, ExamEnd, ExamOptions, ExamRun, Quiz, QuizOptions,
};
use recall::store::prelude::*;
use recall::store::{SqliteStore, StoreError, User};
use recall::term::{self, Scripted};

const DECK: &str = "[deck]
id = \"sums\"
title = \"Sums\"
version = 1

[[areas]]
id = \"arith\"
name = \"Arithmetic\"

[[areas]]
id = \"roots\"
name = \"Roots\"

[[cards]]
id = \"plus\"
area = \"arith\"
kind = \"typed\"
question = \"What is two plus two?\"
answer = \"four\"

[[cards]]
id = \"half\"
area = \"arith\"
kind = \"typed\"
question = \"What is half of eight?\"
answer = \"four\"

[[cards]]
id = \"root\"
area = \"roots\"
kind = \"typed\"
question = \"What is the square root of sixteen?\"
answer = \"four\"
";

/// A store in memory with the deck and a learner.
fn store() -> (SqliteStore, User) {
    let checked = recall::deck::check(std::path::Path::new("sums.toml"), DECK);
    let deck = checked.deck.expect("the fixture deck is valid");
    let mut store = SqliteStore::in_memory().unwrap();
    let at = at("2026-03-01T08:00:00Z").utc();
    store.install_deck(&deck, at).unwrap();
    let user = store.add_user("ana", at).unwrap().unwrap();
    (store, user)
}

fn at(s: &str) -> Now {
    Now::new(DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap())
}

fn day(s: &str) -> StudyDay {
    s.parse().unwrap()
}

/// A clock stopped at one instant.
struct Stopped(Now);

impl term::Clock for Stopped {
    fn now(&self) -> Now {
        self.0
    }
}

fn state(reps: u32, ease: u16, interval: u32, lapses: u32, due: &str) -> State {
    State {
        repetitions: reps,
        ease: Ease::from_hundredths(ease),
        interval: Interval::days(interval),
        lapses,
        due: Some(day(due)),
    }
}

/// Every card's state, sorted, so that which card got which answer does
/// not matter.
fn states(store: &SqliteStore, user: &User) -> Vec<State> {
    let mut all: Vec<State> = store
        .card_states(user.id)
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    all.sort_by_key(|s| (s.repetitions, s.ease, s.interval.get(), s.due));
    all
}

#[test]
fn a_drill_a_quiz_and_an_exam_run_on_a_scripted_terminal() {
    let (mut store, user) = store();

    // Day 1: the first card (new cards come in file order) is answered
    // wrong and graded as proposed (Again), the others right; the wrong
    // one comes back as a repeat.
    let monday = Stopped(at("2026-03-02T09:00:00Z"));
    let mut drill = Drill::start(&store, user.clone(), DrillOptions::default(), monday.0).unwrap();
    let mut screen = Scripted::new(["five", "", "four", "", "four", "", "four", ""]);
    let finished = term::drill(
        &mut screen,
        &mut store,
        &monday,
        &mut drill,
        term::Scale::Buttons,
    )
    .unwrap();
    assert_eq!(finished.end, Some(End::Finished));
    assert_eq!(
        term::drill_text(&finished, false),
        "3 cards done, 2 recalled (67%), 1 repeat, in 0 min\n\
         \x20 Arithmetic    2 done    1 recalled\n\
         \x20 Roots         1 done    1 recalled\n\
         Due tomorrow: 3 cards\n\
         Streak: 1 day",
        "{}",
        screen.transcript()
    );
    let plus = recall::model::CardKey::new("sums", "plus");
    assert_eq!(
        store.card_state(user.id, &plus).unwrap(),
        state(0, 196, 1, 0, "2026-03-03")
    );
    assert_eq!(
        states(&store, &user),
        [
            state(0, 196, 1, 0, "2026-03-03"),
            state(1, 250, 1, 0, "2026-03-03"),
            state(1, 250, 1, 0, "2026-03-03"),
        ]
    );
    let modes: Vec<String> = store
        .history(user.id)
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.mode, r.quality))
        .collect();
    assert_eq!(modes, ["drill 1", "drill 4", "drill 4", "drill-repeat 4"]);

    // Day 2: a quiz of every card, all right.
    let tuesday = Stopped(at("2026-03-03T09:00:00Z"));
    let options = QuizOptions {
        count: 3,
        ..QuizOptions::default()
    };
    let mut quiz = Quiz::start(&store, user.clone(), &options, tuesday.0).unwrap();
    let mut screen = Scripted::new(["four", "", "four", "", "four", ""]);
    term::quiz(&mut screen, &mut store, &tuesday, &mut quiz).unwrap();
    assert_eq!(
        term::quiz_text(&quiz),
        "3 questions answered, 3 right (100%)\n  Arithmetic  2/2\n  Roots       1/1"
    );
    assert_eq!(
        states(&store, &user),
        [
            state(1, 196, 1, 0, "2026-03-04"),
            state(2, 250, 6, 0, "2026-03-09"),
            state(2, 250, 6, 0, "2026-03-09"),
        ]
    );

    // Day 3: an exam, the last answer wrong: 2 of 3 is under 70%.
    let wednesday = Stopped(at("2026-03-04T09:00:00Z"));
    let options = ExamOptions {
        questions: 3,
        minutes: Some(10),
        seed: Some(7),
        ..ExamOptions::default()
    };
    let mut run = ExamRun::start(&store, user.clone(), &options, wednesday.0).unwrap();
    let mut screen = Scripted::new(["four", "four", "five"]);
    let clock = Stopped(wednesday.0);
    let now = wednesday.0.utc();
    let end = term::exam(&mut screen, &mut store, &clock, &mut run, || {
        Box::new(move || now)
    })
    .unwrap();
    let ExamEnd::Scored(result) = &end else {
        panic!("not scored: {end:?}");
    };
    assert_eq!((result.correct, result.total, result.score), (2, 3, 67));
    assert!(!result.passed);
    let text = term::exam_text(&end, None);
    assert!(
        text.ends_with("Score: 2/3 (67%) · FAIL (pass mark 70%) · 0 min"),
        "{text}"
    );
    assert_eq!(result.missed.len(), 1);
    assert_eq!(result.missed[0].given.as_deref(), Some("five"));
    // An exam never reschedules.
    assert_eq!(states(&store, &user)[0], state(1, 196, 1, 0, "2026-03-04"));
    let attempts = store.exams(user.id).unwrap();
    assert_eq!((attempts.len(), attempts[0].correct), (1, 2));
    assert!(attempts[0].finished);
}

/// The answer a learner who knows everything gives.
fn right_answer(q: &Question) -> Given {
    match q {
        Question::Typed { answer, .. } => Given::Text(answer.clone()),
        other => panic!("every card here is typed: {other:?}"),
    }
}

#[test]
fn a_front_end_drives_the_sessions_through_the_library_alone() {
    let (mut store, user) = store();
    let now = at("2026-03-02T09:00:00Z");

    // A drill: each card presented once, under an id; answering an old
    // id (a page reloaded) is refused and records nothing.
    let mut drill = Drill::start(&store, user.clone(), DrillOptions::default(), now).unwrap();
    let mut ids = Vec::new();
    while let Some(p) = drill.next(now.utc()) {
        let p = p.clone();
        let Ask::Question(q) = &p.ask else {
            panic!("typed cards are judged");
        };
        assert_eq!(p.mode, Mode::Drill);
        let (verdict, proposed) = drill.judge(p.id, &right_answer(q)).unwrap();
        assert_eq!(
            (verdict, proposed),
            (Match::Exact, Quality::new(4).unwrap())
        );
        let recorded = drill
            .answer(&mut store, p.id, proposed, now, Some(900))
            .unwrap();
        assert_eq!(recorded.after, state(1, 250, 1, 0, "2026-03-03"));
        assert_eq!(drill.undo_point(), Some(recorded.id.as_str()));
        ids.push(p.id);
    }
    assert_eq!(ids.len(), 3);
    let again = drill.answer(&mut store, ids[0], Quality::new(1).unwrap(), now, None);
    assert!(matches!(again, Err(recall::Error::Stale)), "{again:?}");
    assert_eq!(store.history(user.id).unwrap().len(), 3);
    let finished = drill.finish(&mut store, now).unwrap();
    assert_eq!((finished.summary.cards, finished.summary.recalled), (3, 3));
    assert_eq!((finished.streak, finished.due_tomorrow), (1, 3));

    // A quiz the next day: one wrong answer, the rest right.
    let later = at("2026-03-03T09:00:00Z");
    let options = QuizOptions {
        deck: Some(DeckId::from("sums")),
        count: 3,
        ..QuizOptions::default()
    };
    let mut quiz = Quiz::start(&store, user.clone(), &options, later).unwrap();
    let mut first = true;
    while let Some(q) = quiz.next() {
        let given = if first {
            Given::Text("five".to_string())
        } else {
            right_answer(&q.question)
        };
        let verdict = quiz.judge(q.id, given).unwrap();
        assert_eq!(verdict == Match::Wrong, first);
        quiz.record(&mut store, q.id, false, later, None).unwrap();
        first = false;
    }
    let summary = quiz.summary();
    assert_eq!((summary.cards, summary.recalled), (3, 2));
    assert_eq!(quiz.missed().len(), 1);
    // Wrong on a learned card: a lapse, back to 0 repetitions, due the
    // next day; right: 2 repetitions, 6 days.
    assert_eq!(
        states(&store, &user),
        [
            state(0, 196, 1, 1, "2026-03-04"),
            state(2, 250, 6, 0, "2026-03-09"),
            state(2, 250, 6, 0, "2026-03-09"),
        ]
    );

    // An exam: answers past the deadline are refused.
    let options = ExamOptions {
        questions: 2,
        minutes: Some(1),
        seed: Some(3),
        ..ExamOptions::default()
    };
    let start = at("2026-03-04T09:00:00Z");
    let mut run = ExamRun::start(&store, user.clone(), &options, start).unwrap();
    let p = run.next(start.utc()).unwrap();
    let given = right_answer(&p.question.question);
    assert_eq!(
        run.answer(&mut store, p.id, given, start, None).unwrap(),
        Some(Match::Exact)
    );
    let late = at("2026-03-04T09:01:01Z");
    assert!(run.next(late.utc()).is_none(), "time is up");
    let end = run.finish(&mut store, late).unwrap();
    let ExamEnd::Scored(result) = end else {
        panic!("a timed-out exam is scored: {end:?}");
    };
    assert_eq!((result.correct, result.total, result.unanswered), (1, 2, 1));
    assert!(result.timed_out);
}

/// A store whose next write commits and then reports the database gone,
/// as when PostgreSQL stops between the commit and its reply.
struct LostReply<'a> {
    store: &'a mut SqliteStore,
    lose_next: bool,
}

impl ReviewLog for LostReply<'_> {
    fn update_card(
        &mut self,
        user: recall::model::UserId,
        card: &recall::store::CardKey,
        f: &mut dyn FnMut(&recall::store::CardLog) -> Result<recall::store::CardWrite, StoreError>,
    ) -> Result<(), StoreError> {
        self.store.update_card(user, card, f)?;
        if std::mem::take(&mut self.lose_next) {
            return Err(StoreError::Unavailable("the reply was lost".into()));
        }
        Ok(())
    }
    fn card_state(
        &self,
        user: recall::model::UserId,
        card: &recall::store::CardKey,
    ) -> Result<State, StoreError> {
        self.store.card_state(user, card)
    }
    fn card_states(
        &self,
        user: recall::model::UserId,
    ) -> Result<Vec<(recall::store::CardKey, State)>, StoreError> {
        self.store.card_states(user)
    }
    fn history(
        &self,
        user: recall::model::UserId,
    ) -> Result<Vec<recall::store::HistoryRow>, StoreError> {
        self.store.history(user)
    }
    fn find_review(
        &self,
        user: recall::model::UserId,
        review: &recall::store::Review,
    ) -> Result<recall::store::Found, StoreError> {
        self.store.find_review(user, review)
    }
    fn append_reviews(
        &mut self,
        user: recall::model::UserId,
        reviews: &[(recall::store::NewReview, State, State)],
    ) -> Result<usize, StoreError> {
        self.store.append_reviews(user, reviews)
    }
    fn has_card(&self, card: &recall::store::CardKey) -> Result<bool, StoreError> {
        self.store.has_card(card)
    }
    fn set_patience(&mut self, wait: std::time::Duration) -> Result<(), StoreError> {
        self.store.set_patience(wait)
    }
}

#[test]
fn an_answer_saved_whose_reply_was_lost_is_logged_once_when_given_again() {
    let (mut store, user) = store();
    let now = at("2026-03-02T09:00:00Z");
    let mut drill = Drill::start(&store, user.clone(), DrillOptions::default(), now).unwrap();
    let p = drill.next(now.utc()).unwrap().clone();
    let lost = drill.answer(
        &mut LostReply {
            store: &mut store,
            lose_next: true,
        },
        p.id,
        Quality::new(1).unwrap(),
        now,
        None,
    );
    assert!(
        matches!(lost, Err(recall::Error::Store(StoreError::Unavailable(_)))),
        "{lost:?}"
    );
    // Saved, but the drill does not know it: the same card is shown again
    // and answered again, this time with another grade.
    assert_eq!(store.history(user.id).unwrap().len(), 1);
    assert_eq!(drill.next(now.utc()).unwrap().id, p.id);
    let again = drill
        .answer(&mut store, p.id, Quality::new(5).unwrap(), now, None)
        .unwrap();
    // Logged once, with the grade saved first, and the drill goes on with
    // it: a failed card comes back as a repeat.
    let history = store.history(user.id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(again.quality, Quality::new(1).unwrap());
    assert_eq!(history[0].id.as_deref(), Some(again.id.as_str()));
    assert_eq!(again.after, state(0, 196, 1, 0, "2026-03-03"));

    // A quiz question likewise.
    let later = at("2026-03-03T09:00:00Z");
    let options = QuizOptions {
        deck: Some(DeckId::from("sums")),
        count: 1,
        ..QuizOptions::default()
    };
    let mut quiz = Quiz::start(&store, user.clone(), &options, later).unwrap();
    let q = quiz.next().unwrap();
    quiz.judge(q.id, right_answer(&q.question)).unwrap();
    let mut flaky = LostReply {
        store: &mut store,
        lose_next: true,
    };
    assert!(quiz.record(&mut flaky, q.id, false, later, None).is_err());
    quiz.record(&mut flaky, q.id, false, later, None).unwrap();
    assert_eq!(store.history(user.id).unwrap().len(), 2);
    assert_eq!(quiz.summary().cards, 1);
}

impl Exams for LostReply<'_> {
    fn record_exam_answer(
        &mut self,
        user: recall::model::UserId,
        exam: Option<recall::store::ExamId>,
        start: &recall::store::ExamStart,
        given: &recall::store::GivenAnswer,
        review: &mut dyn FnMut(
            &recall::store::CardLog,
        ) -> Result<recall::store::CardWrite, StoreError>,
    ) -> Result<recall::store::ExamId, StoreError> {
        let id = self
            .store
            .record_exam_answer(user, exam, start, given, review)?;
        if std::mem::take(&mut self.lose_next) {
            return Err(StoreError::Unavailable("the reply was lost".into()));
        }
        Ok(id)
    }
    fn finish_exam(
        &mut self,
        exam: recall::store::ExamId,
        ended: chrono::DateTime<chrono::Utc>,
        timed_out: bool,
        unanswered: &[(usize, recall::store::ExamAnswer)],
    ) -> Result<(), StoreError> {
        self.store.finish_exam(exam, ended, timed_out, unanswered)
    }
    fn record_exam(
        &mut self,
        user: recall::model::UserId,
        exam: &recall::store::ExamRecord,
    ) -> Result<recall::store::ExamId, StoreError> {
        self.store.record_exam(user, exam)
    }
    fn exams(
        &self,
        user: recall::model::UserId,
    ) -> Result<Vec<recall::store::ExamAttempt>, StoreError> {
        self.store.exams(user)
    }
    fn exam_records(
        &self,
        user: recall::model::UserId,
    ) -> Result<Vec<recall::store::ExamRecord>, StoreError> {
        self.store.exam_records(user)
    }
}

#[test]
fn an_exam_answer_saved_whose_reply_was_lost_is_kept_once_and_one_not_saved_is_asked_again() {
    let (mut store, user) = store();
    let start = at("2026-03-04T09:00:00Z");
    let options = ExamOptions {
        questions: 2,
        minutes: Some(10),
        seed: Some(3),
        ..ExamOptions::default()
    };
    let mut run = ExamRun::start(&store, user.clone(), &options, start).unwrap();
    // Both answers are saved but their replies lost: each is given again.
    for _ in 0..2 {
        let p = run.next(start.utc()).unwrap();
        let given = right_answer(&p.question.question);
        let mut flaky = LostReply {
            store: &mut store,
            lose_next: true,
        };
        assert!(
            run.answer(&mut flaky, p.id, given.clone(), start, None)
                .is_err()
        );
        // Not saved as far as the exam knows: the same question again.
        assert_eq!(run.next(start.utc()).unwrap().id, p.id);
        assert_eq!(
            run.answer(&mut flaky, p.id, given, start, None).unwrap(),
            Some(Match::Exact)
        );
    }
    assert!(run.next(start.utc()).is_none());
    let end = run.finish(&mut store, start).unwrap();
    let ExamEnd::Scored(result) = end else {
        panic!("a finished exam is scored: {end:?}");
    };
    assert_eq!((result.correct, result.total, result.unanswered), (2, 2, 0));
    // One attempt, two answers, two reviews.
    let attempts = store.exams(user.id).unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!((attempts[0].questions, attempts[0].correct), (2, 2));
    assert_eq!(store.history(user.id).unwrap().len(), 2);
}
