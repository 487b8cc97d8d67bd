//! What publishing a new version of a deck would change, card by card,
//! before it is installed: the rule installing follows (cards matched by
//! id keep their history; a card gone from the file is retired).

use std::collections::HashMap;

use super::{Card, Deck};

/// A card named in a list of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// Its id.
    pub id: String,
    /// Its prompt.
    pub prompt: String,
}

/// The cards a new version adds, edits and retires, each in file order
/// (retired ones in the installed order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Cards not active now: new, or retired ones back.
    pub added: Vec<Named>,
    /// Active cards whose area, kind or content changes; their history is
    /// kept.
    pub edited: Vec<Named>,
    /// Active cards gone from the new version: their history is kept, and
    /// drills skip them.
    pub retired: Vec<Named>,
    /// Cards as they were.
    pub unchanged: usize,
}

impl Changes {
    /// Whether the cards stay as they are.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.edited.is_empty() && self.retired.is_empty()
    }
}

/// What installing `new` over the active cards `installed` changes.
pub fn changes(installed: &[Card], new: &Deck) -> Changes {
    let named = |c: &Card| Named {
        id: c.id.clone(),
        prompt: c.content.prompt(),
    };
    let before: HashMap<&str, &Card> = installed.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut out = Changes::default();
    for card in &new.cards {
        match before.get(card.id.as_str()) {
            None => out.added.push(named(card)),
            Some(old) if *old != card => out.edited.push(named(card)),
            Some(_) => out.unchanged += 1,
        }
    }
    let kept: std::collections::HashSet<&str> = new.cards.iter().map(|c| c.id.as_str()).collect();
    out.retired = installed
        .iter()
        .filter(|c| !kept.contains(c.id.as_str()))
        .map(named)
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck(cards: &[(&str, &str, &str)]) -> Deck {
        let mut text = String::from(
            "[deck]\nid = \"d\"\ntitle = \"D\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n\n[[areas]]\nid = \"b\"\nname = \"B\"\n",
        );
        for (id, area, front) in cards {
            text.push_str(&format!(
                "\n[[cards]]\nid = \"{id}\"\narea = \"{area}\"\nkind = \"basic\"\nfront = \"{front}\"\nback = \"x\"\n"
            ));
        }
        let checked = crate::deck::check(std::path::Path::new("d.toml"), &text);
        checked.deck.expect("a sound deck")
    }

    #[test]
    fn added_edited_retired_and_unchanged_cards_are_told_apart() {
        let old = deck(&[("c1", "a", "One"), ("c2", "a", "Two"), ("c3", "b", "Three")]);
        let new = deck(&[("c1", "a", "One"), ("c2", "b", "Two"), ("c4", "a", "Four")]);
        let c = changes(&old.cards, &new);
        let ids = |v: &[Named]| v.iter().map(|n| n.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&c.added), ["c4"]);
        assert_eq!(ids(&c.edited), ["c2"]);
        assert_eq!(ids(&c.retired), ["c3"]);
        assert_eq!(c.unchanged, 1);
        assert_eq!(c.added[0].prompt, "Four");
        assert!(!c.is_empty());
        assert!(changes(&new.cards, &new).is_empty());
    }
}
