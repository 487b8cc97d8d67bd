//! A learner's review log as a file: the rows `history export` writes and
//! `history import` reads, each row checked, in JSON lines or CSV.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ReviewLog, StoreError};
use crate::model::{CardKey, Mode};
use crate::sched::{Quality, StudyDay};

/// One review as exported: flat, so JSON lines and CSV share it. E-Factors
/// are in hundredths (250 is 2.50); a new card's due day is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// The review's identity (absent in files from before reviews had
    /// one: those are recognised by time, card, mode and quality).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The deck's id.
    pub deck: String,
    /// The card's id in that deck.
    pub card: String,
    /// UTC, RFC 3339 with milliseconds.
    pub reviewed_at: String,
    /// The study day it counts for, `YYYY-MM-DD`.
    pub study_day: String,
    /// How it was given: `drill`, `drill-repeat`, `quiz` or `exam`.
    pub mode: String,
    /// The SM-2 quality, 0-5.
    pub quality: u8,
    /// Milliseconds from showing the card to the answer; empty when not
    /// known.
    pub response_ms: Option<u32>,
    /// Correct answers in a row before the review.
    pub before_repetitions: u32,
    /// The E-Factor before it, in hundredths.
    pub before_ease: u16,
    /// The interval before it, in days.
    pub before_interval: u32,
    /// The study day the card was due before it (`YYYY-MM-DD`); empty for a
    /// new card.
    pub before_due: Option<String>,
    /// Lapses before it.
    pub before_lapses: u32,
    /// Correct answers in a row after the review.
    pub after_repetitions: u32,
    /// The E-Factor after it, in hundredths.
    pub after_ease: u16,
    /// The interval after it, in days.
    pub after_interval: u32,
    /// The study day the card is due after it (`YYYY-MM-DD`); empty while
    /// the card is still new (a review that does not schedule it).
    pub after_due: Option<String>,
    /// Lapses after it.
    pub after_lapses: u32,
}

/// A review read from a history file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Its identity, if the file gives one.
    pub id: Option<String>,
    /// The card answered; it must be installed.
    pub card: CardKey,
    /// When it was given (UTC, cut to the millisecond).
    pub at: DateTime<Utc>,
    /// The study day it counts for: at most two days before the date of
    /// `at` and one after.
    pub day: StudyDay,
    /// How it was given.
    pub mode: Mode,
    /// The grade recorded.
    pub quality: Quality,
    /// Milliseconds from showing the card to the answer; `None` when not
    /// known.
    pub response_ms: Option<u32>,
}

impl HistoryRow {
    /// The review this row records. The states before and after are not
    /// trusted: they are recomputed from the log on import.
    pub fn review(&self) -> Result<Review, String> {
        let quote = crate::text::quoted;
        let at = DateTime::parse_from_rfc3339(&self.reviewed_at)
            .map_err(|e| format!("reviewed_at {}: {e}", quote(&self.reviewed_at)))?
            .with_timezone(&Utc);
        let day: StudyDay = self
            .study_day
            .parse()
            .map_err(|e| format!("study_day {}: {e}", quote(&self.study_day)))?;
        // Whatever the zone (UTC-12 to UTC+14) and the rollover hour, a
        // review's study day is within two days before and one after the
        // date of its UTC time.
        let utc_day = StudyDay::from(at.date_naive());
        let gap = utc_day.days_since(day);
        if !(-1..=2).contains(&gap) {
            return Err(format!(
                "study_day {day} cannot be the study day of a review at {} (it is at most two days before that date and one after)",
                self.reviewed_at
            ));
        }
        if let Some(id) = &self.id {
            if id.is_empty()
                || id.len() > 64
                || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return Err(format!(
                    "id {}: a review id is 1 to 64 letters, digits and '-'",
                    quote(id)
                ));
            }
        }
        Ok(Review {
            id: self.id.clone(),
            card: CardKey::new(self.deck.as_str(), self.card.as_str()),
            // Stored times are to the millisecond.
            at: super::to_millis(at),
            day,
            mode: self.mode.parse().map_err(|_| {
                format!(
                    "mode {}: a mode is drill, drill-repeat, quiz or exam",
                    quote(&self.mode)
                )
            })?,
            quality: Quality::new(self.quality).map_err(|e| e.to_string())?,
            response_ms: self.response_ms,
        })
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Reviews appended to the log.
    pub added: usize,
    /// Rows already in the log, skipped.
    pub present: usize,
    /// Card states the import changed, rebuilt from the log.
    pub rebuilt: usize,
}

/// How a history file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line.
    Jsonl,
    /// Comma-separated values under a header row.
    Csv,
}

impl Format {
    /// CSV for a `.csv` file, else JSON lines.
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    }
}

/// A history file's text: the rows in `format`.
pub fn write(rows: &[HistoryRow], format: Format) -> Result<String, String> {
    match format {
        Format::Jsonl => {
            let mut out = String::new();
            for row in rows {
                out.push_str(&serde_json::to_string(row).map_err(|e| e.to_string())?);
                out.push('\n');
            }
            Ok(out)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for row in rows {
                w.serialize(row).map_err(|e| e.to_string())?;
            }
            let bytes = w.into_inner().map_err(|e| e.to_string())?;
            String::from_utf8(bytes).map_err(|e| e.to_string())
        }
    }
}

/// The reviews of a history file (`text`, read from `path`), each checked
/// and its card installed in `store`; or every problem, each as
/// `path:line: message`. Nothing is written either way.
pub fn prepare(
    store: &(impl ReviewLog + ?Sized),
    path: &Path,
    text: &str,
) -> Result<Result<Vec<Review>, Vec<String>>, StoreError> {
    let rows = match parse(path, text) {
        Ok(rows) => rows,
        Err(problems) => return Ok(Err(problems)),
    };
    let mut known: HashMap<CardKey, bool> = HashMap::new();
    let mut reviews = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (line, row) in rows {
        let at = |e: &str| format!("{}:{line}: {e}", path.display());
        match row.review() {
            Ok(review) => {
                let exists = match known.get(&review.card) {
                    Some(e) => *e,
                    None => {
                        let e = store.has_card(&review.card)?;
                        known.insert(review.card.clone(), e);
                        e
                    }
                };
                if exists {
                    reviews.push(review);
                } else {
                    problems.push(at(&format!(
                        "card {} is not installed (install its deck first)",
                        crate::text::quoted(&review.card.to_string())
                    )));
                }
            }
            Err(e) => problems.push(at(&e)),
        }
    }
    Ok(if problems.is_empty() {
        Ok(reviews)
    } else {
        Err(problems)
    })
}

/// Reads every row with its line, or every problem.
#[allow(clippy::type_complexity)]
pub fn parse(path: &Path, text: &str) -> Result<Vec<(usize, HistoryRow)>, Vec<String>> {
    let at = |line: usize, e: &dyn std::fmt::Display| {
        // A parser's message may quote a whole value: keep it to a line.
        let message = crate::text::short(&e.to_string(), 160);
        format!("{}:{line}: {message}", path.display())
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    match Format::of(path) {
        Format::Jsonl => {
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<HistoryRow>(line) {
                    Ok(row) => rows.push((i + 1, row)),
                    Err(e) => problems.push(at(i + 1, &e)),
                }
            }
        }
        Format::Csv => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header = match reader.headers() {
                Ok(h) => h.clone(),
                Err(e) => return Err(vec![at(1, &e)]),
            };
            for record in reader.records() {
                let line = |p: Option<&csv::Position>| {
                    p.map_or(0, |p| usize::try_from(p.line()).unwrap_or(0))
                };
                match record {
                    Ok(record) => match record.deserialize::<HistoryRow>(Some(&header)) {
                        Ok(row) => rows.push((line(record.position()), row)),
                        Err(e) => problems.push(at(line(record.position()), &e)),
                    },
                    Err(e) => problems.push(at(line(e.position()), &e)),
                }
            }
        }
    }
    // The same review twice in one file is a damaged file, not a history.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in &rows {
        let key = row.id.clone().unwrap_or_else(|| {
            format!(
                "{}|{}|{}|{}|{}",
                row.reviewed_at, row.deck, row.card, row.mode, row.quality
            )
        });
        if let Some(first) = seen.insert(key, *line) {
            let what = if row.id.is_some() {
                "the same review id"
            } else {
                "the same time, card, mode and quality"
            };
            problems.push(at(*line, &format!("repeats line {first} ({what})")));
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}
