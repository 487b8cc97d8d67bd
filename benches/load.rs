//! The class server under load: 500 learners, each logged in on their own
//! connection, all at once, each doing a 20-card drill through the HTTP
//! forms of `recall serve --class` (the card's page, then its grade),
//! against SQLite and against PostgreSQL (a throwaway cluster, as the
//! tests start one). Measured: answers per second, answer latency (p50,
//! p99, max), errors, answers lost (the log counted afterwards), and the
//! server's peak memory. The baseline, in the same run on the same
//! database: a bare INSERT of one row per request from 16 connections at
//! once (the server's pool). `cargo bench --bench load`.
//!
//! Bounded in count (LEARNERS x CARDS answers) and in time (a request
//! that takes over 60 s fails the run); loopback only.

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

#[path = "../tests/common/http.rs"]
mod http;

#[path = "../tests/common/class.rs"]
mod class;

#[path = "../tests/common/server.rs"]
#[allow(dead_code)]
mod server;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use server::Server;

const LEARNERS: usize = 500;
const CARDS: usize = 20;
const INSERTS: usize = 10_000;
const POOL: usize = 16;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/load");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "recall class-server load · {LEARNERS} learners x {CARDS} cards at once · {} cores",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    println!(
        "{:<12} {:>10} {:>10} {:>9} {:>9} {:>9} {:>7} {:>5} {:>9}   {:>8}",
        "backend",
        "answers/s",
        "inserts/s",
        "p50",
        "p99",
        "max",
        "errors",
        "lost",
        "peak MB",
        "ratio"
    );
    let sqlite = dir.join("load.sqlite3");
    run("SQLite", sqlite.to_str().unwrap(), &dir);
    match pg::cluster() {
        Some(cluster) => run("PostgreSQL", &cluster.database(), &dir),
        None => println!("PostgreSQL: not installed here; skipped"),
    }
}

/// Sets up `db` (a class, its deck, the learners logged in), serves it,
/// drives the load, and prints one line.
fn run(name: &str, db: &str, dir: &Path) {
    let learners: Vec<(String, String)> = class::logged_in(db, LEARNERS, CARDS)
        .into_iter()
        .map(|(_, cookie, token)| (cookie, token))
        .collect();
    let baseline = inserts(Path::new(db));
    let server = Server::class(
        Path::new(env!("CARGO_BIN_EXE_recall")),
        db,
        "2026-03-02T09:00:00Z",
    );
    let addr = server.addr;

    let started = Instant::now();
    let results: Vec<(Vec<Duration>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = learners
            .iter()
            .map(|(cookie, token)| scope.spawn(move || drill(addr, cookie, token)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wall = started.elapsed();
    let peak = server.peak_mb();
    drop(server);

    let mut times: Vec<Duration> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
    let errors: usize = results.iter().map(|r| r.1).sum();
    let saved = times.len();
    let logged = logged(Path::new(db));
    times.sort();
    #[allow(clippy::cast_precision_loss)]
    let rate = saved as f64 / wall.as_secs_f64();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let p = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1));
        times.get(i).copied().map_or_else(|| "-".to_string(), ms)
    };
    println!(
        "{:<12} {:>10.0} {:>10.0} {:>9} {:>9} {:>9} {:>7} {:>5} {:>9.0}   {:>7.2}x",
        name,
        rate,
        baseline,
        p(0.5),
        p(0.99),
        times.last().copied().map_or_else(|| "-".to_string(), ms),
        errors,
        saved.saturating_sub(logged),
        peak,
        rate / baseline
    );
    let _ = dir;
}

/// The baseline: `INSERTS` bare one-row INSERTs from `POOL` connections at
/// once, each its own transaction; inserts per second.
fn inserts(db: &Path) -> f64 {
    let db = db.to_path_buf();
    let setup = db.clone();
    std::thread::spawn(move || {
        let url = setup.to_str().unwrap().to_string();
        if url.starts_with("postgres") {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.batch_execute("CREATE TABLE bench_inserts (id BIGSERIAL PRIMARY KEY, who BIGINT, at TEXT)")
                .unwrap();
        } else {
            let c = rusqlite::Connection::open(&setup).unwrap();
            c.execute_batch("CREATE TABLE IF NOT EXISTS bench_inserts (id INTEGER PRIMARY KEY, who INTEGER, at TEXT)")
                .unwrap();
        }
    })
    .join()
    .unwrap();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..POOL {
            let db = db.clone();
            scope.spawn(move || {
                let url = db.to_str().unwrap().to_string();
                let n = INSERTS / POOL;
                let who = i64::try_from(t).unwrap();
                if url.starts_with("postgres") {
                    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    for _ in 0..n {
                        c.execute(
                            "INSERT INTO bench_inserts (who, at) VALUES ($1, $2)",
                            &[&who, &"2026-03-02T09:00:00.000Z"],
                        )
                        .unwrap();
                    }
                } else {
                    let c = rusqlite::Connection::open(&db).unwrap();
                    c.busy_timeout(Duration::from_secs(60)).unwrap();
                    c.pragma_update(None, "synchronous", "FULL").unwrap();
                    for _ in 0..n {
                        c.execute(
                            "INSERT INTO bench_inserts (who, at) VALUES (?1, ?2)",
                            rusqlite::params![who, "2026-03-02T09:00:00.000Z"],
                        )
                        .unwrap();
                    }
                }
            });
        }
    });
    #[allow(clippy::cast_precision_loss)]
    let rate = (INSERTS / POOL * POOL) as f64 / started.elapsed().as_secs_f64();
    rate
}

/// Reviews in the log.
fn logged(db: &Path) -> usize {
    let db = db.to_path_buf();
    std::thread::spawn(move || {
        let store = recall::store::open_plain(&db).unwrap();
        usize::try_from(store.counts().unwrap().reviews).unwrap()
    })
    .join()
    .unwrap()
}

/// One learner's drill: start it, then for each card its page and its
/// grade. The time of each grade that came back saved (303), and the
/// number of requests that did not.
fn drill(addr: SocketAddr, cookie: &str, token: &str) -> (Vec<Duration>, usize) {
    let mut client = http::Client::connect(addr, cookie);
    let mut errors = 0;
    let (status, _) = client.post("/drill/start", &format!("token={token}&limit={CARDS}"));
    if status != 303 {
        return (Vec::new(), 1);
    }
    let mut times = Vec::with_capacity(CARDS);
    for id in 1..=CARDS {
        let (status, _) = client.get("/drill");
        if status != 200 {
            errors += 1;
        }
        let (status, took) = client.post(
            "/drill/grade",
            &format!("token={token}&run=1&id={id}&grade=3"),
        );
        if status == 303 {
            times.push(took);
        } else {
            errors += 1;
        }
    }
    (times, errors)
}
