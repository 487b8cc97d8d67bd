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
        let mut cmd = Command::cargo_bin("recall").expect("the recall binary");
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
