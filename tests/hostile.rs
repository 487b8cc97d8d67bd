//! Hostile input: arbitrary bytes and mutated files fed to the deck loader,
//! the spreadsheet importer and the history importer. Nothing panics, and
//! a refused input leaves the database exactly as it was.

mod common;

use std::path::Path;

use common::Env;
use proptest::prelude::*;

/// One change to a file's bytes, at a place given as a fraction of its
/// length.
#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: f64, len: usize },
    Insert { at: f64, bytes: Vec<u8> },
    Duplicate { at: f64, len: usize },
    Truncate { at: f64 },
    Flip { at: f64, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            at.clone(),
            prop::collection::vec(
                prop_oneof![
                    any::<u8>(),
                    Just(b'"'),
                    Just(b'\n'),
                    Just(b','),
                    Just(b'{'),
                    Just(b'['),
                    Just(0x1b),
                    Just(0xff),
                ],
                1..12
            )
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        (at.clone(), 1..200usize).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        at.clone().prop_map(|at| Mutation::Truncate { at }),
        (at, any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
    ]
}

fn apply(base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for m in mutations {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let place = |at: f64, len: usize| ((at * len as f64) as usize).min(len);
        match m {
            Mutation::Delete { at, len } => {
                let i = place(*at, bytes.len());
                let end = (i + len).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Insert { at, bytes: new } => {
                let i = place(*at, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            Mutation::Duplicate { at, len } => {
                let i = place(*at, bytes.len());
                let end = (i + len).min(bytes.len());
                let copy = bytes[i..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Truncate { at } => {
                let i = place(*at, bytes.len());
                bytes.truncate(i);
            }
            Mutation::Flip { at, byte } => {
                if !bytes.is_empty() {
                    let i = place(*at, bytes.len() - 1);
                    bytes[i] = *byte;
                }
            }
        }
    }
    bytes
}

/// Every row of every table, in order: the database as a learner's data,
/// whatever SQLite does with its pages.
fn dump(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
            .unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut row = Vec::new();
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    row.push(format!("{v:?}"));
                }
                Ok(row.join("|"))
            })
            .unwrap();
        out.push_str(&table);
        for row in rows {
            out.push('\n');
            out.push_str(&row.unwrap());
        }
        out.push('\n');
    }
    out
}

/// A database with the shipped deck and a few answers, and its dump.
fn seeded() -> (Env, String) {
    let env = Env::new();
    let answers = "\n3\n".repeat(3);
    env.recall(["drill", "--limit", "3"])
        .write_stdin(answers)
        .assert()
        .success();
    let dump = dump(&env.dir().join("recall.sqlite3"));
    (env, dump)
}

const SHIPPED: &[u8] = include_bytes!("../decks/case-management-skills.toml");

fn small_deck_json() -> Vec<u8> {
    br#"{"deck": {"id": "j", "title": "J", "version": 1},
 "areas": [{"id": "a", "name": "A", "weight": 2}],
 "cards": [
  {"id": "b", "area": "a", "kind": "basic", "front": "F", "back": "B", "tags": ["x"]},
  {"id": "c", "area": "a", "kind": "cloze", "text": "A {{c1::gap}} here", "accept": {"c1": ["hole"]}},
  {"id": "d", "area": "a", "kind": "choice", "question": "Q", "options": ["x", "y"], "answer": "x"},
  {"id": "e", "area": "a", "kind": "truefalse", "statement": "S", "answer": true},
  {"id": "f", "area": "a", "kind": "typed", "question": "Q", "answer": "A", "accept": ["B"]}
 ]}"#
    .to_vec()
}

const CSV: &[u8] = b"#separator:comma\n#deck:Week 1\nfront,back,area,tags\n\
\"What lies at the heart of case management?\",\"Effective communication.\",Communication,core\n\
Name a way to build empathy,\"Active listening, being present\",Empathy,\"practice core\"\n\
Third,\"multi\nline\",Empathy,\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_deck_checker_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        mutations in prop::collection::vec(mutation(), 1..6),
        json in any::<bool>(),
    ) {
        let (name, base) = if json {
            ("d.json", small_deck_json())
        } else {
            ("d.toml", SHIPPED.to_vec())
        };
        for input in [bytes.clone(), apply(&base, &mutations)] {
            let path = Path::new(name);
            if let Ok(text) = recall::files::text_of(path, input) {
                let checked = recall::deck::check(path, &text);
                // A deck that loads is one that lint finds no error in.
                let errors = checked
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == recall::deck::Severity::Error);
                prop_assert_eq!(checked.deck.is_some(), !errors);
            }
        }
    }

    #[test]
    fn the_spreadsheet_importer_never_panics_and_writes_only_decks_that_lint(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        mutations in prop::collection::vec(mutation(), 1..6),
        tsv in any::<bool>(),
    ) {
        let name = if tsv { "s.tsv" } else { "s.csv" };
        let base = if tsv {
            CSV.iter().map(|b| if *b == b',' { b'\t' } else { *b }).collect()
        } else {
            CSV.to_vec()
        };
        let options = recall::deck::import::Options {
            area: "General".to_string(),
            ..Default::default()
        };
        for input in [bytes.clone(), apply(&base, &mutations)] {
            let path = Path::new(name);
            if let Ok(text) = recall::files::text_of(path, input) {
                if let Ok(imported) = recall::deck::import::import(path, &text, &options) {
                    let again = recall::deck::check(Path::new("s.toml"), &imported.toml);
                    prop_assert!(again.deck.is_some(), "{:?}", again.diagnostics);
                }
            }
        }
    }

    #[test]
    fn the_history_parser_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        csv in any::<bool>(),
    ) {
        let path = Path::new(if csv { "h.csv" } else { "h.jsonl" });
        if let Ok(text) = recall::files::text_of(path, bytes) {
            if let Ok(rows) = recall::store::history::parse(path, &text) {
                for (_, row) in rows {
                    let _ = row.review();
                }
            }
        }
    }
}

proptest! {
    // Each case runs the binary against a database: fewer, slower cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_refused_deck_or_history_leaves_the_database_as_it_was(
        mutations in prop::collection::vec(mutation(), 1..4),
        which in 0..4usize,
    ) {
        let (env, before) = seeded();
        let db = env.dir().join("recall.sqlite3");
        let (file, args): (&str, Vec<&str>) = match which {
            0 => ("deck.toml", vec!["deck", "add", "deck.toml"]),
            1 => ("deck.json", vec!["deck", "add", "deck.json"]),
            2 => ("h.jsonl", vec!["history", "import", "h.jsonl"]),
            _ => ("h.csv", vec!["history", "import", "h.csv"]),
        };
        let base = match which {
            0 => SHIPPED.to_vec(),
            1 => small_deck_json(),
            2 => env.recall(["history", "export"]).output().unwrap().stdout,
            _ => env
                .recall(["history", "export", "--format", "csv"])
                .output()
                .unwrap()
                .stdout,
        };
        std::fs::write(env.dir().join(file), apply(&base, &mutations)).unwrap();
        let out = env.recall(&args).output().unwrap();
        let code = out.status.code();
        prop_assert!(code == Some(0) || code == Some(1), "exit {:?}: {}", code,
            String::from_utf8_lossy(&out.stderr));
        if code == Some(1) {
            prop_assert_eq!(dump(&db), before);
        }
        let check = env.recall(["check"]).output().unwrap();
        prop_assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    }
}
