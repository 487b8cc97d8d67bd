//! Tolerant matching of typed answers: case, spacing, punctuation and a
//! leading article do not count; a small typo makes an answer close, not
//! wrong.

/// How a typed answer compares with the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    Wrong,
    /// Right but for a small typo.
    Close,
    Exact,
}

/// Lowercase words with punctuation dropped (hyphens and slashes split
/// words) and a leading "a", "an" or "the" removed.
pub fn normalize(text: &str) -> String {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '_'))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let words = match words.first() {
        Some(&("a" | "an" | "the")) if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words
        .iter()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The typos allowed in an answer of `len` characters: none up to 3, one
/// up to 7, two beyond.
fn allowed_typos(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// Judges a typed answer against the expected answer and the accepted
/// alternatives.
pub fn judge_typed(given: &str, answer: &str, accept: &[String]) -> Match {
    let given = normalize(given);
    if given.is_empty() {
        return Match::Wrong;
    }
    let mut best = Match::Wrong;
    for expected in std::iter::once(answer).chain(accept.iter().map(String::as_str)) {
        let expected = normalize(expected);
        if given == expected {
            return Match::Exact;
        }
        let typos = strsim::damerau_levenshtein(&given, &expected);
        if typos <= allowed_typos(expected.chars().count()) {
            best = Match::Close;
        }
    }
    best
}

/// Whether the picked options (indexes into `options`) are exactly the
/// right ones.
pub fn judge_choice(picked: &[usize], options: &[String], answers: &[String]) -> bool {
    let mut right: Vec<usize> = options
        .iter()
        .enumerate()
        .filter(|(_, o)| answers.contains(o))
        .map(|(i, _)| i)
        .collect();
    let mut picked = picked.to_vec();
    right.sort_unstable();
    picked.sort_unstable();
    picked.dedup();
    picked == right
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(given: &str, answer: &str) -> Match {
        judge_typed(given, answer, &[])
    }

    #[test]
    fn case_spacing_punctuation_and_articles_do_not_count() {
        assert_eq!(
            judge("  Role-Playing   Exercises! ", "role-playing exercises"),
            Match::Exact
        );
        assert_eq!(judge("second language", "a second language"), Match::Exact);
        assert_eq!(
            judge("The Eisenhower matrix.", "Eisenhower Matrix"),
            Match::Exact
        );
        assert_eq!(judge("10", "10"), Match::Exact);
    }

    #[test]
    fn small_typos_are_close_and_big_ones_wrong() {
        assert_eq!(
            judge("healh informatics", "health informatics"),
            Match::Close
        );
        assert_eq!(judge("hypotheticla", "hypothetical"), Match::Close);
        assert_eq!(judge("informatics", "health informatics"), Match::Wrong);
        assert_eq!(judge("ten", "10"), Match::Wrong);
        // Short answers must be exact.
        assert_eq!(judge("11", "10"), Match::Wrong);
        assert_eq!(judge("", "10"), Match::Wrong);
    }

    #[test]
    fn accepted_alternatives_count() {
        let accept = vec!["role play".to_string()];
        assert_eq!(
            judge_typed("Role play", "role-playing", &accept),
            Match::Exact
        );
        assert_eq!(
            judge_typed("role plya", "role-playing", &accept),
            Match::Close
        );
    }

    #[test]
    fn choices_must_be_exactly_the_right_ones() {
        let options: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let one = vec!["b".to_string()];
        let two = vec!["a".to_string(), "c".to_string()];
        assert!(judge_choice(&[1], &options, &one));
        assert!(!judge_choice(&[0], &options, &one));
        assert!(judge_choice(&[2, 0], &options, &two));
        assert!(!judge_choice(&[0], &options, &two));
        assert!(!judge_choice(&[0, 1, 2], &options, &two));
    }
}
