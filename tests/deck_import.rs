//! `recall deck import`: spreadsheets and Anki text exports become decks
//! that lint clean, with ids that survive a re-import.

mod common;

use common::Env;
use recall::deck::{self, Content, Deck};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Imports `name` to `out` in the env's directory; returns the deck file.
fn import(env: &Env, name: &str, out: &str, extra: &[&str]) -> String {
    let path = fixture(name);
    let mut args = vec!["deck", "import", path.as_str(), "--out", out];
    args.extend(extra);
    let assert = env.recall(args).assert().success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.starts_with(&format!("wrote {out}: ")), "{stderr}");
    std::fs::read_to_string(env.dir().join(out)).unwrap()
}

fn basic(deck: &Deck, i: usize) -> (&str, &str, &str, Vec<&str>) {
    let card = &deck.cards[i];
    let Content::Basic { front, back } = &card.content else {
        panic!("card {i} is not basic");
    };
    let tags = card.tags.iter().map(String::as_str).collect();
    (front, back, &card.area, tags)
}

#[test]
fn anki_export_with_headers_multiline_fields_and_tags_column() {
    let env = Env::new();
    let text = import(&env, "anki-export.txt", "week1.toml", &[]);
    let lint = env
        .recall(["deck", "lint", "week1.toml"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&lint.get_output().stdout),
        "week1.toml: ok, 4 cards in 3 areas\n"
    );
    let deck = deck::check(std::path::Path::new("week1.toml"), &text)
        .deck
        .unwrap();
    assert_eq!(deck.info.id, "case-management-week-1");
    assert_eq!(deck.info.title, "Case Management::Week 1");
    let areas: Vec<(&str, &str)> = deck
        .areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(
        areas,
        [
            ("communication", "Communication"),
            ("advocacy", "Advocacy"),
            ("general", "General"),
        ]
    );
    assert_eq!(deck.cards.len(), 4);
    assert_eq!(
        basic(&deck, 0),
        (
            "What does the article say lies at the heart of case management?",
            "Effective communication",
            "communication",
            vec!["week1", "communication"],
        )
    );
    assert_eq!(
        basic(&deck, 1),
        (
            "Which exercises simulate complex conversations?",
            "Role-playing exercises;\nask peers or mentors for \"feedback\" after.",
            "communication",
            vec!["week1", "practice"],
        )
    );
    assert_eq!(
        basic(&deck, 2),
        (
            "What does an advocate need to understand?",
            "Healthcare systems, laws,\tand resources",
            "advocacy",
            vec![],
        )
    );
    assert_eq!(
        basic(&deck, 3),
        (
            "Name a technique to increase productivity.",
            "The Eisenhower Matrix",
            "general",
            vec!["week1"],
        )
    );
    assert_eq!(
        deck.cards[0].id,
        "what-does-the-article-say-lies-at-the-dfe02f47"
    );
}

#[test]
fn importing_twice_gives_the_same_ids() {
    let env = Env::new();
    let first = import(&env, "anki-export.txt", "a.toml", &[]);
    let second = import(&env, "anki-export.txt", "b.toml", &[]);
    assert_eq!(first, second);
    // Ids follow the front text, not the row: reordered rows keep them.
    let reordered = env.dir().join("reordered.txt");
    let original = std::fs::read_to_string(fixture("anki-export.txt")).unwrap();
    let mut lines: Vec<&str> = original.lines().collect();
    let last = lines.pop().unwrap();
    lines.insert(4, last);
    std::fs::write(&reordered, lines.join("\n")).unwrap();
    env.recall(["deck", "import", "reordered.txt", "--out", "c.toml"])
        .assert()
        .success();
    let ids = |text: &str| {
        let mut ids: Vec<String> = deck::check(std::path::Path::new("x.toml"), text)
            .deck
            .unwrap()
            .cards
            .into_iter()
            .map(|c| c.id)
            .collect();
        ids.sort();
        ids
    };
    let third = std::fs::read_to_string(env.dir().join("c.toml")).unwrap();
    assert_eq!(ids(&first), ids(&third));
}

#[test]
fn csv_with_a_header_row_in_any_order_and_quoted_commas() {
    let env = Env::new();
    let text = import(&env, "with-header.csv", "h.toml", &["--area", "Start Here"]);
    let deck = deck::check(std::path::Path::new("h.toml"), &text)
        .deck
        .unwrap();
    assert_eq!(deck.cards.len(), 3);
    assert_eq!(
        basic(&deck, 0),
        (
            "Why collaborate, according to the article?",
            "To secure the best outcomes for clients.",
            "collaboration",
            vec!["faq"],
        )
    );
    assert_eq!(basic(&deck, 1).2, "start-here");
    assert_eq!(deck.area("start-here").unwrap().name, "Start Here");
    assert_eq!(basic(&deck, 2).0, "Two\nlines");
    assert_eq!(basic(&deck, 2).1, "Back, with a comma");
}

#[test]
fn bad_rows_are_each_reported_and_nothing_is_written() {
    let env = Env::new();
    std::fs::write(
        env.dir().join("bad.csv"),
        "front,back\nok,fine\nno back,\n,no front\n",
    )
    .unwrap();
    let out = env
        .recall(["deck", "import", "bad.csv", "--out", "bad.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recall: bad.csv:3:1: row has no back\nrecall: bad.csv:4:1: row has no front\n"
    );
    assert!(!env.dir().join("bad.toml").exists());
}

#[test]
fn an_existing_deck_file_is_not_replaced_without_force() {
    let env = Env::new();
    std::fs::write(env.dir().join("mine.toml"), "hand-written").unwrap();
    let out = env
        .recall([
            "deck",
            "import",
            &fixture("with-header.csv"),
            "--out",
            "mine.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recall: mine.toml: already exists (use --force to replace it)\n"
    );
    let kept = std::fs::read_to_string(env.dir().join("mine.toml")).unwrap();
    assert_eq!(kept, "hand-written");
    env.recall([
        "deck",
        "import",
        &fixture("with-header.csv"),
        "--out",
        "mine.toml",
        "--force",
    ])
    .assert()
    .success();
}

#[test]
fn html_fields_are_refused_with_the_way_out() {
    let env = Env::new();
    std::fs::write(
        env.dir().join("h.txt"),
        "#separator:tab\n#html:true\nplain\tfine\nbold\t<b>no</b>\n",
    )
    .unwrap();
    let out = env.recall(["deck", "import", "h.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("recall: h.txt:4:1: this row holds HTML"),
        "{stderr}"
    );
}
