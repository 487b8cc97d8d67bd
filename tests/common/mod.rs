//! One helper for end-to-end tests: a temporary home for the database and
//! a fixed clock, zone and colour setting, so a test reads as a session.

#![allow(dead_code)]

pub mod class;
pub mod http;
pub mod pg;
pub mod server;

use std::collections::HashMap;

use recall::deck::{Card, Content};

use assert_cmd::Command;

pub struct Env {
    dir: std::path::PathBuf,
    /// The database, when not the directory's SQLite file: a
    /// `postgres://` URL.
    db: Option<String>,
    now: String,
    tz: String,
    _guard: Option<TempDir>,
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
            db: None,
            now: "2026-03-02T09:00:00Z".to_string(),
            tz: "UTC".to_string(),
            _guard: Some(TempDir(dir)),
        }
    }

    /// An environment in the directory of another, which keeps it.
    pub fn new_in(dir: &std::path::Path) -> Env {
        Env {
            dir: dir.to_path_buf(),
            db: None,
            now: "2026-03-02T09:00:00Z".to_string(),
            tz: "UTC".to_string(),
            _guard: None,
        }
    }

    /// The same environment at another instant (RFC 3339).
    pub fn on(mut self, now: &str) -> Env {
        self.now = now.to_string();
        self
    }

    /// Another environment on this one's directory and database, at `now`.
    pub fn clone_on(&self, now: &str) -> Env {
        Env {
            dir: self.dir.clone(),
            db: self.db.clone(),
            now: now.to_string(),
            tz: self.tz.clone(),
            _guard: None,
        }
    }

    /// Another environment on this one's directory and time, on `db`.
    pub fn clone_with_db(&self, db: &str) -> Env {
        Env {
            dir: self.dir.clone(),
            db: Some(db.to_string()),
            now: self.now.clone(),
            tz: self.tz.clone(),
            _guard: None,
        }
    }

    /// The same environment on another database (a `postgres://` URL).
    pub fn with_db(mut self, url: &str) -> Env {
        self.db = Some(url.to_string());
        self
    }

    /// The database every command here uses: the URL, or the file.
    pub fn db(&self) -> std::path::PathBuf {
        self.db
            .as_ref()
            .map_or_else(|| self.dir.join("recall.sqlite3"), std::path::PathBuf::from)
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
            .env("RECALL_DB", self.db())
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
    store: &mut recall::store::SqliteStore,
    user: recall::model::UserId,
    start: chrono::DateTime<chrono::Utc>,
    days: u32,
    new: usize,
) -> usize {
    use recall::sched::{Quality, Rollover, StudyDay};
    use recall::store::prelude::*;
    use recall::store::{CardKey, DeckId, Mode};
    const QUALITIES: [u8; 11] = [5, 4, 3, 4, 2, 5, 4, 1, 4, 3, 0];
    let deck = "case-management-skills";
    let cards = store.deck_cards(&DeckId::from(deck)).unwrap();
    let mut answered = 0;
    for d in 0..days {
        let at = start + chrono::Duration::days(i64::from(d));
        let today = StudyDay::of(&at, Rollover::DEFAULT);
        let mut fresh = 0;
        for card in &cards {
            let key = CardKey::new(deck, card.id.as_str());
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
            record(store, user, &key, q, mode, when, today, Some(1500));
            answered += 1;
            if q.value() < 4 {
                // SM-2's end-of-session repeat: logged, not rescheduled.
                let four = Quality::new(4).unwrap();
                record(
                    store,
                    user,
                    &key,
                    four,
                    Mode::DrillRepeat,
                    when,
                    today,
                    None,
                );
            }
        }
    }
    answered
}

/// SM-2 as published (super-memory.com/english/ol/sm2.htm), worked here
/// in floating point, independently of `src/sched`: the state after
/// answering `q` on `today`. The E-Factor after each answer is
/// EF + (0.1 - (5-q)(0.08 + (5-q)0.02)), at least 1.3, rounded to the
/// hundredth; the interval is 1, then 6, then the last one times the
/// E-Factor before this answer, rounded up, at most 36,500 days; a quality
/// below 3 starts over at 1 without touching the E-Factor's update; a
/// failure of a card recalled before is a lapse.
#[allow(dead_code)]
pub fn sm2(
    before: &recall::sched::State,
    q: u8,
    today: recall::sched::StudyDay,
) -> recall::sched::State {
    use recall::sched::{Ease, Interval, State};
    let ef = f64::from(before.ease.hundredths()) / 100.0;
    let d = f64::from(5 - q);
    let next_ef = (ef + (0.1 - d * (0.08 + d * 0.02))).max(1.3);
    let (repetitions, interval) = if q >= 3 {
        let interval = match before.repetitions {
            0 => 1.0,
            1 => 6.0,
            // A hair under, so that 6 x 2.5 stays 15 and is not pushed to
            // 16 by the float error of 2.5's neighbours.
            _ => (f64::from(before.interval.get()) * ef - 1e-9).ceil(),
        };
        (before.repetitions + 1, interval.min(36_500.0))
    } else {
        (0, 1.0)
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (interval, hundredths) = (interval as u32, (next_ef * 100.0).round() as u16);
    State {
        repetitions,
        ease: Ease::from_hundredths(hundredths),
        interval: Interval::days(interval),
        lapses: before.lapses + u32::from(q < 3 && before.repetitions > 0),
        due: Some(today.plus_days(interval)),
    }
}

/// Records one answer through the review rules, as a drill or quiz does.
#[allow(clippy::too_many_arguments, dead_code)]
pub fn record(
    store: &mut recall::store::SqliteStore,
    user: recall::model::UserId,
    card: &recall::model::CardKey,
    quality: recall::sched::Quality,
    mode: recall::model::Mode,
    at: chrono::DateTime<chrono::Utc>,
    day: recall::sched::StudyDay,
    response_ms: Option<u32>,
) -> recall::sched::State {
    let answer = recall::review::Answer {
        user,
        card: card.clone(),
        quality,
        mode,
        at,
        day,
        response_ms,
    };
    recall::review::record(store, &answer).unwrap().after
}

/// A `recall` process driven line by line through pipes, as a learner
/// answering prompt after prompt: what it printed so far can be waited
/// for, and it can be killed at a chosen point.
pub struct Drive {
    pub child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    out: std::io::BufReader<std::process::ChildStdout>,
    /// Every line read so far.
    pub transcript: Vec<String>,
}

impl Drive {
    pub fn spawn(mut cmd: std::process::Command) -> Drive {
        use std::process::Stdio;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn recall");
        let stdin = child.stdin.take();
        let out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        Drive {
            child,
            stdin,
            out,
            transcript: Vec::new(),
        }
    }

    /// The next line printed, or `None` at the end of the output.
    pub fn line(&mut self) -> Option<String> {
        use std::io::BufRead;
        let mut line = String::new();
        match self.out.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => {
                let line = line.trim_end_matches('\n').to_string();
                self.transcript.push(line.clone());
                Some(line)
            }
        }
    }

    /// Reads lines until one satisfies `want`; that line.
    pub fn until(&mut self, want: impl Fn(&str) -> bool) -> Option<String> {
        while let Some(line) = self.line() {
            if want(&line) {
                return Some(line);
            }
        }
        None
    }

    /// Types `text` (lines end with `\n`).
    pub fn send(&mut self, text: &str) {
        use std::io::Write;
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = stdin.write_all(text.as_bytes());
            let _ = stdin.flush();
        }
    }

    /// Ends the input, as Ctrl-D would.
    pub fn close(&mut self) {
        self.stdin = None;
    }

    /// Kills the process at once (SIGKILL) and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to end; its exit code and what it printed
    /// after the lines already read, and its standard error.
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        use std::io::Read;
        self.stdin = None;
        let mut rest = String::new();
        let _ = self.out.read_to_string(&mut rest);
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let status = self.child.wait().expect("wait");
        (status.code(), rest, err)
    }
}

/// What a learner types at a drill's prompt line, if it is one: Enter to
/// reveal or accept a good grade, Good for a self-graded card or instead
/// of a proposed Again or Hard (so SM-2's repeats come to an end), the
/// first option, true, or a typed word.
pub fn reply(line: &str) -> Option<&'static str> {
    if line.starts_with("Enter: Again") || line.starts_with("Enter: Hard") {
        Some("3\n")
    } else if line.starts_with("Enter:") {
        Some("\n")
    } else if line == "1 Again · 2 Hard · 3 Good · 4 Easy" {
        Some("3\n")
    } else if line.starts_with("Pick one:") || line.starts_with("Pick every right one") {
        Some("a\n")
    } else if line == "t true · f false" {
        Some("t\n")
    } else if line.starts_with("Your answer") || line.starts_with("Nothing typed") {
        Some("something\n")
    } else {
        None
    }
}

/// Whether a drill line starts a card: its progress line.
pub fn card_starts(line: &str) -> bool {
    line.starts_with("repeat · ")
        || line.split_once(" · ").is_some_and(|(head, _)| {
            head.split_once('/').is_some_and(|(a, b)| {
                a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
            })
        })
}

/// The line a card's prompt shows first.
pub fn prompt(card: &Card) -> String {
    card.content.prompt()
}

/// Answers a drill as a learner who knows every card: reads each card as
/// it is shown (its options in whatever order they come), answers it
/// rightly, and grades the cards of `plan` in turn with their keys ("":
/// Good, or the proposed grade). Returns what the drill printed, up to
/// where `stop_after` answers have been given (then the input ends).
pub fn answer(
    env: &Env,
    args: &[&str],
    cards: &HashMap<String, Card>,
    plan: &[(String, String)],
    stop_after: Option<usize>,
) -> (bool, String) {
    let mut d = Drive::spawn(env.process(std::iter::once("drill").chain(args.iter().copied())));
    let mut current: Option<&Card> = None;
    let mut options: Vec<String> = Vec::new();
    let mut given = 0;
    let mut after_progress = false;
    let grade = |d: &mut Drive, given: &mut usize, self_graded: bool| {
        let key = plan.get(*given).map_or("3", |(_, k)| k.as_str());
        *given += 1;
        match (key, self_graded) {
            ("", true) => d.send("3\n"),
            ("", false) => d.send("\n"),
            (key, _) => d.send(&format!("{key}\n")),
        }
        if stop_after == Some(*given) {
            d.send("\n");
            d.close();
        }
    };
    while let Some(line) = d.line() {
        if after_progress {
            current = cards.values().find(|c| prompt(c) == line);
            options.clear();
            after_progress = false;
        }
        if is_progress(&line) {
            after_progress = true;
        } else if let Some((_, text)) = line.strip_prefix("  ").and_then(|l| l.split_once(") ")) {
            options.push(text.to_string());
        } else if line == "Enter: show the answer" {
            d.send("\n");
        } else if line == "1 Again · 2 Hard · 3 Good · 4 Easy" {
            grade(&mut d, &mut given, true);
        } else if line.starts_with("Enter: ") {
            grade(&mut d, &mut given, false);
        } else if let Some(card) = current {
            match (&card.content, line.as_str()) {
                (Content::Choice { answer, .. }, l) if l.starts_with("Pick ") => {
                    let letters: String = options
                        .iter()
                        .zip('a'..)
                        .filter(|(o, _)| answer.contains(o))
                        .map(|(_, l)| l)
                        .collect();
                    d.send(&format!("{letters}\n"));
                }
                (Content::TrueFalse { answer, .. }, "t true · f false") => {
                    d.send(if *answer { "t\n" } else { "f\n" });
                }
                (Content::Typed { answer, .. }, l) if l.starts_with("Your answer") => {
                    d.send(&format!("{answer}\n"));
                }
                _ => {}
            }
        }
    }
    let mut out = d.transcript.join("\n");
    out.push('\n');
    let (code, rest, err) = d.finish();
    out.push_str(&rest);
    assert!(code == Some(0), "{out}{err}");
    (code == Some(0), out)
}

/// A progress line: `3/10 · Area`, `3/10` (where the area would give the
/// answer away), or `repeat · 2 left · Area`.
pub fn is_progress(line: &str) -> bool {
    let head = line.split_once(" · ").map_or(line, |(n, _)| n);
    line.starts_with("repeat · ")
        || head
            .split_once('/')
            .is_some_and(|(a, b)| a.parse::<u32>().is_ok() && b.parse::<u32>().is_ok())
}
