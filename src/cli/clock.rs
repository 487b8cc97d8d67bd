//! The one place the program reads the time: `RECALL_NOW` when set, else
//! the system clock, seen in the machine's local zone (which honours `TZ`).
//! A session that runs a while reads it through [`Clock`], which a script
//! moves on by `RECALL_TICK` seconds at each answer.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{DateTime, Local, Utc};

use crate::sched::Now;
use crate::{Error, Result};

/// `RECALL_NOW` (RFC 3339) if set and not empty, else the system clock;
/// either way in the local zone.
pub fn from_env() -> Result<Now> {
    match env()? {
        Some(value) => parse(&value),
        None => Ok(system()),
    }
}

/// `RECALL_NOW`, if set to something; a value that is not UTF-8 is an
/// error, an empty one counts as unset.
pub fn env() -> Result<Option<String>> {
    match std::env::var("RECALL_NOW") {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(raw)) => Err(Error::Now {
            value: raw.to_string_lossy().into_owned(),
            reason: "it is not UTF-8 text".to_string(),
        }),
    }
}

/// The system clock, in the local zone.
pub fn system() -> Now {
    local(Utc::now())
}

/// An RFC 3339 instant, seen in the local zone.
pub fn parse(value: &str) -> Result<Now> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| local(t.with_timezone(&Utc)))
        .map_err(|source| Error::Now {
            value: value.to_string(),
            reason: source.to_string(),
        })
}

/// `instant` with the local offset in force at it.
fn local(instant: DateTime<Utc>) -> Now {
    Now::new(instant.with_timezone(&Local).fixed_offset())
}

/// The time, read as often as a session needs it.
#[derive(Debug, Clone)]
pub enum Clock {
    /// `RECALL_NOW`, and `RECALL_TICK` seconds more at each answer: a
    /// script replays a session that runs past the rollover hour or a time
    /// limit, exactly.
    Scripted {
        start: Now,
        tick: chrono::Duration,
        answers: Rc<Cell<i32>>,
    },
    System,
}

impl Clock {
    /// A clock for the system time, or for a scripted start and tick.
    pub fn new(start: Option<Now>, tick_seconds: u32) -> Clock {
        match start {
            None => Clock::System,
            Some(start) => Clock::Scripted {
                start,
                tick: chrono::Duration::seconds(i64::from(tick_seconds)),
                answers: Rc::new(Cell::new(0)),
            },
        }
    }

    /// A function that reads this clock (for a countdown drawn while a
    /// prompt waits).
    pub fn reader(&self) -> Box<dyn Fn() -> DateTime<Utc>> {
        let clock = self.clone();
        Box::new(move || crate::term::Clock::now(&clock).utc())
    }
}

impl crate::term::Clock for Clock {
    fn now(&self) -> Now {
        match self {
            Clock::Scripted {
                start,
                tick,
                answers,
            } => tick
                .checked_mul(answers.get())
                .and_then(|d| start.utc().checked_add_signed(d))
                .map_or(*start, local),
            Clock::System => system(),
        }
    }

    fn answered(&self) {
        if let Clock::Scripted { answers, .. } = self {
            answers.set(answers.get().saturating_add(1));
        }
    }
}
