//! The report as one self-contained HTML page: no network, charts drawn as
//! inline SVG, and one small inline script that lets the class heat map be
//! sorted by a column (the page reads the same without it). Every text
//! from a deck or a user is escaped.

use std::fmt::Write;

use super::columns::{COLUMNS, percent};
use super::{CLASS, DueDay, Figures, Report, Section, Week};

/// Text made safe for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;color:#222;padding:0 1rem}\
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}\
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}\
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}\
th:first-child,td:first-child{text-align:left}tr.total td{font-weight:600}\
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}\
svg text{font-size:11px;fill:#333}.muted{color:#777}\
table.heat td.heat{text-align:center;min-width:3.5rem}table.heat td.heat small{display:block;color:#555;font-size:.7rem}\
table.heat th{cursor:pointer;font-weight:600;font-size:.8rem}table.heat th[aria-sort]{text-decoration:underline}\
.scroll{overflow-x:auto}";

/// Retention an area should reach: bars below it are coloured to stand
/// out, and the chart draws it as a line.
pub const TARGET: f64 = 0.85;

/// The fewest scheduled reviews behind a heat-map figure worth colouring:
/// with fewer, the cell shows the count and no colour.
pub const FEWEST_REVIEWS: usize = 5;

/// Sorts the heat map by the column clicked (again: the other way).
pub const SORT: &str = "document.querySelectorAll('table.heat th').forEach(function(th,i){\
th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],\
up=th.getAttribute('aria-sort')!=='ascending';t.querySelectorAll('th').forEach(function(h){\
h.removeAttribute('aria-sort')});th.setAttribute('aria-sort',up?'ascending':'descending');\
Array.from(b.rows).sort(function(x,y){var a=x.cells[i].dataset.v,c=y.cells[i].dataset.v;\
var p=parseFloat(a),q=parseFloat(c);var r=(isNaN(p)||isNaN(q))?(a||'').localeCompare(c||''):p-q;\
if(isNaN(p)&&!isNaN(q))r=1;if(!isNaN(p)&&isNaN(q))r=-1;return up?r:-r})\
.forEach(function(r){b.appendChild(r)})})});";

/// The whole page: a self-contained document.
pub fn page(report: &Report) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>recall: retention by skill area</title><style>{STYLE}</style></head><body>\n"
    );
    out.push_str(&body(report));
    if report.class.is_some() {
        let _ = write!(out, "<script>{SORT}</script>");
    }
    out.push_str("</body></html>\n");
    out
}

/// The report's content, for a page of its own or inside another (the web
/// app's): the title, the definitions, the charts, the heat map of a class
/// and every section's tables. Without the heat map's sorting script
/// ([`SORT`]), which the page around it adds.
pub fn body(report: &Report) -> String {
    let mut out = String::new();
    let deck = report
        .deck
        .as_deref()
        .map_or_else(String::new, |d| format!(" · deck {}", esc(d)));
    let _ = write!(
        out,
        "<h1>Retention by skill area</h1>\n<p class=\"muted\">{} to {} ({}){deck}. \
         Retention counts scheduled reviews only: the first drill or quiz answer of a day to a \
         card already learned; a review passes at quality {} or more; young means an interval \
         under {} days.</p>\n",
        esc(&report.since),
        esc(&report.until),
        crate::text::plural(report.days.unsigned_abs(), "day"),
        crate::sched::Quality::PASS,
        super::MATURE_DAYS,
    );
    let charted = report.class.as_ref().or(report.users.first());
    if let Some(s) = charted {
        let whose = if s.user == CLASS {
            "the class".to_string()
        } else {
            esc(&s.user)
        };
        let _ = write!(
            out,
            "<figure><figcaption>Retention by area, {whose}</figcaption>{}</figure>\n\
             <figure><figcaption>Weekly retention, last 12 weeks</figcaption>{}</figure>\n\
             <figure><figcaption>Cards due, next 30 days</figcaption>{}</figure>\n",
            bar_chart(&s.areas),
            line_chart(&s.weekly),
            due_chart(&s.forecast)
        );
    }
    if report.class.is_some() && !report.users.is_empty() {
        let _ = write!(
            out,
            "<h2>Who is weak where</h2>\n<p class=\"muted\">Retention per learner and area, with \
             the scheduled reviews behind it; blank where fewer than {FEWEST_REVIEWS} reviews \
             are too few to judge. Click a column to sort by it.</p>\n{}",
            heat_map(&report.users)
        );
    }
    for s in report.users.iter().chain(report.class.as_ref()) {
        out.push_str(&section(s));
    }
    out
}

/// Learners by areas: each cell the learner's retention in the area,
/// coloured from red to green, with the number of reviews behind it; no
/// colour where there are too few to judge. Learners weakest overall
/// first.
pub fn heat_map(learners: &[Section]) -> String {
    heat_map_by(learners, None, None)
}

/// Where a web page's heat map links: a column's header to the map
/// sorted by it, a learner's name to their report.
pub struct HeatLinks<'a> {
    /// The address of the map sorted by an area (its id; `""` for the
    /// total).
    pub sort: &'a dyn Fn(&str) -> String,
    /// The address of a learner's report, by their name.
    pub learner: &'a dyn Fn(&str) -> Option<String>,
}

/// The heat map, weakest first in the area `sort` (an area's id; `""` for
/// the total, the default), with `links` in its headers and names.
pub fn heat_map_by(
    learners: &[Section],
    sort: Option<&str>,
    links: Option<&HeatLinks<'_>>,
) -> String {
    let Some(first) = learners.first() else {
        return String::new();
    };
    let sort = sort.unwrap_or("");
    let column = |s: &Section| -> f64 {
        s.areas
            .iter()
            .chain(std::iter::once(&s.total))
            .find(|f| f.area == sort)
            .filter(|f| f.reviews.reviews >= FEWEST_REVIEWS || f.area.is_empty())
            .and_then(|f| f.reviews.retention)
            .unwrap_or(f64::INFINITY)
    };
    let mut rows: Vec<&Section> = learners.iter().collect();
    rows.sort_by(|a, b| {
        column(a)
            .total_cmp(&column(b))
            .then_with(|| a.user.cmp(&b.user))
    });
    let mut out = String::from(
        "<div class=\"scroll\"><table class=\"heat\" id=\"heat-map\"><thead><tr><th scope=\"col\">learner</th>",
    );
    for area in first.areas.iter().chain(std::iter::once(&first.total)) {
        let sorted = if area.area == sort {
            " aria-sort=\"ascending\""
        } else {
            ""
        };
        match links {
            Some(l) => {
                let _ = write!(
                    out,
                    "<th scope=\"col\" data-area=\"{}\"{sorted}><a href=\"{}\">{}</a></th>",
                    esc(&area.area),
                    esc(&(l.sort)(&area.area)),
                    esc(&area.name)
                );
            }
            None => {
                let _ = write!(out, "<th scope=\"col\">{}</th>", esc(&area.name));
            }
        }
    }
    out.push_str("</tr></thead><tbody>\n");
    for s in rows {
        match links.and_then(|l| (l.learner)(&s.user)) {
            Some(href) => {
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\" data-v=\"{0}\"><a href=\"{1}\">{0}</a></th>",
                    esc(&s.user),
                    esc(&href)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<tr><th scope=\"row\" data-v=\"{0}\">{0}</th>",
                    esc(&s.user)
                );
            }
        }
        for f in s.areas.iter().chain(std::iter::once(&s.total)) {
            out.push_str(&heat_cell(f));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

fn heat_cell(f: &Figures) -> String {
    let n = f.reviews.reviews;
    match f.reviews.retention {
        Some(r) if n >= FEWEST_REVIEWS => {
            // Red at 50% and below, through amber, to green at 100%.
            let hue = ((r - 0.5).max(0.0) * 2.0 * 120.0).round();
            format!(
                "<td class=\"heat\" data-v=\"{r:.4}\" style=\"background:hsl({hue},70%,80%)\" \
                 title=\"{} reviews\">{}<small>{n}</small></td>",
                n,
                percent(&f.reviews)
            )
        }
        _ => format!(
            "<td class=\"heat\" data-v=\"\" title=\"{n} reviews: too few to judge\">\
             <span class=\"muted\">-</span><small>{n}</small></td>"
        ),
    }
}

fn section(s: &Section) -> String {
    let title = if s.user == CLASS {
        "The class, every learner together".to_string()
    } else {
        esc(&s.user)
    };
    let mut out = format!("<h2>{title}</h2>\n<div class=\"scroll\"><table><thead><tr>");
    for c in COLUMNS.iter().filter(|c| !c.drawing) {
        let _ = write!(out, "<th>{}</th>", esc(c.header));
    }
    out.push_str("</tr></thead><tbody>\n");
    for f in &s.areas {
        out.push_str(&row(f, ""));
    }
    out.push_str(&row(&s.total, " class=\"total\""));
    out.push_str("</tbody></table></div>\n");
    if !s.weakest.is_empty() {
        out.push_str("<div class=\"scroll\"><table><thead><tr><th>weakest cards</th><th>area</th><th>lapses</th><th>ease</th></tr></thead><tbody>\n");
        for w in &s.weakest {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
                esc(&w.prompt),
                esc(&w.area_name),
                w.lapses,
                w.ease
            );
        }
        out.push_str("</tbody></table></div>\n");
    }
    out
}

fn row(f: &Figures, class: &str) -> String {
    let mut out = format!("<tr{class}>");
    for c in COLUMNS.iter().filter(|c| !c.drawing) {
        let _ = write!(out, "<td>{}</td>", esc(&(c.cell)(f)));
    }
    out.push_str("</tr>\n");
    out
}

/// Horizontal bars, one per area, 0-100%, weakest first (areas with
/// nothing to measure last), coloured against the target, which is drawn
/// as a line.
fn bar_chart(areas: &[Figures]) -> String {
    let (label_w, bar_w, row_h) = (260.0, 400.0, 22.0);
    let mut areas: Vec<&Figures> = areas.iter().collect();
    areas.sort_by(|a, b| {
        let r = |f: &Figures| f.reviews.retention.unwrap_or(f64::INFINITY);
        r(a).total_cmp(&r(b))
    });
    #[allow(clippy::cast_precision_loss)]
    let height = row_h * areas.len() as f64 + 24.0;
    let width = label_w + bar_w + 60.0;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"retention by area, weakest first, against a target of {:.0}%\">",
        TARGET * 100.0
    );
    for (i, f) in areas.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let y = row_h * i as f64 + 5.0;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"14\" fill=\"#eee\"/>",
            label_w - 8.0,
            y + 11.0,
            esc(&f.name)
        );
        if let Some(r) = f.reviews.retention {
            // On target green; within ten points of it amber; below, red.
            let fill = if r >= TARGET {
                "#3a7"
            } else if r >= TARGET - 0.10 {
                "#d90"
            } else {
                "#c33"
            };
            let _ = write!(
                out,
                "<rect x=\"{label_w}\" y=\"{y}\" width=\"{:.1}\" height=\"14\" fill=\"{fill}\"/>",
                bar_w * r
            );
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            label_w + bar_w + 6.0,
            y + 11.0,
            percent(&f.reviews)
        );
    }
    let x = label_w + bar_w * TARGET;
    let _ = write!(
        out,
        "<line x1=\"{x}\" y1=\"2\" x2=\"{x}\" y2=\"{}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>\
         <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">target {:.0}%</text>",
        height - 16.0,
        height - 4.0,
        TARGET * 100.0
    );
    out.push_str("</svg>");
    out
}

/// Weekly retention as a line (broken where a week had no review).
fn line_chart(weeks: &[Week]) -> String {
    let (w, h, left, top) = (560.0, 180.0, 40.0, 10.0);
    let plot_h = h - 40.0;
    let step = (w - left - 20.0) / (weeks.len().max(2) - 1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"weekly retention\">"
    );
    for pct in [0, 50, 100] {
        let y = top + plot_h * (1.0 - f64::from(pct) / 100.0);
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{pct}%</text>",
            w - 10.0,
            left - 4.0,
            y + 4.0
        );
    }
    let mut segments: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for (i, week) in weeks.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let x = left + step * i as f64;
        match week.share.retention {
            Some(r) => {
                let y = top + plot_h * (1.0 - r);
                if let Some(seg) = segments.last_mut() {
                    seg.push((x, y));
                }
                let _ = write!(
                    out,
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#37a\"/>"
                );
            }
            None => segments.push(Vec::new()),
        }
        if i % 2 == 1 || i + 1 == weeks.len() {
            let _ = write!(
                out,
                "<text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                h - 12.0,
                esc(week.to.get(5..).unwrap_or(&week.to))
            );
        }
    }
    for seg in segments.iter().filter(|s| s.len() > 1) {
        let points: Vec<String> = seg.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#37a\" stroke-width=\"2\"/>",
            points.join(" ")
        );
    }
    out.push_str("</svg>");
    out
}

/// Cards due per day as columns.
fn due_chart(days: &[DueDay]) -> String {
    let (w, h, left, top) = (560.0, 160.0, 40.0, 10.0);
    let plot_h = h - 40.0;
    let most = days.iter().map(|d| d.cards).max().unwrap_or(0).max(1);
    #[allow(clippy::cast_precision_loss)]
    let col = (w - left - 30.0) / days.len().max(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
         aria-label=\"cards due per day\">\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{most}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>",
        left - 4.0,
        top + 8.0,
        left - 4.0,
        top + plot_h
    );
    for (i, d) in days.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let (x, bar) = (left + col * i as f64, plot_h * d.cards as f64 / most as f64);
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar:.1}\" fill=\"#a73\"><title>{}: {}</title></rect>",
            top + plot_h - bar,
            (col - 2.0).max(1.0),
            esc(&d.day),
            d.cards
        );
        if i % 5 == 0 {
            let _ = write!(
                out,
                "<text x=\"{x:.1}\" y=\"{}\">{}</text>",
                h - 12.0,
                esc(d.day.get(5..).unwrap_or(&d.day))
            );
        }
    }
    out.push_str("</svg>");
    out
}
