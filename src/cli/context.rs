//! What every command may need from its environment, resolved once and
//! only when asked: the time, the user's name, the database.

use std::cell::OnceCell;
use std::path::PathBuf;

use super::Now;
use crate::store::{Access, Builtin, Opening, Store, User};
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

    /// A clock for a session that runs a while: at `RECALL_NOW` when it is
    /// set, moving on by `RECALL_TICK` seconds at each answer; else the
    /// system clock read at each call.
    pub fn clock(&self) -> Result<Clock> {
        if Now::env()?.is_none() {
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
        Ok(Clock::Scripted {
            start,
            tick: chrono::Duration::seconds(i64::from(tick)),
            answers: std::rc::Rc::new(std::cell::Cell::new(0)),
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
    pub fn store(&self, access: Access) -> Result<Store> {
        self.open(access, None)
    }

    /// Opens the database for the learner this command is for, adding them
    /// (with the database, on a first use) as a drill does.
    pub fn learner(&self, access: Access) -> Result<(Store, User)> {
        let name = self.user_name();
        crate::store::check_user_name(&name).map_err(Error::Usage)?;
        let store = self.open(access, Some(&name))?;
        let user = store.user(&name)?.ok_or(Error::UnknownUser(name))?;
        Ok((store, user))
    }

    fn open(&self, access: Access, user: Option<&str>) -> Result<Store> {
        let path = self.db_path()?;
        let load = || deck::shipped();
        let opening = Opening {
            access,
            builtin: Some(Builtin {
                id: deck::SHIPPED_ID,
                version: deck::SHIPPED_VERSION,
                load: &load,
            }),
            user,
            now: self.now()?.utc(),
        };
        Ok(Store::open_with(&path, &opening)?)
    }
}

/// The time, read as often as a session needs it.
#[derive(Debug, Clone)]
pub(super) enum Clock {
    /// `RECALL_NOW`, and `RECALL_TICK` seconds more at each answer: a
    /// script replays a session that runs past the rollover hour or a time
    /// limit, exactly.
    Scripted {
        start: Now,
        tick: chrono::Duration,
        answers: std::rc::Rc<std::cell::Cell<i32>>,
    },
    System,
}

impl Clock {
    pub fn now(&self) -> Now {
        match self {
            Clock::Scripted {
                start,
                tick,
                answers,
            } => tick
                .checked_mul(answers.get())
                .and_then(|d| start.plus(d))
                .unwrap_or(*start),
            Clock::System => Now::system(),
        }
    }

    /// An answer was given: a scripted clock moves on.
    pub fn answered(&self) {
        if let Clock::Scripted { answers, .. } = self {
            answers.set(answers.get().saturating_add(1));
        }
    }
}
