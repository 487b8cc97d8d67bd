//! Tolerant matching of typed answers: case, spacing, punctuation and a
//! leading article do not count; a small typo makes an answer close, not
//! wrong; the parts of a two-part answer count in any order and with any
//! joiner (either part alone for an "X or Y" answer); a parenthesised
//! abbreviation may be given alone or left out.

pub use crate::text::normalize;

pub use crate::model::Match;

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
/// alternatives, each in every form it may be given in.
pub fn judge_typed(given: &str, answer: &str, accept: &[String]) -> Match {
    let mut best = Match::Wrong;
    for expected in std::iter::once(answer).chain(accept.iter().map(String::as_str)) {
        for form in forms(expected) {
            best = best.max(compare(given, &form));
            if best == Match::Exact {
                return best;
            }
        }
    }
    best
}

/// The ways an expected answer may be given: as written, and when it ends
/// in a parenthesised abbreviation ("electronic health records (EHRs)"),
/// without it or as the abbreviation alone.
fn forms(expected: &str) -> Vec<String> {
    let mut out = vec![expected.to_string()];
    if let (Some(open), Some(close)) = (expected.find('('), expected.rfind(')')) {
        if open < close {
            let inside = expected[open + 1..close].trim();
            let without = format!("{}{}", &expected[..open], &expected[close + 1..]);
            if !without.trim().is_empty() {
                out.push(without);
            }
            let abbreviation = !inside.contains(char::is_whitespace)
                && inside.chars().filter(char::is_ascii_uppercase).count() >= 2;
            if abbreviation {
                out.push(inside.to_string());
            }
        }
    }
    out
}

/// One given answer against one form of the expected answer.
fn compare(given: &str, expected: &str) -> Match {
    let (g, e) = (normalize(given), normalize(expected));
    if e.is_empty() {
        // An answer of symbols alone (an emoji): compared as written.
        let squash = |s: &str| s.split_whitespace().collect::<String>().to_lowercase();
        let same = !squash(given).is_empty() && squash(given) == squash(expected);
        return if same { Match::Exact } else { Match::Wrong };
    }
    if g.is_empty() {
        return Match::Wrong;
    }
    if g == e {
        return Match::Exact;
    }
    let mut best = close(&g, &e);
    if let Some((parts, either)) = parts(expected) {
        let given_parts = parts_of(given);
        best = best.max(same_parts(&given_parts, &parts));
        if either && given_parts.len() == 1 {
            for part in &parts {
                best = best.max(if given_parts[0] == *part {
                    Match::Exact
                } else {
                    close(&given_parts[0], part)
                });
            }
        }
    }
    best
}

/// Close when `g` is within the typos an answer of `e`'s length allows.
fn close(g: &str, e: &str) -> Match {
    if strsim::damerau_levenshtein(g, e) <= allowed_typos(e.chars().count()) {
        Match::Close
    } else {
        Match::Wrong
    }
}

/// The parts of an answer of two or more ("X and Y", "X, Y", "X or Y",
/// "X/Y", "X & Y"), normalised; and whether they are alternatives, any one
/// of which is right alone: joined by "or", and each a short name (three
/// words at most), so an "or" inside a longer phrase never makes half of
/// it an answer. `None` for an answer of one part.
fn parts(text: &str) -> Option<(Vec<String>, bool)> {
    let lower = format!(" {} ", text.to_lowercase());
    let parts = parts_of(text);
    let short = parts.iter().all(|p| p.split(' ').count() <= 3);
    let either = lower.contains(" or ") && short;
    (parts.len() >= 2).then_some((parts, either))
}

/// An answer split at its joiners, each part normalised, empty ones and
/// repeats dropped.
fn parts_of(text: &str) -> Vec<String> {
    let mut spaced = format!(" {} ", text.to_lowercase());
    for joiner in [" as well as ", " and ", " or ", " plus "] {
        spaced = spaced.replace(joiner, " | ");
    }
    let mut out: Vec<String> = Vec::new();
    for part in spaced.split(['|', ',', ';', '&', '/', '+']) {
        let part = normalize(part);
        if !part.is_empty() && !out.contains(&part) {
            out.push(part);
        }
    }
    out
}

/// Given parts against expected parts: the same set in any order is
/// exact; each within a typo of a different expected part is close.
fn same_parts(given: &[String], expected: &[String]) -> Match {
    if given.len() != expected.len() {
        return Match::Wrong;
    }
    if given.iter().all(|g| expected.contains(g)) {
        return Match::Exact;
    }
    let mut unused: Vec<&String> = expected.iter().collect();
    for g in given {
        let Some(i) = unused.iter().position(|e| close(g, e) == Match::Close) else {
            return Match::Wrong;
        };
        unused.remove(i);
    }
    Match::Close
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
    fn either_part_of_an_or_answer_is_right_alone() {
        let peers = "peers or mentors";
        for given in [
            "peers",
            "mentors",
            "peers, mentors",
            "peers/mentors",
            "mentors or peers",
        ] {
            assert_eq!(judge(given, peers), Match::Exact, "{given}");
        }
        assert_eq!(judge("a mentor", peers), Match::Close);
        assert_eq!(judge("colleagues", peers), Match::Wrong);
        let long = "learn from their insights or their techniques";
        assert_eq!(judge("their techniques", long), Match::Wrong);
    }

    #[test]
    fn both_parts_of_an_and_answer_in_any_order_and_joiner() {
        let legal = "legal and ethical";
        for given in [
            "legal, ethical",
            "legal & ethical",
            "legal/ethical",
            "ethical and legal",
            "Ethical; legal",
        ] {
            assert_eq!(judge(given, legal), Match::Exact, "{given}");
        }
        assert_eq!(
            judge("ethical", legal),
            Match::Wrong,
            "half is not the answer"
        );
        assert_eq!(judge("legal and etical", legal), Match::Close);
        let three = "physical, emotional, and social";
        assert_eq!(judge("social, physical and emotional", three), Match::Exact);
        assert_eq!(judge("social and physical", three), Match::Wrong);
    }

    #[test]
    fn a_parenthesised_abbreviation_alone_or_left_out() {
        let ehr = "electronic health records (EHRs)";
        for given in [
            "electronic health records",
            "EHRs",
            "ehrs",
            "Electronic Health Records (EHRs)",
        ] {
            assert_eq!(judge(given, ehr), Match::Exact, "{given}");
        }
        assert_eq!(judge("EHR", ehr), Match::Close);
        assert_eq!(judge("electronic medical records", ehr), Match::Wrong);
        // A parenthesis that is not an abbreviation is never asked alone.
        assert_eq!(judge("daily", "notes (daily)"), Match::Wrong);
        assert_eq!(judge("notes", "notes (daily)"), Match::Exact);
    }

    #[test]
    fn an_answer_of_symbols_alone_can_be_right() {
        assert_eq!(judge("👍", "👍"), Match::Exact);
        assert_eq!(judge(" 👍 ", "👍"), Match::Exact);
        assert_eq!(judge("👎", "👍"), Match::Wrong);
        assert_eq!(judge("", "👍"), Match::Wrong);
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
