//! The report as an aligned table for the terminal, as CSV (one row per
//! user and area, then totals) and as JSON (the `Report` structure).

use super::columns::{COLUMNS, Column, bar, csv_header, csv_row, percent};
use super::{CLASS, Figures, Report, Section};
use crate::text::{Align, plural, table};

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
    let title = if s.user == CLASS {
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

/// One row per user and area, then each user's total (area "(total)"),
/// then the class rows (user "class") with `--all-users`.
pub fn csv(report: &Report) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(csv_header())?;
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
