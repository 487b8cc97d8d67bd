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

/// Imports `text` written to `name`; stdout (the deck) or stderr and code.
fn import_text(name: &str, text: &[u8], extra: &[&str]) -> (String, String, i32) {
    let env = Env::new();
    std::fs::write(env.dir().join(name), text).unwrap();
    let mut args = vec!["deck", "import", name];
    args.extend(extra);
    let out = env.recall(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

fn fronts(deck_text: &str) -> Vec<(String, String, String)> {
    let deck = deck::check(std::path::Path::new("x.toml"), deck_text)
        .deck
        .expect("the imported deck lints clean");
    (0..deck.cards.len())
        .map(|i| {
            let (f, b, a, _) = basic(&deck, i);
            (f.to_string(), b.to_string(), a.to_string())
        })
        .collect()
}

#[test]
fn anki_guid_notetype_and_deck_columns_are_skipped() {
    let text = "#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\nabc123\tBasic\tDefault\tWhat is X?\tAn x\tt1 t2\n";
    let (out, err, code) = import_text("g.txt", text.as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fronts(&out),
        [("What is X?".into(), "An x".into(), "general".into())]
    );
}

#[test]
fn problem_lines_are_right_with_crlf_and_blank_lines() {
    for (text, line) in [
        ("Q1,A1\r\nQ2,A2\r\n,x\r\n", 3),
        ("Q1,A1\n\n\n\n,x\n", 5),
        ("Q1,A1\r\n\r\n,x\r\n", 3),
        ("#separator:comma\nQ1,\"A\nB\"\n,x\n", 4),
    ] {
        let (_, err, code) = import_text("l.csv", text.as_bytes(), &[]);
        assert_eq!(code, 1);
        assert_eq!(
            err,
            format!("recall: l.csv:{line}:1: row has no front\n"),
            "{text:?}"
        );
    }
}

#[test]
fn a_byte_order_mark_and_rows_starting_with_hash_are_data_not_headers() {
    let (out, err, code) = import_text(
        "b.txt",
        b"\xef\xbb\xbf#separator:tab\n#html:false\nQ1\tA1\n",
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(fronts(&out)[0].0, "Q1");
    let (out, _, code) = import_text("h.csv", b"#1 priority?,The client\nQ3,A3\n", &[]);
    assert_eq!(code, 0);
    let got: Vec<String> = fronts(&out).into_iter().map(|f| f.0).collect();
    assert_eq!(got, ["#1 priority?", "Q3"]);
}

#[test]
fn bad_flags_are_refused() {
    let (_, err, code) = import_text("i.csv", b"Q,A\n", &["--id", "bad id"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "recall: --id 'bad id': a deck id may hold only letters, digits, '-', '_' and '.'\n"
    );
    let (_, err, _) = import_text("i.csv", b"Q,A\n", &["--area", " "]);
    assert_eq!(err, "recall: --area may not be empty\n");
}

#[test]
fn area_names_are_never_merged() {
    let text = "a,b,日本\nc,d,中文\ne,f,Self care\ng,h,Self-care\ni,j,日本\n";
    let (out, _, code) = import_text("u.csv", text.as_bytes(), &[]);
    assert_eq!(code, 0);
    let deck = deck::check(std::path::Path::new("u.toml"), &out)
        .deck
        .unwrap();
    let areas: Vec<(&str, &str)> = deck
        .areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(
        areas,
        [
            ("area-1", "日本"),
            ("area-2", "中文"),
            ("self-care", "Self care"),
            ("self-care-1", "Self-care"),
        ]
    );
    assert_eq!(deck.cards[4].area, "area-1");
}

// A spreadsheet as an instructor has it.

#[test]
fn a_header_row_in_a_spreadsheets_words_is_not_a_card() {
    let (out, err, code) = import_text(
        "s.csv",
        b"Question,Answer,Area\nWhat lies at the heart?,Communication,Basics\n",
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        fronts(&out),
        [(
            "What lies at the heart?".into(),
            "Communication".into(),
            "basics".into()
        )]
    );
    assert_eq!(err, "", "no note: the header row is read, not dropped");
}

#[test]
fn an_unquoted_comma_is_named_by_its_line() {
    let text = "Question,Answer,Area\nQ1,A1,One\nQ2,first part, then more,Two\nQ3,A3,One\n";
    let (out, err, code) = import_text("c.csv", text.as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "recall: note: line 3 has 4 columns where the header row has 3: a separator inside a \
         field needs the field in quotes\n"
    );
    assert_eq!(fronts(&out).len(), 3);
}

#[test]
fn extra_columns_are_dropped_with_a_note() {
    let text = "front,back,notes,area\nQ,A,my note,Empathy\n";
    let (out, err, code) = import_text("n.csv", text.as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "recall: note: column 3 (\"notes\") is not a card field, and is dropped (fields: front, \
         back, area, tags, source, kind, options, answer, accept, explanation)\n"
    );
    assert_eq!(fronts(&out), [("Q".into(), "A".into(), "empathy".into())]);
}

#[test]
fn a_semicolon_spreadsheet_from_a_european_excel_imports() {
    let text = "Frage;Answer;Topic\nQuestion;Answer;Area\n\"Why, then?\";Yes, this;Ethics\n";
    let (out, err, code) = import_text("eu.csv", text.as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
    // The first row names no front: it is data, and so is the second.
    let got = fronts(&out);
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(
        got[2],
        ("Why, then?".into(), "Yes, this".into(), "ethics".into())
    );
    let text = "Question;Answer;Area\nQ1;A1, with a comma;One\n";
    let (out, err, code) = import_text("eu2.csv", text.as_bytes(), &[]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        fronts(&out),
        [("Q1".into(), "A1, with a comma".into(), "one".into())]
    );
}

#[test]
fn anki_tags_and_match_scope_headers_are_read() {
    let text = "#separator:tab\n#tags:week1 core\n#match scope:notetype\nQ\tA\t\tlocal\n";
    let (out, err, code) = import_text("t.txt", text.as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
    let deck = deck::check(std::path::Path::new("t.toml"), &out)
        .deck
        .unwrap();
    assert_eq!(deck.cards[0].tags, ["week1", "core", "local"]);
}

#[test]
fn named_columns_make_every_kind_of_card() {
    let text = "kind,question,options,answer,accept,explanation,source,area\n\
        choice,Which skill?,Empathy | Advocacy | Collaboration,Advocacy,,,FAQ 1,Skills\n\
        truefalse,Empathy builds trust.,,true,,It says so.,Empathy p1,Skills\n\
        typed,What do role-plays simulate?,,complex conversations,hard talks; tough talks,,,Skills\n\
        cloze,Convey information {{c1::clearly}}.,,,,,,Skills\n\
        basic,Front,,Back,,,,Skills\n";
    let (out, err, code) = import_text("k.csv", text.as_bytes(), &[]);
    assert_eq!(code, 0, "{err}");
    let deck = deck::check(std::path::Path::new("k.toml"), &out)
        .deck
        .unwrap();
    let kinds: Vec<&str> = deck.cards.iter().map(|c| c.content.kind().name()).collect();
    assert_eq!(kinds, ["choice", "truefalse", "typed", "cloze", "basic"]);
    assert_eq!(
        deck.cards[0].content,
        Content::Choice {
            question: "Which skill?".into(),
            options: vec!["Empathy".into(), "Advocacy".into(), "Collaboration".into()],
            answer: vec!["Advocacy".into()],
        }
    );
    assert_eq!(deck.cards[0].source.as_deref(), Some("FAQ 1"));
    assert_eq!(
        deck.cards[2].content,
        Content::Typed {
            question: "What do role-plays simulate?".into(),
            answer: "complex conversations".into(),
            accept: vec!["hard talks".into(), "tough talks".into()],
        }
    );
    let (_, err, code) = import_text(
        "k2.csv",
        b"kind,question,options,answer\nchoice,Q?,a | b,c\ntruefalse,S,,maybe\n",
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "recall: k2.csv:2:1: the answer \"c\" is not one of the options\n\
         recall: k2.csv:3:1: a true/false row's answer must be true or false, found \"maybe\"\n"
    );
}
