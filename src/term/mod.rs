//! The terminal front end: reading answers (single keys on a terminal,
//! lines from a pipe, or a script in tests), showing cards, and the
//! drill, quiz and exam loops that drive the engine's sessions through a
//! [`Prompt`]. Nothing here decides what an answer does: the loops ask,
//! show and hand the answer to the session.

mod answer;
mod drive;
mod io;
mod scripted;

pub use answer::{PATIENCE, ask, described, feedback, saved};
pub use drive::{Clock, Scale, drill, drill_text, exam, exam_text, quiz, quiz_text};
pub use io::Terminal;
pub use scripted::Scripted;

/// How a piece of text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// As it is.
    Plain,
    /// Bold: a card's prompt or question.
    Bold,
    /// Dimmed: progress lines, countdowns and input prompts.
    Dim,
    /// Green and bold: a right answer.
    Good,
    /// Red and bold: a wrong answer.
    Bad,
    /// Yellow: a close answer, or a wait on a busy database.
    Warn,
}

/// A line kept up to date at the top of the screen while a prompt waits
/// (an exam's countdown): the text now, and whether time is up.
pub type Ticker = Box<dyn Fn() -> (String, bool)>;

/// Where answers come from and the screen goes: a real terminal, or a
/// script. The loops see only this.
pub trait Prompt {
    /// Whether answers are single keys on a terminal (else lines).
    fn interactive(&self) -> bool;

    /// A fresh screen for the next card.
    fn clear(&mut self) -> std::io::Result<()>;

    /// Writes lines of text in `style`. Whatever the text holds, nothing in
    /// it acts on the terminal: control characters are shown, not obeyed.
    fn say_styled(&mut self, text: &str, style: Style) -> std::io::Result<()>;

    /// The next answer: one key on a terminal (Enter is ""), one line
    /// (trimmed) otherwise; `None` when the learner is done (end of input,
    /// Esc, Ctrl-C, Ctrl-D, or time up).
    fn read_answer(&mut self) -> std::io::Result<Option<String>>;

    /// A typed answer: a whole line, after `prompt`.
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<Option<String>>;

    /// Keeps a line up to date while a prompt waits (`None` stops it).
    fn set_ticker(&mut self, ticker: Option<Ticker>);

    /// On a terminal, whether the learner has asked to stop since the last
    /// prompt (without waiting for a key).
    fn wants_to_stop(&mut self) -> std::io::Result<bool>;

    /// What `?` shows at a key prompt.
    fn keys_help(&self) -> &str;

    /// Sets what `?` shows.
    fn set_keys_help(&mut self, help: &str);

    /// Writes lines of plain text.
    fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.say_styled(text, Style::Plain)
    }

    /// Shows `help` and waits for an answer that `accept` takes. A wrong
    /// key asks again; `?` lists every key; `q` (where it is no answer)
    /// stops (`None`), as does the end of the input. On a terminal the
    /// prompt says so.
    fn ask(
        &mut self,
        help: &str,
        accept: &dyn Fn(&str) -> bool,
    ) -> std::io::Result<Option<String>> {
        let shown = if self.interactive() {
            format!("{help} · q stop · ? keys")
        } else {
            help.to_string()
        };
        self.say_styled(&shown, Style::Dim)?;
        loop {
            let Some(answer) = self.read_answer()? else {
                return Ok(None);
            };
            if accept(&answer) {
                return Ok(Some(answer));
            }
            if answer.eq_ignore_ascii_case("q") {
                return Ok(None);
            }
            if answer == "?" || answer.eq_ignore_ascii_case("h") {
                let keys = match self.keys_help() {
                    "" => format!("Keys: {help}"),
                    keys => keys.to_string(),
                };
                let all =
                    format!("{keys}\nq or Esc: stop (every answer so far is kept) · ?: these keys");
                self.say_styled(&all, Style::Plain)?;
                self.say_styled(&shown, Style::Dim)?;
                continue;
            }
            self.say_styled(&format!("? {shown}"), Style::Warn)?;
        }
    }
}
