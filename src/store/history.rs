//! A user's review log as rows to export and import, and the replay that
//! rebuilds card state from it.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::reviews::{CardKey, Mode, NewReview, insert_review, new_review_id, to_millis};
use super::{Store, StoreError, timestamp};
use crate::sched::{Quality, State, StudyDay};

/// One review as exported: flat, so JSON lines and CSV share it. E-Factors
/// are in hundredths (250 is 2.50); a new card's due day is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// The review's identity (absent in files from before reviews had
    /// one: those are recognised by time and card).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub deck: String,
    pub card: String,
    /// UTC, RFC 3339 with milliseconds.
    pub reviewed_at: String,
    pub study_day: String,
    pub mode: String,
    pub quality: u8,
    pub response_ms: Option<u32>,
    pub before_repetitions: u32,
    pub before_ease: u16,
    pub before_interval: u32,
    pub before_due: Option<String>,
    pub before_lapses: u32,
    pub after_repetitions: u32,
    pub after_ease: u16,
    pub after_interval: u32,
    pub after_due: Option<String>,
    pub after_lapses: u32,
}

/// A review read from a history file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Its identity, if the file gives one.
    pub id: Option<String>,
    pub card: CardKey,
    pub at: DateTime<Utc>,
    pub day: StudyDay,
    pub mode: Mode,
    pub quality: Quality,
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
            card: CardKey {
                deck: self.deck.clone(),
                card: self.card.clone(),
            },
            at,
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

/// A review with the states around it, as a bulk writer knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub review: Review,
    pub before: State,
    pub after: State,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    /// Rows already in the log, skipped.
    pub present: usize,
    /// Card states the import changed, rebuilt from the log.
    pub rebuilt: usize,
}

/// How long one import transaction may hold the write lock before it
/// commits and lets others in (a drill waiting to save an answer).
const IMPORT_BATCH: Duration = Duration::from_millis(200);

impl Store {
    /// A user's whole review log, in the order it replays: by time, then
    /// as recorded.
    pub fn history(&self, user: i64) -> Result<Vec<HistoryRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT uid, deck_id, card_id, reviewed_at, study_day, mode, quality, response_ms,
                    before_reps, before_ease, before_interval, before_due, before_lapses,
                    after_reps, after_ease, after_interval, after_due, after_lapses
                 FROM reviews WHERE user_id = ?1 ORDER BY reviewed_at, id",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([user], |r| {
                Ok(HistoryRow {
                    id: Some(r.get(0)?),
                    deck: r.get(1)?,
                    card: r.get(2)?,
                    reviewed_at: r.get(3)?,
                    study_day: r.get(4)?,
                    mode: r.get(5)?,
                    quality: r.get(6)?,
                    response_ms: r.get(7)?,
                    before_repetitions: r.get(8)?,
                    before_ease: r.get(9)?,
                    before_interval: r.get(10)?,
                    before_due: r.get(11)?,
                    before_lapses: r.get(12)?,
                    after_repetitions: r.get(13)?,
                    after_ease: r.get(14)?,
                    after_interval: r.get(15)?,
                    after_due: r.get(16)?,
                    after_lapses: r.get(17)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<_, _>>().map_err(self.err())
    }

    /// Appends many reviews to a user's log in one transaction, as given
    /// (the states must be SM-2's), without touching card state: `repair`
    /// rebuilds it from the log afterwards. For loading large histories
    /// quickly, such as benchmark databases.
    pub fn append_log(&mut self, user: i64, entries: &[LogEntry]) -> Result<(), StoreError> {
        self.write(|tx| {
            for e in entries {
                let r = &e.review;
                let id = r.id.clone().unwrap_or_else(new_review_id);
                let review = NewReview {
                    id: &id,
                    card: &r.card,
                    at: to_millis(r.at),
                    day: r.day,
                    mode: r.mode,
                    quality: r.quality,
                    response_ms: r.response_ms,
                };
                insert_review(tx, user, &review, &e.before, &e.after)?;
            }
            Ok(())
        })
    }

    /// Whether a card (active or retired) is installed.
    pub fn has_card(&self, card: &CardKey) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?1 AND id = ?2)",
                params![card.deck, card.card],
                |r| r.get(0),
            )
            .map_err(self.err())
    }

    /// Adds reviews to a user's log, skipping those already present (the
    /// same id; or, for a review without one, the same time, card, mode
    /// and grade), then rebuilds the state of every card they name by
    /// replaying its log.
    ///
    /// A review id already recorded for another learner or card is refused
    /// before anything is written. The writing is done in transactions of
    /// a fifth of a second each, so a drill running beside a long import
    /// still saves its answers; an import cut short is completed by
    /// running it again.
    pub fn import_history(
        &mut self,
        user: i64,
        reviews: &[Review],
    ) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport::default();
        let mut fresh: Vec<(String, &Review)> = Vec::new();
        for r in reviews {
            match self.find_review(user, r)? {
                Found::Present => report.present += 1,
                Found::Missing(id) => fresh.push((id, r)),
            }
        }
        let mut rest = fresh.as_slice();
        while !rest.is_empty() {
            let (added, left) = self.write(|tx| {
                let started = Instant::now();
                let mut added = 0;
                let mut rest = rest;
                while let Some(((id, r), tail)) = rest.split_first() {
                    let review = NewReview {
                        id,
                        card: &r.card,
                        at: to_millis(r.at),
                        day: r.day,
                        mode: r.mode,
                        quality: r.quality,
                        response_ms: r.response_ms,
                    };
                    let new = State::NEW;
                    insert_review(tx, user, &review, &new, &new)?;
                    added += 1;
                    rest = tail;
                    if started.elapsed() > IMPORT_BATCH {
                        break;
                    }
                }
                Ok((added, rest))
            })?;
            report.added += added;
            rest = left;
            if !rest.is_empty() {
                pause_for_others();
            }
        }
        let cards: BTreeSet<&CardKey> = reviews.iter().map(|r| &r.card).collect();
        let cards: Vec<&CardKey> = cards.into_iter().collect();
        let mut rest = cards.as_slice();
        while !rest.is_empty() {
            let (changed, left) = self.write(|tx| {
                let started = Instant::now();
                let mut changed = 0;
                let mut rest = rest;
                while let Some((card, tail)) = rest.split_first() {
                    changed += usize::from(super::check::rebuild_card(tx, user, card)?);
                    rest = tail;
                    if started.elapsed() > IMPORT_BATCH {
                        break;
                    }
                }
                Ok((changed, rest))
            })?;
            report.rebuilt += changed;
            rest = left;
            if !rest.is_empty() {
                pause_for_others();
            }
        }
        Ok(report)
    }

    /// Whether a review from a file is already in the user's log; the id
    /// it gets if not.
    fn find_review(&self, user: i64, r: &Review) -> Result<Found, StoreError> {
        let err = self.err();
        match &r.id {
            Some(id) => {
                let owner: Option<(i64, String, String)> = self
                    .conn
                    .prepare_cached("SELECT user_id, deck_id, card_id FROM reviews WHERE uid = ?1")
                    .map_err(&err)?
                    .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                    .optional()
                    .map_err(&err)?;
                match owner {
                    None => Ok(Found::Missing(id.clone())),
                    Some((u, deck, card))
                        if u == user && deck == r.card.deck && card == r.card.card =>
                    {
                        Ok(Found::Present)
                    }
                    Some((_, deck, card)) => Err(StoreError::HistoryConflict {
                        id: id.clone(),
                        existing: format!("{deck}/{card}"),
                    }),
                }
            }
            None => {
                let present: bool = self
                    .conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM reviews WHERE user_id = ?1
                            AND reviewed_at = ?2 AND deck_id = ?3 AND card_id = ?4
                            AND mode = ?5 AND quality = ?6)",
                    )
                    .map_err(&err)?
                    .query_row(
                        params![
                            user,
                            timestamp(to_millis(r.at)),
                            r.card.deck,
                            r.card.card,
                            r.mode.name(),
                            r.quality.value()
                        ],
                        |row| row.get(0),
                    )
                    .map_err(&err)?;
                Ok(if present {
                    Found::Present
                } else {
                    Found::Missing(new_review_id())
                })
            }
        }
    }
}

/// Whether a review from a file is in the log.
enum Found {
    Present,
    Missing(String),
}

/// Lets a process waiting for the write lock take it between two import
/// transactions: SQLite's busy handler polls, and would miss a lock that
/// is released and taken again at once.
fn pause_for_others() {
    std::thread::sleep(Duration::from_millis(25));
}

/// How a history file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line.
    Jsonl,
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

/// The reviews of a history file (`text`, read from `path`), each checked
/// and its card installed in `store`; or every problem, each as
/// `path:line: message`. Nothing is written either way.
pub fn prepare(
    store: &Store,
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
