//! The class server on PostgreSQL while the database server is stopped
//! (`pg_ctl stop -m fast`) and started again in the middle of a class's
//! drills: every answer whose response said saved is in the log, and
//! none twice, even one saved as the database went away; while
//! the database is away, learners get 503 with one sentence ("could not
//! save"), never a 500; and the server carries on once it is back,
//! without a restart: every learner finishes their drill.
//!
//! This test binary has a cluster of its own (it stops it).

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::http::Client;
use common::server::Server;

const LEARNERS: usize = 12;
const CARDS: usize = 15;

/// What one learner saw.
#[derive(Default)]
struct Seen {
    /// Answers the server said it saved (303).
    saved: usize,
    /// Every status, counted.
    statuses: HashMap<u16, usize>,
    /// A 503's sentence, once seen.
    unavailable: Option<String>,
}

/// A learner drilling until their drill is done, retrying what the server
/// could not save, as a browser's learner would (reload, answer again).
fn drill(addr: SocketAddr, cookie: &str, token: &str, answered: &AtomicUsize) -> Seen {
    let mut seen = Seen::default();
    let started = Instant::now();
    let mut client = Client::connect(addr, cookie);
    let note = |seen: &mut Seen, status: u16, body: &str| {
        *seen.statuses.entry(status).or_default() += 1;
        if status == 503 && seen.unavailable.is_none() {
            seen.unavailable = Some(body.to_string());
        }
    };
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the drill ends"
        );
        let (status, _) = client.post("/drill/start", &format!("token={token}&limit={CARDS}"));
        let body = client.body.clone();
        note(&mut seen, status, &body);
        if status == 303 {
            break;
        }
        if status == 0 {
            client = Client::connect(addr, cookie);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the drill ends"
        );
        let (status, _) = client.get("/drill");
        let page = client.body.clone();
        note(&mut seen, status, &page);
        if status == 0 {
            client = Client::connect(addr, cookie);
            continue;
        }
        if status != 200 {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        if !page.contains("name=\"id\"") && !page.contains("?show=") {
            return seen; // the summary: done
        }
        // The card now: its presentation number, from the page.
        let id = page
            .split("show=")
            .nth(1)
            .or_else(|| page.split("name=\"id\" value=\"").nth(1))
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no card number in {page}"));
        let (status, _) = client.post(
            "/drill/grade",
            &format!("token={token}&run=1&id={id}&grade=3"),
        );
        let body = client.body.clone();
        note(&mut seen, status, &body);
        if status == 303 {
            seen.saved += 1;
            answered.fetch_add(1, Ordering::Relaxed);
        } else if status == 0 {
            client = Client::connect(addr, cookie);
        } else {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn a_database_restart_in_the_middle_of_drills_loses_no_saved_answer() {
    let Some(cluster) = common::pg::cluster() else {
        return;
    };
    let url = cluster.database();
    let learners = common::class::logged_in(&url, LEARNERS, CARDS);
    let server = Server::class(
        assert_cmd::cargo::cargo_bin!("recall"),
        &url,
        "2026-03-02T09:00:00Z",
    );
    let addr = server.addr;

    let answered = AtomicUsize::new(0);
    let seen: Vec<Seen> = std::thread::scope(|scope| {
        let drills: Vec<_> = learners
            .iter()
            .map(|(_, cookie, token)| {
                let answered = &answered;
                scope.spawn(move || drill(addr, cookie, token, answered))
            })
            .collect();
        // A third of the way in, the database server stops, stays away
        // a moment, and comes back.
        let started = Instant::now();
        while answered.load(Ordering::Relaxed) < LEARNERS * CARDS / 3 {
            assert!(started.elapsed() < Duration::from_secs(60), "drills go on");
            std::thread::sleep(Duration::from_millis(5));
        }
        cluster.stop();
        std::thread::sleep(Duration::from_millis(700));
        cluster.start();
        drills.into_iter().map(|d| d.join().unwrap()).collect()
    });
    let log = server.stop();

    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for s in &seen {
        for (k, v) in &s.statuses {
            *statuses.entry(*k).or_default() += v;
        }
    }
    eprintln!("statuses: {statuses:?}");
    assert!(!statuses.contains_key(&500), "no 500: {statuses:?}\n{log}");
    assert!(
        statuses.keys().all(|s| [0, 200, 303, 409, 503].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.get(&503).copied().unwrap_or(0) > 0,
        "the stop was seen: {statuses:?}"
    );
    let sentence = seen.iter().find_map(|s| s.unavailable.clone()).unwrap();
    assert!(sentence.contains("could not save"), "{sentence}");
    assert!(!sentence.contains("panicked") && !sentence.contains("backtrace"));
    // Every answer the server said it saved is in the log, once; every
    // learner finished.
    let saved: usize = seen.iter().map(|s| s.saved).sum();
    let (histories, states) = std::thread::spawn(move || {
        let store = recall::store::open_plain(std::path::Path::new(&url)).unwrap();
        let mut histories = Vec::new();
        for n in 0..LEARNERS {
            let user = store.user(&format!("learner{n}")).unwrap().unwrap();
            histories.push(store.history(user.id).unwrap().len());
        }
        (histories, recall::review::check(&*store).unwrap())
    })
    .join()
    .unwrap();
    // A saved answer lost would bring its card back, answered and saved
    // again: more saved than logged. An answer whose commit reached the
    // database just as it went away is answered 503 (the server cannot
    // know it was saved) and shown again; answered again, it is found by
    // the id made when the card was shown, and not logged twice.
    for (n, (s, logged)) in seen.iter().zip(&histories).enumerate() {
        assert_eq!(*logged, CARDS, "learner{n} finished, once: {histories:?}");
        assert!(
            s.saved <= *logged,
            "learner{n}: {} said saved, {logged} logged",
            s.saved
        );
    }
    assert!(saved >= LEARNERS * CARDS - statuses.get(&409).copied().unwrap_or(0));
    assert!(
        states.mismatches.is_empty(),
        "states are the replay of the log"
    );
}
