//! The instructor's heat map at organisation scale, on PostgreSQL: a class
//! of 500 learners studying the shipped deck (11 areas), 5,000,000 reviews
//! over two years (10,000 a learner, 14 a day). `cargo bench --bench heat`.
//!
//! Timed: `GET /classes/ID?days=30` from the instructor's browser session
//! on `recall serve --class` (the whole dashboard: every learner's report,
//! the heat map, exam results, the cards failed most), against the single
//! SQL aggregate the heat map needs (each learner's scheduled reviews per
//! area in the 30 days, and how many passed) run on a client of its own.
//! Alternated, 7 runs each after one warm-up; median and spread.

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;

#[path = "../tests/common/http.rs"]
#[allow(dead_code)]
mod http;

#[path = "../tests/common/server.rs"]
#[allow(dead_code)]
mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use recall::store::{Access, Login, Role};

const LEARNERS: i64 = 500;
const PER_LEARNER: i64 = 10_000;
const PER_DAY: i64 = 14;
const RUNS: usize = 7;
const NOW: &str = "2026-11-26T09:00:00Z";
/// The 30-day window ending on `NOW`'s study day.
const SINCE: &str = "2026-10-28";
const TODAY: &str = "2026-11-26";

fn main() {
    let Some(cluster) = pg::cluster() else {
        println!("heat map: PostgreSQL is not installed here; skipped");
        return;
    };
    let url = cluster.database();
    println!(
        "recall heat map · {LEARNERS} learners x 11 areas · {} reviews · PostgreSQL · {} cores",
        LEARNERS * PER_LEARNER,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let started = Instant::now();
    let (class, cookie) = set_up(&url);
    let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    fill(&mut db);
    println!(
        "generated in {:.0} s: {} reviews, {} card states",
        started.elapsed().as_secs_f64(),
        count(&mut db, "SELECT COUNT(*) FROM reviews"),
        count(&mut db, "SELECT COUNT(*) FROM card_state")
    );

    let server = server::Server::class(Path::new(env!("CARGO_BIN_EXE_recall")), &url, NOW);
    let mut browser = http::Client::connect(server.addr, &cookie);
    let page = format!("/classes/{class}?days=30");
    let ids: Vec<i64> = db
        .query("SELECT user_id FROM class_members", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let aggregate = db.prepare(AGGREGATE).unwrap();
    let mut cells = 0;
    let mut heat = Vec::new();
    let mut base = Vec::new();
    for run in 0..=RUNS {
        let (status, took) = browser.get(&page);
        assert_eq!(status, 200, "{}", browser.body);
        assert_eq!(
            browser.body.matches("<tr><th scope=\"row\"").count(),
            500,
            "a row per learner"
        );
        let t = Instant::now();
        let rows = db
            .query(
                &aggregate,
                &[&ids, &"case-management-skills", &SINCE, &TODAY],
            )
            .unwrap();
        let took_base = t.elapsed();
        cells = rows.len();
        if run > 0 {
            heat.push(took);
            base.push(took_base);
        }
    }
    let read = count(
        &mut db,
        &format!("SELECT COUNT(*) FROM reviews WHERE study_day BETWEEN '{SINCE}' AND '{TODAY}'"),
    );
    let peak = server.peak_mb();
    drop(server);
    let (h, b) = (spread(&mut heat), spread(&mut base));
    println!("{:<44} {:>10} {:>20}", "", "median", "min .. max");
    println!(
        "{:<44} {:>10} {:>20}",
        "the dashboard page (heat map)",
        ms(h.1),
        format!("{} .. {}", ms(h.0), ms(h.2))
    );
    println!(
        "{:<44} {:>10} {:>20}",
        "the single SQL aggregate",
        ms(b.1),
        format!("{} .. {}", ms(b.0), ms(b.2))
    );
    println!(
        "ratio {:.2}x (median over median) · {cells} cells · {read} reviews in the window · server peak {:.0} MB",
        h.1.as_secs_f64() / b.1.as_secs_f64(),
        peak
    );
}

/// The heat map's cells in one statement: per learner and area, the
/// scheduled reviews in the window (each card's first drill or quiz answer
/// of a study day, when already learned) and how many passed.
const AGGREGATE: &str = "
SELECT user_id, area_id, COUNT(*), COUNT(*) FILTER (WHERE quality >= 3)
FROM (
    SELECT DISTINCT ON (r.user_id, r.study_day, r.deck_id, r.card_id)
        r.user_id, c.area_id, r.quality, r.before_reps
    FROM reviews r JOIN cards c ON c.deck_id = r.deck_id AND c.id = r.card_id
    WHERE r.user_id = ANY($1) AND r.deck_id = $2 AND r.study_day BETWEEN $3 AND $4
      AND r.mode IN ('drill', 'quiz')
    ORDER BY r.user_id, r.study_day, r.deck_id, r.card_id, r.reviewed_at COLLATE \"C\"
) f
WHERE before_reps >= 1
GROUP BY user_id, area_id";

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-11-01T09:00:00Z")
        .unwrap()
        .to_utc()
}

/// The shipped deck, an instructor logged in, a class of `LEARNERS`
/// studying it: the class's id and the instructor's login cookie.
fn set_up(url: &str) -> (i64, String) {
    let (mut store, _) =
        recall::store::open_for_use(Path::new(url), Access::ReadWrite, None, at()).unwrap();
    store
        .install_deck(&recall::deck::shipped().unwrap(), at())
        .unwrap();
    let teacher = store
        .add_account("teacher", Role::Instructor, None, at())
        .unwrap()
        .unwrap();
    let secret = recall::accounts::new_secret();
    store
        .add_login(&Login {
            token_hash: recall::accounts::secret_hash(&secret),
            user: teacher.user.id,
            csrf: recall::web::new_token(),
            created: at(),
            expires: at() + chrono::Duration::days(3650),
        })
        .unwrap();
    let class = store
        .add_class(teacher.user.id, "Organisation", at())
        .unwrap()
        .unwrap();
    store
        .assign_deck(class.id, &recall::deck::SHIPPED_ID.into())
        .unwrap();
    for n in 0..LEARNERS {
        let user = store
            .add_account(&format!("learner{n:03}"), Role::Learner, None, at())
            .unwrap()
            .unwrap()
            .user;
        store.add_member(class.id, user.id, at()).unwrap();
    }
    (class.id.0, secret)
}

/// Each learner's history in SQL: `PER_DAY` cards a day ending the day
/// before `NOW`, about 85% passed, about two in three mature; then each
/// card's state, its last review's; then vacuumed and analysed, as
/// autovacuum leaves an established database.
fn fill(db: &mut postgres::Client) {
    let days = PER_LEARNER / PER_DAY;
    let chunk = 50;
    for first in (0..LEARNERS).step_by(chunk) {
        db.execute(
            &format!(
                "INSERT INTO reviews (uid, user_id, deck_id, card_id, reviewed_at, study_day, mode,
                    quality, response_ms, before_reps, before_ease, before_interval, before_due,
                    before_lapses, after_reps, after_ease, after_interval, after_due, after_lapses)
                 SELECT u.id || '-' || n, u.id, d.deck, d.ids[1 + (n + u.id) % d.k],
                    to_char(day + make_interval(hours => 9, mins => (n % {PER_DAY})::int),
                        'YYYY-MM-DD\"T\"HH24:MI:SS.000\"Z\"'),
                    to_char(day, 'YYYY-MM-DD'), 'drill',
                    CASE WHEN (n * 7919 + u.id * 104729) % 100 < 85 THEN 4 ELSE 2 END, 4000,
                    1 + (n / 136) % 6, 250, 1 + (n * 37) % 60, to_char(day, 'YYYY-MM-DD'), 0,
                    2 + (n / 136) % 6, 250, 2 + (n * 37) % 60,
                    to_char(day + (2 + (n * 37) % 60)::int, 'YYYY-MM-DD'), 0
                 FROM (SELECT user_id AS id FROM class_members ORDER BY user_id OFFSET $1 LIMIT {chunk}) u
                 CROSS JOIN (SELECT deck_id AS deck, array_agg(id ORDER BY position) AS ids,
                        COUNT(*)::int AS k
                     FROM cards WHERE deck_id = 'case-management-skills' GROUP BY deck_id) d
                 CROSS JOIN generate_series(0, {PER_LEARNER} - 1) n
                 CROSS JOIN LATERAL (SELECT DATE '{TODAY}' - {days} - 1 + (n / {PER_DAY})::int
                     AS day) t"
            ),
            &[&first],
        )
        .unwrap();
    }
    db.batch_execute(
        "INSERT INTO card_state (user_id, deck_id, card_id, repetitions, ease, interval, due,
            lapses, last_review)
         SELECT DISTINCT ON (user_id, deck_id, card_id) user_id, deck_id, card_id, after_reps,
            after_ease, after_interval, after_due, after_lapses, reviewed_at
         FROM reviews ORDER BY user_id, deck_id, card_id, reviewed_at DESC",
    )
    .unwrap();
    db.batch_execute("VACUUM ANALYZE").unwrap();
}

fn count(db: &mut postgres::Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).unwrap().get(0)
}

/// (min, median, max).
fn spread(v: &mut [Duration]) -> (Duration, Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}
