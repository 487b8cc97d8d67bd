//! Decks: the card model, loading from TOML or JSON with every problem
//! reported as `path:line:col`, cloze syntax, and CSV/TSV import.
//!
//! Loading and linting are one path ([`check`]), so no deck that fails lint
//! is ever installed or drilled. This module reads the files it is given
//! and nothing else; it never prints and never touches the database.

mod changes;
pub mod cloze;
mod diagnostic;
pub mod import;
mod lint;
mod model;
mod tree;

use std::path::{Path, PathBuf};

pub use changes::{Changes, Named, changes};
pub use diagnostic::{Diagnostic, Severity};
pub use lint::fields::is_id;
pub use lint::{Checked, check};
pub use model::{Area, Card, Content, Deck, DeckInfo, Kind, NewCards};

/// The most words an answer may have to be asked as a typed answer when
/// the deck gives no alternatives for it: beyond that, too many right
/// answers would be marked wrong.
pub const TYPED_WORDS: usize = 4;

/// The deck every user meets first, compiled into the binary.
pub const SHIPPED_PATH: &str = "decks/case-management-skills.toml";
const SHIPPED_TEXT: &str = include_str!("../../decks/case-management-skills.toml");
/// The shipped deck's id and version, known without parsing it, so that
/// opening a database does not check 1,300 lines of TOML every time; a
/// test holds them equal to the file's.
pub const SHIPPED_ID: &str = "case-management-skills";
/// The shipped deck's version (see [`SHIPPED_ID`]).
pub const SHIPPED_VERSION: u32 = 2;

/// The shipped deck, checked exactly as a deck file would be.
pub fn shipped() -> Result<Deck, Invalid> {
    check(Path::new(SHIPPED_PATH), SHIPPED_TEXT).into_deck(Path::new(SHIPPED_PATH))
}

/// Reads and checks a deck file (`.json` as JSON, anything else as TOML).
pub fn load(path: &Path) -> crate::Result<Deck> {
    let text = crate::files::read_text(path)?;
    Ok(check(path, &text).into_deck(path)?)
}

/// A deck file that failed its checks: the first error, and how many more.
#[derive(Debug, thiserror::Error)]
#[error("{}{}", first_error(.diagnostics), more(.diagnostics, .path))]
pub struct Invalid {
    /// The deck file checked.
    pub path: PathBuf,
    /// Every problem found, warnings too, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

fn errors(diagnostics: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diagnostics.iter().filter(|d| d.severity == Severity::Error)
}

fn first_error(diagnostics: &[Diagnostic]) -> String {
    errors(diagnostics)
        .next()
        .map_or_else(String::new, ToString::to_string)
}

fn more(diagnostics: &[Diagnostic], path: &Path) -> String {
    match errors(diagnostics).count() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} more: `recall deck lint {}` lists them all)",
            n - 1,
            path.display()
        ),
    }
}
