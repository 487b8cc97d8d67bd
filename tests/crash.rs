//! Killed at any moment, recall keeps every answer it showed as saved, and
//! a first use cut short leaves a database that finishes itself on the
//! next run. The kill points are drawn from a fixed seed; no test sleeps.

mod common;

use common::{Drive, Env, card_starts, reply};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn reviews(path: &std::path::Path) -> i64 {
    if !path.exists() {
        return 0;
    }
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT COUNT(*) FROM reviews", [], |r| r.get(0))
        .unwrap_or(0)
}

/// Sends `signal` to the process and waits for it to end.
fn kill(d: Drive, signal: i32) {
    #[cfg(unix)]
    {
        let pid = libc::pid_t::try_from(d.child.id()).unwrap();
        // SAFETY: the pid is our own child's, not yet reaped.
        unsafe { libc::kill(pid, signal) };
        let mut d = d;
        let _ = d.child.wait();
    }
    #[cfg(not(unix))]
    {
        let _ = signal;
        d.kill();
    }
}

const SIGNALS: [i32; 3] = [libc::SIGKILL, libc::SIGTERM, libc::SIGINT];

#[test]
fn killed_drills_keep_every_answer_whose_next_card_appeared() {
    let mut rng = StdRng::seed_from_u64(2026);
    let env = Env::new();
    let path = env.dir().join("recall.sqlite3");
    let mut kept = 0;
    for round in 0..30 {
        let day = 2 + round / 5;
        let env = Env::new_in(env.dir()).on(&format!("2026-03-{day:02}T09:00:00Z"));
        let env = &env;
        let before = reviews(&path);
        let mut d = Drive::spawn(env.process(["drill", "--new", "8"]));
        // Answers the drill has shown a next card (or its summary) after,
        // and answers sent in all.
        let (mut shown_saved, mut sent) = (0, 0);
        let wanted = rng.random_range(0..6);
        let at_once = rng.random_bool(0.5);
        let mut graded = false;
        while let Some(line) = d.line() {
            if graded && (card_starts(&line) || line.contains(" done, ")) {
                shown_saved += 1;
                graded = false;
                if shown_saved == wanted && !at_once {
                    break;
                }
            }
            let Some(r) = reply(&line) else { continue };
            d.send(r);
            let grade = line == "1 Again · 2 Hard · 3 Good · 4 Easy"
                || (line.starts_with("Enter: ") && !line.starts_with("Enter: show"));
            if grade {
                sent += 1;
                graded = true;
                // Killed right after the answer is typed: it may or may
                // not be saved yet, but nothing before it may be lost.
                if at_once && sent == wanted + 1 {
                    break;
                }
            }
        }
        kill(d, SIGNALS[round % SIGNALS.len()]);
        let added = reviews(&path) - before;
        assert!(
            added >= shown_saved && added <= sent,
            "round {round}: {added} saved, {shown_saved} shown as saved, {sent} sent"
        );
        kept += added;
        let out = env.recall(["check"]).output().unwrap();
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    assert!(kept > 20, "the rounds answered something ({kept})");
}

#[test]
fn a_killed_first_use_leaves_a_database_that_installs_the_deck() {
    for round in 0..16 {
        let env = Env::new();
        let path = env.dir().join("recall.sqlite3");
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        let wal = std::path::PathBuf::from(wal);
        let d = Drive::spawn(env.process(["status"]));
        // Kill points: at once; once the file exists; once it has bytes;
        // once the -wal exists.
        let mut d = d;
        let reached = |round: usize| match round % 4 {
            0 => true,
            1 => path.exists(),
            2 => std::fs::metadata(&path).is_ok_and(|m| m.len() > 0),
            _ => wal.exists(),
        };
        while !reached(round) {
            if d.child.try_wait().unwrap().is_some() {
                break;
            }
            std::hint::spin_loop();
        }
        kill(d, SIGNALS[round % SIGNALS.len()]);
        // The next run finishes what the first began.
        let mut next = Drive::spawn(env.process(["drill", "--limit", "1"]));
        while let Some(line) = next.line() {
            if let Some(r) = reply(&line) {
                next.send(r);
            }
        }
        let transcript = next.transcript.join("\n");
        let (code, _, err) = next.finish();
        assert_eq!(code, Some(0), "round {round}: {err}");
        assert!(
            transcript.contains("1 card done"),
            "round {round}: {transcript}"
        );
        let out = env.recall(["check"]).output().unwrap();
        assert!(out.status.success(), "round {round}");
    }
}
