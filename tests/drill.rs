//! `recall drill` driven through a pipe, day after day, against what SM-2
//! says: the cards shown, the states stored, the repeats, the limits.

mod common;

use std::collections::HashMap;

use common::{Env, answer, is_progress, prompt};
use recall::deck::{self, Card};
use recall::sched::{Grade, Quality, State, StudyDay};
use recall::store::{Access, CardKey, Db};

const DECK: &str = "case-management-skills";

/// The quality a key gives to a card answered rightly.
fn quality(key: &str) -> Quality {
    if key.is_empty() {
        Grade::Good.quality()
    } else {
        key.parse::<Grade>().unwrap().quality()
    }
}

/// The shipped deck's new cards in the order it introduces them: one card
/// from each area in turn, areas as the deck lists them, cards in file
/// order within an area.
fn interleaved(deck: &deck::Deck) -> Vec<String> {
    let mut lists: Vec<Vec<&Card>> = deck
        .areas
        .iter()
        .map(|a| deck.cards.iter().filter(|c| c.area == a.id).collect())
        .collect();
    let mut order = Vec::new();
    while lists.iter().any(|l| !l.is_empty()) {
        for list in &mut lists {
            if !list.is_empty() {
                order.push(list.remove(0).id.clone());
            }
        }
    }
    order
}

/// A learner's drills over several days, with SM-2 worked out on the side
/// by the test's own floating-point SM-2 (`common::sm2`), not the
/// scheduler's.
struct Learner {
    env: Env,
    cards: HashMap<String, Card>,
    order: Vec<String>,
    /// What SM-2 says each card's state is, computed here.
    expected: HashMap<String, State>,
}

impl Learner {
    fn new() -> Learner {
        Learner::on(Env::new())
    }

    fn on(env: Env) -> Learner {
        let deck = deck::shipped().unwrap();
        Learner {
            env,
            order: interleaved(&deck),
            cards: deck.cards.into_iter().map(|c| (c.id.clone(), c)).collect(),
            expected: HashMap::new(),
        }
    }

    fn store(&self) -> Db {
        let now = chrono::DateTime::UNIX_EPOCH;
        recall::store::open_for_use(&self.env.db(), Access::ReadWrite, None, now)
            .unwrap()
            .0
    }

    /// The cards SM-2 says are due on `day`, most overdue first.
    fn due(&self, day: StudyDay) -> Vec<(StudyDay, String)> {
        let mut due: Vec<(StudyDay, String)> = self
            .expected
            .iter()
            .filter_map(|(id, s)| s.due.filter(|d| *d <= day).map(|d| (d, id.clone())))
            .collect();
        due.sort();
        due
    }

    /// Runs a drill at `now` answering the cards in `queue` with `keys`
    /// (then every repeat with Good), and checks the cards shown.
    fn drill(&mut self, now: &str, args: &[&str], queue: &[String], keys: &[&str]) -> String {
        let day = StudyDay::of(
            &chrono::DateTime::parse_from_rfc3339(now).unwrap(),
            recall::sched::Rollover::DEFAULT,
        );
        let mut plan = Vec::new();
        let mut repeats = Vec::new();
        for (id, key) in queue.iter().zip(keys.iter().cycle()) {
            plan.push((id.clone(), key.to_string()));
            let q = quality(key);
            let state = self.expected.get(id).copied().unwrap_or(State::NEW);
            self.expected
                .insert(id.clone(), common::sm2(&state, q.value(), day));
            if q < Quality::new(4).unwrap() {
                repeats.push(id.clone());
            }
        }
        for id in &repeats {
            plan.push((id.clone(), "3".to_string()));
        }
        let env = std::mem::replace(&mut self.env, Env::new());
        self.env = env.on(now);
        let (_, stdout) = answer(&self.env, args, &self.cards, &plan, None);
        assert!(!stdout.contains('\u{1b}'), "no escape codes through a pipe");
        let shown = shown(&stdout);
        let mut expected: Vec<String> = queue.iter().map(|id| prompt(&self.cards[id])).collect();
        expected.extend(repeats.iter().map(|id| prompt(&self.cards[id])));
        assert_eq!(shown, expected, "{stdout}");
        stdout
    }

    /// The stored states agree with SM-2 worked out here.
    fn assert_states(&self) {
        let store = self.store();
        let user = store.user("tester").unwrap().unwrap();
        let stored: HashMap<String, State> = store
            .card_states(user.id)
            .unwrap()
            .into_iter()
            .map(|(k, s)| (k.card.to_string(), s))
            .collect();
        assert_eq!(stored, self.expected);
    }
}

/// The prompt lines shown, in order: each follows a progress line.
fn shown(stdout: &str) -> Vec<String> {
    let lines: Vec<&str> = stdout.lines().collect();
    lines
        .windows(2)
        .filter(|w| is_progress(w[0]))
        .map(|w| w[1].to_string())
        .collect()
}

#[test]
fn a_first_day_then_the_days_sm2_brings_cards_back() {
    first_day_then_the_days_sm2_brings_cards_back(Learner::new());
}

#[test]
fn the_same_days_on_postgresql() {
    let Some(cluster) = common::pg::cluster() else {
        return;
    };
    first_day_then_the_days_sm2_brings_cards_back(Learner::on(
        Env::new().with_db(&cluster.database()),
    ));
}

fn first_day_then_the_days_sm2_brings_cards_back(mut l: Learner) {
    // Day 1: the first ten cards of the deck, new, in deck order.
    let first: Vec<String> = l.order[..10].to_vec();
    let keys = ["3", "1", "2", "4", ""];
    let out = l.drill("2026-03-02T09:00:00Z", &["--seed", "1"], &first, &keys);
    assert!(out.starts_with("New learner tester: every answer is kept in "));
    assert!(
        out.contains("\n1/10\n"),
        "the area of a card whose answer names it is hidden: {out}"
    );
    assert!(out.contains("\nrepeat · 4 left\n"), "{out}");
    assert!(
        out.contains("10 cards done, 8 recalled (80%), 4 repeats, in 0 min"),
        "{out}"
    );
    assert!(out.contains("\nDue tomorrow: 10 cards\n"));
    assert!(out.ends_with("\nStreak: 1 day\n"));
    l.assert_states();

    // Every later day: exactly the cards SM-2 says are due, most overdue
    // first, and no new ones.
    let mut shown_days = 0;
    for (date, keys) in [
        ("2026-03-03", &["1", "3", "3", "4"][..]),
        ("2026-03-04", &["3"][..]),
        ("2026-03-05", &["3"][..]),
        ("2026-03-09", &["2", "3"][..]),
        ("2026-03-12", &["3"][..]),
    ] {
        let now = format!("{date}T09:00:00Z");
        let day: StudyDay = date.parse().unwrap();
        let due = l.due(day);
        let queue: Vec<String> = due.iter().map(|(_, id)| id.clone()).collect();
        // Cards due on the same day come in an order fixed by the seed:
        // take it from the session's planner, then check it against SM-2.
        let order = planned(&l, day, 9);
        let mut sorted = order.clone();
        sorted.sort();
        let mut want = queue.clone();
        want.sort();
        assert_eq!(sorted, want, "due on {date}");
        let overdue: Vec<StudyDay> = order
            .iter()
            .map(|id| due.iter().find(|(_, d)| d == id).unwrap().0)
            .collect();
        assert!(
            overdue.windows(2).all(|w| w[0] <= w[1]),
            "most overdue first on {date}"
        );
        if !order.is_empty() {
            shown_days += 1;
        }
        let out = l.drill(&now, &["--new", "0", "--seed", "9"], &order, keys);
        if order.is_empty() {
            assert!(out.contains("Nothing to drill right now"), "{out}");
        }
        l.assert_states();
    }
    assert!(shown_days >= 3);
}

/// The order the session planner puts today's due cards in.
fn planned(l: &Learner, day: StudyDay, seed: u64) -> Vec<String> {
    let store = l.store();
    let user = store.user("tester").unwrap().unwrap();
    let items = store.study_cards(user.id, None).unwrap();
    let allowance = recall::session::Allowance {
        reviews: 100,
        new: 0,
        limit: None,
    };
    recall::session::plan(items, day, allowance, seed)
        .into_iter()
        .map(|i| i.key.card.to_string())
        .collect()
}

#[test]
fn input_ending_halfway_keeps_every_answer_and_the_next_drill_carries_on() {
    let mut l = Learner::new();
    let first: Vec<String> = l.order[..10].to_vec();
    let plan: Vec<(String, String)> = first[..4]
        .iter()
        .map(|id| (id.clone(), "4".to_string()))
        .collect();
    // Four answers, half of a fifth (an Enter), then the input ends.
    let (_, stdout) = answer(&l.env, &[], &l.cards, &plan, Some(4));
    assert!(
        stdout.contains(
            "Stopped; every answer so far is saved. 4 cards done, 4 recalled (100%), in 0 min"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("Streak: 0 days\n"),
        "a stopped drill is not a finished one"
    );
    let store = l.store();
    let user = store.user("tester").unwrap().unwrap();
    let logged: Vec<String> = store
        .history(user.id)
        .unwrap()
        .into_iter()
        .map(|r| r.card)
        .collect();
    assert_eq!(logged, first[..4]);

    // The same day: the six new cards left, and none of the four again.
    // Easy (key 4, quality 5) on a new card: 1 repetition, 1 day,
    // E-Factor 2.50 + 0.10, due the next day.
    let easy = State {
        repetitions: 1,
        ease: recall::sched::Ease::from_hundredths(260),
        interval: recall::sched::Interval::days(1),
        lapses: 0,
        due: Some("2026-03-03".parse().unwrap()),
    };
    for id in &first[..4] {
        l.expected.insert(id.clone(), easy);
    }
    l.drill("2026-03-02T18:00:00Z", &[], &first[4..], &["3"]);
    l.assert_states();
}

#[test]
fn cards_below_4_come_back_until_4_without_rescheduling() {
    let l = Learner::new();
    let id = l.order[0].clone();
    // Again; then in the repeats Hard (3, still below 4), then Good.
    let plan: Vec<(String, String)> = ["1", "2", "3"]
        .iter()
        .map(|k| (id.clone(), k.to_string()))
        .collect();
    let (_, stdout) = answer(&l.env, &["--limit", "1"], &l.cards, &plan, None);
    assert_eq!(shown(&stdout).len(), 3, "{stdout}");
    assert!(stdout.contains("\nrepeat · 1 left\n"));
    let store = l.store();
    let user = store.user("tester").unwrap().unwrap();
    let log = store.history(user.id).unwrap();
    let modes: Vec<(&str, u8)> = log.iter().map(|r| (r.mode.as_str(), r.quality)).collect();
    assert_eq!(
        modes,
        [("drill", 1), ("drill-repeat", 3), ("drill-repeat", 4)]
    );
    let day: StudyDay = "2026-03-02".parse().unwrap();
    let after_first = State::NEW.answer(Quality::new(1).unwrap(), day);
    let key = CardKey {
        deck: DECK.into(),
        card: id.into(),
    };
    assert_eq!(store.card_state(user.id, &key).unwrap(), after_first);
    // The repeats log the state untouched, interval and E-Factor included.
    for r in &log[1..] {
        assert_eq!(
            (r.before_interval, r.before_ease, r.before_repetitions),
            (r.after_interval, r.after_ease, r.after_repetitions)
        );
        assert_eq!(r.after_interval, after_first.interval.get());
        assert_eq!(r.after_ease, after_first.ease.hundredths());
    }
    assert!(
        stdout.contains("1 card done, 0 recalled (0%), 2 repeats, in 0 min"),
        "{stdout}"
    );
    l.env.recall(["check"]).assert().success();
}

#[test]
fn limit_area_and_new_choose_the_cards() {
    let mut l = Learner::new();
    let first: Vec<String> = l.order[..3].to_vec();
    l.drill("2026-03-02T09:00:00Z", &["--limit", "3"], &first, &["3"]);
    // --area with --new: only that area's new cards, in deck order.
    let deck = deck::shipped().unwrap();
    let empathy: Vec<String> = deck
        .cards
        .iter()
        .filter(|c| c.area == "empathy")
        .take(2)
        .map(|c| c.id.clone())
        .collect();
    l.drill(
        "2026-03-02T10:00:00Z",
        &["--area", "empathy", "--new", "2"],
        &empathy,
        &["4"],
    );
    l.assert_states();
    let store = l.store();
    let user = store.user("tester").unwrap().unwrap();
    assert_eq!(store.history(user.id).unwrap().len(), 5);
}

#[test]
fn daily_limits_cap_new_cards_and_reviews() {
    let mut l = Learner::new();
    l.env.recall(["user", "add", "tester"]).assert().success();
    l.env
        .recall(["user", "set", "new-per-day", "3"])
        .assert()
        .success();
    let first: Vec<String> = l.order[..3].to_vec();
    l.drill("2026-03-02T09:00:00Z", &[], &first, &["3"]);
    // The day's three new cards are spent: a second drill has nothing.
    let out = l.drill("2026-03-02T20:00:00Z", &[], &[], &["3"]);
    assert!(out.contains("Nothing to drill right now"), "{out}");
    // The next day three are due; at most two reviews a day.
    l.env
        .recall(["user", "set", "reviews-per-day", "2"])
        .assert()
        .success();
    let day: StudyDay = "2026-03-03".parse().unwrap();
    let order = planned(&l, day, 5);
    assert_eq!(order.len(), 3);
    l.drill(
        "2026-03-03T09:00:00Z",
        &["--new", "0", "--seed", "5"],
        &order[..2],
        &["3"],
    );
    l.assert_states();
}

#[test]
fn an_unknown_area_or_deck_is_one_clear_line() {
    let l = Learner::new();
    let out = l
        .env
        .recall(["drill", "--area", "nursing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(
            "recall: no area \"nursing\" in the installed decks (areas: advocacy, assessment,"
        ),
        "{err}"
    );
    let out = l.env.recall(["drill", "--deck", "nope"]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "recall: no deck \"nope\" is installed (`recall deck list` shows those that are)\n"
    );
}

#[test]
fn the_streak_counts_days_with_a_finished_drill() {
    let mut l = Learner::new();
    let cards: Vec<String> = l.order[..1].to_vec();
    l.drill("2026-03-02T09:00:00Z", &["--limit", "1"], &cards, &["4"]);
    // The next day the card is due again (1 day), and comes first.
    let out = l.drill(
        "2026-03-03T09:00:00Z",
        &["--limit", "1", "--new", "1"],
        &cards,
        &["4"],
    );
    assert!(out.ends_with("Streak: 2 days\n"), "{out}");
    // A day missed breaks it; the card is not due (6 days), a new one is.
    let day4 = l.order[1..2].to_vec();
    let out = l.drill(
        "2026-03-05T09:00:00Z",
        &["--limit", "1", "--new", "1"],
        &day4,
        &["4"],
    );
    assert!(out.ends_with("Streak: 1 day\n"), "{out}");
    let status = l.env.recall(["status", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["streak"], 1);
    assert_eq!(json["total"]["learned"], 2);
}

#[test]
fn repeats_still_owed_come_back_in_the_next_drill_that_day() {
    let l = Learner::new();
    // Again, then the input ends before the repeat.
    let id = l.order[0].clone();
    let again = [(id.clone(), "1".to_string())];
    let (_, out) = answer(&l.env, &["--limit", "1"], &l.cards, &again, Some(1));
    assert!(
        out.contains("Stopped; every answer so far is saved."),
        "{out}"
    );
    let good = [(id.clone(), "3".to_string())];
    let (_, stdout) = answer(&l.env, &["--new", "0"], &l.cards, &good, None);
    assert!(stdout.contains("\nrepeat · 1 left\n"), "{stdout}");
    assert_eq!(shown(&stdout), [prompt(&l.cards[&l.order[0]])]);
    assert!(stdout.ends_with("Streak: 1 day\n"), "{stdout}");
    let store = l.store();
    let user = store.user("tester").unwrap().unwrap();
    let modes: Vec<String> = store
        .history(user.id)
        .unwrap()
        .into_iter()
        .map(|r| r.mode)
        .collect();
    assert_eq!(modes, ["drill", "drill-repeat"]);
    // Paid: a third drill has nothing.
    let out = l.env.recall(["drill", "--new", "0"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to drill right now"));
}

#[test]
fn a_drill_with_nothing_to_drill_does_not_count_for_the_streak() {
    let l = Learner::new();
    let out = l
        .env
        .recall(["drill", "--new", "0", "--area", "advocacy"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("Nothing to drill right now: no card is due and no new card is left for today in these areas."),
        "{stdout}"
    );
    assert!(stdout.ends_with("Streak: 0 days\n"), "{stdout}");
}
