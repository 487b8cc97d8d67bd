//! Putting a question to the learner and reading the answer, shared by
//! drills, quizzes and exams: options as letters, t/f, or a typed line.

use std::time::Duration;

use super::{Prompt, Style};
use crate::quiz::Match;
use crate::quiz::Question;
use crate::quiz::exam::Given;
use crate::store::StoreError;
use crate::{Error, Result};

/// How long a save waits for another process's write lock before the
/// learner is told that their answer is waiting.
pub const PATIENCE: Duration = Duration::from_secs(2);

/// Saves an answer with `save`, never losing it to a busy database: while
/// another process holds the write lock it says so once, keeps the answer
/// and tries again, until it is saved or the learner gives up (Esc or
/// Ctrl-C on a terminal), which gives `None`.
pub fn saved<T>(term: &mut dyn Prompt, mut save: impl FnMut() -> Result<T>) -> Result<Option<T>> {
    let mut told = false;
    loop {
        match save() {
            Err(Error::Store(StoreError::Busy(_))) => {
                if !told {
                    let wait = "The database is busy (another recall is writing to it): \
                                waiting to save your answer… (Esc gives up on it)";
                    term.say_styled(wait, Style::Warn).map_err(Error::Output)?;
                    told = true;
                }
                if term.wants_to_stop().map_err(Error::Output)? {
                    term.say("Not saved: that answer is lost; every earlier one is kept.")
                        .map_err(Error::Output)?;
                    return Ok(None);
                }
            }
            Err(e) => return Err(e),
            Ok(value) => {
                if told {
                    term.say("Saved.").map_err(Error::Output)?;
                }
                return Ok(Some(value));
            }
        }
    }
}

/// Shows `q` and reads an answer; `None` when the input ends.
pub fn ask(term: &mut dyn Prompt, q: &Question) -> std::io::Result<Option<Given>> {
    term.say_styled(q.prompt(), Style::Bold)?;
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
                let Some(key) = term.ask(&help, &one)? else {
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
            let Some(key) = term.ask("t true · f false", &tf)? else {
                return Ok(None);
            };
            let picked = key.eq_ignore_ascii_case("t");
            term.say(if picked { "→ true" } else { "→ false" })?;
            Ok(Some(Given::Bool(picked)))
        }
        Question::Typed { .. } => {
            let Some(line) = term.ask_line("Your answer (Enter when done):")? else {
                return Ok(None);
            };
            if !line.trim().is_empty() {
                return Ok(Some(Given::Text(line)));
            }
            // An Enter pressed too soon is not an answer: ask once more.
            let again =
                "Nothing typed. Type your answer, or press Enter again if you don't know it:";
            Ok(term.ask_line(again)?.map(Given::Text))
        }
    }
}

/// Right, close or wrong, then the solution (and the explanation a
/// true/false card gives).
pub fn feedback(term: &mut dyn Prompt, q: &Question, verdict: Match) -> std::io::Result<()> {
    let (mark, style) = match verdict {
        Match::Exact => ("right", Style::Good),
        Match::Close => ("close: a small typo", Style::Warn),
        Match::Wrong => ("not quite", Style::Bad),
    };
    term.say_styled(mark, style)?;
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

/// An answer as the list of misses shows it.
pub fn described(given: &Given, q: &Question) -> String {
    match given.describe(q) {
        text if text.trim().is_empty() => "no answer".to_string(),
        text => text,
    }
}
