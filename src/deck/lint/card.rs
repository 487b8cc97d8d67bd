//! The checks of one card: its common fields, its kind's fields, and the
//! rules of each kind (choice answers among the options, cloze syntax).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use super::Checker;
use super::fields::{Fields, shown, texts};
use crate::deck::cloze;
use crate::deck::model::{Card, Content, Kind};
use crate::deck::tree::{Node, Value};

const REQUIRED: [&str; 3] = ["id", "area", "kind"];
const OPTIONAL: [&str; 2] = ["tags", "source"];

/// Checks every card, and that no id repeats.
pub(super) fn cards(ck: &mut Checker<'_>, nodes: &[Node<'_>], areas: &HashSet<&str>) -> Vec<Card> {
    // Where each id was first seen, as a byte offset: the line is counted
    // only for a duplicate, so a large deck is checked in linear time.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut cards = Vec::with_capacity(nodes.len());
    for node in nodes {
        let card = one(ck, node, areas);
        if !card.id.is_empty() {
            if let Some(&first) = seen.get(&card.id) {
                let span = raw(node, "id").map_or(&node.span, |n| &n.span);
                let line = ck.line_of(&(first..first));
                let message = format!(
                    "duplicate card id {} (first at line {line})",
                    shown(&card.id)
                );
                ck.error(span, message);
            } else {
                seen.insert(card.id.clone(), node.span.start);
            }
        }
        cards.push(card);
    }
    cards
}

/// The value of `key` in a table node, before any check.
fn raw<'n, 't>(node: &'n Node<'t>, key: &str) -> Option<&'n Node<'t>> {
    match &node.value {
        Value::Table(entries) => entries.iter().find(|e| e.key == key).map(|e| &e.node),
        _ => None,
    }
}

fn one(ck: &mut Checker<'_>, node: &Node<'_>, areas: &HashSet<&str>) -> Card {
    let what = match raw(node, "id").map(|n| &n.value) {
        Some(Value::Str(id)) if !id.trim().is_empty() => format!("card {}", shown(id.as_ref())),
        _ => "a card".to_string(),
    };
    let kind = raw(node, "kind").and_then(|n| kind(ck, n));
    let (mut required, mut optional) = (REQUIRED.to_vec(), Vec::new());
    match kind {
        Some(k) => {
            let (r, o) = k.fields();
            required.extend(r);
            optional.extend(o);
        }
        // With no usable kind, any kind's field is allowed: the kind error
        // says what is wrong, without a cascade of "unknown field".
        None => Kind::ALL.iter().for_each(|k| {
            let (r, o) = k.fields();
            optional.extend(r.iter().chain(o));
        }),
    }
    optional.extend(OPTIONAL);
    let Some(f) = Fields::new(ck, node, &what, &required, &optional) else {
        return Card::default();
    };
    let area = f.string(ck, "area");
    if !area.is_empty() && !areas.contains(area.as_str()) {
        let mut known: Vec<&str> = areas.iter().copied().collect();
        known.sort_unstable();
        let message = format!(
            "unknown area {} (areas: {})",
            shown(&area),
            known.join(", ")
        );
        let span = f.get("area").map_or(&node.span, |n| &n.span);
        ck.error(span, message);
    }
    Card {
        id: f.id(ck, "id"),
        area,
        content: kind.map_or(Content::default(), |k| content(ck, &f, k)),
        tags: f.strings(ck, "tags"),
        source: f.optional_string(ck, "source"),
    }
}

fn kind(ck: &mut Checker<'_>, node: &Node<'_>) -> Option<Kind> {
    let name = match &node.value {
        Value::Str(s) => s,
        other => {
            let found = other.type_name();
            ck.error(
                &node.span,
                format!("`kind` must be a string, found {found}"),
            );
            return None;
        }
    };
    let kind = Kind::from_name(name);
    if kind.is_none() {
        let message = format!(
            "unknown kind {} (expected basic, cloze, choice, truefalse or typed)",
            shown(name)
        );
        ck.error(&node.span, message);
    }
    kind
}

fn content(ck: &mut Checker<'_>, f: &Fields<'_>, kind: Kind) -> Content {
    match kind {
        Kind::Basic => Content::Basic {
            front: f.string(ck, "front"),
            back: f.string(ck, "back"),
        },
        Kind::Cloze => {
            let text = f.string(ck, "text");
            if let (false, Some(node)) = (text.is_empty(), f.get("text")) {
                check_cloze(ck, node, &text);
            }
            let accept = f
                .get("accept")
                .map(|node| cloze_accept(ck, node, &text))
                .unwrap_or_default();
            Content::Cloze { text, accept }
        }
        Kind::Choice => choice(ck, f),
        Kind::TrueFalse => Content::TrueFalse {
            statement: f.string(ck, "statement"),
            answer: f.boolean(ck, "answer"),
            explanation: f.optional_string(ck, "explanation"),
        },
        Kind::Typed => Content::Typed {
            question: f.string(ck, "question"),
            answer: f.string(ck, "answer"),
            accept: f.strings(ck, "accept"),
        },
    }
}

/// Reports each cloze problem at its place inside the string, where the
/// string is written without escapes; else at the string's start.
fn check_cloze(ck: &mut Checker<'_>, node: &Node<'_>, text: &str) {
    let Err(problems) = cloze::parse(text) else {
        return;
    };
    let written = ck.text.get(node.span.clone()).unwrap_or("");
    let base = written
        .find(text)
        .map_or(node.span.start, |i| node.span.start + i);
    let exact = written.contains(text);
    for problem in problems {
        let at = if exact { base + problem.offset } else { base };
        ck.error_at(at, problem.message);
    }
}

/// A cloze card's `accept` table: for a deletion number of the text
/// (`c1`), the other answers its typed blank takes.
fn cloze_accept(
    ck: &mut Checker<'_>,
    node: &Node<'_>,
    text: &str,
) -> BTreeMap<String, Vec<String>> {
    let mut accept = BTreeMap::new();
    let Value::Table(entries) = &node.value else {
        let found = node.value.type_name();
        let message = format!(
            "`accept` of a cloze card must be a table of deletions, such as accept = {{ c1 = [\"...\"] }}, found {found}"
        );
        ck.error(&node.span, message);
        return accept;
    };
    let numbers: Vec<u32> = cloze::parse(text)
        .map(|segments| cloze::numbers(&segments))
        .unwrap_or_default();
    for entry in entries {
        let number = entry
            .key
            .strip_prefix('c')
            .and_then(|n| n.parse::<u32>().ok());
        match number {
            Some(n) if numbers.contains(&n) => {}
            Some(_) if numbers.is_empty() => {}
            _ => {
                let have: Vec<String> = numbers.iter().map(|n| format!("c{n}")).collect();
                let message = format!(
                    "`accept` names {}, which is not a deletion of this card (deletions: {})",
                    shown(&entry.key),
                    have.join(", ")
                );
                ck.error(&entry.key_span, message);
                continue;
            }
        }
        let alternatives: Vec<String> = texts(ck, &entry.node, "accept")
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        accept.insert(entry.key.to_string(), alternatives);
    }
    accept
}

fn choice(ck: &mut Checker<'_>, f: &Fields<'_>) -> Content {
    let question = f.string(ck, "question");
    let options = f
        .get("options")
        .map_or_else(Vec::new, |n| texts(ck, n, "options"));
    if let Some(node) = f.get("options") {
        if matches!(node.value, Value::Array(_)) && !(2..=8).contains(&options.len()) {
            let n = options.len();
            ck.error(
                &node.span,
                format!("a choice card needs 2 to 8 options, found {n}"),
            );
        }
    }
    for (i, (option, span)) in options.iter().enumerate() {
        if let Some(j) = options[..i].iter().position(|(o, _)| same(o, option)) {
            let message = format!("option {} repeats option {}", shown(option), j + 1);
            ck.error(span, message);
        }
    }
    let answer = f.get("answer").map_or_else(Vec::new, |n| answers(ck, n));
    for (a, span) in &answer {
        if options.iter().any(|(o, _)| o == a) {
            continue;
        }
        let hint = options
            .iter()
            .find(|(o, _)| same(o, a))
            .map_or_else(String::new, |(o, _)| {
                format!(" (did you mean {}?)", shown(o))
            });
        ck.error(
            span,
            format!("answer {} is not one of the options{hint}", shown(a)),
        );
    }
    for (i, (a, span)) in answer.iter().enumerate() {
        if answer[..i].iter().any(|(b, _)| b == a) {
            ck.error(span, format!("answer {} is given twice", shown(a)));
        }
    }
    Content::Choice {
        question,
        options: options.into_iter().map(|(o, _)| o).collect(),
        answer: answer.into_iter().map(|(a, _)| a).collect(),
    }
}

/// One answer as a string, or several (select-all) as a list.
fn answers(ck: &mut Checker<'_>, node: &Node<'_>) -> Vec<(String, Range<usize>)> {
    match &node.value {
        Value::Array(items) if items.is_empty() => {
            ck.error(&node.span, "`answer` names no option".to_string());
            Vec::new()
        }
        Value::Array(_) => texts(ck, node, "answer"),
        _ => super::fields::text(ck, node, "answer")
            .map(|a| vec![(a, node.span.clone())])
            .unwrap_or_default(),
    }
}

/// Options that a learner could not tell apart.
fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}
