//! What every command may need from its environment, resolved once and
//! only when asked: the time, the user's name, the database.

use std::cell::OnceCell;
use std::path::PathBuf;

use super::Now;
use crate::store::{Store, User};
use crate::{Error, Result, deck};

pub(super) struct Context {
    user: Option<String>,
    db: Option<PathBuf>,
    now: OnceCell<Now>,
}

/// `recall.sqlite3` in the platform data directory, if there is one.
pub(super) fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "recall").map(|d| d.data_dir().join("recall.sqlite3"))
}

impl Context {
    pub fn new(user: Option<String>, db: Option<PathBuf>) -> Context {
        Context {
            user,
            db,
            now: OnceCell::new(),
        }
    }

    /// The time of this command (`RECALL_NOW`, else the clock), read once.
    pub fn now(&self) -> Result<Now> {
        if let Some(now) = self.now.get() {
            return Ok(*now);
        }
        let now = Now::from_env()?;
        Ok(*self.now.get_or_init(|| now))
    }

    /// A clock for a session that runs a while: frozen at `RECALL_NOW` when
    /// it is set, else the system clock read at each call.
    pub fn clock(&self) -> Result<Clock> {
        Ok(match std::env::var_os("RECALL_NOW") {
            Some(_) => Clock::Fixed(self.now()?),
            None => Clock::System,
        })
    }

    /// `--user`, else `RECALL_USER`, else the login name.
    pub fn user_name(&self) -> String {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        self.user
            .clone()
            .or_else(|| env("RECALL_USER"))
            .or_else(|| env("USER"))
            .or_else(|| env("USERNAME"))
            .or_else(|| env("LOGNAME"))
            .unwrap_or_else(|| "learner".to_string())
    }

    /// Opens the database: `--db`, else `RECALL_DB`, else the platform
    /// data directory (created on first use). A new database gets the
    /// shipped deck; an installed shipped deck older than this build's is
    /// brought up to date, keeping its history.
    pub fn store(&self) -> Result<Store> {
        let explicit = self.db.clone().or_else(|| {
            std::env::var_os("RECALL_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let path = match explicit {
            Some(path) => path,
            None => {
                let path = default_db_path().ok_or(Error::NoDataDir)?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                path
            }
        };
        let mut store = Store::open(&path)?;
        let installed = store.deck_version(deck::SHIPPED_ID)?;
        if store.created() || installed.is_some_and(|v| v < deck::SHIPPED_VERSION) {
            store.install_deck(&deck::shipped()?, self.now()?.utc())?;
        }
        Ok(store)
    }

    /// The user this command is for, who must exist.
    pub fn user(&self, store: &Store) -> Result<User> {
        let name = self.user_name();
        store.user(&name)?.ok_or(Error::UnknownUser(name))
    }
}

/// The time, read as often as a session needs it.
#[derive(Debug, Clone, Copy)]
pub(super) enum Clock {
    Fixed(Now),
    System,
}

impl Clock {
    pub fn now(self) -> Now {
        match self {
            Clock::Fixed(now) => now,
            Clock::System => Now::system(),
        }
    }
}
