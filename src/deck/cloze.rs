//! Anki's cloze syntax: `{{c1::answer}}` or `{{c1::answer::hint}}`, any
//! number of deletions in one text.
//!
//! A cloze card here hides all its deletions at once; Anki would make one
//! card per deletion number. Write separate cards to drill them apart.

/// A piece of a cloze text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text shown as it is, between deletions.
    Text(&'a str),
    /// A deletion: `{{c1::answer}}` or `{{c1::answer::hint}}`.
    Gap {
        /// Its number, from 1 (`c1`); several deletions may share one.
        number: u32,
        /// The hidden text, as written.
        answer: &'a str,
        /// The hint its blank shows; `None` when absent or only spaces.
        hint: Option<&'a str>,
    },
}

/// A problem in a cloze text, at a byte offset into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClozeError {
    /// Byte offset of the problem in the cloze text.
    pub offset: usize,
    /// What is wrong, in words.
    pub message: String,
}

/// Splits a cloze text into text and gaps, or returns every problem.
pub fn parse(text: &str) -> Result<Vec<Segment<'_>>, Vec<ClozeError>> {
    let mut segments = Vec::new();
    let mut errors = Vec::new();
    let mut rest = 0;
    while rest < text.len() {
        let open = text[rest..].find("{{").map(|i| rest + i);
        let stray = text[rest..].find("}}").map(|i| rest + i);
        match (open, stray) {
            (_, Some(close)) if open.is_none_or(|o| close < o) => {
                errors.push(ClozeError {
                    offset: close,
                    message: "`}}` without a matching `{{`".to_string(),
                });
                push_text(&mut segments, &text[rest..close + 2]);
                rest = close + 2;
            }
            (Some(open), _) => {
                push_text(&mut segments, &text[rest..open]);
                let body_start = open + 2;
                let close = text[body_start..].find("}}").map(|i| body_start + i);
                let reopen = text[body_start..].find("{{").map(|i| body_start + i);
                match close {
                    Some(close) if reopen.is_none_or(|r| close < r) => {
                        match gap(&text[body_start..close]) {
                            Ok(segment) => segments.push(segment),
                            Err(message) => errors.push(ClozeError {
                                offset: open,
                                message,
                            }),
                        }
                        rest = close + 2;
                    }
                    _ => {
                        errors.push(ClozeError {
                            offset: open,
                            message: "`{{` is never closed with `}}`".to_string(),
                        });
                        rest = body_start;
                    }
                }
            }
            _ => {
                push_text(&mut segments, &text[rest..]);
                rest = text.len();
            }
        }
    }
    if errors.is_empty() && !segments.iter().any(|s| matches!(s, Segment::Gap { .. })) {
        errors.push(ClozeError {
            offset: 0,
            message: "cloze text has no deletion such as {{c1::answer}}".to_string(),
        });
    }
    if errors.is_empty() {
        Ok(segments)
    } else {
        Err(errors)
    }
}

fn push_text<'a>(segments: &mut Vec<Segment<'a>>, text: &'a str) {
    if !text.is_empty() {
        segments.push(Segment::Text(text));
    }
}

/// `c1::answer` or `c1::answer::hint`.
fn gap(body: &str) -> Result<Segment<'_>, String> {
    let not_a_gap = || "this `{{...}}` is not a cloze deletion: write {{c1::answer}}".to_string();
    let (head, tail) = body.split_once("::").ok_or_else(not_a_gap)?;
    let number = head
        .strip_prefix('c')
        .or_else(|| head.strip_prefix('C'))
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or_else(not_a_gap)?;
    if number == 0 {
        return Err("cloze numbers start at c1".to_string());
    }
    let (answer, hint) = match tail.split_once("::") {
        Some((answer, hint)) => (answer, Some(hint)),
        None => (tail, None),
    };
    if answer.trim().is_empty() {
        return Err(format!("cloze deletion c{number} has an empty answer"));
    }
    Ok(Segment::Gap {
        number,
        answer,
        hint: hint.filter(|h| !h.trim().is_empty()),
    })
}

/// The text with every gap blanked: `[...]`, or `[hint]` where one is given.
pub fn prompt(segments: &[Segment<'_>]) -> String {
    render(segments, |_, hint| match hint {
        Some(hint) => format!("[{hint}]"),
        None => "[...]".to_string(),
    })
}

/// The text with every gap filled in.
pub fn filled(segments: &[Segment<'_>]) -> String {
    render(segments, |answer, _| answer.to_string())
}

/// The answers, in order.
pub fn answers<'a>(segments: &[Segment<'a>]) -> Vec<&'a str> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Gap { answer, .. } => Some(*answer),
            Segment::Text(_) => None,
        })
        .collect()
}

/// Each gap's number and answer, in order.
pub fn gaps<'a>(segments: &[Segment<'a>]) -> Vec<(u32, &'a str)> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Gap { number, answer, .. } => Some((*number, *answer)),
            Segment::Text(_) => None,
        })
        .collect()
}

/// The deletion numbers, each once, in order of first appearance.
pub fn numbers(segments: &[Segment<'_>]) -> Vec<u32> {
    let mut out = Vec::new();
    for s in segments {
        if let Segment::Gap { number, .. } = s {
            if !out.contains(number) {
                out.push(*number);
            }
        }
    }
    out
}

fn render(segments: &[Segment<'_>], gap: impl Fn(&str, Option<&str>) -> String) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) => (*t).to_string(),
            Segment::Gap { answer, hint, .. } => gap(answer, *hint),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<(usize, String)> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.offset, e.message))
            .collect()
    }

    #[test]
    fn gaps_with_and_without_hints() {
        let s = parse("A {{c1::cat}} and {{c2::dog::animal}}.").unwrap();
        assert_eq!(prompt(&s), "A [...] and [animal].");
        assert_eq!(filled(&s), "A cat and dog.");
        assert_eq!(answers(&s), ["cat", "dog"]);
    }

    #[test]
    fn no_deletion() {
        assert_eq!(
            errors("plain text"),
            [(
                0,
                "cloze text has no deletion such as {{c1::answer}}".into()
            )]
        );
    }

    #[test]
    fn unbalanced_braces_point_at_the_brace() {
        assert_eq!(errors("a {{c1::b")[0].0, 2);
        assert_eq!(errors("a {{c1::b}} c}}")[0].0, 13);
        assert_eq!(errors("{{c1::a {{c2::b}}")[0].0, 0);
        assert!(errors("{{c1::a {{c2::b}}")[0].1.contains("never closed"));
    }

    #[test]
    fn malformed_gaps() {
        assert!(
            errors("{{answer}}")[0]
                .1
                .contains("is not a cloze deletion")
        );
        assert!(errors("{{c0::a}}")[0].1.contains("start at c1"));
        assert!(errors("{{c1::  }}")[0].1.contains("empty answer"));
    }
}
