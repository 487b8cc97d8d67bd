//! The one place the program reads the time: `RECALL_NOW` when set, else
//! the system clock, seen in the machine's local zone (which honours `TZ`).

use chrono::{DateTime, FixedOffset, Local, Utc};

use crate::sched::{Rollover, StudyDay};
use crate::{Error, Result};

/// The instant a command runs, with the local offset at that instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now(DateTime<FixedOffset>);

impl Now {
    /// `RECALL_NOW` (RFC 3339) if set and not empty, else the system
    /// clock; either way in the local zone.
    pub fn from_env() -> Result<Now> {
        match Now::env()? {
            Some(value) => Now::parse(&value),
            None => Ok(Now::at(Utc::now())),
        }
    }

    /// `RECALL_NOW`, if set to something; a value that is not UTF-8 is
    /// an error, an empty one counts as unset.
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
        Now::at(Utc::now())
    }

    /// An RFC 3339 instant, seen in the local zone.
    pub fn parse(value: &str) -> Result<Now> {
        DateTime::parse_from_rfc3339(value.trim())
            .map(|t| Now::at(t.with_timezone(&Utc)))
            .map_err(|source| Error::Now {
                value: value.to_string(),
                reason: source.to_string(),
            })
    }

    fn at(instant: DateTime<Utc>) -> Now {
        Now(instant.with_timezone(&Local).fixed_offset())
    }

    /// The instant `d` later, if there is one.
    pub fn plus(self, d: chrono::Duration) -> Option<Now> {
        self.utc().checked_add_signed(d).map(Now::at)
    }

    /// The instant in UTC.
    pub fn utc(self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// The instant on the local wall clock.
    pub fn local(self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The study day this instant falls in.
    pub fn study_day(self, rollover: Rollover) -> StudyDay {
        StudyDay::of(&self.0, rollover)
    }
}
