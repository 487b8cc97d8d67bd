//! The store's contract: what every backend must do, written against the
//! traits alone. Each check runs on every backend (an SQLite file, SQLite
//! in memory); a new backend adds one line at the bottom and passes the
//! same checks.
//!
//! Expected states are worked out by hand from SM-2, never by calling the
//! scheduler: a first answer of 4 gives 1 repetition, a 1-day interval and
//! an unchanged E-Factor of 2.50; a 5 raises it to 2.60.

mod common;

use chrono::{DateTime, Utc};
use recall::deck::Deck;
use recall::model::{CardKey, DeckId, Mode, UserId};
use recall::sched::{Ease, Interval, Quality, Rollover, State, StudyDay};
use recall::store::prelude::*;
use recall::store::{
    CardLog, CardWrite, ExamAnswer, ExamRecord, ExamStart, Found, GivenAnswer, Invite, Login,
    NewReview, Redeemer, Review, Role, SessionRecord, Setting, StoreError, StoredState,
};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn day(s: &str) -> StudyDay {
    s.parse().unwrap()
}

fn q(n: u8) -> Quality {
    Quality::new(n).unwrap()
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

fn key(card: &str) -> CardKey {
    CardKey::new("fx", card)
}

/// Deck `fx` at `version`: areas a (cards a1, a2) and b (card b1), each
/// card's front suffixed with `edit`; `a2` only when `with_a2`.
fn deck(version: u32, with_a2: bool, edit: &str) -> Deck {
    let mut text = format!(
        "[deck]\nid = \"fx\"\ntitle = \"Fixture\"\nversion = {version}\n\n\
         [[areas]]\nid = \"a\"\nname = \"Alpha\"\nweight = 2\n\n\
         [[areas]]\nid = \"b\"\nname = \"Beta\"\n"
    );
    for (id, area) in [("a1", "a"), ("a2", "a"), ("b1", "b")] {
        if id == "a2" && !with_a2 {
            continue;
        }
        text.push_str(&format!(
            "\n[[cards]]\nid = \"{id}\"\narea = \"{area}\"\nkind = \"basic\"\n\
             front = \"Front of {id}{edit}\"\nback = \"Back of {id}\"\n"
        ));
    }
    let checked = recall::deck::check(std::path::Path::new("fx.toml"), &text);
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    checked.deck.unwrap()
}

/// A store with deck `fx` and learner `ana`.
fn setup(s: &mut dyn Store) -> UserId {
    s.install_deck(&deck(1, true, ""), t("2026-03-01T08:00:00Z"))
        .unwrap();
    s.add_user("ana", t("2026-03-01T08:00:00Z"))
        .unwrap()
        .unwrap()
        .id
}

fn new_review(id: &str, card: &str, at: &str, mode: Mode, quality: u8) -> NewReview {
    NewReview {
        id: id.to_string(),
        card: key(card),
        at: t(at),
        day: day(&at[..10]),
        mode,
        quality: q(quality),
        response_ms: Some(1200),
    }
}

/// Appends `review` to its card's log with these states, and sets the
/// card's state to `after` when given, through `update_card`.
fn write(
    s: &mut dyn Store,
    user: UserId,
    review: NewReview,
    before: State,
    after: State,
    stored: Option<State>,
) {
    let card = review.card.clone();
    let at = review.at;
    let mut once = Some((review, before, after));
    s.update_card(user, &card, &mut |_| {
        Ok(CardWrite {
            append: once.take(),
            rewrite: Vec::new(),
            state: stored.map(|st| (st, at)),
        })
    })
    .unwrap();
}

// The checks, each on a store behind `dyn Store`, as a front end that
// does not know its backend holds one.

fn users_are_added_found_changed_and_removed(s: &mut dyn Store) {
    let ana = s
        .add_user("ana", t("2026-03-01T08:00:00.123Z"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (ana.name.as_str(), ana.new_per_day, ana.reviews_per_day),
        ("ana", 10, 100)
    );
    assert_eq!(ana.rollover, Rollover::DEFAULT);
    assert!(
        s.add_user("ana", t("2026-03-02T08:00:00Z"))
            .unwrap()
            .is_none()
    );
    let bo = s
        .add_user("bo", t("2026-03-02T08:00:00Z"))
        .unwrap()
        .unwrap();
    assert_ne!(ana.id, bo.id);
    assert_eq!(s.user("ana").unwrap(), Some(ana.clone()));
    assert_eq!(s.user("nobody").unwrap(), None);

    s.set(&ana, Setting::NewPerDay(5)).unwrap();
    s.set(&ana, Setting::ReviewsPerDay(50)).unwrap();
    s.set(&ana, Setting::RolloverHour(Rollover::new(2).unwrap()))
        .unwrap();
    let changed = s.user("ana").unwrap().unwrap();
    assert_eq!((changed.new_per_day, changed.reviews_per_day), (5, 50));
    assert_eq!(changed.rollover.hour(), 2);

    let all = s.users().unwrap();
    let names: Vec<&str> = all.iter().map(|u| u.user.name.as_str()).collect();
    assert_eq!(names, ["ana", "bo"]);
    assert_eq!(all[0].created_at, t("2026-03-01T08:00:00.123Z"));
    assert_eq!((all[0].reviews, all[0].cards), (0, 0));

    assert_eq!(s.remove_user("bo").unwrap(), Some(0));
    assert_eq!(s.remove_user("bo").unwrap(), None);
    assert_eq!(s.user("bo").unwrap(), None);
    assert_eq!(s.users().unwrap().len(), 1);
}

fn a_deck_is_installed_updated_retired_and_removed(s: &mut dyn Store) {
    let first = s
        .install_deck(&deck(1, true, ""), t("2026-03-01T08:00:00Z"))
        .unwrap();
    assert_eq!(first.deck, DeckId::from("fx"));
    assert_eq!((first.previous, first.added, first.version), (None, 3, 1));
    let again = s
        .install_deck(&deck(1, true, ""), t("2026-03-02T08:00:00Z"))
        .unwrap();
    assert!(!again.changed_anything(), "{again:?}");

    let fx = DeckId::from("fx");
    let today = day("2026-03-02");
    let listed = s.decks(None, today).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].title.as_str(), listed[0].cards, listed[0].areas),
        ("Fixture", 3, 2)
    );
    assert_eq!((listed[0].due, listed[0].new), (None, None));
    let full = s.installed_deck(&fx, None, today).unwrap().unwrap();
    assert_eq!(full.installed_at, t("2026-03-01T08:00:00Z"));
    let areas: Vec<(&str, u64, Option<f64>)> = full
        .areas
        .iter()
        .map(|(a, n)| (a.id.as_str(), *n, a.weight))
        .collect();
    assert_eq!(areas, [("a", 2, Some(2.0)), ("b", 1, None)]);
    assert_eq!(s.deck_version(&fx).unwrap(), Some(1));
    assert_eq!(s.deck_version(&"other".into()).unwrap(), None);
    assert!(
        s.installed_deck(&"other".into(), None, today)
            .unwrap()
            .is_none()
    );
    let ids: Vec<String> = s
        .deck_cards(&fx)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["a1", "a2", "b1"]);

    // Version 2 drops a2 and rewords every other card: a2 is retired,
    // kept for its history.
    let second = s
        .install_deck(&deck(2, false, " (new)"), t("2026-03-03T08:00:00Z"))
        .unwrap();
    assert_eq!(
        (
            second.previous,
            second.retired,
            second.changed,
            second.added
        ),
        (Some(1), 1, 2, 0)
    );
    let ids: Vec<String> = s
        .deck_cards(&fx)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["a1", "b1"]);
    assert!(
        s.has_card(&key("a2")).unwrap(),
        "a retired card is still known"
    );
    assert!(!s.has_card(&key("zz")).unwrap());
    let full = s.installed_deck(&fx, None, today).unwrap().unwrap();
    assert_eq!((full.summary.cards, full.summary.retired), (2, 1));
    assert_eq!(full.updated_at, t("2026-03-03T08:00:00Z"));
    // Version 3 brings a2 back.
    let third = s
        .install_deck(&deck(3, true, " (new)"), t("2026-03-04T08:00:00Z"))
        .unwrap();
    assert_eq!(third.restored, 1);

    let user = s
        .add_user("ana", t("2026-03-01T08:00:00Z"))
        .unwrap()
        .unwrap()
        .id;
    write(
        s,
        user,
        new_review("r1", "a1", "2026-03-05T09:00:00Z", Mode::Drill, 4),
        State::NEW,
        state(1, 250, 1, 0, "2026-03-06"),
        Some(state(1, 250, 1, 0, "2026-03-06")),
    );
    assert_eq!(s.remove_deck(&fx).unwrap(), Some(1));
    assert_eq!(s.remove_deck(&fx).unwrap(), None);
    assert!(s.decks(None, today).unwrap().is_empty());
    assert!(s.history(user).unwrap().is_empty());
    assert!(s.card_states(user).unwrap().is_empty());
    // A version never goes down.
    let fx = DeckId::from("fx");
    s.install_deck(&deck(50, true, ""), t("2026-03-09T08:00:00Z"))
        .unwrap();
    let older = s.install_deck(&deck(49, false, " older"), t("2026-03-09T08:00:00Z"));
    assert!(
        matches!(older, Err(StoreError::Invalid(ref m)) if m.contains("older than the installed version 50")),
        "{older:?}"
    );
    assert_eq!(s.deck_version(&fx).unwrap(), Some(50));
    assert_eq!(s.deck_cards(&fx).unwrap().len(), 3, "nothing retired");
}

fn a_card_log_is_read_and_written_in_one_step(s: &mut dyn Store) {
    let user = setup(s);
    assert_eq!(s.card_state(user, &key("a1")).unwrap(), State::NEW);
    // First answer, 4: 1 repetition, 1 day, 2.50, due the next day.
    let after_first = state(1, 250, 1, 0, "2026-03-03");
    write(
        s,
        user,
        new_review("r1", "a1", "2026-03-02T09:00:00Z", Mode::Drill, 4),
        State::NEW,
        after_first,
        Some(after_first),
    );
    assert_eq!(s.card_state(user, &key("a1")).unwrap(), after_first);

    // The next update sees that review, with the state it moved.
    let mut seen = CardLog::default();
    s.update_card(user, &key("a1"), &mut |log| {
        seen = log.clone();
        Ok(CardWrite {
            append: Some((
                new_review("r2", "a1", "2026-03-03T09:00:00Z", Mode::Drill, 5),
                after_first,
                // Second answer, 5: 2 repetitions, 6 days, 2.60.
                state(2, 260, 6, 0, "2026-03-09"),
            )),
            rewrite: Vec::new(),
            state: Some((state(2, 260, 6, 0, "2026-03-09"), t("2026-03-03T09:00:00Z"))),
        })
    })
    .unwrap();
    assert_eq!(seen.reviews.len(), 1);
    let r = &seen.reviews[0];
    assert_eq!(
        (r.id.as_str(), r.at, r.day, r.mode, r.quality, r.response_ms),
        (
            "r1",
            t("2026-03-02T09:00:00Z"),
            day("2026-03-02"),
            Mode::Drill,
            q(4),
            Some(1200)
        )
    );
    assert_eq!((r.before, r.after), (State::NEW, after_first));
    assert_eq!(seen.stored, Some((after_first, t("2026-03-02T09:00:00Z"))));

    // A write that fails leaves nothing behind.
    let failed = s.update_card(user, &key("a1"), &mut |_| {
        Err(StoreError::Invalid("refused".to_string()))
    });
    assert!(matches!(failed, Err(StoreError::Invalid(_))));
    assert_eq!(s.history(user).unwrap().len(), 2);

    // Rewriting the states of logged reviews, by their place.
    let mut seqs = Vec::new();
    s.update_card(user, &key("a1"), &mut |log| {
        seqs = log.reviews.iter().map(|r| r.seq).collect();
        Ok(CardWrite {
            append: None,
            rewrite: vec![(
                log.reviews[1].seq,
                after_first,
                state(2, 250, 6, 0, "2026-03-09"),
            )],
            state: Some((state(2, 250, 6, 0, "2026-03-09"), t("2026-03-03T09:00:00Z"))),
        })
    })
    .unwrap();
    assert!(seqs[0] < seqs[1], "{seqs:?}");
    let rows = s.history(user).unwrap();
    assert_eq!((rows[1].after_repetitions, rows[1].after_ease), (2, 250));

    // A state of `None` removes the stored one.
    s.update_card(user, &key("a1"), &mut |_| Ok(CardWrite::default()))
        .unwrap();
    assert_eq!(s.card_state(user, &key("a1")).unwrap(), State::NEW);

    // An unknown card or learner is refused, and nothing is written.
    let unknown = s.update_card(user, &key("zz"), &mut |_| Ok(CardWrite::default()));
    assert!(
        matches!(unknown, Err(StoreError::UnknownCard { .. })),
        "{unknown:?}"
    );
    let gone = s.update_card(UserId(9_999), &key("a1"), &mut |_| Ok(CardWrite::default()));
    assert!(
        matches!(gone, Err(StoreError::NoSuchUser(UserId(9_999)))),
        "{gone:?}"
    );
}

fn the_log_keeps_its_order_and_each_review_once(s: &mut dyn Store) {
    let user = setup(s);
    let one = state(1, 250, 1, 0, "2026-03-03");
    // Appended out of time order: the history is in time order.
    let batch = vec![
        (
            new_review("late", "b1", "2026-03-02T10:00:00Z", Mode::Quiz, 5),
            State::NEW,
            state(1, 260, 1, 0, "2026-03-03"),
        ),
        (
            new_review("early", "a1", "2026-03-02T09:00:00Z", Mode::Drill, 4),
            State::NEW,
            one,
        ),
    ];
    assert_eq!(s.append_reviews(user, &batch).unwrap(), 2);
    assert_eq!(
        s.append_reviews(user, &batch).unwrap(),
        0,
        "ids already there"
    );
    let rows = s.history(user).unwrap();
    let order: Vec<(Option<&str>, &str, &str)> = rows
        .iter()
        .map(|r| (r.id.as_deref(), r.card.as_str(), r.mode.as_str()))
        .collect();
    assert_eq!(
        order,
        [(Some("early"), "a1", "drill"), (Some("late"), "b1", "quiz")]
    );
    assert_eq!(rows[0].reviewed_at, "2026-03-02T09:00:00.000Z");
    assert_eq!(rows[0].study_day, "2026-03-02");
    assert_eq!(
        (
            rows[0].after_repetitions,
            rows[0].after_interval,
            rows[0].after_ease
        ),
        (1, 1, 250)
    );
    // An append leaves card state alone: it is rebuilt from the log.
    assert!(s.card_states(user).unwrap().is_empty());

    let found = |s: &dyn Store, id: Option<&str>, at: &str, quality: u8| {
        let review = Review {
            id: id.map(str::to_string),
            card: key("a1"),
            at: t(at),
            day: day(&at[..10]),
            mode: Mode::Drill,
            quality: q(quality),
            response_ms: None,
        };
        s.find_review(user, &review).unwrap()
    };
    assert_eq!(
        found(s, Some("early"), "2026-03-02T09:00:00Z", 4),
        Found::Present
    );
    assert_eq!(found(s, None, "2026-03-02T09:00:00Z", 4), Found::Present);
    assert!(matches!(
        found(s, None, "2026-03-02T09:30:00Z", 4),
        Found::Missing(_)
    ));
    assert_eq!(
        found(s, Some("new-id"), "2026-03-04T09:00:00Z", 4),
        Found::Missing("new-id".to_string())
    );
    // The same id on another learner's log is a conflict.
    let bo = s
        .add_user("bo", t("2026-03-01T08:00:00Z"))
        .unwrap()
        .unwrap()
        .id;
    let theirs = Review {
        id: Some("early".to_string()),
        card: key("a1"),
        at: t("2026-03-02T09:00:00Z"),
        day: day("2026-03-02"),
        mode: Mode::Drill,
        quality: q(4),
        response_ms: None,
    };
    let conflict = s.find_review(bo, &theirs);
    assert!(
        matches!(conflict, Err(StoreError::HistoryConflict { .. })),
        "{conflict:?}"
    );
}

fn a_learners_day_and_finished_drills_are_kept(s: &mut dyn Store) {
    let user = setup(s);
    let one = state(1, 250, 1, 0, "2026-03-03");
    let failed = state(0, 170, 1, 0, "2026-03-03");
    for (review, before, after) in [
        (
            new_review("1", "a1", "2026-03-02T09:00:00Z", Mode::Drill, 4),
            State::NEW,
            one,
        ),
        (
            new_review("2", "a2", "2026-03-02T09:01:00Z", Mode::Drill, 1),
            State::NEW,
            failed,
        ),
        (
            new_review("3", "a2", "2026-03-02T09:02:00Z", Mode::DrillRepeat, 4),
            failed,
            failed,
        ),
        (
            new_review("4", "b1", "2026-03-02T09:03:00Z", Mode::Exam, 1),
            State::NEW,
            State::NEW,
        ),
        (
            new_review("5", "b1", "2026-03-03T09:00:00Z", Mode::Quiz, 5),
            State::NEW,
            one,
        ),
    ] {
        let stored = (after != State::NEW).then_some(after);
        write(s, user, review, before, after, stored);
    }
    let today = s.day_reviews(user, day("2026-03-02")).unwrap();
    let seen: Vec<(&str, Mode, u8, bool)> = today
        .iter()
        .map(|r| (r.card.card.as_str(), r.mode, r.quality.value(), r.was_new))
        .collect();
    // Exam answers are not part of the day's study.
    assert_eq!(
        seen,
        [
            ("a1", Mode::Drill, 4, true),
            ("a2", Mode::Drill, 1, true),
            ("a2", Mode::DrillRepeat, 4, false),
        ]
    );

    let cards = s.study_cards(user, None).unwrap();
    let listed: Vec<(&str, &str, u32)> = cards
        .iter()
        .map(|c| {
            (
                c.key.card.as_str(),
                c.area_name.as_str(),
                c.state.repetitions,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("a1", "Alpha", 1), ("a2", "Alpha", 0), ("b1", "Beta", 1)]
    );
    assert_eq!(cards[1].state, failed);
    assert!(
        s.study_cards(user, Some(&"other".into()))
            .unwrap()
            .is_empty()
    );

    for (d, finished) in [
        ("2026-03-01", true),
        ("2026-03-02", false),
        ("2026-03-03", true),
    ] {
        s.record_session(&SessionRecord {
            user,
            day: day(d),
            started: t(&format!("{d}T09:00:00Z")),
            ended: t(&format!("{d}T09:10:00Z")),
            cards: 3,
            finished,
        })
        .unwrap();
    }
    assert_eq!(
        s.finished_days(user, day("2026-03-03")).unwrap(),
        [day("2026-03-03"), day("2026-03-01")]
    );
    assert_eq!(
        s.finished_days(user, day("2026-03-02")).unwrap(),
        [day("2026-03-01")]
    );
}

fn exam_answer(card: &str, area: &str, correct: bool, given: Option<&str>) -> ExamAnswer {
    ExamAnswer {
        card: card.into(),
        area: area.to_string(),
        area_name: if area == "a" { "Alpha" } else { "Beta" }.to_string(),
        question: format!("Question on {card}"),
        solution: "Back".to_string(),
        given: given.map(str::to_string),
        correct,
    }
}

fn exam_attempts_are_saved_answer_by_answer(s: &mut dyn Store) {
    let user = setup(s);
    let start = ExamStart {
        id: "attempt-1".into(),
        deck: "fx".into(),
        started: t("2026-03-02T09:00:00Z"),
        seed: 7,
        pass_mark: 70,
        questions: 3,
    };
    let mut id = None;
    for (i, (card, area, correct)) in [("a1", "a", true), ("b1", "b", false)]
        .into_iter()
        .enumerate()
    {
        let at = format!("2026-03-02T09:0{}:00Z", i + 1);
        let given = GivenAnswer {
            position: i,
            answer: exam_answer(card, area, correct, Some("mine")),
            at: t(&at),
        };
        let mut review = Some((
            new_review(
                &format!("e{i}"),
                card,
                &at,
                Mode::Exam,
                if correct { 4 } else { 1 },
            ),
            State::NEW,
            State::NEW,
        ));
        let saved = s
            .record_exam_answer(user, id, &start, &given, &mut |_| {
                Ok(CardWrite {
                    append: review.take(),
                    rewrite: Vec::new(),
                    state: None,
                })
            })
            .unwrap();
        assert!(id.is_none_or(|first| first == saved));
        // Saved, but the reply was lost: the same answer is given again,
        // the first time before the attempt's id is known. It finds the
        // attempt and the answer already there.
        let again = s
            .record_exam_answer(user, id, &start, &given, &mut |log| {
                Ok(CardWrite {
                    append: None,
                    rewrite: Vec::new(),
                    state: log.stored,
                })
            })
            .unwrap();
        assert_eq!(again, saved);
        id = Some(saved);
    }
    // Started but not finished: kept, not scored.
    let attempts = s.exams(user).unwrap();
    assert_eq!(attempts.len(), 1);
    assert!(!attempts[0].finished);
    assert_eq!(s.history(user).unwrap().len(), 2, "exam answers are logged");
    assert!(
        s.card_states(user).unwrap().is_empty(),
        "and reschedule nothing"
    );

    s.finish_exam(
        id.unwrap(),
        t("2026-03-02T09:05:00Z"),
        true,
        &[(2, exam_answer("a2", "a", false, None))],
    )
    .unwrap();
    let a = &s.exams(user).unwrap()[0];
    assert_eq!(
        (
            a.finished,
            a.timed_out,
            a.correct,
            a.questions,
            a.minutes,
            a.pass_mark
        ),
        (true, true, 1, 3, 5, 70)
    );
    assert_eq!(a.deck, DeckId::from("fx"));
    assert_eq!(a.started_at, t("2026-03-02T09:00:00Z"));
    let areas: Vec<(&str, usize, usize)> = a
        .areas
        .iter()
        .map(|r| (r.area.as_str(), r.correct, r.total))
        .collect();
    assert_eq!(areas, [("a", 1, 2), ("b", 0, 1)]);

    // A whole attempt stored at once, later.
    s.record_exam(
        user,
        &ExamRecord {
            deck: "fx".into(),
            started: t("2026-03-09T09:00:00Z"),
            ended: t("2026-03-09T09:02:00Z"),
            seed: 8,
            pass_mark: 50,
            timed_out: false,
            answers: vec![
                exam_answer("a1", "a", true, Some("x")),
                exam_answer("b1", "b", true, Some("y")),
            ],
        },
    )
    .unwrap();
    let all = s.exams(user).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[1].correct, all[1].questions, all[1].finished),
        (2, 2, true)
    );

    // The latest scored attempt that asked about each area.
    let mut latest: Vec<(String, usize, usize, DateTime<Utc>)> = s
        .latest_exam_scores(&[user], None)
        .unwrap()
        .into_iter()
        .map(|e| (e.area, e.correct, e.total, e.at))
        .collect();
    latest.sort();
    assert_eq!(
        latest,
        [
            ("a".to_string(), 1, 1, t("2026-03-09T09:00:00Z")),
            ("b".to_string(), 1, 1, t("2026-03-09T09:00:00Z")),
        ]
    );
}

fn the_report_reads_cards_counts_scheduled_reviews_and_names_cards(s: &mut dyn Store) {
    let user = setup(s);
    let one = state(1, 250, 1, 0, "2026-03-03");
    let two = state(2, 250, 6, 0, "2026-03-09");
    let lapsed = state(0, 230, 1, 1, "2026-03-04");
    for (review, before, after) in [
        // a1: new on 03-02, scheduled on 03-03 (passed), and a quiz the
        // same day that a report does not count again.
        (
            new_review("1", "a1", "2026-03-02T09:00:00Z", Mode::Drill, 4),
            State::NEW,
            one,
        ),
        (
            new_review("2", "a1", "2026-03-03T09:00:00Z", Mode::Drill, 4),
            one,
            two,
        ),
        (
            new_review("3", "a1", "2026-03-03T10:00:00Z", Mode::Quiz, 4),
            two,
            two,
        ),
        // b1: new on 03-02, scheduled on 03-03 (failed), then a repeat.
        (
            new_review("4", "b1", "2026-03-02T09:01:00Z", Mode::Drill, 4),
            State::NEW,
            one,
        ),
        (
            new_review("5", "b1", "2026-03-03T09:01:00Z", Mode::Drill, 1),
            one,
            lapsed,
        ),
        (
            new_review("6", "b1", "2026-03-03T09:02:00Z", Mode::DrillRepeat, 4),
            lapsed,
            lapsed,
        ),
    ] {
        let stored = (after != State::NEW).then_some(after);
        write(s, user, review, before, after, stored);
    }
    let areas: Vec<(String, String)> = s
        .report_areas(None)
        .unwrap()
        .into_iter()
        .map(|a| (a.area, a.name))
        .collect();
    assert_eq!(
        areas,
        [
            ("a".to_string(), "Alpha".to_string()),
            ("b".to_string(), "Beta".to_string())
        ]
    );
    let cards: Vec<(String, bool, Option<u32>)> = s
        .report_cards(&[user], None)
        .unwrap()
        .into_iter()
        .map(|c| {
            (
                c.card.to_string(),
                c.retired,
                c.state.map(|st| st.repetitions),
            )
        })
        .collect();
    assert_eq!(
        cards,
        [
            ("a1".to_string(), false, Some(2)),
            ("a2".to_string(), false, None),
            ("b1".to_string(), false, Some(0)),
        ]
    );
    let tallies = |s: &dyn Store, from: &str| -> Vec<(String, StudyDay, bool, bool, usize)> {
        s.review_tallies(&[user], None, day(from), day("2026-03-31"))
            .unwrap()
            .into_iter()
            .map(|r| (r.area, r.day, r.passed, r.mature, r.count))
            .collect()
    };
    assert_eq!(
        tallies(s, "2026-03-01"),
        [
            ("a".to_string(), day("2026-03-03"), true, false, 1),
            ("b".to_string(), day("2026-03-03"), false, false, 1),
        ]
    );
    assert!(tallies(s, "2026-03-04").is_empty());
    // On 03-05: a young and a mature card of area a, and b1 after its
    // lapse (no repetitions: relearned, not counted); on 03-06 two answers
    // to b1 in the same millisecond, taken in grade order (the failed one
    // first).
    let mature = state(4, 250, 30, 0, "2026-03-05");
    for (review, before) in [
        (
            new_review("7", "a2", "2026-03-05T09:00:00Z", Mode::Drill, 5),
            mature,
        ),
        (
            new_review("8", "a1", "2026-03-05T09:01:00Z", Mode::Quiz, 3),
            two,
        ),
        (
            new_review("9", "b1", "2026-03-05T09:02:00Z", Mode::Drill, 4),
            lapsed,
        ),
        (
            new_review("10", "b1", "2026-03-06T09:00:00Z", Mode::Drill, 4),
            one,
        ),
        (
            new_review("11", "b1", "2026-03-06T09:00:00Z", Mode::Drill, 2),
            one,
        ),
    ] {
        write(s, user, review, before, before, None);
    }
    assert_eq!(
        tallies(s, "2026-03-04"),
        [
            ("a".to_string(), day("2026-03-05"), true, false, 1),
            ("a".to_string(), day("2026-03-05"), true, true, 1),
            ("b".to_string(), day("2026-03-06"), false, false, 1),
        ]
    );
    // Another learner's answers count for them alone.
    let ben = s
        .add_user("ben", t("2026-03-01T08:00:00Z"))
        .unwrap()
        .unwrap()
        .id;
    for (id, card) in [("12", "a1"), ("13", "a2")] {
        let review = new_review(id, card, "2026-03-05T10:00:00Z", Mode::Drill, 4);
        write(s, ben, review, one, one, None);
    }
    let both = s
        .review_tallies(&[ben, user], None, day("2026-03-05"), day("2026-03-05"))
        .unwrap();
    let counted: Vec<(UserId, &str, bool, usize)> = both
        .iter()
        .map(|r| (r.user, r.area.as_str(), r.mature, r.count))
        .collect();
    assert_eq!(
        counted,
        [
            (ben, "a", false, 2),
            (user, "a", false, 1),
            (user, "a", true, 1),
        ]
    );
    assert_eq!(
        s.card_prompt(&key("a1")).unwrap().as_deref(),
        Some("Front of a1")
    );
    assert_eq!(s.card_prompt(&key("zz")).unwrap(), None);
}

fn maintenance_counts_visits_and_replaces_state(s: &mut dyn Store) {
    let user = setup(s);
    let one = state(1, 250, 1, 0, "2026-03-03");
    write(
        s,
        user,
        new_review("1", "b1", "2026-03-02T09:01:00Z", Mode::Drill, 4),
        State::NEW,
        one,
        Some(one),
    );
    write(
        s,
        user,
        new_review("2", "a1", "2026-03-02T09:00:00Z", Mode::Drill, 4),
        State::NEW,
        one,
        Some(one),
    );
    assert!(s.integrity().unwrap().is_empty());
    let counts = s.counts().unwrap();
    assert_eq!(
        (counts.users, counts.decks, counts.reviews, counts.states),
        (1, 1, 2, 2)
    );
    let mut visited = Vec::new();
    s.each_review(&mut |u, card, r| {
        visited.push((u, card.card.to_string(), r.id.clone()));
        Ok(())
    })
    .unwrap();
    assert_eq!(
        visited,
        [
            (user, "a1".to_string(), "2".to_string()),
            (user, "b1".to_string(), "1".to_string())
        ]
    );
    let stored = s.stored_states().unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].last, t("2026-03-02T09:00:00Z"));

    let replaced = StoredState {
        user,
        card: key("a2"),
        state: state(1, 260, 1, 0, "2026-03-03"),
        last: t("2026-03-02T09:05:00Z"),
    };
    s.replace_states(std::slice::from_ref(&replaced)).unwrap();
    assert_eq!(s.stored_states().unwrap(), [replaced]);
    assert_eq!(s.card_state(user, &key("a1")).unwrap(), State::NEW);
    assert!(!s.place().is_empty());
}

fn accounts_logins_and_invitations_are_kept(s: &mut dyn Store) {
    let now = t("2026-03-01T08:00:00Z");
    assert!(!s.has_admin().unwrap());
    let admin = s
        .add_account("root", Role::Admin, Some("$argon2id$hash-1"), now)
        .unwrap()
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(admin.password.as_deref(), Some("$argon2id$hash-1"));
    assert!(s.has_admin().unwrap());
    assert!(
        s.add_account("root", Role::Learner, None, now)
            .unwrap()
            .is_none()
    );
    // A learner of the CLI gets an account under the same name.
    let ana = s.add_user("ana", now).unwrap().unwrap();
    let account = s
        .add_account("ana", Role::Learner, None, now)
        .unwrap()
        .unwrap();
    assert_eq!(account.user.id, ana.id);
    assert_eq!(s.account_named("ana").unwrap().unwrap().password, None);
    let names: Vec<String> = s
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.user.name)
        .collect();
    assert_eq!(names, ["ana", "root"]);

    // A login is found until it expires, and ends on logout or on a new
    // password.
    let login = Login {
        token_hash: "h1".to_string(),
        user: admin.user.id,
        csrf: "c1".to_string(),
        created: now,
        expires: t("2026-03-02T08:00:00Z"),
    };
    s.add_login(&login).unwrap();
    let (found, who) = s.login("h1", t("2026-03-02T07:59:59Z")).unwrap().unwrap();
    assert_eq!((found, who.user.name.as_str()), (login.clone(), "root"));
    assert!(s.login("h1", t("2026-03-02T08:00:00Z")).unwrap().is_none());
    assert!(s.login("h2", now).unwrap().is_none());
    s.end_login("h1").unwrap();
    assert!(s.login("h1", now).unwrap().is_none());
    s.add_login(&Login {
        token_hash: "h3".into(),
        ..login.clone()
    })
    .unwrap();
    s.add_login(&Login {
        token_hash: "h4".into(),
        ..login.clone()
    })
    .unwrap();
    s.set_password(admin.user.id, "$argon2id$hash-2", now)
        .unwrap();
    assert!(s.login("h3", now).unwrap().is_none());
    assert!(s.login("h4", now).unwrap().is_none());
    assert_eq!(
        s.account(admin.user.id)
            .unwrap()
            .unwrap()
            .password
            .as_deref(),
        Some("$argon2id$hash-2")
    );
    s.add_login(&Login {
        token_hash: "h5".into(),
        ..login.clone()
    })
    .unwrap();
    assert_eq!(s.end_logins(admin.user.id).unwrap(), 1);
    s.set_role(ana.id, Role::Instructor, now).unwrap();
    assert_eq!(s.account(ana.id).unwrap().unwrap().role, Role::Instructor);

    // An invitation to a class is used once, before it expires.
    let class = s.add_class(ana.id, "Cohort 1", now).unwrap().unwrap();
    let invite = Invite {
        token_hash: "i1".to_string(),
        role: Role::Learner,
        class: Some(class.id),
        user: None,
        created_by: Some(ana.id),
        created: now,
        expires: t("2026-03-08T08:00:00Z"),
    };
    s.add_invite(&invite).unwrap();
    assert_eq!(s.invite("i1", now).unwrap(), Some(invite.clone()));
    assert!(s.invite("i1", t("2026-03-08T08:00:00Z")).unwrap().is_none());
    // A name taken by a learner without an account is taken too: their
    // history is not anyone's to claim.
    s.add_user("zed", now).unwrap().unwrap();
    let zed = s.redeem_invite(
        "i1",
        Redeemer::New {
            name: "zed",
            password: "x",
        },
        now,
    );
    assert!(matches!(zed, Err(StoreError::UserName(_))), "{zed:?}");
    assert!(s.account_named("zed").unwrap().is_none());
    let taken = s.redeem_invite(
        "i1",
        Redeemer::New {
            name: "root",
            password: "x",
        },
        now,
    );
    assert!(matches!(taken, Err(StoreError::UserName(_))), "{taken:?}");
    let bo = s
        .redeem_invite(
            "i1",
            Redeemer::New {
                name: "bo",
                password: "$argon2id$bo",
            },
            now,
        )
        .unwrap()
        .unwrap();
    assert_eq!((bo.user.name.as_str(), bo.role), ("bo", Role::Learner));
    assert!(s.invite("i1", now).unwrap().is_none());
    assert!(
        s.redeem_invite(
            "i1",
            Redeemer::New {
                name: "cy",
                password: "p"
            },
            now
        )
        .unwrap()
        .is_none()
    );
    assert!(s.account_named("cy").unwrap().is_none());
    let members: Vec<String> = s
        .members(class.id)
        .unwrap()
        .into_iter()
        .map(|m| m.user.name)
        .collect();
    assert_eq!(members, ["bo"]);

    // An expired invitation does nothing.
    s.add_invite(&Invite {
        token_hash: "i2".into(),
        expires: now,
        ..invite.clone()
    })
    .unwrap();
    assert!(
        s.redeem_invite(
            "i2",
            Redeemer::New {
                name: "dee",
                password: "p"
            },
            now
        )
        .unwrap()
        .is_none()
    );
    // A learner logged in joins with one; an invitation to set an
    // account's password sets it and ends its logins.
    s.add_invite(&Invite {
        token_hash: "i3".into(),
        ..invite.clone()
    })
    .unwrap();
    let other = s.add_class(ana.id, "Cohort 2", now).unwrap().unwrap();
    s.add_invite(&Invite {
        token_hash: "i4".into(),
        class: Some(other.id),
        ..invite.clone()
    })
    .unwrap();
    let joined = s
        .redeem_invite("i4", Redeemer::Existing(bo.user.id), now)
        .unwrap()
        .unwrap();
    assert_eq!(joined.user.id, bo.user.id);
    let classes: Vec<String> = s
        .classes_joined(bo.user.id)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(classes, ["Cohort 1", "Cohort 2"]);
    s.add_invite(&Invite {
        token_hash: "i5".into(),
        class: None,
        user: Some(ana.id),
        role: Role::Instructor,
        ..invite.clone()
    })
    .unwrap();
    s.add_login(&Login {
        token_hash: "h6".into(),
        user: ana.id,
        ..login.clone()
    })
    .unwrap();
    let ana2 = s
        .redeem_invite(
            "i5",
            Redeemer::New {
                name: "ignored",
                password: "$argon2id$ana",
            },
            now,
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (ana2.user.name.as_str(), ana2.password.as_deref()),
        ("ana", Some("$argon2id$ana"))
    );
    assert!(s.login("h6", now).unwrap().is_none());
    assert!(s.user("ignored").unwrap().is_none());
}

fn classes_hold_members_decks_and_what_they_failed(s: &mut dyn Store) {
    let ana = setup(s);
    let now = t("2026-03-01T08:00:00Z");
    let teacher = s
        .add_account("tess", Role::Instructor, None, now)
        .unwrap()
        .unwrap()
        .user
        .id;
    let other = s
        .add_account("otto", Role::Instructor, None, now)
        .unwrap()
        .unwrap()
        .user
        .id;
    let class = s.add_class(teacher, "Nurses", now).unwrap().unwrap();
    assert!(s.add_class(teacher, "Nurses", now).unwrap().is_none());
    let same_name = s.add_class(other, "Nurses", now).unwrap().unwrap();
    assert_ne!(class.id, same_name.id);
    assert_eq!(s.class(class.id).unwrap(), Some(class.clone()));
    assert_eq!(class.instructor_name, "tess");
    assert_eq!(s.classes().unwrap().len(), 2);
    assert_eq!(
        s.classes_taught(teacher).unwrap(),
        std::slice::from_ref(&class)
    );
    assert!(s.class(recall::store::ClassId(999)).unwrap().is_none());

    // Before joining a class a learner studies every deck; after, only
    // the class's.
    let mut second = deck(1, true, "");
    second.info.id = "gx".to_string();
    s.install_deck(&second, now).unwrap();
    let decks_of = |s: &dyn Store| -> Vec<String> {
        let mut d: Vec<String> = s
            .study_cards(ana, None)
            .unwrap()
            .into_iter()
            .map(|c| c.key.deck.to_string())
            .collect();
        d.dedup();
        d
    };
    assert_eq!(decks_of(s), ["fx", "gx"]);
    assert!(s.add_member(class.id, ana, now).unwrap());
    assert!(!s.add_member(class.id, ana, now).unwrap());
    assert!(decks_of(s).is_empty());
    assert!(s.assign_deck(class.id, &DeckId::from("gx")).unwrap());
    assert!(!s.assign_deck(class.id, &DeckId::from("gx")).unwrap());
    assert_eq!(decks_of(s), ["gx"]);
    let listed: Vec<String> = s
        .decks(Some(ana), day("2026-03-01"))
        .unwrap()
        .into_iter()
        .map(|d| d.id.to_string())
        .collect();
    assert_eq!(listed, ["gx"]);
    assert_eq!(s.decks(None, day("2026-03-01")).unwrap().len(), 2);
    assert_eq!(s.class_decks(class.id).unwrap(), [DeckId::from("gx")]);

    // Deck owners.
    assert_eq!(s.deck_owner(&DeckId::from("gx")).unwrap(), None);
    s.set_deck_owner(&DeckId::from("gx"), teacher).unwrap();
    assert_eq!(s.deck_owner(&DeckId::from("gx")).unwrap(), Some(teacher));

    // Members with their last review, and the cards they failed.
    let bo = s.add_user("bo", now).unwrap().unwrap().id;
    s.add_member(class.id, bo, now).unwrap();
    let members = s.members(class.id).unwrap();
    assert_eq!(
        members
            .iter()
            .map(|m| m.user.name.as_str())
            .collect::<Vec<_>>(),
        ["ana", "bo"]
    );
    assert!(members.iter().all(|m| m.last_review.is_none()));
    let before = State::NEW;
    write(
        s,
        ana,
        new_review("r1", "a1", "2026-03-02T09:00:00.000Z", Mode::Drill, 1),
        before,
        before,
        None,
    );
    write(
        s,
        ana,
        new_review("r2", "a1", "2026-03-02T09:01:00.000Z", Mode::DrillRepeat, 2),
        before,
        before,
        None,
    );
    write(
        s,
        bo,
        new_review("r3", "a1", "2026-03-02T10:00:00.000Z", Mode::Drill, 0),
        before,
        before,
        None,
    );
    write(
        s,
        bo,
        new_review("r4", "b1", "2026-03-02T10:01:00.000Z", Mode::Drill, 1),
        before,
        before,
        None,
    );
    write(
        s,
        bo,
        new_review("r5", "a2", "2026-03-02T10:02:00.000Z", Mode::Drill, 5),
        before,
        before,
        None,
    );
    let members = s.members(class.id).unwrap();
    assert_eq!(members[0].last_review, Some(t("2026-03-02T09:01:00Z")));
    assert_eq!(members[1].last_review, Some(t("2026-03-02T10:02:00Z")));
    let failed = s
        .failed_cards(&[ana, bo], &[], t("2026-03-01T00:00:00Z"), 10)
        .unwrap();
    let summary: Vec<(String, u32, u32, u32)> = failed
        .iter()
        .map(|f| (f.card.card.to_string(), f.failed, f.answers, f.learners))
        .collect();
    assert_eq!(
        summary,
        [("a1".to_string(), 3, 3, 2), ("b1".to_string(), 1, 1, 1)]
    );
    assert_eq!(failed[0].prompt, "Front of a1");
    assert_eq!(failed[0].area_name, "Alpha");
    assert_eq!(
        s.failed_cards(&[ana, bo], &[], t("2026-03-01T00:00:00Z"), 1)
            .unwrap()
            .len(),
        1
    );
    assert!(
        s.failed_cards(
            &[ana, bo],
            &[DeckId::from("gx")],
            t("2026-03-01T00:00:00Z"),
            10
        )
        .unwrap()
        .is_empty()
    );
    assert!(
        s.failed_cards(&[ana], &[], t("2026-03-03T00:00:00Z"), 10)
            .unwrap()
            .is_empty()
    );

    assert!(s.remove_member(class.id, ana).unwrap());
    assert!(!s.remove_member(class.id, ana).unwrap());
    assert_eq!(decks_of(s), ["fx", "gx"]);
}

fn two_connections_answering_one_card_keep_every_answer(s: &mut dyn Store) {
    let user = setup(s);
    // Two devices (two connections) answer the same card at the same
    // time, over and over: the log keeps every answer and the stored
    // state is the replay of the log.
    // (SQLite in memory has no second connection, so nothing to race.)
    let Ok(first) = s.another() else {
        return;
    };
    let devices: Vec<recall::store::Db> = vec![first, s.another().unwrap()];
    std::thread::scope(|scope| {
        for (d, mut store) in devices.into_iter().enumerate() {
            scope.spawn(move || {
                for n in 0..15_u32 {
                    let answer = recall::review::Answer {
                        user,
                        card: key("a1"),
                        quality: q(if (n + u32::try_from(d).unwrap()) % 3 == 0 {
                            2
                        } else {
                            4
                        }),
                        mode: Mode::Drill,
                        at: t("2026-03-02T09:00:00Z") + chrono::Duration::seconds(i64::from(n)),
                        day: day("2026-03-02"),
                        response_ms: None,
                    };
                    recall::review::record(&mut *store, &answer).unwrap();
                }
            });
        }
    });
    assert_eq!(s.history(user).unwrap().len(), 30, "every answer kept");
    let report = recall::review::check(s).unwrap();
    assert!(report.mismatches.is_empty(), "{:?}", report.mismatches);
}

/// Declares every check for one backend: `$make` gives a fresh, empty
/// store (and anything that must live as long as it).
macro_rules! contract {
    ($backend:ident, $make:expr) => {
        mod $backend {
            use super::*;

            fn run(check: fn(&mut dyn Store)) {
                // None: the backend is not here (the skip is said loudly).
                let made = $make;
                let Some((mut store, _keep)) = made else {
                    return;
                };
                check(&mut store);
            }

            #[test]
            fn users_are_added_found_changed_and_removed() {
                run(super::users_are_added_found_changed_and_removed);
            }

            #[test]
            fn a_deck_is_installed_updated_retired_and_removed() {
                run(super::a_deck_is_installed_updated_retired_and_removed);
            }

            #[test]
            fn a_card_log_is_read_and_written_in_one_step() {
                run(super::a_card_log_is_read_and_written_in_one_step);
            }

            #[test]
            fn the_log_keeps_its_order_and_each_review_once() {
                run(super::the_log_keeps_its_order_and_each_review_once);
            }

            #[test]
            fn a_learners_day_and_finished_drills_are_kept() {
                run(super::a_learners_day_and_finished_drills_are_kept);
            }

            #[test]
            fn exam_attempts_are_saved_answer_by_answer() {
                run(super::exam_attempts_are_saved_answer_by_answer);
            }

            #[test]
            fn the_report_reads_cards_counts_scheduled_reviews_and_names_cards() {
                run(super::the_report_reads_cards_counts_scheduled_reviews_and_names_cards);
            }

            #[test]
            fn maintenance_counts_visits_and_replaces_state() {
                run(super::maintenance_counts_visits_and_replaces_state);
            }

            #[test]
            fn two_connections_answering_one_card_keep_every_answer() {
                run(super::two_connections_answering_one_card_keep_every_answer);
            }

            #[test]
            fn accounts_logins_and_invitations_are_kept() {
                run(super::accounts_logins_and_invitations_are_kept);
            }

            #[test]
            fn classes_hold_members_decks_and_what_they_failed() {
                run(super::classes_hold_members_decks_and_what_they_failed);
            }
        }
    };
}

contract!(sqlite_file, {
    let env = common::Env::new();
    let store = recall::store::SqliteStore::open(&env.dir().join("contract.sqlite3")).unwrap();
    Some((store, Some(env)))
});

contract!(sqlite_memory, {
    let store = recall::store::SqliteStore::in_memory().unwrap();
    Some((store, None::<common::Env>))
});

contract!(postgres, {
    common::pg::cluster().map(|cluster| {
        let store = recall::store::PgStore::connect(&cluster.database()).unwrap();
        (store, None::<common::Env>)
    })
});
