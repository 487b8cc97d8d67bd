//! The fields of one table: unknown, repeated and missing keys are reported
//! when it is opened, and each typed accessor reports a wrong type or an
//! empty text at the value itself.

use std::ops::Range;

use super::Checker;
use crate::deck::tree::{Entry, Node, Value};

/// An opened table.
pub(super) struct Fields<'n> {
    entries: &'n [Entry<'n>],
}

impl<'n> Fields<'n> {
    /// Opens `node` as a table named `what` in messages, in which
    /// `required` and `optional` are the allowed keys.
    pub fn new(
        ck: &mut Checker<'_>,
        node: &'n Node<'n>,
        what: &str,
        required: &[&str],
        optional: &[&str],
    ) -> Option<Fields<'n>> {
        let Value::Table(entries) = &node.value else {
            let found = node.value.type_name();
            ck.error(&node.span, format!("{what} must be a table, found {found}"));
            return None;
        };
        let allowed = || {
            let mut all: Vec<&str> = Vec::new();
            for key in required.iter().chain(optional) {
                if !all.contains(key) {
                    all.push(key);
                }
            }
            all.join(", ")
        };
        // A card's few keys are compared directly; a table of 100,000 keys
        // is checked through a set, in linear time.
        const FEW: usize = 16;
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (i, entry) in entries.iter().enumerate() {
            let key: &str = &entry.key;
            let repeated = if entries.len() <= FEW {
                entries[..i].iter().any(|e| e.key == key)
            } else {
                !seen.insert(key)
            };
            if repeated {
                ck.error(
                    &entry.key_span,
                    format!("duplicate key {} in {what}", shown(key)),
                );
            } else if !required.contains(&key) && !optional.contains(&key) {
                let expected = allowed();
                let message = format!(
                    "unknown field {} in {what} (expected {expected})",
                    shown(key)
                );
                ck.error(&entry.key_span, message);
            }
        }
        for key in required {
            if !entries.iter().any(|e| e.key == *key) {
                ck.error(&node.span, format!("{what} is missing `{key}`"));
            }
        }
        Some(Fields { entries })
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'n Node<'n>> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.node)
    }

    /// A required non-empty text; empty if absent or wrong.
    pub fn string(&self, ck: &mut Checker<'_>, key: &str) -> String {
        self.optional_string(ck, key).unwrap_or_default()
    }

    /// An optional non-empty text.
    pub fn optional_string(&self, ck: &mut Checker<'_>, key: &str) -> Option<String> {
        self.get(key).and_then(|node| text(ck, node, key))
    }

    /// An optional list of non-empty texts; empty if absent.
    pub fn strings(&self, ck: &mut Checker<'_>, key: &str) -> Vec<String> {
        self.get(key)
            .map(|node| texts(ck, node, key))
            .unwrap_or_default()
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    /// A required identifier: letters, digits, `-`, `_` and `.`.
    pub fn id(&self, ck: &mut Checker<'_>, key: &str) -> String {
        let id = self.string(ck, key);
        if !id.is_empty() && !is_id(&id) {
            if let Some(node) = self.get(key) {
                let message = format!(
                    "`{key}` {} may hold only letters, digits, `-`, `_` and `.`, not dots alone",
                    crate::text::quoted(&id)
                );
                ck.error(&node.span, message);
            }
            return String::new();
        }
        id
    }

    /// A required whole number of at least 1.
    pub fn version(&self, ck: &mut Checker<'_>, key: &str) -> u32 {
        let Some(node) = self.get(key) else { return 0 };
        match node.value {
            Value::Int(v) if v >= 1 && u32::try_from(v).is_ok() => u32::try_from(v).unwrap_or(0),
            _ => {
                let message = format!("`{key}` must be a whole number from 1 to {}", u32::MAX);
                ck.error(&node.span, message);
                0
            }
        }
    }

    /// An optional positive number.
    pub fn weight(&self, ck: &mut Checker<'_>, key: &str) -> Option<f64> {
        let node = self.get(key)?;
        #[allow(clippy::cast_precision_loss)] // weights are small numbers
        let weight = match node.value {
            Value::Int(v) => v as f64,
            Value::Float(v) => v,
            _ => f64::NAN,
        };
        if weight.is_finite() && weight > 0.0 {
            Some(weight)
        } else {
            ck.error(&node.span, format!("`{key}` must be a positive number"));
            None
        }
    }

    /// The order of new cards: `in-order` (the default) or `interleaved`.
    pub fn new_cards(&self, ck: &mut Checker<'_>, key: &str) -> crate::deck::NewCards {
        use crate::deck::NewCards;
        let Some(name) = self.optional_string(ck, key) else {
            return NewCards::default();
        };
        NewCards::from_name(&name).unwrap_or_else(|| {
            if let Some(node) = self.get(key) {
                let message = format!(
                    "`{key}` must be {}, found {}",
                    NewCards::NAMES.join(" or "),
                    shown(&name)
                );
                ck.error(&node.span, message);
            }
            NewCards::default()
        })
    }

    /// A required boolean.
    pub fn boolean(&self, ck: &mut Checker<'_>, key: &str) -> bool {
        let Some(node) = self.get(key) else {
            return false;
        };
        match node.value {
            Value::Bool(b) => b,
            ref other => {
                let found = other.type_name();
                let message = format!("`{key}` must be true or false, found {found}");
                ck.error(&node.span, message);
                false
            }
        }
    }
}

/// Whether `s` is a usable identifier: letters, digits, `-`, `_` and
/// `.`, with at least one that is not a dot (an id of dots alone, `.` or
/// `..`, would name the wrong page in an address).
pub fn is_id(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.chars().any(|c| c != '.')
}

/// A non-empty text, or `None` after reporting why not. A line break
/// written as CRLF reads as LF; any other control character (which would
/// act on a learner's terminal) or bidirectional override is refused at
/// its place.
pub(super) fn text(ck: &mut Checker<'_>, node: &Node<'_>, key: &str) -> Option<String> {
    match &node.value {
        Value::Str(s) if !s.trim().is_empty() => {
            let s = s.replace("\r\n", "\n");
            let bad = s.chars().find(|c| {
                *c == '\r'
                    || crate::text::is_terminal_control(*c)
                    || crate::text::is_bidi_control(*c)
            });
            if let Some(bad) = bad {
                let written = ck.text.get(node.span.clone()).unwrap_or("");
                let at = written_at(written, bad).map_or(node.span.start, |i| node.span.start + i);
                let what = if crate::text::is_bidi_control(bad) {
                    "a bidirectional override, which reorders the text around it"
                } else {
                    "a control character, which would act on a learner's terminal"
                };
                let message = format!("`{key}` holds U+{:04X}, {what}", u32::from(bad));
                ck.error_at(at, message);
                return None;
            }
            Some(s)
        }
        Value::Str(_) => {
            ck.error(&node.span, format!("empty `{key}`"));
            None
        }
        other => {
            let found = other.type_name();
            let message = format!("`{key}` must be a string, found {found}");
            ck.error(&node.span, message);
            None
        }
    }
}

/// A list of non-empty texts with their spans, reporting each bad item.
pub(super) fn texts(
    ck: &mut Checker<'_>,
    node: &Node<'_>,
    key: &str,
) -> Vec<(String, Range<usize>)> {
    let Value::Array(items) = &node.value else {
        let found = node.value.type_name();
        let message = format!("`{key}` must be a list of strings, found {found}");
        ck.error(&node.span, message);
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| text(ck, item, key).map(|s| (s, item.span.clone())))
        .collect()
}

/// A value as a message quotes it: in backticks, cut to its first 60
/// characters, so a message stays one readable line however long the
/// value is.
pub(crate) fn shown(value: &str) -> String {
    const MAX: usize = 60;
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(MAX).collect();
    if chars.next().is_some() {
        format!("`{head}…`")
    } else {
        format!("`{head}`")
    }
}

/// Where `c` is written in the source text of a string: as itself, or as
/// one of the escapes TOML and JSON have for it.
fn written_at(written: &str, c: char) -> Option<usize> {
    if let Some(i) = written.find(c) {
        return Some(i);
    }
    let code = u32::from(c);
    let short = match c {
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\r' => Some("\\r"),
        '\u{1b}' => Some("\\e"),
        _ => None,
    };
    let lower = written.to_ascii_lowercase();
    let escapes = [
        format!("\\u{code:04x}"),
        format!("\\u{code:08x}"),
        format!("\\x{code:02x}"),
    ];
    escapes
        .iter()
        .map(String::as_str)
        .chain(short)
        .filter_map(|escape| lower.find(escape))
        .min()
}
