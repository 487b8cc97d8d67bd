//! The report as an aligned table for the terminal, as CSV (one row per
//! user and area, then totals) and as JSON (the `Report` structure).

use super::{Figures, Report, Section, Share};
use crate::term::{Align, plural, table};

/// A percentage to one decimal, or "-" with nothing to measure.
pub fn percent(share: &Share) -> String {
    share
        .retention
        .map_or_else(|| "-".to_string(), |r| format!("{:.1}%", r * 100.0))
}

/// A ten-cell bar of a share, blank with nothing to measure.
pub fn bar(share: &Share) -> String {
    match share.retention {
        None => " ".repeat(10),
        Some(r) => {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let full = ((r * 10.0).round() as usize).min(10);
            format!("{}{}", "█".repeat(full), "░".repeat(10 - full))
        }
    }
}

fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn exam(f: &Figures) -> String {
    f.exam
        .as_ref()
        .map_or_else(|| "-".to_string(), |e| format!("{}%", e.percent))
}

const HEADER: [&str; 15] = [
    "area",
    "new",
    "learning",
    "young",
    "mature",
    "retired",
    "reviews",
    "retention",
    "",
    "young",
    "mature",
    "ease",
    "lapses",
    "due 7d",
    "due 30d",
];

fn row(f: &Figures) -> Vec<String> {
    vec![
        f.name.clone(),
        f.cards.new.to_string(),
        f.cards.learning.to_string(),
        f.cards.young.to_string(),
        f.cards.mature.to_string(),
        f.cards.retired.to_string(),
        f.reviews.reviews.to_string(),
        percent(&f.reviews),
        bar(&f.reviews),
        percent(&f.young),
        percent(&f.mature),
        or_dash(f.average_ease.map(|e| format!("{e:.2}"))),
        f.lapses.to_string(),
        f.due_7.to_string(),
        f.due_30.to_string(),
        exam(f),
    ]
}

/// The report as text for a terminal: no colour, only characters.
pub fn text(report: &Report) -> String {
    let mut out = format!(
        "Retention from {} to {} ({}){}\n",
        report.since,
        report.until,
        plural(report.days.unsigned_abs(), "day"),
        report
            .deck
            .as_deref()
            .map_or_else(String::new, |d| format!(" · deck {d}"))
    );
    for section in report.users.iter().chain(report.class.as_ref()) {
        out.push('\n');
        out.push_str(&section_text(section));
    }
    out
}

fn section_text(s: &Section) -> String {
    let title = if s.user == "class" {
        "The class, every learner together".to_string()
    } else {
        s.user.clone()
    };
    let mut out = format!("{title}\n");
    let mut header = HEADER.to_vec();
    header.push("exam");
    let align = Align::columns("lrrrrrrrlrrrrrrr");
    let rows: Vec<Vec<String>> = s
        .areas
        .iter()
        .chain(std::iter::once(&s.total))
        .map(row)
        .collect();
    out.push_str(&table(&header, &align, &rows));
    out.push_str("\nWeekly retention (scheduled reviews)\n");
    let weeks: Vec<Vec<String>> = s
        .weekly
        .iter()
        .map(|w| {
            vec![
                format!("{} to {}", w.from, w.to),
                w.share.reviews.to_string(),
                percent(&w.share),
                bar(&w.share),
            ]
        })
        .collect();
    out.push_str(&table(
        &["week", "reviews", "retention", ""],
        &Align::columns("lrrl"),
        &weeks,
    ));
    if !s.weakest.is_empty() {
        out.push_str("\nWeakest cards\n");
        let weak: Vec<Vec<String>> = s
            .weakest
            .iter()
            .map(|w| {
                vec![
                    w.lapses.to_string(),
                    format!("{:.2}", w.ease),
                    w.area_name.clone(),
                    first_line(&w.prompt, 70),
                ]
            })
            .collect();
        out.push_str(&table(
            &["lapses", "ease", "area", "card"],
            &Align::columns("rrll"),
            &weak,
        ));
    }
    out
}

/// The first line of a text, cut to `max` characters.
fn first_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() <= max {
        line.to_string()
    } else {
        format!("{}…", line.chars().take(max - 1).collect::<String>())
    }
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 27] = [
    "user",
    "deck",
    "area",
    "name",
    "new",
    "learning",
    "young",
    "mature",
    "retired",
    "reviews",
    "passed",
    "retention",
    "young_reviews",
    "young_passed",
    "young_retention",
    "mature_reviews",
    "mature_passed",
    "mature_retention",
    "average_ease",
    "lapses",
    "due_7",
    "due_30",
    "exam_correct",
    "exam_total",
    "exam_percent",
    "exam_date",
    "since",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

fn csv_row(user: &str, f: &Figures, since: &str) -> Vec<String> {
    let area = if f.area.is_empty() {
        "(total)"
    } else {
        &f.area
    };
    // Names come from decks and learners: a spreadsheet must show them as
    // text, never run them as formulas.
    let cell = |s: &str| crate::text::spreadsheet_cell(s).into_owned();
    vec![
        cell(user),
        cell(&f.deck),
        cell(area),
        cell(&f.name),
        f.cards.new.to_string(),
        f.cards.learning.to_string(),
        f.cards.young.to_string(),
        f.cards.mature.to_string(),
        f.cards.retired.to_string(),
        f.reviews.reviews.to_string(),
        f.reviews.passed.to_string(),
        opt(f.reviews.retention),
        f.young.reviews.to_string(),
        f.young.passed.to_string(),
        opt(f.young.retention),
        f.mature.reviews.to_string(),
        f.mature.passed.to_string(),
        opt(f.mature.retention),
        opt(f.average_ease),
        f.lapses.to_string(),
        f.due_7.to_string(),
        f.due_30.to_string(),
        opt(f.exam.as_ref().map(|e| e.correct)),
        opt(f.exam.as_ref().map(|e| e.total)),
        opt(f.exam.as_ref().map(|e| e.percent)),
        opt(f.exam.as_ref().map(|e| e.date.clone())),
        since.to_string(),
    ]
}

/// One row per user and area, then each user's total (area "(total)"),
/// then the class rows (user "class") with `--all-users`.
pub fn csv(report: &Report) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER)?;
    for s in report.users.iter().chain(report.class.as_ref()) {
        for f in s.areas.iter().chain(std::iter::once(&s.total)) {
            w.write_record(csv_row(&s.user, f, &report.since))?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
