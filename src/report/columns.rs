//! The one definition of the report's per-area columns: the terminal
//! table, the HTML page and the CSV are all drawn from [`COLUMNS`], so a
//! column added here appears in each, under the same name.

use super::{Figures, Share};
use crate::text::Align;

/// A field of a CSV row: its header, and its value for one area.
pub struct Field {
    /// Its CSV header.
    pub name: &'static str,
    /// Its value for one area's figures; empty when missing.
    pub value: fn(&Figures) -> String,
}

/// One column of the report.
pub struct Column {
    /// Its header in the table and on the page ("" for none).
    pub header: &'static str,
    /// How its cells line up in the table.
    pub align: Align,
    /// Whether a terminal too narrow for every column still shows it.
    pub narrow: bool,
    /// Whether it is a drawing (the text bar), shown only in the table.
    pub drawing: bool,
    /// Its cell in the table and on the page.
    pub cell: fn(&Figures) -> String,
    /// The CSV fields it stands for: its exact figures, as many as it
    /// takes to recompute the cell.
    pub fields: &'static [Field],
}

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

/// An optional figure: empty in CSV when missing.
fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// Text from a deck or a learner, as a spreadsheet must show it: as text,
/// never run as a formula.
fn text(s: &str) -> String {
    crate::text::spreadsheet_cell(s).into_owned()
}

/// The columns, in order.
pub const COLUMNS: [Column; 16] = [
    Column {
        header: "area",
        align: Align::Left,
        narrow: true,
        drawing: false,
        cell: |f| f.name.clone(),
        fields: &[
            Field {
                name: "deck",
                value: |f| text(&f.deck),
            },
            Field {
                name: "area",
                value: |f| {
                    if f.area.is_empty() {
                        "(total)".to_string()
                    } else {
                        text(&f.area)
                    }
                },
            },
            Field {
                name: "name",
                value: |f| text(&f.name),
            },
        ],
    },
    Column {
        header: "new",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| f.cards.new.to_string(),
        fields: &[Field {
            name: "new",
            value: |f| f.cards.new.to_string(),
        }],
    },
    Column {
        header: "learning",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| f.cards.learning.to_string(),
        fields: &[Field {
            name: "learning",
            value: |f| f.cards.learning.to_string(),
        }],
    },
    Column {
        header: "young",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| f.cards.young.to_string(),
        fields: &[Field {
            name: "young",
            value: |f| f.cards.young.to_string(),
        }],
    },
    Column {
        header: "mature",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| f.cards.mature.to_string(),
        fields: &[Field {
            name: "mature",
            value: |f| f.cards.mature.to_string(),
        }],
    },
    Column {
        header: "retired",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| f.cards.retired.to_string(),
        fields: &[Field {
            name: "retired",
            value: |f| f.cards.retired.to_string(),
        }],
    },
    Column {
        header: "reviews",
        align: Align::Right,
        narrow: true,
        drawing: false,
        cell: |f| f.reviews.reviews.to_string(),
        fields: &[
            Field {
                name: "reviews",
                value: |f| f.reviews.reviews.to_string(),
            },
            Field {
                name: "passed",
                value: |f| f.reviews.passed.to_string(),
            },
        ],
    },
    Column {
        header: "retention",
        align: Align::Right,
        narrow: true,
        drawing: false,
        cell: |f| percent(&f.reviews),
        fields: &[Field {
            name: "retention",
            value: |f| opt(f.reviews.retention),
        }],
    },
    Column {
        header: "",
        align: Align::Left,
        narrow: true,
        drawing: true,
        cell: |f| bar(&f.reviews),
        fields: &[],
    },
    Column {
        header: "young",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| percent(&f.young),
        fields: &[
            Field {
                name: "young_reviews",
                value: |f| f.young.reviews.to_string(),
            },
            Field {
                name: "young_passed",
                value: |f| f.young.passed.to_string(),
            },
            Field {
                name: "young_retention",
                value: |f| opt(f.young.retention),
            },
        ],
    },
    Column {
        header: "mature",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| percent(&f.mature),
        fields: &[
            Field {
                name: "mature_reviews",
                value: |f| f.mature.reviews.to_string(),
            },
            Field {
                name: "mature_passed",
                value: |f| f.mature.passed.to_string(),
            },
            Field {
                name: "mature_retention",
                value: |f| opt(f.mature.retention),
            },
        ],
    },
    Column {
        header: "ease",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| {
            f.average_ease
                .map_or_else(|| "-".to_string(), |e| format!("{e:.2}"))
        },
        fields: &[Field {
            name: "average_ease",
            value: |f| opt(f.average_ease),
        }],
    },
    Column {
        header: "lapses",
        align: Align::Right,
        narrow: true,
        drawing: false,
        cell: |f| f.lapses.to_string(),
        fields: &[Field {
            name: "lapses",
            value: |f| f.lapses.to_string(),
        }],
    },
    Column {
        header: "due 7d",
        align: Align::Right,
        narrow: true,
        drawing: false,
        cell: |f| f.due_7.to_string(),
        fields: &[Field {
            name: "due_7",
            value: |f| f.due_7.to_string(),
        }],
    },
    Column {
        header: "due 30d",
        align: Align::Right,
        narrow: false,
        drawing: false,
        cell: |f| f.due_30.to_string(),
        fields: &[Field {
            name: "due_30",
            value: |f| f.due_30.to_string(),
        }],
    },
    Column {
        header: "exam",
        align: Align::Right,
        narrow: true,
        drawing: false,
        cell: |f| {
            f.exam
                .as_ref()
                .map_or_else(|| "-".to_string(), |e| format!("{}%", e.percent))
        },
        fields: &[
            Field {
                name: "exam_correct",
                value: |f| opt(f.exam.as_ref().map(|e| e.correct)),
            },
            Field {
                name: "exam_total",
                value: |f| opt(f.exam.as_ref().map(|e| e.total)),
            },
            Field {
                name: "exam_percent",
                value: |f| opt(f.exam.as_ref().map(|e| e.percent)),
            },
            Field {
                name: "exam_date",
                value: |f| opt(f.exam.as_ref().map(|e| e.date.clone())),
            },
        ],
    },
];

/// The CSV header: the learner, every column's fields, and the window's
/// first day.
pub fn csv_header() -> Vec<&'static str> {
    let mut header = vec!["user"];
    header.extend(COLUMNS.iter().flat_map(|c| c.fields.iter().map(|f| f.name)));
    header.push("since");
    header
}

/// One CSV row.
pub fn csv_row(user: &str, f: &Figures, since: &str) -> Vec<String> {
    let mut row = vec![text(user)];
    row.extend(
        COLUMNS
            .iter()
            .flat_map(|c| c.fields.iter().map(|field| (field.value)(f))),
    );
    row.push(since.to_string());
    row
}
