//! The deck every user meets first: its size, its shape and its lint.

mod common;

use std::collections::{HashMap, HashSet};

use recall::deck::{self, Content, Kind};

const SKILLS: [(&str, &str); 10] = [
    ("communication", "Communication"),
    ("assessment", "Assessment and Evaluation"),
    ("organization", "Organization and Time Management"),
    ("problem-solving", "Problem-Solving and Critical Thinking"),
    ("empathy", "Empathy and Compassion"),
    ("advocacy", "Advocacy"),
    ("collaboration", "Collaboration"),
    ("cultural-competency", "Cultural Competency"),
    ("flexibility", "Flexibility and Adaptability"),
    ("technology", "Technological Proficiency"),
];

#[test]
fn shipped_deck_lints_clean_with_no_warning() {
    let path = std::path::Path::new(deck::SHIPPED_PATH);
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(deck::SHIPPED_PATH),
    )
    .unwrap();
    let checked = deck::check(path, &text);
    let problems: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(problems, Vec::<String>::new());
    // The binary carries the same file, and knows its id and version.
    let shipped = deck::shipped().unwrap();
    assert_eq!(checked.deck.as_ref(), Some(&shipped));
    assert_eq!(shipped.info.id, deck::SHIPPED_ID);
    assert_eq!(shipped.info.version, deck::SHIPPED_VERSION);
}

#[test]
fn shipped_deck_lint_from_the_command_line() {
    let out = common::Env::new()
        .recall(["deck", "lint", deck::SHIPPED_PATH])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("decks/case-management-skills.toml: ok, "),
        "{stdout}"
    );
}

#[test]
fn one_area_per_skill_in_the_articles_order_then_overview() {
    let deck = deck::shipped().unwrap();
    let areas: Vec<(&str, &str)> = deck
        .areas
        .iter()
        .map(|a| (a.id.as_str(), a.name.as_str()))
        .collect();
    assert_eq!(areas[..10], SKILLS);
    assert_eq!(areas[10..], [("overview", "Overview")]);
}

#[test]
fn at_least_90_cards_6_per_area_and_every_kind() {
    let deck = deck::shipped().unwrap();
    assert!(deck.cards.len() >= 90, "{} cards", deck.cards.len());
    let mut per_area: HashMap<&str, usize> = HashMap::new();
    for card in &deck.cards {
        *per_area.entry(card.area.as_str()).or_default() += 1;
    }
    for area in &deck.areas {
        let n = per_area.get(area.id.as_str()).copied().unwrap_or(0);
        assert!(n >= 6, "area {} has {n} cards", area.id);
    }
    let kinds: HashSet<Kind> = deck.cards.iter().map(|c| c.content.kind()).collect();
    for kind in Kind::ALL {
        assert!(kinds.contains(&kind), "no {} card", kind.name());
    }
}

#[test]
fn every_card_names_its_source_in_the_article() {
    let deck = deck::shipped().unwrap();
    let article_sections = [
        "Introduction",
        "Conclusion",
        "FAQ ",
        "Communication Skills",
        "Assessment and Evaluation Skills",
        "Organization and Time Management",
        "Problem-Solving and Critical Thinking",
        "Empathy and Compassion",
        "Advocacy Skills",
        "Collaborative Skills",
        "Cultural Competency",
        "Flexibility and Adaptability",
        "Technological Proficiency",
        "Further Resources",
    ];
    for card in &deck.cards {
        let source = card.source.as_deref().unwrap_or("");
        assert!(
            article_sections.iter().any(|s| source.starts_with(s)),
            "card {} has source {source:?}",
            card.id
        );
    }
}

#[test]
fn every_skill_has_practices_to_ask_which_skill_about() {
    // "Which skill does this practice develop?" is asked from a hand-written
    // which-skill card, or built by the quiz from a practice cloze that does
    // not name its skill.
    let deck = deck::shipped().unwrap();
    let names: HashSet<&str> = SKILLS.iter().map(|(_, n)| *n).collect();
    let mut askable: HashMap<&str, usize> = HashMap::new();
    for card in &deck.cards {
        let is = |tag: &str| card.tags.iter().any(|t| t == tag);
        if !is("practice") {
            continue;
        }
        let area_name = &deck.area(&card.area).unwrap().name;
        match &card.content {
            Content::Choice {
                question,
                options,
                answer,
            } if is("which-skill") => {
                assert!(question.contains("Which skill"), "{}", card.id);
                assert!(
                    options.iter().all(|o| names.contains(o.as_str())),
                    "{}",
                    card.id
                );
                assert_eq!(answer, std::slice::from_ref(area_name), "{}", card.id);
                *askable.entry(&card.area).or_default() += 1;
            }
            Content::Cloze { text, .. } => {
                let filled = deck::cloze::filled(&deck::cloze::parse(text).unwrap());
                if !recall::text::names_skill(&filled, area_name) {
                    *askable.entry(&card.area).or_default() += 1;
                }
            }
            _ => {}
        }
    }
    for (id, _) in SKILLS {
        let n = askable.get(id).copied().unwrap_or(0);
        assert!(n >= 2, "{id}: {n} practices to ask which skill about");
    }
}

#[test]
fn every_faq_question_has_a_card() {
    let deck = deck::shipped().unwrap();
    for n in 1..=5 {
        let prefix = format!("FAQ {n}");
        assert!(
            // A card may cite several sentences, separated by "; ".
            deck.cards
                .iter()
                .any(|c| c.source.as_deref().is_some_and(|s| s
                    .split("; ")
                    .any(|part| part == prefix || part.starts_with(&format!("{prefix},"))))),
            "no card from {prefix}"
        );
    }
}

// The deck as teaching material: rules a card-by-card review found broken.

#[test]
fn no_which_skill_question_names_its_answer() {
    let deck = deck::shipped().unwrap();
    let names: Vec<&str> = deck.areas.iter().map(|a| a.name.as_str()).collect();
    for card in &deck.cards {
        if let Content::Choice {
            question, answer, ..
        } = &card.content
        {
            for a in answer.iter().filter(|a| names.contains(&a.as_str())) {
                assert!(
                    !recall::text::names_skill(question, a),
                    "{}: the question names its answer {a:?}",
                    card.id
                );
            }
        }
    }
}

#[test]
fn true_and_false_are_balanced() {
    let deck = deck::shipped().unwrap();
    let answers: Vec<bool> = deck
        .cards
        .iter()
        .filter_map(|c| match c.content {
            Content::TrueFalse { answer, .. } => Some(answer),
            _ => None,
        })
        .collect();
    assert!(answers.len() >= 8, "{} true/false cards", answers.len());
    let trues = answers.iter().filter(|a| **a).count();
    let share = trues * 100 / answers.len();
    assert!(
        (35..=65).contains(&share),
        "{trues} of {} true",
        answers.len()
    );
    // No word predicts the answer: the marks of a made-up falsehood.
    for card in &deck.cards {
        if let Content::TrueFalse { statement, .. } = &card.content {
            for giveaway in [" only ", "optional", " stable", "shrinking"] {
                assert!(
                    !statement.to_lowercase().contains(giveaway),
                    "{}: {giveaway:?}",
                    card.id
                );
            }
        }
    }
}

#[test]
fn every_area_has_an_exam_weight_and_overview_the_least() {
    let deck = deck::shipped().unwrap();
    for area in &deck.areas {
        assert!(area.weight.is_some(), "{} has no weight", area.id);
    }
    let overview = deck.area("overview").and_then(|a| a.weight).unwrap();
    for area in deck.areas.iter().filter(|a| a.id != "overview") {
        assert!(area.weight.unwrap() > overview, "{}", area.id);
    }
    let in_overview = deck.cards.iter().filter(|c| c.area == "overview").count();
    assert!(in_overview <= 8, "{in_overview} overview cards");
}

#[test]
fn no_two_cards_ask_the_same() {
    let deck = deck::shipped().unwrap();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for card in &deck.cards {
        let prompt = recall::text::normalize(&card.content.prompt());
        if let Some(first) = seen.insert(prompt, &card.id) {
            panic!("{} asks what {first} asks", card.id);
        }
    }
}

#[test]
fn the_answers_a_knowledgeable_learner_types_are_right() {
    use recall::quiz::{Match, judge_typed};
    let deck = deck::shipped().unwrap();
    let card = |id: &str| {
        deck.cards
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no card {id}"))
    };
    let typed = |id: &str, given: &str| match &card(id).content {
        Content::Typed { answer, accept, .. } => judge_typed(given, answer, accept),
        _ => panic!("{id} is not typed"),
    };
    let gap = |id: &str, number: u32, given: &str| match &card(id).content {
        Content::Cloze { text, accept } => {
            let segments = deck::cloze::parse(text).unwrap();
            let (_, answer) = deck::cloze::gaps(&segments)
                .into_iter()
                .find(|(n, _)| *n == number)
                .unwrap();
            let alternatives = accept
                .get(&format!("c{number}"))
                .cloned()
                .unwrap_or_default();
            judge_typed(given, answer, &alternatives)
        }
        _ => panic!("{id} is not a cloze"),
    };
    for given in [
        "peers",
        "mentors",
        "peers or mentors",
        "mentors, peers",
        "peers/mentors",
    ] {
        assert_eq!(
            typed("communication-practice-peer-feedback", given),
            Match::Exact,
            "{given}"
        );
    }
    for given in [
        "legal, ethical",
        "ethical and legal",
        "legal & ethical",
        "legal/ethical",
    ] {
        assert_eq!(
            typed("advocacy-practice-training", given),
            Match::Exact,
            "{given}"
        );
    }
    for given in [
        "electronic health records",
        "EHRs",
        "electronic health records (EHRs)",
    ] {
        assert_eq!(gap("technology-what", 1, given), Match::Exact, "{given}");
    }
    for given in ["role-play exercises", "role-playing exercises", "role play"] {
        assert_eq!(
            typed("communication-practice-role-play", given),
            Match::Exact,
            "{given}"
        );
    }
    // What the article makes wrong stays wrong.
    assert_eq!(
        gap("technology-what", 1, "electronic medical records"),
        Match::Wrong
    );
    assert_eq!(typed("advocacy-practice-training", "ethical"), Match::Wrong);
}

#[test]
fn every_cloze_gap_that_can_be_typed_has_a_short_answer_or_alternatives() {
    let deck = deck::shipped().unwrap();
    for card in &deck.cards {
        if let Content::Cloze { text, accept } = &card.content {
            let segments = deck::cloze::parse(text).unwrap();
            for (n, answer) in deck::cloze::gaps(&segments) {
                let words = answer.split_whitespace().count();
                assert!(
                    words <= deck::TYPED_WORDS || accept.contains_key(&format!("c{n}")),
                    "{}: c{n} has {words} words and no alternatives",
                    card.id
                );
            }
        }
    }
}
