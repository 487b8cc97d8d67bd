//! Offline sync: two devices and the server, each answering the same
//! learner's cards on the same days while apart, then synced in every
//! order: every answer reaches every side once, and each side's card
//! states are the replay of the union.

mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use common::Env;
use recall::model::{CardKey, Mode};
use recall::review::{Answer, check, record, sync};
use recall::sched::{Quality, StudyDay};
use recall::store::{Access, Accounts, Db};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// A fresh database for learner "ana" with the shipped deck: an SQLite
/// file in `env`, or PostgreSQL when `url` is given.
fn side(env: &Env, name: &str, url: Option<String>) -> Db {
    let place = url.map_or_else(|| env.dir().join(name), std::path::PathBuf::from);
    recall::store::open_for_use(
        &place,
        Access::ReadWrite,
        Some("ana"),
        t("2026-03-01T08:00:00Z"),
    )
    .unwrap()
    .0
}

/// Answers on `store`: on each of three days, the cards `cards` at the
/// minute `minute` of 09:00 (each side its own minute, so no two answers
/// share a time), with a grade depending on the side.
fn answer(store: &mut Db, cards: &[&str], minute: i64, grade: u8) {
    let user = store.user("ana").unwrap().unwrap();
    for d in 0..3 {
        let date = t("2026-03-02T09:00:00Z") + chrono::Duration::days(d);
        for (i, card) in cards.iter().enumerate() {
            let at = date + chrono::Duration::minutes(minute) + chrono::Duration::seconds(i as i64);
            record(
                &mut **store,
                &Answer {
                    user: user.id,
                    card: CardKey::new(recall::deck::SHIPPED_ID, *card),
                    quality: Quality::new(grade).unwrap(),
                    mode: Mode::Drill,
                    at,
                    day: StudyDay::of(&at.fixed_offset(), recall::sched::Rollover::DEFAULT),
                    response_ms: None,
                },
            )
            .unwrap();
        }
    }
}

fn ids(store: &Db) -> Vec<String> {
    let user = store.user("ana").unwrap().unwrap();
    store
        .history(user.id)
        .unwrap()
        .into_iter()
        .map(|r| r.id.unwrap())
        .collect()
}

fn states(store: &Db) -> Vec<(CardKey, recall::sched::State)> {
    let user = store.user("ana").unwrap().unwrap();
    store.card_states(user.id).unwrap()
}

/// Sides: 0 and 1 the devices, 2 the server; `order` the device synced
/// at each step.
fn run(order: &[usize], server_url: Option<String>) {
    let env = Env::new();
    let cards = recall::deck::shipped().unwrap().cards;
    let id = |i: usize| cards[i].id.clone();
    let (c0, c1, c2, c3) = (id(0), id(1), id(2), id(3));
    let mut sides = [
        side(&env, "a.sqlite3", None),
        side(&env, "b.sqlite3", None),
        side(&env, "s", server_url),
    ];
    // The same cards answered everywhere, the same days, differently.
    answer(&mut sides[0], &[&c0, &c1], 0, 4);
    answer(&mut sides[1], &[&c1, &c2], 10, 2);
    answer(&mut sides[2], &[&c0, &c3], 20, 5);
    let all: BTreeSet<String> = sides.iter().flat_map(ids).collect();
    assert_eq!(all.len(), 3 * 2 * 3);
    for &device in order {
        let [a, b, server] = &mut sides;
        let here = if device == 0 { a } else { b };
        sync(&mut **here, &mut **server, "ana").unwrap();
    }
    // Synced again, in the other order: nothing more to add.
    for device in [1, 0] {
        let [a, b, server] = &mut sides;
        let here = if device == 0 { a } else { b };
        let again = sync(&mut **here, &mut **server, "ana").unwrap();
        if order.contains(&0) && order.contains(&1) && order.len() > 2 {
            assert_eq!(
                (again.sent.added, again.received.added),
                (0, 0),
                "{order:?}"
            );
        }
    }
    for (n, s) in sides.iter().enumerate() {
        let mine = ids(s);
        let unique: BTreeSet<String> = mine.iter().cloned().collect();
        assert_eq!(unique.len(), mine.len(), "side {n}: nothing twice");
        assert_eq!(unique, all, "side {n} has every answer ({order:?})");
        let report = check(&**s).unwrap();
        assert!(
            report.mismatches.is_empty(),
            "side {n}: states are the replay"
        );
    }
    assert_eq!(states(&sides[0]), states(&sides[2]));
    assert_eq!(states(&sides[1]), states(&sides[2]));
}

#[test]
fn two_offline_devices_and_the_server_in_every_order() {
    for order in [&[0, 1, 0][..], &[1, 0, 1], &[0, 1], &[1, 0]] {
        run(order, None);
    }
}

#[test]
fn the_server_on_postgresql() {
    let Some(cluster) = common::pg::cluster() else {
        return;
    };
    for order in [&[0, 1, 0][..], &[1, 0, 1]] {
        run(order, Some(cluster.database()));
    }
}

#[test]
fn recall_sync_merges_a_laptop_and_the_server() {
    let env = Env::new();
    let server = env.dir().join("server.sqlite3");
    let server_env = env.clone_with_db(server.to_str().unwrap());
    let cards: std::collections::HashMap<String, recall::deck::Card> = recall::deck::shipped()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| (c.content.prompt(), c))
        .collect();
    let plan: Vec<(String, String)> = (0..30).map(|_| (String::new(), "3".to_string())).collect();
    common::answer(&env, &["--limit", "3"], &cards, &plan, None);
    common::answer(
        &server_env.clone_on("2026-03-02T10:00:00Z"),
        &["--limit", "4"],
        &cards,
        &plan,
        None,
    );
    let out = env
        .recall(["sync", "--with", server.to_str().unwrap()])
        .output()
        .unwrap();
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.starts_with("tester: sent 3 new reviews (0 already there), received 4"),
        "{said}"
    );
    let again = env
        .recall(["sync", "--with", server.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(again.stdout).unwrap().starts_with(
            "tester: sent 0 new reviews (7 already there), received 0 (7 already here)"
        )
    );
    let export = |e: &Env| e.recall(["history", "export"]).output().unwrap().stdout;
    assert_eq!(export(&env), export(&server_env));
}

#[test]
fn recall_sync_with_the_class_server_over_http() {
    let env = Env::new();
    let server_db = env.dir().join("server.sqlite3");
    let on_server = env.clone_with_db(server_db.to_str().unwrap());
    let cards: std::collections::HashMap<String, recall::deck::Card> = recall::deck::shipped()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| (c.content.prompt(), c))
        .collect();
    let plan: Vec<(String, String)> = (0..30).map(|_| (String::new(), "3".to_string())).collect();
    // The learner drilled in the browser on the server, and on a laptop.
    common::answer(
        &on_server.clone_on("2026-03-02T10:00:00Z"),
        &["--limit", "4"],
        &cards,
        &plan,
        None,
    );
    common::answer(&env, &["--limit", "3"], &cards, &plan, None);
    let hash = recall::accounts::hash_password("the learner's password").unwrap();
    {
        let mut store = recall::store::SqliteStore::open(&server_db).unwrap();
        store
            .add_account(
                "tester",
                recall::store::Role::Learner,
                Some(&hash),
                t("2026-03-01T08:00:00Z"),
            )
            .unwrap()
            .unwrap();
    }
    let port = common::server::free_port();
    let _server = common::server::Server::start(
        on_server.process(["serve", "--class", "--listen", &format!("127.0.0.1:{port}")]),
        port,
    );
    let url = format!("http://127.0.0.1:{port}");

    // A wrong password gets no token.
    let wrong = env
        .recall(["sync", "--server", &url, "--device-token"])
        .write_stdin("not it\n")
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong.stderr)
            .contains("refused: that name and password do not match an account"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    let got = env
        .recall(["sync", "--server", &url, "--device-token"])
        .write_stdin("the learner's password\n")
        .output()
        .unwrap();
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    let token = String::from_utf8(got.stdout).unwrap().trim().to_string();
    assert!(recall::accounts::is_secret(&token));

    // A token nobody gave is refused; the right one merges both ways.
    let bad = env
        .recall(["sync", "--server", &url, "--token", &"0".repeat(64)])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown or expired"));
    let first = env
        .recall(["sync", "--server", &url, "--token", &token])
        .output()
        .unwrap();
    let said = String::from_utf8(first.stdout).unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        said.contains("(added=3 present=0 skipped=0), received 4 new reviews (3 already here)"),
        "{said}"
    );
    let again = env
        .recall(["sync", "--server", &url, "--token", &token])
        .output()
        .unwrap();
    let said = String::from_utf8(again.stdout).unwrap();
    assert!(
        said.contains("(added=0 present=7 skipped=0), received 0 new reviews (7 already here)"),
        "{said}"
    );
    let export = |e: &Env| e.recall(["history", "export"]).output().unwrap().stdout;
    assert_eq!(export(&env), export(&on_server));
}
