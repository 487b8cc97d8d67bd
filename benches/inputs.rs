//! Large and hostile inputs: every checker and importer is linear, so a
//! 10 MB deck or spreadsheet is checked in well under two seconds. Each
//! figure is measured against the parser it is built on (the floor no
//! checker can go below), in the same run, the two alternated, and given
//! as a ratio with its spread: `cargo bench --bench inputs`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn main() {
    println!("recall input benchmarks · {}", machine());
    println!(
        "{:<44} {:>10} {:<34} {:>10} {:>7}  {:>13}",
        "figure", "median", "baseline", "median", "ratio", "ratio spread"
    );
    let deck = deck_text(10_000_000);
    let keys = keys_text(100_000);
    let json = json_text(10_000_000);
    let csv = csv_text(10_000_000);
    let same = same_front_csv(30_000);
    let areas = distinct_areas_csv(4_000);
    let toml_floor = |text: &str| {
        let (_, errors) = toml::de::DeTable::parse_recoverable(text);
        assert!(errors.is_empty());
    };
    row(
        &format!("lint: {} MB TOML deck", mb(&deck)),
        || check("big.toml", &deck),
        "toml: parse it with spans",
        || toml_floor(&deck),
    );
    row(
        &format!("lint: 100,000 keys in one table ({} MB)", mb(&keys)),
        || check("keys.toml", &keys),
        "toml: parse it with spans",
        || toml_floor(&keys),
    );
    row(
        &format!("lint: {} MB JSON deck", mb(&json)),
        || check("big.json", &json),
        "serde_json: parse to a Value",
        || {
            let _: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
        },
    );
    let csv_floor = |text: &str| {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        assert!(r.records().count() > 0);
    };
    row(
        &format!("import: {} MB CSV to a checked deck", mb(&csv)),
        || import("big.csv", &csv),
        "csv: read every record",
        || csv_floor(&csv),
    );
    row(
        "import: 30,000 rows with one front",
        || import("same.csv", &same),
        "csv: read every record",
        || csv_floor(&same),
    );
    row(
        "import: 4,000 distinct non-Latin areas",
        || import("areas.csv", &areas),
        "csv: read every record",
        || csv_floor(&areas),
    );
}

fn check(name: &str, text: &str) {
    let checked = recall::deck::check(Path::new(name), text);
    std::hint::black_box(checked.diagnostics.len());
}

fn import(name: &str, text: &str) {
    let options = recall::deck::import::Options {
        area: "General".to_string(),
        ..Default::default()
    };
    let imported = recall::deck::import::import(Path::new(name), text, &options);
    assert!(imported.is_ok(), "{name} imports");
}

/// Times `a` and `b` alternately and prints medians, the median ratio and
/// the spread of the ratios (lowest to highest).
fn row(name: &str, mut a: impl FnMut(), baseline: &str, mut b: impl FnMut()) {
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let t = time(&mut a);
        let u = time(&mut b);
        ratios.push(t.as_secs_f64() / u.as_secs_f64().max(1e-9));
        ta.push(t);
        tb.push(u);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "{:<44} {:>10} {:<34} {:>10} {:>6.1}x  {:>5.1}x-{:.1}x",
        name,
        ms(median(ta)),
        baseline,
        ms(median(tb)),
        ratios[RUNS / 2],
        ratios[0],
        ratios[RUNS - 1]
    );
}

fn time(f: &mut impl FnMut()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[allow(clippy::cast_precision_loss)]
fn mb(text: &str) -> String {
    format!("{:.1}", text.len() as f64 / 1e6)
}

fn deck_text(size: usize) -> String {
    let mut s = String::from("[deck]\nid = \"big\"\ntitle = \"Big\"\nversion = 1\n\n");
    for a in 0..20 {
        let _ = write!(s, "[[areas]]\nid = \"a{a}\"\nname = \"Area {a}\"\n\n");
    }
    let mut i = 0;
    while s.len() < size {
        let _ = write!(
            s,
            "[[cards]]\nid = \"c{i}\"\narea = \"a{}\"\nkind = \"basic\"\n\
             front = \"What is point number {i} about case management and its skills?\"\n\
             back = \"Answer {i}: one idea, short enough to recall.\"\n\
             tags = [\"t{}\"]\nsource = \"Section {}, sentence {}\"\n\n",
            i % 20,
            i % 7,
            i % 10,
            i % 5
        );
        i += 1;
    }
    s
}

fn keys_text(n: usize) -> String {
    let mut s = String::from("[deck]\nid = \"x\"\ntitle = \"T\"\nversion = 1\n");
    for i in 0..n {
        let _ = writeln!(s, "k{i} = \"v\"");
    }
    s
}

fn json_text(size: usize) -> String {
    let mut s = String::from(
        "{\"deck\": {\"id\": \"big\", \"title\": \"Big\", \"version\": 1},\n\
         \"areas\": [{\"id\": \"a\", \"name\": \"A\"}],\n\"cards\": [\n",
    );
    let mut i = 0;
    while s.len() < size {
        if i > 0 {
            s.push_str(",\n");
        }
        let _ = write!(
            s,
            "{{\"id\": \"c{i}\", \"area\": \"a\", \"kind\": \"basic\", \
             \"front\": \"What is point number {i} about case management?\", \
             \"back\": \"Answer {i}: one idea, short enough to recall.\"}}"
        );
        i += 1;
    }
    s.push_str("\n]}\n");
    s
}

fn csv_text(size: usize) -> String {
    let mut s = String::from("front,back,area,tags\n");
    let mut i = 0;
    while s.len() < size {
        let _ = writeln!(
            s,
            "\"What is point number {i} about case management, really?\",\"Answer {i}: one idea\",Area {},t{}",
            i % 30,
            i % 5
        );
        i += 1;
    }
    s
}

fn same_front_csv(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "same front,back {i},A");
    }
    s
}

fn distinct_areas_csv(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "front {i},back {i},領域{i}");
    }
    s
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}
