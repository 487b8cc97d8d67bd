//! Putting a question to the learner and reading the answer, shared by
//! drills, quizzes and exams: options as letters, t/f, or a typed line.

use crate::quiz::Match;
use crate::quiz::Question;
use crate::quiz::exam::Given;
use crate::term::{Style, Terminal};

/// Shows `q` and reads an answer; `None` when the input ends.
pub(super) fn ask(term: &mut Terminal, q: &Question) -> std::io::Result<Option<Given>> {
    let prompt = term.styled(q.prompt(), Style::Bold);
    term.say(&prompt)?;
    match q {
        Question::Choice { options, right, .. } => {
            let letters: Vec<char> = ('a'..='z').take(options.len()).collect();
            for (letter, option) in letters.iter().zip(options) {
                term.say(&format!("  {letter}) {option}"))?;
            }
            let pick = |s: &str| -> Option<Vec<usize>> {
                let picked: Option<Vec<usize>> = s
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != ',')
                    .map(|c| letters.iter().position(|l| *l == c.to_ascii_lowercase()))
                    .collect();
                picked.filter(|p| !p.is_empty())
            };
            let got = if right.len() > 1 {
                let help = format!(
                    "Pick every right one: letters, e.g. {}{}",
                    letters[0], letters[1]
                );
                loop {
                    let Some(line) = term.ask_line(&help)? else {
                        return Ok(None);
                    };
                    if let Some(p) = pick(&line) {
                        break p;
                    }
                }
            } else {
                let keys: Vec<String> = letters.iter().map(char::to_string).collect();
                let help = format!("Pick one: {}", keys.join(" "));
                let one = |k: &str| k.chars().count() == 1 && pick(k).is_some();
                let Some(key) = term.ask(&help, one)? else {
                    return Ok(None);
                };
                pick(&key).unwrap_or_default()
            };
            for i in &got {
                term.say(&format!("→ {}) {}", letters[*i], options[*i]))?;
            }
            Ok(Some(Given::Choice(got)))
        }
        Question::TrueFalse { .. } => {
            let tf = |k: &str| matches!(k, "t" | "f" | "T" | "F");
            let Some(key) = term.ask("t true · f false", tf)? else {
                return Ok(None);
            };
            let picked = key.eq_ignore_ascii_case("t");
            term.say(if picked { "→ true" } else { "→ false" })?;
            Ok(Some(Given::Bool(picked)))
        }
        Question::Typed { .. } => {
            let line = term.ask_line("Your answer (Enter when done):")?;
            Ok(line.map(Given::Text))
        }
    }
}

/// Right, close or wrong, then the solution (and the explanation a
/// true/false card gives).
pub(super) fn feedback(term: &mut Terminal, q: &Question, verdict: Match) -> std::io::Result<()> {
    let (mark, style) = match verdict {
        Match::Exact => ("right", Style::Good),
        Match::Close => ("close: a small typo", Style::Warn),
        Match::Wrong => ("not quite", Style::Bad),
    };
    let mark = term.styled(mark, style);
    term.say(&mark)?;
    term.say(&format!("Answer: {}", q.solution()))?;
    if let Question::TrueFalse {
        explanation: Some(e),
        ..
    } = q
    {
        term.say(e)?;
    }
    Ok(())
}
