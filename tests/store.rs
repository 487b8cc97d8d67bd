//! The store: card state rebuilt from the log, deck updates that keep
//! history, concurrent writers, refused files, and history round trips.

mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::{Env, answer_days};
use recall::deck;
use recall::sched::State;
use recall::store::prelude::*;
use recall::store::{CardKey, SCHEMA_VERSION, SqliteStore};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

/// A store at the env's database path with the shipped deck and a user.
fn fresh(env: &Env) -> (SqliteStore, recall::model::UserId) {
    let mut store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    store
        .install_deck(&deck::shipped().unwrap(), start())
        .unwrap();
    let user = store.add_user("tester", start()).unwrap().unwrap();
    (store, user.id)
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_repair_rebuilds_exactly_the_state_the_log_gives() {
    let env = Env::new().on("2026-03-20T09:00:00Z");
    let (mut store, user) = fresh(&env);
    let answered = answer_days(&mut store, user, start(), 14, 8);
    assert!(answered > 60, "{answered} answers");
    let before: Vec<(CardKey, State)> = store.card_states(user).unwrap();
    assert!(before.len() >= 50);
    let out = env.recall(["check"]).output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).ends_with("ok: every card state matches the review log\n"));

    // Lose every card state: only the log is left.
    let conn = rusqlite::Connection::open(env.dir().join("recall.sqlite3")).unwrap();
    conn.execute("DELETE FROM card_state", []).unwrap();
    drop(conn);
    assert!(store.card_states(user).unwrap().is_empty());

    let out = env.recall(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert_eq!(
        report
            .lines()
            .filter(|l| l.contains(": stored none; the log gives "))
            .count(),
        before.len(),
        "{report}"
    );
    let out = env.recall(["check", "--repair"]).output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains(&format!("({} cards changed)", before.len())));
    assert_eq!(store.card_states(user).unwrap(), before);
    env.recall(["check"]).assert().success();
}

#[test]
fn a_damaged_state_is_reported_and_repaired() {
    let env = Env::new();
    let (mut store, user) = fresh(&env);
    answer_days(&mut store, user, start(), 3, 4);
    let before = store.card_states(user).unwrap();
    let conn = rusqlite::Connection::open(env.dir().join("recall.sqlite3")).unwrap();
    conn.execute(
        "UPDATE card_state SET interval = 99 WHERE card_id = ?1",
        [&before[0].0.card],
    )
    .unwrap();
    drop(conn);
    let out = env.recall(["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert!(lines[1].starts_with(&format!("user tester card {}: stored ", before[0].0)));
    assert!(lines[1].contains("interval 99d"), "{}", lines[1]);
    env.recall(["check", "--repair"]).assert().success();
    assert_eq!(store.card_states(user).unwrap(), before);
}

/// A small deck file in the env's directory.
fn write_deck(env: &Env, cards: &[(&str, &str)]) -> std::path::PathBuf {
    let mut text = String::from(
        "[deck]\nid = \"week\"\ntitle = \"Week\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n",
    );
    for (id, front) in cards {
        text.push_str(&format!(
            "\n[[cards]]\nid = \"{id}\"\narea = \"a\"\nkind = \"basic\"\nfront = \"{front}\"\nback = \"B\"\n"
        ));
    }
    let path = env.dir().join("week.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn db_bytes(env: &Env) -> (Vec<u8>, Vec<u8>) {
    let read = |name: &str| std::fs::read(env.dir().join(name)).unwrap_or_default();
    (read("recall.sqlite3"), read("recall.sqlite3-wal"))
}

#[test]
fn editing_a_card_keeps_its_history_and_removing_it_retires_it() {
    let env = Env::new();
    let (mut store, user) = fresh(&env);
    let file = write_deck(&env, &[("one", "First"), ("two", "Second")]);
    let out = env
        .recall(["deck", "add", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "installed deck week (version 1): 2 cards\n");
    let one = CardKey {
        deck: "week".into(),
        card: "one".into(),
    };
    let q = recall::sched::Quality::new(5).unwrap();
    let day = recall::sched::StudyDay::from_ymd(2026, 3, 2).unwrap();
    let drill = recall::store::Mode::Drill;
    common::record(&mut store, user, &one, q, drill, start(), day, None);
    let state = store.card_state(user, &one).unwrap();
    assert_eq!(state.repetitions, 1);

    // Re-adding the same file changes nothing, not even a byte.
    let bytes = db_bytes(&env);
    let out = env
        .recall(["deck", "add", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "deck week (version 1) is already up to date\n"
    );
    assert_eq!(db_bytes(&env), bytes);

    // New text for "one": same card, same history.
    write_deck(&env, &[("one", "First, reworded"), ("two", "Second")]);
    let out = env
        .recall(["deck", "add", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "updated deck week (version 1): 1 changed, 1 unchanged\n"
    );
    assert_eq!(store.card_state(user, &one).unwrap(), state);
    assert_eq!(store.history(user).unwrap().len(), 1);
    let cards = store.deck_cards(&"week".into()).unwrap();
    assert!(
        matches!(&cards[0].content, deck::Content::Basic { front, .. } if front == "First, reworded")
    );

    // "one" leaves the file: retired, skipped by drills, history kept.
    write_deck(&env, &[("two", "Second")]);
    let out = env
        .recall(["deck", "add", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "updated deck week (version 1): 1 retired (history kept), 1 unchanged\n"
    );
    let ids: Vec<String> = store
        .deck_cards(&"week".into())
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["two"]);
    assert_eq!(store.history(user).unwrap().len(), 1);
    assert_eq!(store.card_state(user, &one).unwrap(), state);
    env.recall(["check"]).assert().success();

    // It comes back with its history.
    write_deck(&env, &[("one", "First, reworded"), ("two", "Second")]);
    let out = env
        .recall(["deck", "add", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "updated deck week (version 1): 1 restored, 1 unchanged\n"
    );
    assert_eq!(store.card_state(user, &one).unwrap(), state);
}

#[test]
fn an_invalid_deck_file_installs_nothing() {
    let env = Env::new();
    let (_store, _) = fresh(&env);
    let path = env.dir().join("bad.toml");
    std::fs::write(&path, "[deck]\nid = \"x\"\ntitle = \"X\"\nversion = 1\n").unwrap();
    let bytes = db_bytes(&env);
    let out = env.recall(["deck", "add", "bad.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "recall: bad.toml:1:1: the deck file is missing `areas` (and 1 more: `recall deck lint bad.toml` lists them all)\n"
    );
    assert_eq!(db_bytes(&env), bytes);
}

#[test]
fn two_processes_importing_for_one_user_at_once_lose_nothing() {
    let env = Env::new();
    let (store, user) = fresh(&env);
    // Two disjoint histories, from two other databases.
    let mut files = Vec::new();
    for (n, minute) in [(0, 0), (1, 30)] {
        let other = Env::new();
        let (mut s, u) = fresh(&other);
        answer_days(
            &mut s,
            u,
            start() + chrono::Duration::minutes(minute),
            10,
            6,
        );
        let out = other.recall(["history", "export"]).output().unwrap();
        assert!(out.status.success());
        let path = env.dir().join(format!("h{n}.jsonl"));
        std::fs::write(&path, &out.stdout).unwrap();
        files.push((path, s.history(u).unwrap().len()));
    }
    let spawn = |path: &std::path::Path| {
        env.process(["history", "import", path.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn(&files[0].0);
    let b = spawn(&files[1].0);
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let total = store.history(user).unwrap().len();
    assert_eq!(total, files[0].1 + files[1].1);
    env.recall(["check"]).assert().success();
    // And two writers answering through separate connections at once.
    let path = env.dir().join("recall.sqlite3");
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = SqliteStore::open(&path).unwrap();
                let cards = s.deck_cards(&"case-management-skills".into()).unwrap();
                let q = recall::sched::Quality::new(4).unwrap();
                let day = recall::sched::StudyDay::from_ymd(2026, 4, 1).unwrap();
                let at = Utc.with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
                for card in cards.iter().skip(w).step_by(2).take(40) {
                    let key = CardKey::new("case-management-skills", card.id.as_str());
                    let drill = recall::store::Mode::Drill;
                    common::record(&mut s, user, &key, q, drill, at, day, None);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(store.history(user).unwrap().len(), total + 80);
    env.recall(["check"]).assert().success();
}

#[test]
fn history_export_then_import_into_a_fresh_database_reproduces_the_state() {
    for format in ["jsonl", "csv"] {
        let env = Env::new();
        let (mut store, user) = fresh(&env);
        answer_days(&mut store, user, start(), 12, 6);
        let file = env.dir().join(format!("history.{format}"));
        let out = env
            .recall(["history", "export", "--out", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));

        let other = Env::new();
        other.recall(["user", "add", "tester"]).assert().success();
        let out = other
            .recall(["history", "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let count = store.history(user).unwrap().len();
        assert!(stdout(&out).starts_with(&format!(
            "imported {count} reviews for tester (0 already present)"
        )));
        let imported = SqliteStore::open(&other.dir().join("recall.sqlite3")).unwrap();
        let them = imported.user("tester").unwrap().unwrap();
        assert_eq!(
            imported.card_states(them.id).unwrap(),
            store.card_states(user).unwrap()
        );
        assert_eq!(
            imported.history(them.id).unwrap(),
            store.history(user).unwrap()
        );

        let out = other
            .recall(["history", "import", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(stdout(&out).starts_with(&format!(
            "imported 0 reviews for tester ({count} already present)"
        )));
        assert_eq!(imported.history(them.id).unwrap().len(), count);
        other.recall(["check"]).assert().success();
    }
}

/// Runs `recall deck list` against `db`; the file must be left as it was.
fn refused(env: &Env, db: &std::path::Path) -> String {
    let before = std::fs::read(db).ok();
    let out = env
        .recall(["--db", db.to_str().unwrap(), "deck", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert_eq!(std::fs::read(db).ok(), before, "the file was modified");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn files_that_cannot_be_used_are_refused_untouched() {
    let env = Env::new();
    let corrupt = env.dir().join("corrupt.sqlite3");
    std::fs::write(
        &corrupt,
        b"this is not a database, just some notes\n".repeat(200),
    )
    .unwrap();
    assert_eq!(
        refused(&env, &corrupt),
        format!(
            "recall: database {}: not a recall database (not an SQLite file); left untouched\n",
            corrupt.display()
        )
    );
    assert!(!env.dir().join("corrupt.sqlite3-wal").exists());

    let missing = env.dir().join("no/such/dir/recall.sqlite3");
    assert_eq!(
        refused(&env, &missing),
        format!(
            "recall: database {}: the directory {} does not exist\n",
            missing.display(),
            missing.parent().unwrap().display()
        )
    );
    assert!(!env.dir().join("no").exists());

    let readonly = env.dir().join("readonly.sqlite3");
    SqliteStore::open(&readonly).unwrap();
    let mut perms = std::fs::metadata(&readonly).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&readonly, perms).unwrap();
    assert_eq!(
        refused(&env, &readonly),
        format!(
            "recall: database {}: the file is read-only; recall needs to write to it\n",
            readonly.display()
        )
    );

    let future = env.dir().join("future.sqlite3");
    drop(SqliteStore::open(&future).unwrap());
    let conn = rusqlite::Connection::open(&future).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    assert_eq!(
        refused(&env, &future),
        format!(
            "recall: database {}: written by a newer recall (schema version {}; this one knows up to {}); left untouched\n",
            future.display(),
            SCHEMA_VERSION + 1,
            SCHEMA_VERSION
        )
    );
}

#[test]
fn migrations_bring_a_new_file_to_the_current_version_once() {
    let env = Env::new();
    let path = env.dir().join("m.sqlite3");
    let store = SqliteStore::open(&path).unwrap();
    assert!(store.created());
    drop(store);
    let version = |p: &std::path::Path| -> i64 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&path), SCHEMA_VERSION);
    let again = SqliteStore::open(&path).unwrap();
    assert!(!again.created());
    assert_eq!(version(&path), SCHEMA_VERSION);
}

#[test]
fn the_shipped_deck_installs_itself_on_first_use() {
    let env = Env::new();
    let out = env.recall(["deck", "list"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].starts_with(
            "case-management-skills  Critical Skills Every Case Manager Should Master"
        )
    );
    assert!(lines[1].ends_with("-    -"), "no user yet: {}", lines[1]);
}

#[test]
fn users_are_added_listed_set_and_removed_with_their_history_only() {
    let env = Env::new();
    let (mut store, user) = fresh(&env);
    answer_days(&mut store, user, start(), 2, 3);
    let other = store.add_user("sam", start()).unwrap().unwrap();
    answer_days(&mut store, other.id, start(), 2, 3);
    let sam = store.history(other.id).unwrap().len();

    // A learner's first command adds them, as a first drill does.
    let out = env
        .recall(["--user", "newcomer", "history", "export"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(store.user("newcomer").unwrap().is_some());

    env.recall(["user", "set", "new-per-day", "20"])
        .assert()
        .success();
    assert_eq!(store.user("tester").unwrap().unwrap().new_per_day, 20);
    let out = env
        .recall(["user", "set", "rollover-hour", "24"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    let out = env.recall(["user", "remove", "tester"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).ends_with("run again with --yes to confirm\n"));
    assert!(store.user("tester").unwrap().is_some());
    env.recall(["user", "remove", "tester", "--yes"])
        .assert()
        .success();
    assert!(store.user("tester").unwrap().is_none());
    assert_eq!(store.history(user).unwrap().len(), 0);
    assert_eq!(store.history(other.id).unwrap().len(), sam);
    env.recall(["check"]).assert().success();
}

#[test]
fn two_drills_for_one_user_at_once_lose_no_answer() {
    let env = Env::new();
    env.recall(["user", "add", "tester"]).assert().success();
    let deck = deck::shipped().unwrap();
    let cards: std::collections::HashMap<String, deck::Card> =
        deck.cards.into_iter().map(|c| (c.id.clone(), c)).collect();
    // Two drills of the same user at the same moment, each on its own
    // area, every card answered rightly as it comes.
    std::thread::scope(|s| {
        let drills: Vec<_> = ["communication", "advocacy"]
            .into_iter()
            .map(|area| {
                let (env, cards) = (&env, &cards);
                s.spawn(move || {
                    common::answer(env, &["--limit", "5", "--area", area], cards, &[], None)
                })
            })
            .collect();
        for drill in drills {
            let (_, out) = drill.join().unwrap();
            assert!(
                out.contains("5 cards done, 5 recalled (100%), in 0 min"),
                "{out}"
            );
        }
    });
    let store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store.user("tester").unwrap().unwrap();
    assert_eq!(store.history(user.id).unwrap().len(), 10);
    assert_eq!(store.card_states(user.id).unwrap().len(), 10);
    env.recall(["check"]).assert().success();
}

#[test]
fn deck_show_lists_areas_and_with_cards_every_active_card() {
    let env = Env::new();
    let file = write_deck(&env, &[("one", "First"), ("two", "Second")]);
    env.recall(["deck", "add", file.to_str().unwrap()])
        .assert()
        .success();
    write_deck(&env, &[("two", "Second")]);
    env.recall(["deck", "add", file.to_str().unwrap()])
        .assert()
        .success();
    let out = env
        .recall(["deck", "show", "week", "--cards"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "Week (week, version 1)\n1 card in 1 area (1 retired); installed 2026-03-02, updated 2026-03-02\n\n\
         area  name  cards  exam weight\n\
         a     A         1            -\n\n\
         card  area  kind   asks\n\
         two   a     basic  Second\n"
    );
    let out = env.recall(["deck", "show", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
