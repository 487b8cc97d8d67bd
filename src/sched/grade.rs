//! The four buttons Anki users know, mapped onto SM-2 qualities.
//!
//! Again, Hard, Good and Easy give qualities 1, 3, 4 and 5. Again is a
//! failure that restarts the card; Hard still passes (SM-2's 3, "correct
//! with serious difficulty") but lowers the E-Factor and brings the card
//! back in the same session, since SM-2 repeats every item below 4.

use std::fmt;
use std::str::FromStr;

use super::sm2::Quality;

/// A self-grade on the four-button scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    /// Forgotten: quality 1, a failure that restarts the card (key 1).
    Again,
    /// Recalled with serious difficulty: quality 3, a pass that lowers the
    /// E-Factor and comes back in the same session (key 2).
    Hard,
    /// Recalled after a hesitation: quality 4 (key 3).
    Good,
    /// Recalled perfectly: quality 5 (key 4).
    Easy,
}

/// Text that names no grade.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a grade: use 1-4 or again, hard, good, easy")]
pub struct GradeError(pub String);

impl Grade {
    /// All four, in key order.
    pub const ALL: [Grade; 4] = [Grade::Again, Grade::Hard, Grade::Good, Grade::Easy];

    /// The SM-2 quality this grade records.
    pub fn quality(self) -> Quality {
        let value = match self {
            Grade::Again => 1,
            Grade::Hard => 3,
            Grade::Good => 4,
            Grade::Easy => 5,
        };
        // Every value above is in 0-5.
        Quality::ALL[value]
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Grade::Again => "Again",
            Grade::Hard => "Hard",
            Grade::Good => "Good",
            Grade::Easy => "Easy",
        }
    }

    /// The key that chooses this grade: '1' to '4'.
    pub fn key(self) -> char {
        match self {
            Grade::Again => '1',
            Grade::Hard => '2',
            Grade::Good => '3',
            Grade::Easy => '4',
        }
    }

    /// The grade for a key '1' to '4'.
    pub fn from_key(key: char) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.key() == key)
    }
}

impl From<Grade> for Quality {
    fn from(grade: Grade) -> Quality {
        grade.quality()
    }
}

impl FromStr for Grade {
    type Err = GradeError;

    /// A key ("3") or a name in any case ("good").
    fn from_str(s: &str) -> Result<Grade, GradeError> {
        let t = s.trim();
        let mut chars = t.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if let Some(g) = Grade::from_key(c) {
                return Ok(g);
            }
        }
        Grade::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| GradeError(s.to_string()))
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_map_to_qualities_1_3_4_5() {
        let values: Vec<u8> = Grade::ALL.iter().map(|g| g.quality().value()).collect();
        assert_eq!(values, [1, 3, 4, 5]);
        let names: Vec<&str> = Grade::ALL.iter().map(|g| g.name()).collect();
        assert_eq!(names, ["Again", "Hard", "Good", "Easy"]);
    }

    #[test]
    fn grades_parse_from_keys_and_names() {
        assert_eq!("1".parse(), Ok(Grade::Again));
        assert_eq!(" 4\n".parse(), Ok(Grade::Easy));
        assert_eq!("good".parse(), Ok(Grade::Good));
        assert_eq!("HARD".parse(), Ok(Grade::Hard));
        assert!("5".parse::<Grade>().is_err());
        assert!("".parse::<Grade>().is_err());
        assert!("goodish".parse::<Grade>().is_err());
    }
}
