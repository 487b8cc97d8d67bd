//! Checks a deck file and builds the deck, reporting every problem (not
//! only the first) with its line and column. The same checks run for
//! `recall deck lint`, for installing a deck and for the shipped deck.
//!
//! The walk never stops at a problem: a bad value is recorded and replaced
//! by an empty one so the rest of the file is still checked, and a deck with
//! any error is dropped at the end.

mod card;
pub(crate) mod fields;
mod teaching;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Lines, Severity};
use super::model::{Area, Deck, DeckInfo};
use super::tree::{self, Node, Value};
use super::{Invalid, errors};
use fields::Fields;

/// The outcome of checking one deck file.
#[derive(Debug)]
pub struct Checked {
    /// The deck, when no problem is an error.
    pub deck: Option<Deck>,
    /// Every problem found, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// The deck, or the problems that stop it from loading.
    pub fn into_deck(self, path: &Path) -> Result<Deck, Invalid> {
        match self.deck {
            Some(deck) => Ok(deck),
            None => Err(Invalid {
                path: path.to_path_buf(),
                diagnostics: self.diagnostics,
            }),
        }
    }
}

/// Checks `text`, the contents of `path`: JSON if the path ends in `.json`,
/// else TOML.
pub fn check(path: &Path, text: &str) -> Checked {
    // A byte-order mark is not part of the text; columns count from after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let mut checker = Checker {
        path: path.to_path_buf(),
        text,
        lines: Lines::new(text),
        diagnostics: Vec::new(),
    };
    let parsed = if is_json {
        tree::from_json(text)
    } else {
        tree::from_toml(text)
    };
    let deck = match parsed {
        Ok(root) => checker.deck(&root),
        Err(syntax) => {
            let format = if is_json { "JSON" } else { "TOML" };
            for (at, message) in syntax {
                checker.error_at(at, format!("{format} syntax: {message}"));
            }
            None
        }
    };
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| (d.line, d.col));
    diagnostics.dedup();
    let failed = errors(&diagnostics).next().is_some();
    Checked {
        deck: deck.filter(|_| !failed),
        diagnostics,
    }
}

/// Collects diagnostics while walking the tree.
struct Checker<'t> {
    path: PathBuf,
    text: &'t str,
    lines: Lines<'t>,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error_at(&mut self, offset: usize, message: String) {
        let d = Diagnostic::at(&self.path, &self.lines, offset, Severity::Error, message);
        self.diagnostics.push(d);
    }

    fn error(&mut self, span: &Range<usize>, message: String) {
        self.error_at(span.start, message);
    }

    fn warn(&mut self, span: &Range<usize>, message: String) {
        let d = Diagnostic::at(
            &self.path,
            &self.lines,
            span.start,
            Severity::Warning,
            message,
        );
        self.diagnostics.push(d);
    }

    fn line_of(&self, span: &Range<usize>) -> usize {
        self.lines.position(span.start).0
    }

    fn deck(&mut self, root: &Node<'_>) -> Option<Deck> {
        let top = Fields::new(
            self,
            root,
            "the deck file",
            &["deck", "areas", "cards"],
            &[],
        )?;
        let info = top.get("deck").map(|n| self.info(n));
        let area_nodes = top.get("areas").map_or(&[][..], |n| self.items(n, "areas"));
        let areas: Vec<Area> = area_nodes.iter().map(|n| self.area(n)).collect();
        self.unique_areas(&areas, area_nodes);
        let known: HashSet<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        let card_nodes = top.get("cards").map_or(&[][..], |n| self.items(n, "cards"));
        let cards = card::cards(self, card_nodes, &known);
        let names: Vec<&str> = areas.iter().map(|a| a.name.as_str()).collect();
        teaching::warnings(self, &cards, card_nodes, &names);
        let used: HashSet<&str> = cards.iter().map(|c| c.area.as_str()).collect();
        for (area, node) in areas.iter().zip(area_nodes) {
            if !area.id.is_empty() && !used.contains(area.id.as_str()) {
                self.warn(
                    &node.span,
                    format!("area {} has no cards", fields::shown(&area.id)),
                );
            }
        }
        Some(Deck {
            info: info?,
            areas,
            cards,
        })
    }

    fn info(&mut self, node: &Node<'_>) -> DeckInfo {
        let required = ["id", "title", "version"];
        let optional = ["description", "new_cards"];
        let Some(f) = Fields::new(self, node, "[deck]", &required, &optional) else {
            return DeckInfo::default();
        };
        DeckInfo {
            id: f.id(self, "id"),
            title: f.string(self, "title"),
            version: f.version(self, "version"),
            description: f.optional_string(self, "description"),
            new_cards: f.new_cards(self, "new_cards"),
        }
    }

    fn area(&mut self, node: &Node<'_>) -> Area {
        let Some(f) = Fields::new(self, node, "an area", &["id", "name"], &["weight"]) else {
            return Area::default();
        };
        Area {
            id: f.id(self, "id"),
            name: f.string(self, "name"),
            weight: f.weight(self, "weight"),
        }
    }

    /// Reports every area whose id repeats an earlier one.
    fn unique_areas(&mut self, areas: &[Area], nodes: &[Node<'_>]) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (area, node) in areas.iter().zip(nodes) {
            if area.id.is_empty() {
                continue;
            }
            if let Some(&first) = seen.get(area.id.as_str()) {
                let line = self.line_of(&(first..first));
                let message = format!(
                    "duplicate area id {} (first at line {line})",
                    fields::shown(&area.id)
                );
                self.error(&node.span, message);
            } else {
                seen.insert(&area.id, node.span.start);
            }
        }
    }

    /// The items of a non-empty list, or none after reporting why.
    fn items<'n, 't>(&mut self, node: &'n Node<'t>, name: &str) -> &'n [Node<'t>] {
        match &node.value {
            Value::Array(items) if !items.is_empty() => items,
            Value::Array(_) => {
                self.error(&node.span, format!("`{name}` is empty"));
                &[]
            }
            other => {
                let found = other.type_name();
                self.error(
                    &node.span,
                    format!("`{name}` must be a list, found {found}"),
                );
                &[]
            }
        }
    }
}
