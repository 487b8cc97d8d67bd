//! Two ways in: on a terminal, single keypresses in raw mode with colour,
//! a screen cleared for each card and text wrapped at word boundaries to
//! the window (re-flowed when it is resized); from a pipe, one line per
//! answer and plain text, so scripts and tests drive the same prompts.

use std::io::{BufRead, BufReader, IsTerminal, Stdin, Stdout, Write};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, terminal};

use super::{Prompt, Style, Ticker};

/// Where answers come from and the screen goes.
pub struct Terminal {
    out: Stdout,
    input: Input,
    colour: bool,
    ticker: Option<Ticker>,
    /// What the screen shows since it was last cleared, to draw again at
    /// a new width.
    screen: Vec<(String, Style)>,
    /// The line being typed at an `ask_line` prompt, if one is open.
    typing: Option<(String, String)>,
    /// What `?` explains at a key prompt.
    keys_help: String,
}

enum Input {
    /// A terminal in raw mode: one key at a time.
    Keys,
    /// A pipe or file: one line per answer.
    Lines(BufReader<Stdin>),
}

impl Terminal {
    /// Keys and colour when both ends are a terminal (colour unless
    /// `NO_COLOR` is set or `TERM` is `dumb`), else lines and plain text.
    pub fn open() -> std::io::Result<Terminal> {
        let out = std::io::stdout();
        let interactive = std::io::stdin().is_terminal() && out.is_terminal();
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        let input = if interactive {
            terminal::enable_raw_mode()?;
            restore_on_signals();
            Input::Keys
        } else {
            Input::Lines(BufReader::new(std::io::stdin()))
        };
        Ok(Terminal {
            out,
            input,
            colour: interactive && !no_colour,
            ticker: None,
            screen: Vec::new(),
            typing: None,
            keys_help: String::new(),
        })
    }

    /// The next key, redrawing the ticker's line meanwhile and the whole
    /// screen when the window changes size.
    fn key(&mut self) -> std::io::Result<Key> {
        loop {
            let wait = if self.ticker.is_some() { 500 } else { 60_000 };
            if crossterm::event::poll(std::time::Duration::from_millis(wait))? {
                match read_event()? {
                    Some(Key::Resize) => self.redraw()?,
                    Some(key) => return Ok(key),
                    None => {}
                }
                continue;
            }
            let Some(ticker) = &self.ticker else {
                continue;
            };
            let (text, up) = ticker();
            let text = self.styled(&text, Style::Dim);
            execute!(
                self.out,
                cursor::SavePosition,
                cursor::MoveTo(0, 0),
                terminal::Clear(terminal::ClearType::CurrentLine),
                crossterm::style::Print(text),
                cursor::RestorePosition
            )?;
            if up {
                return Ok(Key::Quit);
            }
        }
    }

    /// Clears the screen and draws what it showed again, wrapped to the
    /// window's width now.
    fn redraw(&mut self) -> std::io::Result<()> {
        execute!(
            self.out,
            terminal::Clear(terminal::ClearType::All),
            cursor::MoveTo(0, 0)
        )?;
        let screen = std::mem::take(&mut self.screen);
        for (text, style) in &screen {
            self.write_lines(text, *style)?;
        }
        self.screen = screen;
        if let Some((prompt, line)) = &self.typing {
            write!(self.out, "{prompt}{line}")?;
        }
        self.out.flush()
    }

    /// The next keypress as an answer: a character, or "" for Enter;
    /// `None` when the learner is done (or time is up).
    fn answer_key(&mut self) -> std::io::Result<Option<String>> {
        loop {
            return Ok(match self.key()? {
                Key::Quit => None,
                Key::Enter => Some(String::new()),
                Key::Char(c) => Some(c.to_string()),
                Key::Backspace | Key::Resize => continue,
            });
        }
    }

    fn write_lines(&mut self, text: &str, style: Style) -> std::io::Result<()> {
        let text = crate::text::clean(text);
        if !self.interactive() {
            for line in text.lines() {
                let line = self.styled(line, style);
                writeln!(self.out, "{line}")?;
            }
            return Ok(());
        }
        let width = terminal::size().map_or(80, |(w, _)| usize::from(w).max(10));
        for line in text.lines() {
            for piece in crate::text::wrap(line, width) {
                let piece = self.styled(&piece, style);
                write!(self.out, "{piece}\r\n")?;
            }
        }
        Ok(())
    }

    /// Clean `text` in `style`, or as it is without colour.
    fn styled(&self, text: &str, style: Style) -> String {
        use crossterm::style::Stylize;
        let text = crate::text::clean(text);
        if !self.colour {
            return text.into_owned();
        }
        match style {
            Style::Plain => text.into_owned(),
            Style::Bold => text.bold().to_string(),
            Style::Dim => text.dim().to_string(),
            Style::Good => text.green().bold().to_string(),
            Style::Bad => text.red().bold().to_string(),
            Style::Warn => text.yellow().to_string(),
        }
    }
}

impl Prompt for Terminal {
    /// On a terminal, whether the learner has pressed Esc, Ctrl-C or
    /// Ctrl-D since the last prompt (without waiting for a key); always
    /// `false` from a pipe.
    fn wants_to_stop(&mut self) -> std::io::Result<bool> {
        if !self.interactive() {
            return Ok(false);
        }
        while crossterm::event::poll(std::time::Duration::ZERO)? {
            match read_event()? {
                Some(Key::Quit) => return Ok(true),
                Some(Key::Resize) => self.redraw()?,
                _ => {}
            }
        }
        Ok(false)
    }

    /// Whether this is a terminal read key by key.
    fn interactive(&self) -> bool {
        matches!(self.input, Input::Keys)
    }

    /// A fresh screen for the next card (on a terminal), so it never
    /// scrolls a wall of text; a blank line between cards otherwise.
    fn clear(&mut self) -> std::io::Result<()> {
        self.screen.clear();
        match self.input {
            Input::Keys => execute!(
                self.out,
                terminal::Clear(terminal::ClearType::All),
                cursor::MoveTo(0, 0)
            ),
            Input::Lines(_) => writeln!(self.out),
        }
    }

    /// Writes lines of text in `style` (plain without colour), shown, not
    /// obeyed, as [`Terminal::say`] does; on a terminal, wrapped at word
    /// boundaries to the window's width.
    fn say_styled(&mut self, text: &str, style: Style) -> std::io::Result<()> {
        if self.interactive() {
            self.screen.push((text.to_string(), style));
        }
        self.write_lines(text, style)?;
        self.out.flush()
    }

    fn read_answer(&mut self) -> std::io::Result<Option<String>> {
        match &mut self.input {
            Input::Keys => self.answer_key(),
            Input::Lines(stdin) => read_line(stdin),
        }
    }

    /// Reads a typed answer: a whole line. On a terminal it is typed in
    /// raw mode (Backspace edits; Esc, Ctrl-C and Ctrl-D end the input as at
    /// any other prompt).
    fn ask_line(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        let styled = self.styled(prompt, Style::Dim);
        match &mut self.input {
            Input::Keys => {
                // The answer is typed on a line of its own, so a narrow
                // window never splits a word of the prompt.
                self.say_styled(prompt, Style::Dim)?;
                write!(self.out, "> ")?;
                self.out.flush()?;
                let mut line = String::new();
                self.typing = Some(("> ".to_string(), String::new()));
                let answer = loop {
                    match self.key()? {
                        Key::Quit => break None,
                        Key::Enter => {
                            write!(self.out, "\r\n")?;
                            break Some(line.trim().to_string());
                        }
                        Key::Backspace => {
                            if line.pop().is_some() {
                                write!(self.out, "\u{8} \u{8}")?;
                            }
                        }
                        Key::Char(c) => {
                            line.push(c);
                            write!(self.out, "{c}")?;
                        }
                        Key::Resize => {}
                    }
                    self.typing = Some(("> ".to_string(), line.clone()));
                    self.out.flush()?;
                };
                self.typing = None;
                if let Some(answer) = &answer {
                    self.screen.push((format!("> {answer}"), Style::Plain));
                }
                Ok(answer)
            }
            Input::Lines(stdin) => {
                writeln!(self.out, "{styled}")?;
                read_line(stdin)
            }
        }
    }

    fn set_ticker(&mut self, ticker: Option<Ticker>) {
        self.ticker = ticker;
    }

    fn keys_help(&self) -> &str {
        &self.keys_help
    }

    fn set_keys_help(&mut self, help: &str) {
        self.keys_help = help.to_string();
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        if self.interactive() {
            // Leaving raw mode can only fail if the terminal is gone.
            let _ = terminal::disable_raw_mode();
        }
    }
}

/// Puts the terminal back (raw mode off, the cursor shown) and ends the
/// process when a signal from outside asks it to end: in raw mode Ctrl-C
/// is a key, but `kill`, a closed window (SIGHUP) or a service manager
/// still send signals, and a shell left without echo is unusable. Every
/// answer given is already saved.
fn restore_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _ = terminal::disable_raw_mode();
                let _ = execute!(std::io::stdout(), cursor::Show);
                let _ = std::io::Write::write_all(&mut std::io::stdout(), b"\r\n");
                std::process::exit(128 + signal);
            }
        });
    }
}

fn read_line(stdin: &mut BufReader<Stdin>) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    match stdin.read_line(&mut line)? {
        0 => Ok(None),
        _ => Ok(Some(line.trim().to_string())),
    }
}

/// A keypress (or a change of size) that means something at a prompt.
enum Key {
    Char(char),
    Enter,
    Backspace,
    /// Esc, Ctrl-C or Ctrl-D: the learner is done.
    Quit,
    /// The window changed size: the screen is drawn again.
    Resize,
}

/// The next event, if it is one a prompt cares about.
fn read_event() -> std::io::Result<Option<Key>> {
    Ok(match crossterm::event::read()? {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            ..
        }) => {
            let ctrl = modifiers.contains(KeyModifiers::CONTROL);
            match code {
                KeyCode::Char('c' | 'd') if ctrl => Some(Key::Quit),
                KeyCode::Esc => Some(Key::Quit),
                KeyCode::Enter => Some(Key::Enter),
                KeyCode::Backspace => Some(Key::Backspace),
                KeyCode::Char(c) => Some(Key::Char(c)),
                _ => None,
            }
        }
        Event::Resize(..) => Some(Key::Resize),
        _ => None,
    })
}
