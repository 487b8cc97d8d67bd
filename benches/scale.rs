//! The paths people wait on, on a class-sized database, each against a
//! baseline measured in the same run: `cargo bench --bench scale`.
//!
//! Whole-process figures are medians of several runs of the release
//! binary; peak memory is the child's maximum resident set (wait4).

#[path = "support/generate.rs"]
mod generate;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use recall::review::{self, Answer};
use recall::sched::{Quality, StudyDay};
use recall::store::prelude::*;
use recall::store::{CardKey, Mode, SqliteStore};

const RECALL: &str = env!("CARGO_BIN_EXE_recall");
/// The day after the generated history ends.
const NOW: &str = "2026-11-26T09:00:00Z";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    // `scale --generate NAME PATH`: write one database, in a process of its
    // own, so the generator's memory never counts toward a child's peak
    // (a child starts from its parent's resident size, and so does its
    // maximum).
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (name, path) = (&args[i + 1], PathBuf::from(&args[i + 2]));
        let size = if name == "class" {
            generate::CLASS
        } else {
            generate::SMALL
        };
        let w = generate::generate(&path, size, 1)?;
        println!(
            "generated {}: {} users, {} cards, {} reviews in {:.1} s ({:.0} reviews/s)",
            path.display(),
            size.users,
            size.cards,
            w.reviews,
            w.seconds,
            w.reviews as f64 / w.seconds
        );
        return Ok(());
    }
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&data)?;
    println!("recall benchmarks · {}", machine());
    let small = database(&data, "small")?;
    let class = database(&data, "class")?;
    let mut rows = Vec::new();
    rows.push(first_card(&data, &class)?);
    rows.extend(answers(&data, &small)?);
    rows.extend(reports(&class)?);
    rows.extend(decks(&data)?);
    rows.push(check(&class)?);
    println!();
    print_rows(&rows);
    Ok(())
}

/// One figure and its baseline.
struct Row {
    name: &'static str,
    value: Duration,
    baseline_name: &'static str,
    baseline: Duration,
    /// Peak memory of the process, in MB, where there is one.
    peak_mb: Option<f64>,
    target: String,
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn print_rows(rows: &[Row]) {
    println!(
        "{:<34} {:>11}  {:<34} {:>11} {:>7} {:>8}  target",
        "figure", "median", "baseline", "median", "ratio", "peak MB"
    );
    for r in rows {
        let ratio = r.value.as_secs_f64() / r.baseline.as_secs_f64().max(1e-9);
        let peak = r
            .peak_mb
            .map_or_else(|| "-".to_string(), |m| format!("{m:.1}"));
        println!(
            "{:<34} {:>11}  {:<34} {:>11} {:>6.2}x {:>8}  {}",
            r.name,
            ms(r.value),
            r.baseline_name,
            ms(r.baseline),
            ratio,
            peak,
            r.target
        );
    }
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

/// The generated database `name`, written once and reused.
fn database(data: &Path, name: &str) -> Result<PathBuf> {
    let path = data.join(format!("{name}.sqlite3"));
    if path.exists() {
        println!("using {} (delete it to write it again)", path.display());
        return Ok(path);
    }
    let status = Command::new(std::env::current_exe()?)
        .args(["--generate", name])
        .arg(&path)
        .status()?;
    if !status.success() {
        return Err(format!("generating {} failed", path.display()).into());
    }
    let check = Command::new(RECALL)
        .args(["check"])
        .env("RECALL_DB", &path)
        .env("RECALL_NOW", NOW)
        .output()?;
    let said = String::from_utf8_lossy(&check.stdout);
    println!("recall check: {}", said.lines().last().unwrap_or(""));
    if !check.status.success() {
        return Err(format!("recall check failed on {}", path.display()).into());
    }
    Ok(path)
}

/// A copy of a database (with its WAL), so a benchmark may write to it.
fn copy(from: &Path, to: &Path) -> Result<()> {
    for ext in ["", "-wal", "-shm"] {
        let (mut a, mut b) = (from.as_os_str().to_owned(), to.as_os_str().to_owned());
        a.push(ext);
        b.push(ext);
        let _ = std::fs::remove_file(&b);
        if Path::new(&a).exists() {
            std::fs::copy(&a, &b)?;
        }
    }
    Ok(())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn recall(db: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(RECALL);
    cmd.args(args)
        .env("RECALL_DB", db)
        .env("RECALL_NOW", NOW)
        .env("RECALL_USER", "learner000")
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Waits for a child and returns its peak resident memory in MB.
fn wait_peak(child: std::process::Child) -> Result<f64> {
    let pid = libc::pid_t::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: rusage is plain data, and wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if got != pid {
        return Err("wait4 failed".into());
    }
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("the benchmarked process failed (status {status})").into());
    }
    Ok(usage.ru_maxrss as f64 / 1024.0)
}

/// Runs a command `n` times: the median time and the largest peak memory.
fn run(n: usize, mut make: impl FnMut() -> Command) -> Result<(Duration, f64)> {
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..n {
        let start = Instant::now();
        let child = make().spawn()?;
        peak = peak.max(wait_peak(child)?);
        times.push(start.elapsed());
    }
    Ok((median(times), peak))
}

/// From spawning `recall drill` to its first card on stdout (piped input),
/// against the bare process start of `recall --version`.
fn first_card(data: &Path, class: &Path) -> Result<Row> {
    let db = data.join("class-drill.sqlite3");
    copy(class, &db)?;
    let (start, _) = run(30, || recall(&db, &["--version"]))?;
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..30 {
        let started = Instant::now();
        let mut child = recall(&db, &["drill", "--limit", "1"])
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let mut shown = None;
        while let Some(line) = lines.next() {
            if line?.starts_with("1/1 · ") {
                // The card's text is the line after the progress line.
                lines.next();
                shown = Some(started.elapsed());
                break;
            }
        }
        for line in lines {
            line?;
        }
        peak = peak.max(wait_peak(child)?);
        times.push(shown.ok_or("the drill showed no card")?);
    }
    let first = median(times);
    let target = Duration::from_secs_f64(start.as_secs_f64() * 2.0 + 0.020);
    Ok(Row {
        name: "drill: start to first card (class)",
        value: first,
        baseline_name: "recall --version (process start)",
        baseline: start,
        peak_mb: Some(peak),
        target: format!(
            "< 2x start + 20 ms = {}: {}",
            ms(target),
            verdict(first <= target)
        ),
    })
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

/// 1,000 answers, each committed durably, against a bare SQLite commit of
/// one row with the same settings (WAL, synchronous=FULL).
fn answers(data: &Path, small: &Path) -> Result<Vec<Row>> {
    let db = data.join("small-answers.sqlite3");
    copy(small, &db)?;
    let mut store = SqliteStore::open(&db)?;
    let user = store.user("learner000")?.ok_or("no learner000")?;
    let cards = store.deck_cards(&generate::DECK.into())?;
    let day: StudyDay = "2026-11-26".parse()?;
    let mut at = Utc
        .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .ok_or("time")?;
    let mut times = Vec::new();
    for i in 0..1000 {
        let key = CardKey::new(generate::DECK, cards[i % cards.len()].id.as_str());
        let q = Quality::ALL[3 + i % 3];
        at += chrono::Duration::seconds(5);
        let started = Instant::now();
        let answer = Answer {
            user: user.id,
            card: key,
            quality: q,
            mode: Mode::Drill,
            at,
            day,
            response_ms: Some(3000),
        };
        review::record(&mut store, &answer)?;
        times.push(started.elapsed());
    }
    let answer = median(times);

    let bare = data.join("bare-commit.sqlite3");
    let _ = std::fs::remove_file(&bare);
    let conn = rusqlite::Connection::open(&bare)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")?;
    let mut times = Vec::new();
    for i in 0..1000 {
        let started = Instant::now();
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.execute("INSERT INTO t (v) VALUES (?1)", [format!("row {i}")])?;
        conn.execute_batch("COMMIT")?;
        times.push(started.elapsed());
    }
    let baseline = median(times);
    Ok(vec![Row {
        name: "one answer committed (median of 1k)",
        value: answer,
        baseline_name: "SQLite: commit one row, same pragmas",
        baseline,
        peak_mb: None,
        target: format!("< 5 ms: {}", verdict(answer < Duration::from_millis(5))),
    }])
}

/// The report as JSON for one user and for the class, against the sqlite3
/// shell running the equivalent single aggregate query.
fn reports(class: &Path) -> Result<Vec<Row>> {
    let (one, one_peak) = run(7, || recall(class, &["report", "--json"]))?;
    let (all, all_peak) = run(5, || recall(class, &["report", "--json", "--all-users"]))?;
    // The equivalent single aggregate: what the report reads from the log,
    // the scheduled reviews of the last 12 weeks (its weekly figures; the
    // 30-day window is inside them), counted and passed per user, area and
    // week, young and mature, in one SQL statement.
    let query = "SELECT r.user_id, c.area_id,
    CAST((julianday('2026-11-26') - julianday(r.study_day)) / 7 AS INTEGER) AS week,
    COUNT(*), SUM(r.quality >= 3), SUM(r.before_interval >= 21)
FROM reviews r JOIN cards c ON c.deck_id = r.deck_id AND c.id = r.card_id
WHERE r.study_day BETWEEN '2026-09-04' AND '2026-11-26'
  AND r.mode IN ('drill', 'quiz') AND r.before_reps >= 1
  AND NOT EXISTS (SELECT 1 FROM reviews p WHERE p.user_id = r.user_id AND p.deck_id = r.deck_id
      AND p.card_id = r.card_id AND p.study_day = r.study_day AND p.mode IN ('drill', 'quiz')
      AND p.reviewed_at < r.reviewed_at)
GROUP BY r.user_id, c.area_id, week;";
    let sqlite3 = |q: &str| {
        let mut cmd = Command::new("sqlite3");
        cmd.arg(class)
            .arg(q)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    let one_query = query.replace("WHERE r.study_day", "WHERE r.user_id = 1 AND r.study_day");
    if Command::new("sqlite3").arg("--version").output().is_err() {
        println!("the sqlite3 shell is missing: trying apt-get install -y sqlite3");
        let _ = Command::new("apt-get")
            .args(["install", "-y", "-qq", "sqlite3"])
            .status();
    }
    let (base_all, base_one) = match (run(5, || sqlite3(query)), run(7, || sqlite3(&one_query))) {
        (Ok((a, _)), Ok((o, _))) => (a, o),
        _ => {
            println!("the sqlite3 shell is not installed: the report baselines are zero");
            (Duration::ZERO, Duration::ZERO)
        }
    };
    let two_x = Duration::from_secs_f64(base_all.as_secs_f64() * 2.0);
    Ok(vec![
        Row {
            name: "report --json, one user (class)",
            value: one,
            baseline_name: "sqlite3: the aggregate, one user",
            baseline: base_one,
            peak_mb: Some(one_peak),
            target: format!("< 50 ms: {}", verdict(one < Duration::from_millis(50))),
        },
        Row {
            name: "report --json --all-users (class)",
            value: all,
            baseline_name: "sqlite3: the aggregate, all users",
            baseline: base_all,
            peak_mb: Some(all_peak.max(one_peak)),
            target: format!("< 2x baseline = {}: {}", ms(two_x), verdict(all <= two_x)),
        },
    ])
}

/// CSV-importing a 50,000-card spreadsheet and installing the deck,
/// against reading the same CSV and inserting as many rows in SQLite.
fn decks(data: &Path) -> Result<Vec<Row>> {
    let csv = data.join("big.csv");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&csv)?);
        writeln!(w, "front,back,area,tags")?;
        for i in 0..50_000 {
            writeln!(
                w,
                "\"What is point {i}, in short?\",Answer {i},Area {},tag{}",
                i % 10,
                i % 7
            )?;
        }
    }
    let toml = data.join("big.toml");
    let (import, import_peak) = run(3, || {
        recall(
            &toml,
            &[
                "deck",
                "import",
                csv.to_str().unwrap_or(""),
                "--out",
                toml.to_str().unwrap_or(""),
                "--force",
            ],
        )
    })?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let mut reader = csv::Reader::from_path(&csv)?;
        let rows = reader.records().filter_map(std::result::Result::ok).count();
        assert_eq!(rows, 50_000);
        times.push(started.elapsed());
    }
    let read = median(times);

    let db = data.join("big-deck.sqlite3");
    let (install, install_peak) = run(3, || {
        copy_none(&db);
        recall(&db, &["deck", "add", toml.to_str().unwrap_or("")])
    })?;
    let mut times = Vec::new();
    for _ in 0..3 {
        let bare = data.join("bare-insert.sqlite3");
        copy_none(&bare);
        let started = Instant::now();
        let mut conn = rusqlite::Connection::open(&bare)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch("CREATE TABLE cards (deck TEXT, id TEXT, area TEXT, content TEXT, PRIMARY KEY (deck, id))")?;
        let tx = conn.transaction()?;
        {
            let mut insert = tx.prepare("INSERT INTO cards VALUES ('big', ?1, ?2, ?3)")?;
            for i in 0..50_000 {
                insert.execute((
                    format!("card-{i}"),
                    format!("area-{}", i % 10),
                    format!("{{\"front\": \"What is point {i}?\"}}"),
                ))?;
            }
        }
        tx.commit()?;
        times.push(started.elapsed());
    }
    let insert = median(times);
    Ok(vec![
        Row {
            name: "deck import: 50k-row CSV to TOML",
            value: import,
            baseline_name: "csv crate: read the same file",
            baseline: read,
            peak_mb: Some(import_peak),
            target: format!("< 100 MB: {}", verdict(import_peak < 100.0)),
        },
        Row {
            name: "deck add: install 50k cards",
            value: install,
            baseline_name: "SQLite: insert 50k rows, one tx",
            baseline: insert,
            peak_mb: Some(install_peak),
            target: format!("< 100 MB: {}", verdict(install_peak < 100.0)),
        },
    ])
}

/// Removes a database and its WAL, so the next run starts fresh.
fn copy_none(db: &Path) {
    for ext in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(p);
    }
}

/// `recall check` on the class database (SQLite's integrity check, then
/// every log replayed), against the integrity check alone.
fn check(class: &Path) -> Result<Row> {
    let (value, peak) = run(1, || recall(class, &["check"]))?;
    let (baseline, _) = run(1, || {
        let mut cmd = Command::new("sqlite3");
        cmd.arg(class)
            .arg("PRAGMA integrity_check")
            .stdout(Stdio::null());
        cmd
    })
    .unwrap_or((Duration::ZERO, 0.0));
    Ok(Row {
        name: "check: integrity and replay (class)",
        value,
        baseline_name: "sqlite3: PRAGMA integrity_check",
        baseline,
        peak_mb: Some(peak),
        target: format!("< 100 MB: {}", verdict(peak < 100.0)),
    })
}
