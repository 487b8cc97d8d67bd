//! The benchmark generator writes a database `recall check` finds sound:
//! every card state is what its log gives.

#[path = "../benches/support/generate.rs"]
#[allow(dead_code)]
mod generate;

mod common;

use recall::store::prelude::*;

#[test]
fn the_small_generated_database_passes_check() {
    let env = common::Env::new();
    let path = env.dir().join("recall.sqlite3");
    let written = generate::generate(&path, generate::SMALL, 7).unwrap();
    assert!(
        written.reviews >= generate::SMALL.reviews,
        "{} reviews",
        written.reviews
    );
    let out = env.recall(["check"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.ends_with("ok: every card state matches the review log\n"),
        "{stdout}"
    );
    // Retention near 85%, as drawn.
    let store = recall::store::SqliteStore::open(&path).unwrap();
    let user = store.user("learner000").unwrap().unwrap();
    let from: recall::sched::StudyDay = "2024-01-01".parse().unwrap();
    let to: recall::sched::StudyDay = "2027-01-01".parse().unwrap();
    let tallies = store.review_tallies(&[user.id], None, from, to).unwrap();
    let passed: usize = tallies.iter().filter(|r| r.passed).map(|r| r.count).sum();
    let all: usize = tallies.iter().map(|r| r.count).sum();
    let share = passed as f64 / all as f64;
    assert!((0.82..0.88).contains(&share), "retention {share}");
    // The same seed writes the same history.
    let again = env.dir().join("again.sqlite3");
    generate::generate(&again, generate::SMALL, 7).unwrap();
    let other = recall::store::SqliteStore::open(&again).unwrap();
    let u2 = other.user("learner000").unwrap().unwrap();
    assert_eq!(
        store.history(user.id).unwrap(),
        other.history(u2.id).unwrap()
    );
}
