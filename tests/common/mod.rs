//! One helper for end-to-end tests: a temporary home for the database and
//! a fixed clock, zone and colour setting, so a test reads as a session.

#![allow(dead_code)]

use assert_cmd::Command;

pub struct Env {
    dir: std::path::PathBuf,
    now: String,
    tz: String,
    _guard: TempDir,
}

/// A directory removed when the test ends.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Env {
    pub fn new() -> Env {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "recall-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Env {
            dir: dir.clone(),
            now: "2026-03-02T09:00:00Z".to_string(),
            tz: "UTC".to_string(),
            _guard: TempDir(dir),
        }
    }

    /// The same environment at another instant (RFC 3339).
    pub fn on(mut self, now: &str) -> Env {
        self.now = now.to_string();
        self
    }

    /// The same environment in another zone (a TZ name).
    pub fn tz(mut self, tz: &str) -> Env {
        self.tz = tz.to_string();
        self
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// `recall` with these arguments in this environment.
    pub fn recall<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Command::from_std(self.process(args))
    }

    /// The same, as a process to spawn.
    pub fn process<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("recall"));
        cmd.args(args)
            .env_clear()
            .env("RECALL_NOW", &self.now)
            .env("RECALL_DB", self.dir.join("recall.sqlite3"))
            .env("RECALL_USER", "tester")
            .env("TZ", &self.tz)
            .env("NO_COLOR", "1")
            .env("HOME", &self.dir)
            .current_dir(&self.dir);
        cmd
    }
}

/// Answers cards of the shipped deck for `user` over `days` study days
/// starting at `start` (09:00 UTC each day), through the library: every
/// due card, then up to `new` new ones, with qualities from a fixed cycle.
/// Returns the number of answers.
pub fn answer_days(
    store: &mut recall::store::Store,
    user: i64,
    start: chrono::DateTime<chrono::Utc>,
    days: u32,
    new: usize,
) -> usize {
    use recall::sched::{Quality, Rollover, StudyDay};
    use recall::store::{CardKey, Mode};
    const QUALITIES: [u8; 11] = [5, 4, 3, 4, 2, 5, 4, 1, 4, 3, 0];
    let deck = "case-management-skills";
    let cards = store.deck_cards(deck).unwrap();
    let mut answered = 0;
    for d in 0..days {
        let at = start + chrono::Duration::days(i64::from(d));
        let today = StudyDay::of(&at, Rollover::DEFAULT);
        let mut fresh = 0;
        for card in &cards {
            let key = CardKey {
                deck: deck.to_string(),
                card: card.id.clone(),
            };
            let state = store.card_state(user, &key).unwrap();
            let due = match state.due {
                Some(due) => due <= today,
                None if fresh < new => {
                    fresh += 1;
                    true
                }
                None => false,
            };
            if !due {
                continue;
            }
            let q = Quality::new(QUALITIES[answered % QUALITIES.len()]).unwrap();
            let mode = if answered % 7 == 6 {
                Mode::Quiz
            } else {
                Mode::Drill
            };
            let when = at + chrono::Duration::seconds(answered as i64);
            store
                .record_review(user, &key, q, mode, when, today, Some(1500))
                .unwrap();
            answered += 1;
            if q.value() < 4 {
                // SM-2's end-of-session repeat: logged, not rescheduled.
                store
                    .record_review(
                        user,
                        &key,
                        Quality::new(4).unwrap(),
                        Mode::DrillRepeat,
                        when,
                        today,
                        None,
                    )
                    .unwrap();
            }
        }
    }
    answered
}
