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

/// One column of the text table: its header, how it lines up, whether a
/// narrow terminal shows it, and its cell.
struct Column {
    header: &'static str,
    align: Align,
    narrow: bool,
    cell: fn(&Figures) -> String,
}

/// The text table's columns, in order. A terminal too narrow for all of
/// them shows those marked `narrow` (`--wide` shows every one); through a
/// pipe every column is written.
const COLUMNS: [Column; 16] = [
    Column {
        header: "area",
        align: Align::Left,
        narrow: true,
        cell: |f| f.name.clone(),
    },
    Column {
        header: "new",
        align: Align::Right,
        narrow: false,
        cell: |f| f.cards.new.to_string(),
    },
    Column {
        header: "learning",
        align: Align::Right,
        narrow: false,
        cell: |f| f.cards.learning.to_string(),
    },
    Column {
        header: "young",
        align: Align::Right,
        narrow: false,
        cell: |f| f.cards.young.to_string(),
    },
    Column {
        header: "mature",
        align: Align::Right,
        narrow: false,
        cell: |f| f.cards.mature.to_string(),
    },
    Column {
        header: "retired",
        align: Align::Right,
        narrow: false,
        cell: |f| f.cards.retired.to_string(),
    },
    Column {
        header: "reviews",
        align: Align::Right,
        narrow: true,
        cell: |f| f.reviews.reviews.to_string(),
    },
    Column {
        header: "retention",
        align: Align::Right,
        narrow: true,
        cell: |f| percent(&f.reviews),
    },
    Column {
        header: "",
        align: Align::Left,
        narrow: true,
        cell: |f| bar(&f.reviews),
    },
    Column {
        header: "young",
        align: Align::Right,
        narrow: false,
        cell: |f| percent(&f.young),
    },
    Column {
        header: "mature",
        align: Align::Right,
        narrow: false,
        cell: |f| percent(&f.mature),
    },
    Column {
        header: "ease",
        align: Align::Right,
        narrow: false,
        cell: |f| or_dash(f.average_ease.map(|e| format!("{e:.2}"))),
    },
    Column {
        header: "lapses",
        align: Align::Right,
        narrow: true,
        cell: |f| f.lapses.to_string(),
    },
    Column {
        header: "due 7d",
        align: Align::Right,
        narrow: true,
        cell: |f| f.due_7.to_string(),
    },
    Column {
        header: "due 30d",
        align: Align::Right,
        narrow: false,
        cell: |f| f.due_30.to_string(),
    },
    Column {
        header: "exam",
        align: Align::Right,
        narrow: true,
        cell: exam,
    },
];

/// How wide the text report may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// Every column, however wide (a pipe, or `--wide`).
    All,
    /// A terminal this many columns wide: the columns that matter most,
    /// with area names cut to fit.
    Terminal(usize),
}

/// The report as text for a terminal: no colour, only characters.
pub fn text(report: &Report) -> String {
    text_in(report, Width::All)
}

/// The report as text no wider than `width` allows.
pub fn text_in(report: &Report, width: Width) -> String {
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
        out.push_str(&section_text(section, width));
    }
    out
}

fn section_text(s: &Section, width: Width) -> String {
    let title = if s.user == "class" {
        "The class, every learner together".to_string()
    } else {
        s.user.clone()
    };
    let mut out = format!("{title}\n");
    let figures: Vec<&Figures> = s.areas.iter().chain(std::iter::once(&s.total)).collect();
    out.push_str(&figures_table(&figures, width));
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

/// The figures of a section as a table: every column, or those that
/// matter most with area names cut so the table fits the terminal.
fn figures_table(figures: &[&Figures], width: Width) -> String {
    let all = |columns: &[&Column], name_max: usize| {
        let header: Vec<&str> = columns.iter().map(|c| c.header).collect();
        let align: Vec<Align> = columns.iter().map(|c| c.align).collect();
        let rows: Vec<Vec<String>> = figures
            .iter()
            .map(|f| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let cell = (c.cell)(f);
                        if i == 0 {
                            first_line(&cell, name_max)
                        } else {
                            cell
                        }
                    })
                    .collect()
            })
            .collect();
        table(&header, &align, &rows)
    };
    let every: Vec<&Column> = COLUMNS.iter().collect();
    let Width::Terminal(max) = width else {
        return all(&every, usize::MAX);
    };
    let wide = all(&every, usize::MAX);
    if widest(&wide) <= max {
        return wide;
    }
    let narrow: Vec<&Column> = COLUMNS.iter().filter(|c| c.narrow).collect();
    let full = all(&narrow, usize::MAX);
    let over = widest(&full).saturating_sub(max);
    let longest = figures
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0);
    all(&narrow, longest.saturating_sub(over).max(12))
}

fn widest(table: &str) -> usize {
    table.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}
