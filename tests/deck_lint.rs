//! `recall deck lint`: one broken fixture per rule, each with the exact
//! `path:line:col: message` a user sees.

mod common;

use common::Env;

/// Lints `tests/fixtures/lint/NAME` from the crate root; returns stdout and
/// the exit code.
fn lint(name: &str) -> (String, i32) {
    let path = format!("tests/fixtures/lint/{name}");
    let out = Env::new()
        .recall(["deck", "lint", &path])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (stdout, out.status.code().unwrap())
}

fn assert_lint(name: &str, expected: &[&str], code: i32) {
    let (stdout, got) = lint(name);
    let expected: Vec<String> = expected
        .iter()
        .map(|e| format!("tests/fixtures/lint/{name}:{e}"))
        .collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected, "{name}");
    assert_eq!(got, code, "{name}: exit code");
}

#[test]
fn toml_syntax() {
    assert_lint(
        "toml-syntax.toml",
        &["14:15: TOML syntax: invalid basic string, expected `\"`"],
        1,
    );
}

#[test]
fn json_syntax() {
    assert_lint(
        "json-syntax.json",
        &["5:83: JSON syntax: Trailing commas are not allowed"],
        1,
    );
}

#[test]
fn unknown_field() {
    assert_lint(
        "unknown-field.toml",
        &[
            "16:1: unknown field `hint` in card `c1` (expected id, area, kind, front, back, tags, source)",
        ],
        1,
    );
}

#[test]
fn missing_field() {
    assert_lint(
        "missing-field.toml",
        &["10:1: card `c1` is missing `back`"],
        1,
    );
}

#[test]
fn duplicate_card_id() {
    assert_lint(
        "duplicate-id.toml",
        &["18:6: duplicate card id `c1` (first at line 10)"],
        1,
    );
}

#[test]
fn unknown_area() {
    assert_lint(
        "unknown-area.toml",
        &[
            "6:1: warning: area `comm` has no cards",
            "12:8: unknown area `advocacy` (areas: comm)",
        ],
        1,
    );
}

#[test]
fn choice_answer_not_among_options() {
    assert_lint(
        "choice-answer-not-an-option.toml",
        &["16:10: answer `Empathy` is not one of the options"],
        1,
    );
}

#[test]
fn choice_options_repeat() {
    assert_lint(
        "choice-options-repeat.toml",
        &["15:41: option `communication` repeats option 1"],
        1,
    );
}

#[test]
fn cloze_without_deletion() {
    assert_lint(
        "cloze-no-deletion.toml",
        &["14:9: cloze text has no deletion such as {{c1::answer}}"],
        1,
    );
}

#[test]
fn cloze_unbalanced_braces_point_at_the_brace() {
    assert_lint(
        "cloze-unbalanced.toml",
        &["14:19: `{{` is never closed with `}}`"],
        1,
    );
}

#[test]
fn empty_text() {
    assert_lint("empty-text.toml", &["15:8: empty `back`"], 1);
}

#[test]
fn area_without_cards_is_a_warning() {
    assert_lint(
        "area-without-cards.toml",
        &["10:1: warning: area `advocacy` has no cards"],
        0,
    );
    let out = Env::new()
        .recall([
            "deck",
            "lint",
            "--strict",
            "tests/fixtures/lint/area-without-cards.toml",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "--strict fails on warnings");
}

#[test]
fn every_problem_in_a_json_deck_not_only_the_first() {
    assert_lint(
        "json-problems.json",
        &[
            "5:83: `answer` must be true or false, found a string",
            "6:26: unknown area `advocacy` (areas: comm)",
            "6:87: unknown field `extra` in card `c2` (expected id, area, kind, question, answer, accept, tags, source)",
        ],
        1,
    );
}

#[test]
fn a_valid_json_deck() {
    let (stdout, code) = lint("valid.json");
    assert_eq!(
        stdout,
        "tests/fixtures/lint/valid.json: ok, 3 cards in 1 area\n"
    );
    assert_eq!(code, 0);
}

#[test]
fn several_files_and_a_missing_one() {
    let out = Env::new()
        .recall([
            "deck",
            "lint",
            "tests/fixtures/lint/empty-text.toml",
            "tests/fixtures/lint/no-such-file.toml",
            "tests/fixtures/lint/valid.json",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(
        lines[0],
        "tests/fixtures/lint/empty-text.toml:15:8: empty `back`"
    );
    assert!(lines[1].starts_with("tests/fixtures/lint/no-such-file.toml: "));
    assert_eq!(
        lines[2],
        "tests/fixtures/lint/valid.json: ok, 3 cards in 1 area"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "2 errors, 0 warnings\n"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn many_problems_in_one_file_all_reported_in_order() {
    let text = r#"[deck]
id = "bad deck"
title = ""
version = 0

[[areas]]
id = "a"
name = "A"

[[areas]]
id = "a"
name = "Again"

[[cards]]
id = "c1"
area = "a"
kind = "wat"
front = "x"

[[cards]]
id = "c2"
area = "a"
kind = "choice"
question = "Pick"
options = ["only"]
answer = ["only", "only"]
"#;
    let checked = recall::deck::check(std::path::Path::new("d.toml"), text);
    let got: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        got,
        [
            "d.toml:2:6: `id` \"bad deck\" may hold only letters, digits, `-`, `_` and `.`, not dots alone",
            "d.toml:3:9: empty `title`",
            "d.toml:4:11: `version` must be a whole number from 1 to 4294967295",
            "d.toml:10:1: duplicate area id `a` (first at line 6)",
            "d.toml:17:8: unknown kind `wat` (expected basic, cloze, choice, truefalse or typed)",
            "d.toml:25:11: a choice card needs 2 to 8 options, found 1",
            "d.toml:26:19: answer `only` is given twice",
        ]
    );
    assert!(checked.deck.is_none());
}

#[test]
fn the_readme_example_deck_lints_clean() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").expect("a TOML example") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let checked = recall::deck::check(std::path::Path::new("README.md"), &readme[start..end]);
    assert_eq!(checked.diagnostics, []);
    let deck = checked.deck.unwrap();
    let kinds: Vec<&str> = deck.cards.iter().map(|c| c.content.kind().name()).collect();
    assert_eq!(kinds, ["basic", "cloze", "choice", "truefalse", "typed"]);
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let text = "\u{feff}[deck]\nid = \"x\"\ntitle = \"\"\nversion = 1\n";
    let checked = recall::deck::check(std::path::Path::new("b.toml"), text);
    assert_eq!(
        checked.diagnostics[0].to_string(),
        "b.toml:1:1: the deck file is missing `areas`"
    );
    assert_eq!(
        checked.diagnostics[2].to_string(),
        "b.toml:3:9: empty `title`"
    );
    let json = "\u{feff}{\"deck\": {\"id\": \"x\", \"title\": \"t\", \"version\": 99999999999}}";
    let checked = recall::deck::check(std::path::Path::new("b.json"), json);
    let got: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        got,
        [
            "b.json:1:1: the deck file is missing `areas`",
            "b.json:1:1: the deck file is missing `cards`",
            "b.json:1:47: `version` must be a whole number from 1 to 4294967295",
        ]
    );
}

#[test]
fn cloze_accept_names_the_deletions_of_its_text() {
    assert_lint(
        "cloze-accept.toml",
        &[
            "16:26: `accept` names `c3`, which is not a deletion of this card (deletions: c1, c2)",
            "23:10: `accept` of a cloze card must be a table of deletions, such as accept = { c1 = [\"...\"] }, found a list",
        ],
        1,
    );
}

#[test]
fn an_id_of_dots_alone_is_refused() {
    let text = "[deck]\nid = \"..\"\ntitle = \"T\"\nversion = 1\n\n[[areas]]\nid = \".\"\nname = \"A\"\n\n\
                [[cards]]\nid = \"...\"\narea = \".\"\nkind = \"basic\"\nfront = \"f\"\nback = \"b\"\n";
    let checked = recall::deck::check(std::path::Path::new("d.toml"), text);
    let got: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert!(
        got[0].starts_with("d.toml:2:6: `id` \"..\" may hold only"),
        "{got:?}"
    );
    assert!(
        got[..3].iter().all(|d| d.ends_with("not dots alone")),
        "{got:?}"
    );
    assert_eq!(got[3], "d.toml:12:8: unknown area `.` (areas: )");
    assert!(checked.deck.is_none());
    assert!(recall::deck::is_id("v1.2") && !recall::deck::is_id("..") && !recall::deck::is_id(""));
}
