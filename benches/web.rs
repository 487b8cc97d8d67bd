//! The web app's speed: the drill's answer POST (judged, committed to the
//! database with a full sync, and redirected) and the drill page's GET,
//! each against a static file served by the same server through the same
//! checks, in the same run, alternated in rounds: `cargo bench --bench web`.
//!
//! The client is a minimal HTTP/1.1 client on one kept-alive connection,
//! the same for every request, so the ratio is the server's own work.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use recall::sched::Now;
use recall::store::Setting;
use recall::store::prelude::*;
use recall::web::{App, Config};

const ROUNDS: usize = 7;
const PER_ROUND: usize = 200;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/web");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("web.sqlite3");
    let cards = ROUNDS * PER_ROUND + 10;
    prepare(&db, cards);
    let now = Now::new(chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z").unwrap());
    let token = recall::web::new_token();
    let app = App::open(Config {
        db: db.clone(),
        user: "bench".to_string(),
        clock: Arc::new(move || now),
        token: token.clone(),
    })
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(recall::web::serve(listener, app, std::future::pending()));

    let mut client = Client::connect(addr);
    let started = client.post("/drill/start", &format!("token={token}"));
    assert_eq!(started.0, 303);
    let mut next_id = 1;
    let (mut answer_times, mut static_times, mut page_times, mut static2_times) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut answer_ratios, mut page_ratios) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let base = block(|| client.get("/static/app.css"), 200);
        let answers = block(
            || {
                let body = format!("token={token}&run=1&id={next_id}&grade=3");
                next_id += 1;
                client.post("/drill/grade", &body)
            },
            303,
        );
        let base2 = block(|| client.get("/static/app.css"), 200);
        let pages = block(|| client.get("/drill"), 200);
        answer_ratios.push(total(&answers) / total(&base));
        page_ratios.push(total(&pages) / total(&base2));
        static_times.extend(base);
        answer_times.extend(answers);
        static2_times.extend(base2);
        page_times.extend(pages);
    }
    println!(
        "recall web benchmark · {} rounds of {PER_ROUND} requests each, alternated",
        ROUNDS
    );
    println!(
        "{:<44} {:>9} {:>9} {:>9}   {:>7}  {:>13}",
        "request", "req/s", "p50", "p99", "ratio", "ratio spread"
    );
    line("GET /static/app.css (baseline)", &mut static_times, None);
    line(
        "POST /drill/grade (answer, committed)",
        &mut answer_times,
        Some(&mut answer_ratios),
    );
    line("GET /static/app.css (baseline)", &mut static2_times, None);
    line(
        "GET /drill (a card page, rendered)",
        &mut page_times,
        Some(&mut page_ratios),
    );
}

/// A database with the shipped deck and a deck of `n` basic cards, for a
/// learner who may see all of them today.
fn prepare(db: &std::path::Path, n: usize) {
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T09:00:00Z")
        .unwrap()
        .to_utc();
    let mut store = recall::store::SqliteStore::open_for_use(
        db,
        recall::store::Access::ReadWrite,
        Some("bench"),
        at,
    )
    .unwrap();
    let mut text = String::from(
        "[deck]\nid = \"bench\"\ntitle = \"Bench\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "\n[[cards]]\nid = \"c{i}\"\narea = \"a\"\nkind = \"basic\"\nfront = \"Front {i}\"\nback = \"Back {i}\"\n"
        ));
    }
    let deck = recall::deck::check(std::path::Path::new("bench.toml"), &text)
        .deck
        .unwrap();
    store.remove_deck(&"case-management-skills".into()).unwrap();
    store.install_deck(&deck, at).unwrap();
    let user = store.user("bench").unwrap().unwrap();
    store
        .set(&user, Setting::NewPerDay(u32::try_from(n).unwrap()))
        .unwrap();
}

/// Times `PER_ROUND` requests, each checked for `status`.
fn block(mut f: impl FnMut() -> (u16, Duration), status: u16) -> Vec<Duration> {
    (0..PER_ROUND)
        .map(|_| {
            let (got, took) = f();
            assert_eq!(got, status);
            took
        })
        .collect()
}

fn total(times: &[Duration]) -> f64 {
    times.iter().map(Duration::as_secs_f64).sum()
}

fn line(name: &str, times: &mut [Duration], ratios: Option<&mut Vec<f64>>) {
    times.sort();
    #[allow(clippy::cast_precision_loss)]
    let rate = times.len() as f64 / total(times);
    let p = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let i = ((times.len() as f64 * q) as usize).min(times.len() - 1);
        format!("{:.2} ms", times[i].as_secs_f64() * 1000.0)
    };
    let (ratio, spread) = match ratios {
        Some(r) => {
            r.sort_by(f64::total_cmp);
            (
                format!("{:.1}x", r[r.len() / 2]),
                format!("{:.1}x-{:.1}x", r[0], r[r.len() - 1]),
            )
        }
        None => ("1.0x".to_string(), String::new()),
    };
    println!(
        "{:<44} {:>9.0} {:>9} {:>9}   {:>7}  {:>13}",
        name,
        rate,
        p(0.5),
        p(0.99),
        ratio,
        spread
    );
}

/// One kept-alive HTTP/1.1 connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Client {
    fn connect(addr: std::net::SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        Client {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            host: addr.to_string(),
        }
    }

    fn get(&mut self, path: &str) -> (u16, Duration) {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host);
        self.exchange(&request)
    }

    fn post(&mut self, path: &str, body: &str) -> (u16, Duration) {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {1}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.exchange(&request)
    }

    /// Sends a request and reads its whole response: the status, and the
    /// time from the first byte sent to the last byte read.
    fn exchange(&mut self, request: &str) -> (u16, Duration) {
        let started = Instant::now();
        self.writer.write_all(request.as_bytes()).unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut length = 0;
        loop {
            line.clear();
            self.reader.read_line(&mut line).unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap();
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).unwrap();
        (status, started.elapsed())
    }
}
