//! Retention by skill area, for a learner or a class: what is learned,
//! what is sticking, what is weak, and what is coming due. Computed from
//! the store's rows; rendered as a table, JSON, CSV or an HTML page.
//!
//! Definitions (the README repeats them): a review passes at quality 3 or
//! more. Retention counts only scheduled reviews: the first drill or quiz
//! answer of a study day to a card already learned (repetitions of 1 or
//! more before it); repeats, first sightings and exams are left out, as in
//! Anki's "true retention". A review is young when the interval before it
//! was under 21 days, mature from 21.

pub mod html;
pub mod render;

use std::collections::HashMap;

use serde::Serialize;

use crate::sched::StudyDay;
use crate::store::{AreaName, ExamScore, ReportCard, ScheduledReview};

/// The JSON schema's version: bumped on any change that is not an addition.
pub const SCHEMA: u32 = 1;

/// Young reviews have an interval before them under this many days.
pub const MATURE_DAYS: u32 = 21;

/// A count of scheduled reviews and how many passed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Share {
    pub reviews: usize,
    pub passed: usize,
    /// passed / reviews, to 4 decimals; `null` with no reviews.
    pub retention: Option<f64>,
}

impl Share {
    fn add(&mut self, passed: bool) {
        self.reviews += 1;
        self.passed += usize::from(passed);
        self.retention = ratio(self.passed, self.reviews);
    }
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Cards by stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stages {
    /// Never answered.
    pub new: usize,
    /// Answered, fewer than 3 repetitions in a row (after a lapse too).
    pub learning: usize,
    /// 3 repetitions or more, interval under 21 days.
    pub young: usize,
    /// 3 repetitions or more, interval of 21 days or more.
    pub mature: usize,
    /// Gone from the deck file; history kept.
    pub retired: usize,
}

/// A latest exam score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exam {
    pub correct: usize,
    pub total: usize,
    pub percent: usize,
    /// The latest exam's date (of several users' or areas', the latest).
    pub date: String,
}

/// Every figure of one area (or a total).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub deck: String,
    /// Empty for a total.
    pub area: String,
    pub name: String,
    pub cards: Stages,
    /// Scheduled reviews in the window.
    pub reviews: Share,
    pub young: Share,
    pub mature: Share,
    /// Mean E-Factor of the cards answered; `null` if none.
    pub average_ease: Option<f64>,
    /// Scheduled reviews in the window that failed.
    pub lapses: usize,
    /// Active cards due within 7 and 30 days (overdue included).
    pub due_7: usize,
    pub due_30: usize,
    pub exam: Option<Exam>,
}

/// One week of scheduled reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub share: Share,
}

/// Cards due on one day of the next 30 (overdue counted today).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueDay {
    pub day: String,
    pub cards: usize,
}

/// A weak card: many lapses, a low E-Factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeakCard {
    pub deck: String,
    pub card: String,
    pub area: String,
    pub area_name: String,
    pub prompt: String,
    /// Lapses over its whole history (summed over learners for a class).
    pub lapses: u32,
    /// Its E-Factor (the mean over learners for a class).
    pub ease: f64,
}

/// A learner's report, or a class's when `user` is "class".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub user: String,
    pub areas: Vec<Figures>,
    pub total: Figures,
    /// The last 12 weeks, oldest first, ending today.
    pub weekly: Vec<Week>,
    pub forecast: Vec<DueDay>,
    pub weakest: Vec<WeakCard>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema: u32,
    pub today: String,
    pub since: String,
    pub until: String,
    pub days: i64,
    pub deck: Option<String>,
    pub users: Vec<Section>,
    /// With `--all-users`: every learner together.
    pub class: Option<Section>,
}

/// What a report is computed from.
pub struct Rows<'a> {
    pub areas: &'a [AreaName],
    pub cards: &'a [ReportCard],
    pub reviews: &'a [ScheduledReview],
    pub exams: &'a [ExamScore],
}

/// The window of study days and the day the report is for.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub since: StudyDay,
    pub today: StudyDay,
}

impl Window {
    /// The first day the weekly figures need.
    pub fn earliest(self) -> StudyDay {
        let twelve_weeks = StudyDay::from(self.today.date() - chrono::Days::new(83));
        self.since.min(twelve_weeks)
    }
}

/// Builds the report: a section per user (name, id), and the class. Each
/// weak card is named by `prompt(deck, card)`.
pub fn build(
    users: &[(String, i64)],
    rows: &Rows<'_>,
    window: Window,
    deck: Option<&str>,
    class: bool,
    prompt: &mut dyn FnMut(&str, &str) -> String,
) -> Report {
    // Each user's rows, gathered once.
    let mut mine: HashMap<i64, Parts<'_>> = HashMap::new();
    for c in rows.cards {
        mine.entry(c.user).or_default().cards.push(c);
    }
    for r in rows.reviews {
        mine.entry(r.user).or_default().reviews.push(r);
    }
    for e in rows.exams {
        mine.entry(e.user).or_default().exams.push(e);
    }
    let empty = Parts::default();
    let sections = users
        .iter()
        .map(|(name, id)| {
            section(
                name,
                mine.get(id).unwrap_or(&empty),
                rows.areas,
                window,
                prompt,
            )
        })
        .collect();
    let class = class.then(|| {
        let all = Parts {
            cards: rows.cards.iter().collect(),
            reviews: rows.reviews.iter().collect(),
            exams: rows.exams.iter().collect(),
        };
        section("class", &all, rows.areas, window, prompt)
    });
    Report {
        schema: SCHEMA,
        today: window.today.to_string(),
        since: window.since.to_string(),
        until: window.today.to_string(),
        days: window.today.days_since(window.since) + 1,
        deck: deck.map(str::to_string),
        users: sections,
        class,
    }
}

/// The rows of one section.
#[derive(Default)]
struct Parts<'a> {
    cards: Vec<&'a ReportCard>,
    reviews: Vec<&'a ScheduledReview>,
    exams: Vec<&'a ExamScore>,
}

fn section(
    name: &str,
    parts: &Parts<'_>,
    areas: &[AreaName],
    w: Window,
    prompt: &mut dyn FnMut(&str, &str) -> String,
) -> Section {
    let (cards, exams) = (&parts.cards, &parts.exams);
    let in_window: Vec<&ScheduledReview> = parts
        .reviews
        .iter()
        .copied()
        .filter(|r| r.day >= w.since && r.day <= w.today)
        .collect();
    let figures_of = areas
        .iter()
        .map(|a| {
            let mine = |deck: &str, area: &str| deck == a.deck && area == a.area;
            figures(
                &a.deck,
                &a.area,
                &a.name,
                cards.iter().copied().filter(|c| mine(&c.deck, &c.area)),
                in_window.iter().copied().filter(|r| mine(&r.deck, &r.area)),
                exams.iter().copied().filter(|e| mine(&e.deck, &e.area)),
                w.today,
            )
        })
        .collect();
    let deck = match areas.first() {
        Some(first) if areas.iter().all(|a| a.deck == first.deck) => first.deck.clone(),
        _ => String::new(),
    };
    let total = figures(
        &deck,
        "",
        "Total",
        cards.iter().copied(),
        in_window.iter().copied(),
        exams.iter().copied(),
        w.today,
    );
    Section {
        user: name.to_string(),
        areas: figures_of,
        total,
        weekly: weekly(&parts.reviews, w.today),
        forecast: forecast(cards, w.today),
        weakest: weakest(cards, areas, prompt),
    }
}

fn figures<'a>(
    deck: &str,
    area: &str,
    name: &str,
    cards: impl Iterator<Item = &'a ReportCard>,
    reviews: impl Iterator<Item = &'a ScheduledReview>,
    exams: impl Iterator<Item = &'a ExamScore>,
    today: StudyDay,
) -> Figures {
    let mut f = Figures {
        deck: deck.to_string(),
        area: area.to_string(),
        name: name.to_string(),
        cards: Stages::default(),
        reviews: Share::default(),
        young: Share::default(),
        mature: Share::default(),
        average_ease: None,
        lapses: 0,
        due_7: 0,
        due_30: 0,
        exam: None,
    };
    let (mut ease_sum, mut eased) = (0u64, 0usize);
    for c in cards {
        if c.retired {
            f.cards.retired += 1;
            continue;
        }
        let Some(s) = c.state else {
            f.cards.new += 1;
            continue;
        };
        match (s.repetitions, s.interval.get()) {
            (0..=2, _) => f.cards.learning += 1,
            (_, i) if i < MATURE_DAYS => f.cards.young += 1,
            _ => f.cards.mature += 1,
        }
        ease_sum += u64::from(s.ease.hundredths());
        eased += 1;
        if let Some(due) = s.due {
            f.due_7 += usize::from(due <= today.plus_days(7));
            f.due_30 += usize::from(due <= today.plus_days(30));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    {
        f.average_ease = (eased > 0).then(|| (ease_sum as f64 / eased as f64).round() / 100.0);
    }
    for r in reviews {
        let passed = r.quality >= 3;
        f.reviews.add(passed);
        if r.interval_before < MATURE_DAYS {
            f.young.add(passed);
        } else {
            f.mature.add(passed);
        }
        f.lapses += usize::from(!passed);
    }
    let (mut correct, mut total, mut date) = (0, 0, String::new());
    for e in exams {
        correct += e.correct;
        total += e.total;
        date = date.max(e.date.clone());
    }
    f.exam = (total > 0).then(|| Exam {
        correct,
        total,
        percent: crate::quiz::exam::percent(correct, total),
        date,
    });
    f
}

/// Twelve weeks of scheduled reviews, oldest first, the last ending today.
fn weekly(reviews: &[&ScheduledReview], today: StudyDay) -> Vec<Week> {
    (0..12u32)
        .rev()
        .map(|back| {
            let to = StudyDay::from(today.date() - chrono::Days::new(u64::from(back) * 7));
            let from = StudyDay::from(to.date() - chrono::Days::new(6));
            let mut share = Share::default();
            for r in reviews.iter().filter(|r| r.day >= from && r.day <= to) {
                share.add(r.quality >= 3);
            }
            Week {
                from: from.to_string(),
                to: to.to_string(),
                share,
            }
        })
        .collect()
}

/// Active cards due on each of the next 30 days; overdue ones today.
fn forecast(cards: &[&ReportCard], today: StudyDay) -> Vec<DueDay> {
    let mut counts = vec![0usize; 31];
    for c in cards.iter().filter(|c| !c.retired) {
        if let Some(due) = c.state.and_then(|s| s.due) {
            let offset = due.days_since(today).max(0);
            if let Some(slot) = usize::try_from(offset).ok().and_then(|o| counts.get_mut(o)) {
                *slot += 1;
            }
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, cards)| DueDay {
            day: today.plus_days(u32::try_from(i).unwrap_or(0)).to_string(),
            cards,
        })
        .collect()
}

/// The five weakest active cards: most lapses, then lowest E-Factor.
fn weakest(
    cards: &[&ReportCard],
    areas: &[AreaName],
    prompt: &mut dyn FnMut(&str, &str) -> String,
) -> Vec<WeakCard> {
    let mut by_card: HashMap<(&str, &str), (&ReportCard, u32, u64, u32)> = HashMap::new();
    for c in cards.iter().filter(|c| !c.retired) {
        if let Some(s) = c.state {
            let e = by_card.entry((&c.deck, &c.card)).or_insert((c, 0, 0, 0));
            e.1 += s.lapses;
            e.2 += u64::from(s.ease.hundredths());
            e.3 += 1;
        }
    }
    let mut weak: Vec<(&ReportCard, u32, f64)> = by_card
        .into_values()
        .map(|(c, lapses, ease_sum, n)| {
            #[allow(clippy::cast_precision_loss)]
            let ease = (ease_sum as f64 / f64::from(n.max(1))).round() / 100.0;
            (c, lapses, ease)
        })
        .collect();
    weak.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.2.total_cmp(&b.2))
            .then_with(|| (&a.0.deck, &a.0.card).cmp(&(&b.0.deck, &b.0.card)))
    });
    weak.truncate(5);
    weak.into_iter()
        .map(|(c, lapses, ease)| {
            let area_name = areas
                .iter()
                .find(|a| a.deck == c.deck && a.area == c.area)
                .map_or_else(|| c.area.clone(), |a| a.name.clone());
            WeakCard {
                deck: c.deck.clone(),
                card: c.card.clone(),
                area: c.area.clone(),
                area_name,
                prompt: prompt(&c.deck, &c.card),
                lapses,
                ease,
            }
        })
        .collect()
}
