//! Quizzes and mock exams: reproducible with a seed, sound distractors,
//! exam spread by weight, exams that never reschedule, quizzes that do.

mod common;

use std::collections::HashSet;

use chrono::{Duration, TimeZone, Utc};
use common::Env;
use recall::deck::{self, Content};
use recall::quiz::exam::{Exam, ExamQuestion, Given};
use recall::quiz::{Form, Pool, Question, build, normalize};
use recall::sched::{State, StudyDay};
use recall::store::prelude::*;
use recall::store::{CardKey, SqliteStore};

fn run(env: &Env, args: &[&str], stdin: &str) -> String {
    let out = env
        .recall(args)
        .write_stdin(stdin.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Input that any prompt takes in the end: a letter, true, Enter.
fn any_answers(n: usize) -> String {
    "a\nt\n\n".repeat(n)
}

#[test]
fn a_seeded_quiz_and_exam_are_exactly_reproducible() {
    let outputs: Vec<(String, String)> = (0..2)
        .map(|_| {
            let env = Env::new();
            env.recall(["user", "add", "tester"]).assert().success();
            let quiz = run(
                &env,
                &["quiz", "--count", "8", "--seed", "42"],
                &any_answers(30),
            );
            let exam = run(
                &env,
                &["exam", "--questions", "12", "--seed", "42"],
                &any_answers(40),
            );
            (quiz, exam)
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
    let (quiz, exam) = &outputs[0];
    assert_eq!(
        quiz.lines().filter(|l| l.starts_with("quiz ")).count(),
        8,
        "{quiz}"
    );
    assert_eq!(
        exam.lines().filter(|l| l.starts_with("question ")).count(),
        12,
        "{exam}"
    );
    // Another seed, other questions.
    let env = Env::new();
    env.recall(["user", "add", "tester"]).assert().success();
    let other = run(
        &env,
        &["exam", "--questions", "12", "--seed", "43"],
        &any_answers(40),
    );
    assert_ne!(&other, exam);
}

fn skills(deck: &deck::Deck) -> Vec<(String, String)> {
    deck.areas
        .iter()
        .filter(|a| {
            deck.cards
                .iter()
                .any(|c| c.area == a.id && c.tags.iter().any(|t| t == "practice"))
        })
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect()
}

#[test]
fn no_question_from_the_shipped_deck_has_a_duplicate_option() {
    use rand::SeedableRng;
    let deck = deck::shipped().unwrap();
    let skills = skills(&deck);
    let pool = Pool {
        cards: &deck.cards,
        skills: &skills,
    };
    let mut choices = 0;
    for seed in 0..20 {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        for card in &deck.cards {
            for form in Form::ALL {
                let Some(q) = build(card, &pool, &[form], &mut rng) else {
                    continue;
                };
                if let Question::Choice { options, right, .. } = &q {
                    choices += 1;
                    assert!((2..=8).contains(&options.len()), "{}", card.id);
                    let distinct: HashSet<String> = options.iter().map(|o| normalize(o)).collect();
                    assert_eq!(distinct.len(), options.len(), "{}: {options:?}", card.id);
                    assert!(!right.is_empty() && right.iter().all(|i| *i < options.len()));
                    let answers: HashSet<String> =
                        right.iter().map(|i| normalize(&options[*i])).collect();
                    for (i, o) in options.iter().enumerate() {
                        if !right.contains(&i) {
                            assert!(
                                !answers.contains(&normalize(o)),
                                "{}: distractor {o:?} is the answer",
                                card.id
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(choices > 1000, "{choices} choice questions built");
}

#[test]
fn basic_and_cloze_cards_become_choice_questions_with_three_distractors() {
    use rand::SeedableRng;
    let deck = deck::shipped().unwrap();
    let skills = skills(&deck);
    let pool = Pool {
        cards: &deck.cards,
        skills: &skills,
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for card in &deck.cards {
        if matches!(card.content, Content::Basic { .. } | Content::Cloze { .. }) {
            let q = build(card, &pool, &[Form::Choice], &mut rng);
            let Some(Question::Choice { options, .. }) = q else {
                panic!("{} makes no choice question", card.id);
            };
            assert_eq!(options.len(), 4, "{}", card.id);
        }
    }
}

/// A deck of true/false cards: area `a` true, `b` and `c` false.
fn weighted_deck(env: &Env, weights: [u32; 3], per_area: usize) -> std::path::PathBuf {
    let mut text = String::from("[deck]\nid = \"mock\"\ntitle = \"Mock\"\nversion = 1\n");
    for (area, w) in ["a", "b", "c"].iter().zip(weights) {
        text.push_str(&format!(
            "\n[[areas]]\nid = \"{area}\"\nname = \"Area {area}\"\nweight = {w}\n"
        ));
    }
    for area in ["a", "b", "c"] {
        for n in 0..per_area {
            text.push_str(&format!(
                "\n[[cards]]\nid = \"{area}{n}\"\narea = \"{area}\"\nkind = \"truefalse\"\nstatement = \"Statement {n} of {area}\"\nanswer = {}\n",
                area == "a"
            ));
        }
    }
    let path = env.dir().join("mock.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_exam_spreads_questions_by_area_weight() {
    let env = Env::new();
    env.recall(["user", "add", "tester"]).assert().success();
    let deck = weighted_deck(&env, [2, 1, 1], 25);
    env.recall(["deck", "add", deck.to_str().unwrap()])
        .assert()
        .success();
    // "t" to all forty: the 20 questions of area a (true) are right.
    let out = run(
        &env,
        &["exam", "--deck", "mock", "--questions", "40", "--seed", "3"],
        &"t\n".repeat(40),
    );
    assert!(out.contains("Score: 20/40 (50%) · FAIL"), "{out}");
    // An exam given up before any answer is not an attempt.
    let out = run(&env, &["exam", "--deck", "mock", "--questions", "5"], "");
    assert!(
        out.ends_with("No exam recorded: no question was answered.\n"),
        "{out}"
    );
    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store.user("tester").unwrap().unwrap();
    let exams = store.exams(user.id).unwrap();
    let mut per_area: Vec<(String, usize)> = exams[0]
        .areas
        .iter()
        .map(|a| (a.area.clone(), a.total))
        .collect();
    per_area.sort();
    assert_eq!(
        per_area,
        [("a".into(), 20), ("b".into(), 10), ("c".into(), 10)]
    );
}

#[test]
fn a_complete_exam_reports_by_area_and_never_reschedules() {
    let env = Env::new();
    env.recall(["user", "add", "tester"]).assert().success();
    let deck = weighted_deck(&env, [1, 1, 1], 2);
    env.recall(["deck", "add", deck.to_str().unwrap()])
        .assert()
        .success();
    // A drill first, so some cards have a schedule to keep.
    run(
        &env,
        &["drill", "--deck", "mock", "--new", "2"],
        "t\n\nt\n\n",
    );
    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store.user("tester").unwrap().unwrap();
    let before = store.card_states(user.id).unwrap();
    assert_eq!(before.len(), 2);

    // "t" to all six: area a (true) right, b and c (false) wrong.
    let out = run(
        &env,
        &[
            "exam",
            "--deck",
            "mock",
            "--questions",
            "6",
            "--seed",
            "8",
            "--pass-mark",
            "30",
        ],
        &"t\n".repeat(6),
    );
    let lines: Vec<&str> = out.lines().collect();
    // What was missed, the areas weakest first, and the verdict last.
    assert_eq!(
        lines.last().copied(),
        Some("Score: 2/6 (33%) · PASS (pass mark 30%) · 0 min")
    );
    let start = lines
        .iter()
        .position(|l| *l == "area (weakest first)  right  score")
        .unwrap();
    assert_eq!(lines[start + 1], "Area b                  0/2     0%");
    assert_eq!(lines[start + 2], "Area c                  0/2     0%");
    assert_eq!(lines[start + 3], "Area a                  2/2   100%");
    assert!(lines[..start].contains(&"Missed:"));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("   yours: True · right: False"))
            .count(),
        4
    );

    assert_eq!(
        store.card_states(user.id).unwrap(),
        before,
        "an exam never reschedules"
    );
    let log = store.history(user.id).unwrap();
    assert_eq!(log.iter().filter(|r| r.mode == "exam").count(), 6);
    assert!(
        log.iter()
            .filter(|r| r.mode == "exam")
            .all(|r| (r.before_interval, r.before_ease) == (r.after_interval, r.after_ease))
    );
    env.recall(["check"]).assert().success();

    let history = run(&env, &["exam", "--history"], "");
    assert!(
        history.contains("1  2026-03-02  mock    2/6    33%  pass    0 min"),
        "{history}"
    );
    assert!(history.contains("Area b  0% (0/2)"), "{history}");
}

#[test]
fn a_quiz_reschedules_exactly_as_sm2_says() {
    let env = Env::new();
    env.recall(["user", "add", "tester"]).assert().success();
    let deck = deck::shipped().unwrap();
    // With typed questions only, the first card that makes one is the
    // first typed card (no basic card before it has a short back).
    let card = deck
        .cards
        .iter()
        .find(|c| matches!(c.content, Content::Typed { .. }))
        .unwrap();
    let Content::Typed { answer, .. } = &card.content else {
        unreachable!()
    };
    let out = run(
        &env,
        &["quiz", "--kinds", "typed", "--count", "1"],
        &format!("{answer}\ne\n"),
    );
    assert!(
        out.contains(&format!(
            "\n{}\n",
            match &card.content {
                Content::Typed { question, .. } => question,
                _ => unreachable!(),
            }
        )),
        "{out}"
    );
    assert!(out.contains("1 question answered, 1 right (100%)"), "{out}");
    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store.user("tester").unwrap().unwrap();
    let key = CardKey {
        deck: "case-management-skills".into(),
        card: card.id.clone().into(),
    };
    let day: StudyDay = "2026-03-02".parse().unwrap();
    // A new card answered 5: 1 repetition, 1 day, E-Factor 2.50 + 0.10.
    assert_eq!(
        store.card_state(user.id, &key).unwrap(),
        state(1, 260, 1, 0, day.plus_days(1))
    );
    let log = store.history(user.id).unwrap();
    assert_eq!((log[0].mode.as_str(), log[0].quality), ("quiz", 5));

    // The same day it is not due: recalled again, it keeps its schedule.
    let before = store.card_state(user.id, &key).unwrap();
    run(
        &env,
        &["quiz", "--kinds", "typed", "--count", "1"],
        &format!("{answer}\n\n"),
    );
    assert_eq!(store.card_state(user.id, &key).unwrap(), before);
    assert_eq!(store.history(user.id).unwrap().len(), 2);

    // The next day it is due, so the quiz asks it first; a typo gives 3.
    let mut typo = answer.clone();
    typo.pop();
    let env = env.on("2026-03-03T09:00:00Z");
    run(
        &env,
        &["quiz", "--kinds", "typed", "--count", "1"],
        &format!("{typo}\n"),
    );
    // Then 3: 2 repetitions, 6 days, E-Factor 2.60 - 0.14 = 2.46.
    let after = state(2, 246, 6, 0, day.plus_days(7));
    assert_eq!(store.card_state(user.id, &key).unwrap(), after);
}

#[test]
fn an_expired_timer_marks_the_rest_wrong() {
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let questions: Vec<ExamQuestion> = (0..4)
        .map(|i| ExamQuestion {
            key: CardKey {
                deck: "d".into(),
                card: format!("c{i}").into(),
            },
            area: "a".into(),
            area_name: "A".into(),
            question: Question::TrueFalse {
                statement: "s".into(),
                answer: true,
                explanation: None,
            },
        })
        .collect();
    let mut exam = Exam::new(questions.clone(), Some(start + Duration::minutes(4)));
    assert_eq!(exam.next(start), Some(0));
    exam.answer(Given::Bool(true), start + Duration::minutes(1));
    assert_eq!(exam.next(start + Duration::minutes(2)), Some(1));
    exam.answer(Given::Bool(true), start + Duration::minutes(3));
    assert_eq!(exam.next(start + Duration::minutes(4)), None);
    assert!(exam.timed_out());
    assert_eq!(exam.score(), (2, 4));
    assert_eq!(exam.areas()[0].percent(), 50);
    assert!(exam.answers()[2].is_none() && exam.answers()[3].is_none());

    // An answer given after the deadline does not count either.
    let mut exam = Exam::new(questions, Some(start + Duration::minutes(4)));
    assert_eq!(exam.next(start + Duration::minutes(3)), Some(0));
    assert_eq!(
        exam.answer(Given::Bool(true), start + Duration::minutes(5)),
        None
    );
    assert!(exam.timed_out());
    assert_eq!(exam.score(), (0, 4));
    assert_eq!(exam.next(start + Duration::minutes(5)), None);
}

#[test]
fn a_judged_drill_answer_is_kept_when_the_input_ends_at_the_grade() {
    let env = Env::new();
    env.recall(["user", "add", "tester"]).assert().success();
    let deck = weighted_deck(&env, [1, 1, 1], 2);
    env.recall(["deck", "add", deck.to_str().unwrap()])
        .assert()
        .success();
    // Right ("t" for a true card), then nothing more: Good stands.
    let out = run(&env, &["drill", "--deck", "mock", "--new", "1"], "t\n");
    assert!(out.contains("1 card done, 1 recalled (100%)"), "{out}");
    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store.user("tester").unwrap().unwrap();
    let log = store.history(user.id).unwrap();
    assert_eq!((log.len(), log[0].quality), (1, 4));
}

#[test]
fn the_exam_verdict_is_the_last_thing_printed() {
    let env = Env::new();
    env.recall(["status"]).assert().success();
    // Every answer "a" or "t" or a word: some right, some missed.
    let out = run(
        &env,
        &["exam", "--questions", "12", "--seed", "4"],
        &"a\nt\nword\n\n".repeat(12),
    );
    let lines: Vec<&str> = out.trim_end().lines().collect();
    let last = lines.last().unwrap();
    assert!(last.starts_with("Score: "), "{out}");
    assert!(last.contains(" · PASS (pass mark 70%)") || last.contains(" · FAIL (pass mark 70%)"));
    let missed = lines
        .iter()
        .position(|l| *l == "Missed:")
        .expect("some missed");
    let areas = lines
        .iter()
        .position(|l| l.starts_with("area (weakest first)"))
        .unwrap();
    assert!(
        missed < areas && areas < lines.len() - 1,
        "misses, then areas, then the verdict"
    );
}

#[test]
fn an_exam_on_a_small_deck_says_it_asks_fewer() {
    let env = Env::new();
    std::fs::write(
        env.dir().join("tiny.toml"),
        "[deck]\nid = \"tiny\"\ntitle = \"Tiny\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n\n\
         [[cards]]\nid = \"t1\"\narea = \"a\"\nkind = \"truefalse\"\nstatement = \"One\"\nanswer = true\n\n\
         [[cards]]\nid = \"t2\"\narea = \"a\"\nkind = \"truefalse\"\nstatement = \"Two\"\nanswer = false\n",
    )
    .unwrap();
    env.recall(["deck", "add", "tiny.toml"]).assert().success();
    let out = run(
        &env,
        &["exam", "--deck", "tiny", "--questions", "10"],
        "t\nf\n",
    );
    assert!(
        out.contains(
            "Only 2 questions of the 10 asked for: the deck has no more cards to ask about."
        ),
        "{out}"
    );
}

fn state(reps: u32, ease: u16, interval: u32, lapses: u32, due: StudyDay) -> State {
    State {
        repetitions: reps,
        ease: recall::sched::Ease::from_hundredths(ease),
        interval: recall::sched::Interval::days(interval),
        lapses,
        due: Some(due),
    }
}
