//! The session state machine, without a terminal: --minutes with a fake
//! clock, and the queue's order.

use chrono::{Duration, TimeZone, Utc};
use recall::deck::{Card, Content};
use recall::sched::{Quality, State, StudyDay};
use recall::session::{Allowance, End, Item, Session, plan};
use recall::store::{CardKey, Mode};

fn item(id: &str, due: Option<&str>, position: usize) -> Item {
    let mut state = State::NEW;
    state.due = due.map(|d| d.parse().unwrap());
    Item {
        key: CardKey {
            deck: "d".into(),
            card: id.into(),
        },
        card: Card {
            id: id.into(),
            area: "a".into(),
            content: Content::Basic {
                front: "f".into(),
                back: "b".into(),
            },
            tags: vec![],
            source: None,
        },
        area_name: "A".into(),
        state,
        position,
        area_position: 0,
        new_cards: Default::default(),
    }
}

fn q(v: u8) -> Quality {
    Quality::new(v).unwrap()
}

#[test]
fn minutes_end_the_session_at_the_next_card_once_time_is_up() {
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let queue: Vec<Item> = (0..5).map(|i| item(&format!("c{i}"), None, i)).collect();
    let mut s = Session::new(queue, start, Some(10));
    let at = |m: i64| start + Duration::minutes(m);
    assert_eq!(s.next(at(0)).unwrap().item.key.card, "c0");
    s.answer(q(1));
    assert_eq!(s.next(at(4)).unwrap().item.key.card, "c1");
    // The card on screen when time runs out is still answered.
    assert_eq!(s.next(at(11)).unwrap().item.key.card, "c1");
    assert_eq!(s.answer(q(4)), Some(Mode::Drill));
    assert!(s.next(at(11)).is_none());
    assert_eq!(s.end(), Some(End::TimeUp));
    assert_eq!(s.outcomes().len(), 2);
}

#[test]
fn repeats_follow_the_main_queue_until_each_scores_4() {
    let start = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let queue = vec![item("a", None, 0), item("b", None, 1)];
    let mut s = Session::new(queue, start, None);
    let mut seen = Vec::new();
    for grade in [2, 5, 3, 4] {
        let current = s.next(start).unwrap();
        seen.push((current.item.key.card.to_string(), current.mode));
        s.answer(q(grade));
    }
    assert!(s.next(start).is_none());
    assert_eq!(s.end(), Some(End::Finished));
    assert_eq!(
        seen,
        [
            ("a".to_string(), Mode::Drill),
            ("b".to_string(), Mode::Drill),
            ("a".to_string(), Mode::DrillRepeat),
            ("a".to_string(), Mode::DrillRepeat),
        ]
    );
}

#[test]
fn the_plan_puts_the_most_overdue_first_then_new_cards_in_deck_order() {
    let today: StudyDay = "2026-03-10".parse().unwrap();
    let items = vec![
        item("new2", None, 5),
        item("late1", Some("2026-03-09"), 1),
        item("future", Some("2026-03-11"), 2),
        item("new1", None, 4),
        item("late5", Some("2026-03-05"), 3),
        item("today", Some("2026-03-10"), 0),
    ];
    let all = Allowance {
        reviews: 10,
        new: 10,
        limit: None,
    };
    let ids = |v: Vec<Item>| v.into_iter().map(|i| i.key.card).collect::<Vec<_>>();
    assert_eq!(
        ids(plan(items.clone(), today, all, 1)),
        ["late5", "late1", "today", "new1", "new2"]
    );
    let tight = Allowance {
        reviews: 2,
        new: 1,
        limit: None,
    };
    assert_eq!(
        ids(plan(items.clone(), today, tight, 1)),
        ["late5", "late1", "new1"]
    );
    let limited = Allowance {
        limit: Some(4),
        ..all
    };
    // The session's cap cuts the queue, new cards last to go in.
    assert_eq!(
        ids(plan(items.clone(), today, limited, 1)),
        ["late5", "late1", "today", "new1"]
    );
    // Ties are shuffled by the seed, the same way every time.
    let ties: Vec<Item> = (0..8)
        .map(|i| item(&format!("t{i}"), Some("2026-03-09"), i))
        .collect();
    let a = ids(plan(ties.clone(), today, all, 3));
    assert_eq!(a, ids(plan(ties.clone(), today, all, 3)));
    assert_ne!(a, ids(plan(ties, today, all, 4)));
}
