//! A scripted terminal for tests: answers come from a list, what is shown
//! goes to a transcript. The drill, quiz and exam loops run against it
//! in-process exactly as against a pipe.

use std::collections::VecDeque;

use super::{Prompt, Style, Ticker};

/// Answers from a script, one line each; a transcript of the screen.
#[derive(Debug, Default)]
pub struct Scripted {
    answers: VecDeque<String>,
    transcript: String,
    keys_help: String,
}

impl Scripted {
    /// A terminal that gives these answers in turn, then ends the input.
    pub fn new<I, S>(answers: I) -> Scripted
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Scripted {
            answers: answers.into_iter().map(Into::into).collect(),
            ..Scripted::default()
        }
    }

    /// Everything shown so far, a line each.
    pub fn transcript(&self) -> &str {
        &self.transcript
    }

    /// Answers given more.
    pub fn push(&mut self, answer: &str) {
        self.answers.push_back(answer.to_string());
    }
}

impl Prompt for Scripted {
    fn interactive(&self) -> bool {
        false
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.transcript.push('\n');
        Ok(())
    }

    fn say_styled(&mut self, text: &str, _: Style) -> std::io::Result<()> {
        for line in crate::text::clean(text).lines() {
            self.transcript.push_str(line);
            self.transcript.push('\n');
        }
        Ok(())
    }

    fn read_answer(&mut self) -> std::io::Result<Option<String>> {
        Ok(self.answers.pop_front().map(|a| a.trim().to_string()))
    }

    fn ask_line(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        self.say(prompt)?;
        self.read_answer()
    }

    fn set_ticker(&mut self, _: Option<Ticker>) {}

    fn wants_to_stop(&mut self) -> std::io::Result<bool> {
        Ok(false)
    }

    fn keys_help(&self) -> &str {
        &self.keys_help
    }

    fn set_keys_help(&mut self, help: &str) {
        self.keys_help = help.to_string();
    }
}
