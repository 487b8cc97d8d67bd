//! `recall report`: figures worked out by hand for a fixture history, the
//! formats agreeing with each other, and HTML that escapes every text.

mod common;

use chrono::{TimeZone, Utc};
use common::Env;
use recall::sched::{Quality, StudyDay};
use recall::store::prelude::*;
use recall::store::{CardKey, ExamAnswer, ExamRecord, Mode, SqliteStore};
use serde_json::{Value, json};

/// A deck of six basic cards in three areas; `with_a3: false` retires a3.
fn deck_text(with_a3: bool, front_a1: &str) -> String {
    let mut t = String::from(
        "[deck]\nid = \"fx\"\ntitle = \"Fixture\"\nversion = 1\n\n\
         [[areas]]\nid = \"a\"\nname = \"Alpha\"\n\n[[areas]]\nid = \"b\"\nname = \"Beta\"\n\n\
         [[areas]]\nid = \"c\"\nname = \"Gamma\"\n",
    );
    for (id, area) in [
        ("a1", "a"),
        ("a2", "a"),
        ("a3", "a"),
        ("b1", "b"),
        ("b2", "b"),
        ("c1", "c"),
    ] {
        if id == "a3" && !with_a3 {
            continue;
        }
        let front = if id == "a1" {
            front_a1.to_string()
        } else {
            format!("Front of {id}")
        };
        t.push_str(&format!(
            "\n[[cards]]\nid = \"{id}\"\narea = \"{area}\"\nkind = \"basic\"\nfront = {front:?}\nback = \"Back of {id}\"\n"
        ));
    }
    t
}

/// The fixture history. Each answer is at 09:00 UTC on its day; the state
/// after it is worked out by SM-2 in the comment (reps, interval, E-Factor,
/// due). "Scheduled" marks the reviews retention counts.
fn fixture(env: &Env, front_a1: &str) -> SqliteStore {
    std::fs::write(env.dir().join("fx.toml"), deck_text(true, front_a1)).unwrap();
    env.recall(["deck", "add", "fx.toml"]).assert().success();
    std::fs::write(env.dir().join("fx.toml"), deck_text(false, front_a1)).unwrap();
    env.recall(["deck", "add", "fx.toml"]).assert().success(); // a3 retired
    let mut store = SqliteStore::open(&env.dir().join("recall.sqlite3")).unwrap();
    let user = store
        .add_user("tester", Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        .unwrap()
        .unwrap()
        .id;
    let mut answer = |day: &str, card: &str, q: u8, mode: Mode| {
        let d: StudyDay = day.parse().unwrap();
        let at = Utc.from_utc_datetime(&d.date().and_hms_opt(9, 0, 0).unwrap());
        let key = CardKey {
            deck: "fx".into(),
            card: card.into(),
        };
        common::record(
            &mut store,
            user,
            &key,
            Quality::new(q).unwrap(),
            mode,
            at,
            d,
            None,
        );
    };
    // 01-05, all new (not scheduled):
    answer("2026-01-05", "a1", 4, Mode::Drill); // a1: 1, 1d, 2.50, due 01-06
    answer("2026-01-05", "a2", 5, Mode::Drill); // a2: 1, 1d, 2.60, due 01-06
    answer("2026-01-05", "b1", 3, Mode::Drill); // b1: 1, 1d, 2.36, due 01-06
    answer("2026-01-05", "b2", 4, Mode::Drill); // b2: 1, 1d, 2.50, due 01-06
    // 01-06:
    answer("2026-01-06", "a1", 4, Mode::Drill); // scheduled, young, pass: 2, 6d, 2.50, due 01-12
    answer("2026-01-06", "a2", 2, Mode::Drill); // scheduled, young, FAIL: 0, 1d, 2.28, lapse 1, due 01-07
    answer("2026-01-06", "a2", 4, Mode::DrillRepeat); // a repeat: not counted, state kept
    answer("2026-01-06", "b1", 1, Mode::Drill); // scheduled, young, FAIL: 0, 1d, 1.82, lapse 1, due 01-07
    // 01-07: repetitions were 0 before: not scheduled.
    answer("2026-01-07", "a2", 4, Mode::Drill); // a2: 1, 1d, 2.28, due 01-08
    answer("2026-01-07", "b1", 4, Mode::Drill); // b1: 1, 1d, 1.82, due 01-08
    // 01-12:
    answer("2026-01-12", "a1", 5, Mode::Drill); // scheduled, young (6d), pass: 3, 15d, 2.60, due 01-27
    answer("2026-01-12", "a1", 1, Mode::Exam); // an exam answer: not counted, state kept
    // 01-27:
    answer("2026-01-27", "a1", 4, Mode::Drill); // scheduled, young (15d), pass: 4, 39d, 2.60, due 03-07
    // 03-07:
    answer("2026-03-07", "a1", 3, Mode::Drill); // scheduled, MATURE (39d), pass: 5, 102d, 2.46, due 06-17
    answer("2026-03-07", "b2", 1, Mode::Quiz); // scheduled, young (1d), FAIL: 0, 1d, 1.96, lapse 1, due 03-08
    // An exam on 03-08: Alpha 1 of 2, Beta 0 of 1.
    let at = Utc.with_ymd_and_hms(2026, 3, 8, 9, 0, 0).unwrap();
    let q = |card: &str, area: &str, correct| ExamAnswer {
        card: card.into(),
        area: area.into(),
        area_name: String::new(),
        question: "q".into(),
        solution: "s".into(),
        given: Some("g".into()),
        correct,
    };
    store
        .record_exam(
            user,
            &ExamRecord {
                deck: "fx".into(),
                started: at,
                ended: at,
                seed: 1,
                pass_mark: 70,
                timed_out: false,
                answers: vec![q("a1", "a", true), q("a2", "a", false), q("b1", "b", false)],
            },
        )
        .unwrap();
    store
}

fn json_report(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--json", "--deck", "fx"];
    args.extend(extra);
    let out = env.recall(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn share(reviews: u32, passed: u32, retention: Option<f64>) -> Value {
    json!({"reviews": reviews, "passed": passed, "retention": retention})
}

#[test]
fn the_fixture_history_gives_the_figures_worked_out_by_hand() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    fixture(&env, "Front of a1");
    let r = json_report(&env, &["--since", "2026-01-01"]);
    assert_eq!(r["schema"], 1);
    assert_eq!(
        (r["since"].as_str(), r["until"].as_str(), r["days"].as_i64()),
        (Some("2026-01-01"), Some("2026-03-10"), Some(69))
    );
    let me = &r["users"][0];
    assert_eq!(me["user"], "tester");
    // Alpha: a1 mature (5 reps, 102d), a2 learning (1 rep), a3 retired.
    // Scheduled: a1 on 01-06, 01-12, 01-27 (young, pass), 03-07 (mature,
    // pass); a2 on 01-06 (young, fail): 5 reviews, 4 passed = 0.8; young
    // 3 of 4 = 0.75; mature 1 of 1. Mean E-Factor (2.46 + 2.28) / 2 = 2.37.
    // Due by 03-17 and by 04-09: a2 (overdue since 01-08): 1. Exam 1 of 2.
    assert_eq!(
        me["areas"][0],
        json!({
            "deck": "fx", "area": "a", "name": "Alpha",
            "cards": {"new": 0, "learning": 1, "young": 0, "mature": 1, "retired": 1},
            "reviews": share(5, 4, Some(0.8)),
            "young": share(4, 3, Some(0.75)),
            "mature": share(1, 1, Some(1.0)),
            "average_ease": 2.37, "lapses": 1, "due_7": 1, "due_30": 1,
            "exam": {"correct": 1, "total": 2, "percent": 50, "date": "2026-03-08"}
        })
    );
    // Beta: b1 learning (1 rep), b2 learning (0 reps after its lapse).
    // Scheduled: b1 on 01-06 and b2 on 03-07, both young, both failed.
    // E-Factor (1.82 + 1.96) / 2 = 1.89. Due: b1 (01-08), b2 (03-08): 2.
    assert_eq!(
        me["areas"][1],
        json!({
            "deck": "fx", "area": "b", "name": "Beta",
            "cards": {"new": 0, "learning": 2, "young": 0, "mature": 0, "retired": 0},
            "reviews": share(2, 0, Some(0.0)),
            "young": share(2, 0, Some(0.0)),
            "mature": share(0, 0, None),
            "average_ease": 1.89, "lapses": 2, "due_7": 2, "due_30": 2,
            "exam": {"correct": 0, "total": 1, "percent": 0, "date": "2026-03-08"}
        })
    );
    // Gamma: one new card, nothing reviewed: no ratio anywhere, no NaN.
    assert_eq!(
        me["areas"][2],
        json!({
            "deck": "fx", "area": "c", "name": "Gamma",
            "cards": {"new": 1, "learning": 0, "young": 0, "mature": 0, "retired": 0},
            "reviews": share(0, 0, None),
            "young": share(0, 0, None),
            "mature": share(0, 0, None),
            "average_ease": null, "lapses": 0, "due_7": 0, "due_30": 0,
            "exam": null
        })
    );
    // Total: 7 scheduled, 4 passed = 0.5714; young 3 of 6 = 0.5; E-Factor
    // (2.46 + 2.28 + 1.82 + 1.96) / 4 = 2.13; exams 1 of 3 = 33%.
    assert_eq!(
        me["total"],
        json!({
            "deck": "fx", "area": "", "name": "Total",
            "cards": {"new": 1, "learning": 3, "young": 0, "mature": 1, "retired": 1},
            "reviews": share(7, 4, Some(0.5714)),
            "young": share(6, 3, Some(0.5)),
            "mature": share(1, 1, Some(1.0)),
            "average_ease": 2.13, "lapses": 3, "due_7": 3, "due_30": 3,
            "exam": {"correct": 1, "total": 3, "percent": 33, "date": "2026-03-08"}
        })
    );
    // Weeks end on 03-10, 03-03, ... The one ending 03-10 has a1 and b2
    // (1 of 2); 01-27 has a1 (1 of 1); 01-13 has a1 on 01-12 (1 of 1; the
    // 01-07 answers are not scheduled); 01-06 has a1, a2, b1 (1 of 3).
    let weeks: Vec<(String, u64, Value)> = me["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["to"].as_str().unwrap().to_string(),
                w["reviews"].as_u64().unwrap(),
                w["retention"].clone(),
            )
        })
        .collect();
    assert_eq!(weeks.len(), 12);
    assert_eq!(weeks[0].0, "2025-12-23");
    let with_reviews: Vec<&(String, u64, Value)> = weeks.iter().filter(|w| w.1 > 0).collect();
    assert_eq!(
        with_reviews,
        [
            &("2026-01-06".to_string(), 3, json!(0.3333)),
            &("2026-01-13".to_string(), 1, json!(1.0)),
            &("2026-01-27".to_string(), 1, json!(1.0)),
            &("2026-03-10".to_string(), 2, json!(0.5)),
        ]
    );
    assert!(weeks.iter().filter(|w| w.1 == 0).all(|w| w.2.is_null()));
    // Weakest: one lapse each for b1 (1.82), b2 (1.96), a2 (2.28); then a1.
    let weak: Vec<(&str, u64, f64)> = me["weakest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["card"].as_str().unwrap(),
                w["lapses"].as_u64().unwrap(),
                w["ease"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        weak,
        [
            ("b1", 1, 1.82),
            ("b2", 1, 1.96),
            ("a2", 1, 2.28),
            ("a1", 0, 2.46)
        ]
    );
    // Forecast: a2, b1 and b2 are overdue, so due today; a1 is months away.
    assert_eq!(me["forecast"][0], json!({"day": "2026-03-10", "cards": 3}));
    assert_eq!(
        me["forecast"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["cards"].as_u64().unwrap())
            .sum::<u64>(),
        3
    );

    // The default window, the last 30 days (02-09 to 03-10): only 03-07.
    let r = json_report(&env, &[]);
    assert_eq!(r["since"], "2026-02-09");
    let me = &r["users"][0];
    assert_eq!(me["areas"][0]["reviews"], share(1, 1, Some(1.0)));
    assert_eq!(me["areas"][0]["young"], share(0, 0, None));
    assert_eq!(me["areas"][0]["lapses"], 0);
    assert_eq!(me["areas"][1]["reviews"], share(1, 0, Some(0.0)));
    assert_eq!(me["total"]["reviews"], share(2, 1, Some(0.5)));
}

#[test]
fn csv_json_and_the_table_agree() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    fixture(&env, "Front of a1");
    let json = json_report(&env, &["--since", "2026-01-01"]);
    let out = env
        .recall(["report", "--csv", "--deck", "fx", "--since", "2026-01-01"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "three areas and the total");
    let field = |row: &csv::StringRecord, name: &str| {
        row[header.iter().position(|h| h == name).unwrap()].to_string()
    };
    let me = &json["users"][0];
    let figures: Vec<&Value> = me["areas"]
        .as_array()
        .unwrap()
        .iter()
        .chain(std::iter::once(&me["total"]))
        .collect();
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    for (row, f) in rows.iter().zip(&figures) {
        assert_eq!(field(row, "name"), f["name"].as_str().unwrap());
        for (col, path) in [
            ("new", &f["cards"]["new"]),
            ("learning", &f["cards"]["learning"]),
            ("mature", &f["cards"]["mature"]),
            ("retired", &f["cards"]["retired"]),
            ("reviews", &f["reviews"]["reviews"]),
            ("passed", &f["reviews"]["passed"]),
            ("retention", &f["reviews"]["retention"]),
            ("young_retention", &f["young"]["retention"]),
            ("mature_retention", &f["mature"]["retention"]),
            ("average_ease", &f["average_ease"]),
            ("lapses", &f["lapses"]),
            ("due_7", &f["due_7"]),
            ("due_30", &f["due_30"]),
            ("exam_percent", &f["exam"]["percent"]),
        ] {
            let (got, want) = (field(row, col), text(path));
            match (got.parse::<f64>(), want.parse::<f64>()) {
                (Ok(a), Ok(b)) => assert!(
                    (a - b).abs() < 1e-9,
                    "{col} of {}: {got} vs {want}",
                    f["name"]
                ),
                _ => assert_eq!(got, want, "{col} of {}", f["name"]),
            }
        }
    }
    // The table: the same numbers in its columns, "-" where JSON has null.
    let out = env
        .recall(["report", "--deck", "fx", "--since", "2026-01-01"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(!table.contains('\u{1b}'));
    for f in &figures {
        let name = f["name"].as_str().unwrap();
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap();
        let cells: Vec<&str> = line[name.len()..].split_whitespace().collect();
        let pct = |v: &Value| {
            v.as_f64()
                .map_or("-".to_string(), |r| format!("{:.1}%", r * 100.0))
        };
        let has_bar = f["reviews"]["retention"].is_number();
        let after = if has_bar { 9 } else { 8 };
        assert_eq!(
            cells[..7],
            [
                f["cards"]["new"].to_string(),
                f["cards"]["learning"].to_string(),
                f["cards"]["young"].to_string(),
                f["cards"]["mature"].to_string(),
                f["cards"]["retired"].to_string(),
                f["reviews"]["reviews"].to_string(),
                pct(&f["reviews"]["retention"]),
            ],
            "{line}"
        );
        assert_eq!(
            cells[after - 1..],
            [
                pct(&f["young"]["retention"]),
                pct(&f["mature"]["retention"]),
                f["average_ease"]
                    .as_f64()
                    .map_or("-".to_string(), |e| format!("{e:.2}")),
                f["lapses"].to_string(),
                f["due_7"].to_string(),
                f["due_30"].to_string(),
                f["exam"]["percent"]
                    .as_u64()
                    .map_or("-".to_string(), |p| format!("{p}%")),
            ],
            "{line}"
        );
    }
}

#[test]
fn every_deck_text_is_escaped_in_the_html() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    fixture(&env, "<script>alert(1)</script> & \"quotes\"");
    let out = env
        .recall([
            "report",
            "--deck",
            "fx",
            "--since",
            "2026-01-01",
            "--html",
            "r.html",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(env.dir().join("r.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"),
        "the card shows as text"
    );
    assert!(!html.contains("<script>alert"), "no markup from a card");
    assert_eq!(
        network_loads(&html),
        Vec::<String>::new(),
        "nothing loaded from the network"
    );
    assert_eq!(html.matches("<svg").count(), 3, "three charts");
}

/// Every place a page would fetch something from elsewhere: an attribute
/// or CSS reference (`src`, `href`, `srcset`, `action`, `poster`, `data`,
/// `url(`, `@import`) whose value is an absolute or scheme-relative URL.
/// An SVG `xmlns` names a namespace and fetches nothing.
fn network_loads(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for attr in [
        "src=", "href=", "srcset=", "action=", "poster=", "data=", "url(", "@import",
    ] {
        for (at, _) in lower.match_indices(attr) {
            let value = lower[at + attr.len()..]
                .trim_start_matches([' ', '"', '\'', '('])
                .to_string();
            if value.starts_with("http:") || value.starts_with("https:") || value.starts_with("//")
            {
                let end = (at + 60).min(html.len());
                found.push(html[at..end].to_string());
            }
        }
    }
    found
}

#[test]
fn the_network_check_catches_what_it_looks_for() {
    for page in [
        "<link rel=stylesheet href=http://cdn.example/x.css>",
        "<img src='https://example.org/a.png'>",
        "<style>body { background: url(//example.org/b.png) }</style>",
        "<style>@import \"https://example.org/c.css\";</style>",
        "<script src=\"http://example.org/d.js\"></script>",
    ] {
        assert_eq!(network_loads(page).len(), 1, "{page}");
    }
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg><a href=\"#top\">top</a>";
    assert!(network_loads(svg).is_empty());
}

#[test]
fn the_table_and_the_page_are_as_reviewed() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    fixture(&env, "Front of a1");
    let out = env
        .recall(["report", "--deck", "fx", "--since", "2026-01-01"])
        .output()
        .unwrap();
    insta::assert_snapshot!("fixture_table", String::from_utf8(out.stdout).unwrap());
    let out = env
        .recall([
            "report",
            "--deck",
            "fx",
            "--since",
            "2026-01-01",
            "--html",
            "r.html",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = std::fs::read_to_string(env.dir().join("r.html")).unwrap();
    insta::assert_snapshot!("fixture_page", html);
}

#[test]
fn a_new_user_and_an_empty_window_show_dashes() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    env.recall(["user", "add", "tester"]).assert().success();
    let out = env.recall(["report"]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(!table.contains("NaN"));
    insta::assert_snapshot!("new_user_table", table);
    let out = env.recall(["report", "--json"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["users"][0]["total"]["reviews"]["retention"].is_null());
    assert!(json["users"][0]["total"]["average_ease"].is_null());
}

#[test]
fn all_users_gives_a_row_per_user_and_area_and_class_totals() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    let mut store = fixture(&env, "Front of a1");
    store
        .add_user("sam", Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap())
        .unwrap();
    let out = env
        .recall([
            "report",
            "--all-users",
            "--deck",
            "fx",
            "--json",
            "--since",
            "2026-01-01",
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let users: Vec<&str> = json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"].as_str().unwrap())
        .collect();
    assert_eq!(users, ["sam", "tester"]);
    let class = &json["class"];
    // Sam has six new cards... five active: a1, a2, b1, b2, c1.
    assert_eq!(class["total"]["cards"]["new"], 1 + 5);
    assert_eq!(class["total"]["reviews"], share(7, 4, Some(0.5714)));
    let out = env
        .recall(["report", "--all-users", "--deck", "fx", "--csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        csv.lines().count(),
        1 + 3 * 4,
        "header, then sam, tester and class: 3 areas and a total each"
    );
    let out = env
        .recall(["--user", "sam", "report", "--all-users"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_retention_report_has_the_full_reports_retention_and_nothing_it_did_not_read() {
    let env = Env::new().on("2026-03-10T09:00:00Z");
    let store = fixture(&env, "Front of a1");
    let users: Vec<recall::store::User> =
        store.users().unwrap().into_iter().map(|u| u.user).collect();
    let today: StudyDay = "2026-03-10".parse().unwrap();
    for days in [3, 30] {
        let window = recall::report::Window::of(None, Some(days), today).unwrap();
        let deck = recall::model::DeckId::from("fx");
        let load = |detail| {
            recall::report::load_with(&store, &users, Some(&deck), window, true, detail).unwrap()
        };
        let (full, retention) = (
            load(recall::report::Detail::Full),
            load(recall::report::Detail::Retention),
        );
        let shares = |r: &recall::report::Report| -> Vec<String> {
            r.users
                .iter()
                .chain(r.class.as_ref())
                .flat_map(|s| s.areas.iter().chain(std::iter::once(&s.total)))
                .map(|f| {
                    format!(
                        "{} {:?} {:?} {:?} {} {:?}",
                        f.area, f.reviews, f.young, f.mature, f.lapses, f.exam
                    )
                })
                .collect()
        };
        assert!(full.class.as_ref().unwrap().total.reviews.reviews > 0 || days == 3);
        assert_eq!(shares(&retention), shares(&full), "{days} days");
        let section = retention.class.as_ref().unwrap();
        assert!(section.weekly.is_empty() && section.forecast.is_empty());
        assert!(section.weakest.is_empty());
        assert_eq!(section.total.cards, recall::report::Stages::default());
    }
}
