//! Warnings about a deck as teaching material: cards that give their
//! answer away, choices with a second right option, gaps too long to type,
//! true/false answers a learner could guess. A deck with them still loads;
//! its learners' figures would mislead.

use std::collections::HashMap;
use std::ops::Range;

use super::Checker;
use super::fields::shown;
use crate::deck::cloze;
use crate::deck::model::{Card, Content};
use crate::deck::tree::{Node, Value};
use crate::text::{names_skill, normalize};

/// The most words a cloze gap may have with no `accept` alternatives.
const GAP_WORDS: usize = crate::deck::TYPED_WORDS;

/// The share of true statements, in percent, outside which the answer to
/// a true/false card can be guessed.
const TRUE_SHARE: std::ops::RangeInclusive<usize> = 35..=65;

/// The fewest true/false cards for a share to mean anything.
const TRUE_FALSE_MIN: usize = 4;

pub(super) fn warnings(ck: &mut Checker<'_>, cards: &[Card], nodes: &[Node<'_>], areas: &[&str]) {
    let mut prompts: HashMap<String, usize> = HashMap::new();
    for (i, (card, node)) in cards.iter().zip(nodes).enumerate() {
        if card.id.is_empty() {
            continue;
        }
        let prompt = normalize(&card.content.prompt());
        if let Some(&first) = prompts.get(&prompt) {
            let other = &cards[first];
            let line = ck.line_of(&nodes[first].span);
            ck.warn(
                field(node, prompt_field(card)),
                format!(
                    "asks the same as card {} (line {line}): a learner cannot tell which answer is wanted",
                    shown(&other.id)
                ),
            );
            conflicting_options(ck, card, node, other, line);
            conflicting_options(ck, other, &nodes[first], card, ck.line_of(&node.span));
        } else if !prompt.is_empty() {
            prompts.insert(prompt, i);
        }
        match &card.content {
            Content::Choice {
                question, answer, ..
            } => {
                for a in answer {
                    if areas.contains(&a.as_str()) && names_skill(question, a) {
                        ck.warn(
                            field(node, "question"),
                            format!(
                                "the question names its own answer {}: a learner need only read it",
                                shown(a)
                            ),
                        );
                    }
                }
            }
            Content::Cloze { text, accept } => {
                let segments = cloze::parse(text).unwrap_or_default();
                for (number, gap) in cloze::gaps(&segments) {
                    let words = gap.split_whitespace().count();
                    if words > GAP_WORDS && !accept.contains_key(&format!("c{number}")) {
                        ck.warn(
                            field(node, "text"),
                            format!(
                                "deletion c{number} has {words} words and no `accept` alternatives: \
                                 a quiz will not ask it typed (shorten it, or list other answers)"
                            ),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    true_share(ck, cards, nodes);
}

/// A choice card's wrong option that another card asking the same gives
/// as its answer: two right options.
fn conflicting_options(
    ck: &mut Checker<'_>,
    card: &Card,
    node: &Node<'_>,
    other: &Card,
    line: usize,
) {
    let Content::Choice {
        options, answer, ..
    } = &card.content
    else {
        return;
    };
    let theirs = answers(other);
    for option in options.iter().filter(|o| !answer.contains(o)) {
        if theirs.iter().any(|a| normalize(a) == normalize(option)) {
            ck.warn(
                field(node, "options"),
                format!(
                    "option {} is marked wrong, but card {} (line {line}) gives it as the answer \
                     to the same question",
                    shown(option),
                    shown(&other.id)
                ),
            );
        }
    }
}

/// What a card counts as right.
fn answers(card: &Card) -> Vec<String> {
    match &card.content {
        Content::Basic { back, .. } => vec![back.clone()],
        Content::Choice { answer, .. } => answer.clone(),
        Content::Typed { answer, accept, .. } => std::iter::once(answer.clone())
            .chain(accept.iter().cloned())
            .collect(),
        Content::Cloze { text, .. } => cloze::parse(text)
            .map(|s| {
                cloze::answers(&s)
                    .iter()
                    .map(|a| (*a).to_string())
                    .collect()
            })
            .unwrap_or_default(),
        Content::TrueFalse { .. } => Vec::new(),
    }
}

/// True/false answers a learner could guess without reading.
fn true_share(ck: &mut Checker<'_>, cards: &[Card], nodes: &[Node<'_>]) {
    let answers: Vec<(bool, &Node<'_>)> = cards
        .iter()
        .zip(nodes)
        .filter_map(|(c, n)| match c.content {
            Content::TrueFalse { answer, .. } => Some((answer, n)),
            _ => None,
        })
        .collect();
    if answers.len() < TRUE_FALSE_MIN {
        return;
    }
    let trues = answers.iter().filter(|(a, _)| *a).count();
    let share = trues * 100 / answers.len();
    if !TRUE_SHARE.contains(&share) {
        ck.warn(
            &answers[0].1.span,
            format!(
                "{trues} of the deck's {} true/false cards are true ({share}%): keep it between \
                 {}% and {}%, or the answer can be guessed",
                answers.len(),
                TRUE_SHARE.start(),
                TRUE_SHARE.end()
            ),
        );
    }
}

fn prompt_field(card: &Card) -> &'static str {
    match card.content {
        Content::Basic { .. } => "front",
        Content::Cloze { .. } => "text",
        Content::Choice { .. } | Content::Typed { .. } => "question",
        Content::TrueFalse { .. } => "statement",
    }
}

/// Where a card's field stands, else the card.
fn field<'n>(node: &'n Node<'_>, key: &str) -> &'n Range<usize> {
    match &node.value {
        Value::Table(entries) => entries
            .iter()
            .find(|e| e.key == key)
            .map_or(&node.span, |e| &e.node.span),
        _ => &node.span,
    }
}
