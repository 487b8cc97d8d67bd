//! `recall migrate`: a database with learners, days of drills, a retired
//! card, an exam, accounts and a class, copied SQLite -> PostgreSQL ->
//! SQLite, gives byte-identical `history export` for every learner, the
//! same `check`, and refuses a target that is not empty.

mod common;

use chrono::{DateTime, Utc};
use common::Env;
use recall::store::prelude::*;
use recall::store::{Access, ExamAnswer, ExamRecord, SqliteStore};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn run(env: &Env, args: &[&str]) -> String {
    let out = env.recall(args).output().unwrap();
    assert!(
        out.status.success(),
        "recall {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A database worth copying, in `env`.
fn a_history(env: &Env) {
    let path = env.dir().join("recall.sqlite3");
    let now = t("2026-03-01T08:00:00Z");
    for name in ["ana", "bo"] {
        let mut store =
            SqliteStore::open_for_use(&path, Access::ReadWrite, Some(name), now).unwrap();
        let user = store.user(name).unwrap().unwrap();
        let answered = common::answer_days(&mut store, user.id, t("2026-03-02T09:00:00Z"), 6, 4);
        assert!(answered > 20);
    }
    let mut store = SqliteStore::open(&path).unwrap();
    let ana = store.user("ana").unwrap().unwrap();
    store
        .set(&ana, recall::store::Setting::NewPerDay(15))
        .unwrap();
    // A finished exam, whole.
    let cards = store.deck_cards(&recall::deck::SHIPPED_ID.into()).unwrap();
    let exam = ExamRecord {
        deck: recall::deck::SHIPPED_ID.into(),
        started: t("2026-03-05T10:00:00Z"),
        ended: t("2026-03-05T10:03:00Z"),
        seed: 7,
        pass_mark: 70,
        timed_out: false,
        answers: cards[..3]
            .iter()
            .enumerate()
            .map(|(i, c)| ExamAnswer {
                card: c.id.as_str().into(),
                area: c.area.clone(),
                area_name: c.area.clone(),
                question: c.content.prompt(),
                solution: "the answer".to_string(),
                given: (i > 0).then(|| "a guess".to_string()),
                correct: i == 2,
            })
            .collect(),
    };
    store.record_exam(ana.id, &exam).unwrap();
    drop(store);
    // A drill session through the terminal, a retired card, accounts and
    // a class.
    let day = env.clone_on("2026-03-09T09:00:00Z");
    let cards: std::collections::HashMap<String, recall::deck::Card> = recall::deck::shipped()
        .unwrap()
        .cards
        .into_iter()
        .map(|c| (c.content.prompt(), c))
        .collect();
    let plan: Vec<(String, String)> = (0..40).map(|_| (String::new(), "3".to_string())).collect();
    common::answer(&day, &["--user", "bo", "--limit", "3"], &cards, &plan, None);
    let deck = "[deck]\nid = \"mini\"\ntitle = \"Mini\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n\n\
                [[cards]]\nid = \"m1\"\narea = \"a\"\nkind = \"basic\"\nfront = \"One\"\nback = \"1\"\n\n\
                [[cards]]\nid = \"m2\"\narea = \"a\"\nkind = \"basic\"\nfront = \"Two\"\nback = \"2\"\n";
    std::fs::write(env.dir().join("mini.toml"), deck).unwrap();
    run(env, &["deck", "add", "mini.toml"]);
    let mut store = SqliteStore::open(&path).unwrap();
    let bo = store.user("bo").unwrap().unwrap();
    common::record(
        &mut store,
        bo.id,
        &recall::model::CardKey::new("mini", "m2"),
        recall::sched::Quality::new(4).unwrap(),
        recall::model::Mode::Drill,
        t("2026-03-09T10:00:00Z"),
        "2026-03-09".parse().unwrap(),
        Some(900),
    );
    drop(store);
    std::fs::write(
        env.dir().join("mini.toml"),
        deck.replace("version = 1", "version = 2")
            .replace("\n[[cards]]\nid = \"m2\"\narea = \"a\"\nkind = \"basic\"\nfront = \"Two\"\nback = \"2\"\n", ""),
    )
    .unwrap();
    assert!(run(env, &["deck", "add", "mini.toml"]).contains("1 retired"));
    run(env, &["user", "add", "tess", "--role", "instructor"]);
    run(env, &["user", "add", "ana", "--role", "learner"]);
    run(env, &["class", "create", "Cohort", "--instructor", "tess"]);
    run(env, &["class", "add", "1", "ana"]);
    run(env, &["class", "assign", "1", recall::deck::SHIPPED_ID]);
}

/// Each learner's history as `history export` writes it, and `check`.
fn exports(env: &Env) -> Vec<String> {
    let mut out: Vec<String> = ["ana", "bo", "tess"]
        .iter()
        .map(|u| run(env, &["--user", u, "history", "export"]))
        .collect();
    out.push(run(
        env,
        &["--user", "ana", "history", "export", "--format", "csv"],
    ));
    out.push(run(env, &["class", "list"]));
    out.push(run(env, &["--user", "ana", "exam", "--history"]));
    out.push(run(env, &["report", "--all-users", "--json"]));
    out
}

#[test]
fn sqlite_to_postgresql_and_back_loses_nothing() {
    let Some(cluster) = common::pg::cluster() else {
        return;
    };
    let env = Env::new().on("2026-03-10T09:00:00Z");
    a_history(&env);
    let before = exports(&env);
    assert!(before[0].lines().count() > 20 && before[1].lines().count() > 20);

    let url = cluster.database();
    let said = run(&env, &["migrate", "--to", &url]);
    assert!(said.starts_with("copied "), "{said}");
    assert!(said.contains(" 3 users, 2 decks, "), "{said}");
    let on_pg = env.clone_with_db(&url);
    assert_eq!(exports(&on_pg), before, "PostgreSQL holds the same");
    assert!(run(&on_pg, &["check"]).contains("ok: every card state matches the review log"));

    // A target that is not empty is refused, untouched.
    let again = env.recall(["migrate", "--to", &url]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));
    assert_eq!(exports(&on_pg), before);

    // And back.
    let back = env.dir().join("back.sqlite3");
    run(&on_pg, &["migrate", "--to", back.to_str().unwrap()]);
    let on_back = env.clone_with_db(back.to_str().unwrap());
    assert_eq!(exports(&on_back), before, "the round trip holds the same");
    assert!(run(&on_back, &["check"]).contains("ok: every card state matches the review log"));
}
