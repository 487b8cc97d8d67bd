//! What every command may need from its environment, resolved once and
//! only when asked: the time, the user's name, the database.

use std::cell::OnceCell;
use std::path::PathBuf;

use super::clock::{self, Clock};
use crate::sched::Now;
use crate::store::{Access, Db, User};
use crate::{Error, Result};

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
        let now = clock::from_env()?;
        Ok(*self.now.get_or_init(|| now))
    }

    /// A clock for a session that runs a while: at `RECALL_NOW` when it is
    /// set, moving on by `RECALL_TICK` seconds at each answer; else the
    /// system clock read at each call.
    pub fn clock(&self) -> Result<Clock> {
        if clock::env()?.is_none() {
            return Ok(Clock::System);
        }
        let start = self.now()?;
        let tick = match std::env::var("RECALL_TICK") {
            Ok(v) if v.trim().is_empty() => 0,
            Ok(v) => v.trim().parse::<u32>().map_err(|_| {
                Error::Usage(format!(
                    "RECALL_TICK={}: the seconds between answers, a whole number",
                    crate::text::quoted(&v)
                ))
            })?,
            Err(std::env::VarError::NotPresent) => 0,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Error::Usage("RECALL_TICK is not UTF-8 text".to_string()));
            }
        };
        Ok(Clock::new(Some(start), tick))
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

    /// The database file: `--db`, else `RECALL_DB`, else the platform
    /// data directory (created on first use).
    pub fn db_path(&self) -> Result<PathBuf> {
        let explicit = self.db.clone().or_else(|| {
            std::env::var_os("RECALL_DB")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        if let Some(path) = explicit {
            return Ok(path);
        }
        let path = default_db_path().ok_or(Error::NoDataDir)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Ok(path)
    }

    /// Opens the database. A database that has never had a deck gets the
    /// shipped one, in the transaction that creates it; an installed
    /// shipped deck older than this build's is brought up to date, keeping
    /// its history.
    pub fn store(&self, access: Access) -> Result<Db> {
        Ok(self.open(access, None)?.0)
    }

    /// Opens the database for the learner this command is for, adding them
    /// (with the database, on a first use) as a drill does.
    pub fn learner(&self, access: Access) -> Result<(Db, User)> {
        let (store, user, _) = self.learner_opened(access)?;
        Ok((store, user))
    }

    /// The same, and whether this open added the learner.
    pub fn learner_opened(&self, access: Access) -> Result<(Db, User, bool)> {
        let name = self.user_name();
        crate::store::check_user_name(&name).map_err(Error::Usage)?;
        let (store, added) = self.open(access, Some(&name))?;
        let user = store.user(&name)?.ok_or(Error::UnknownUser(name))?;
        Ok((store, user, added))
    }

    fn open(&self, access: Access, user: Option<&str>) -> Result<(Db, bool)> {
        let path = self.db_path()?;
        let now = self.now()?.utc();
        Ok(crate::store::open_for_use(&path, access, user, now)?)
    }
}
