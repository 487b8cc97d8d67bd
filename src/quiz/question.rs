//! Questions built from cards of any kind, for quizzes and exams: a basic
//! card becomes multiple choice (its back among three other backs) or a
//! true/false pairing; a cloze becomes a typed blank or a choice among
//! plausible fills; a practice card may become "Which skill does this
//! practice develop?"; choice, true/false and typed cards stay as they are,
//! with their options shuffled. Every choice is made by the seeded `rng`.

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::matching::normalize;
use crate::deck::{Card, Content, Kind, TYPED_WORDS, cloze};

/// What a question asks, and what is right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Pick the right option (or every right one).
    Choice {
        /// The question shown.
        prompt: String,
        /// The options, in the order shown.
        options: Vec<String>,
        /// Indexes of the right options.
        right: Vec<usize>,
    },
    /// Say whether a statement is true.
    TrueFalse {
        /// The statement judged (a basic card's pairing reads
        /// `front\nAnswer: back`).
        statement: String,
        /// Whether it is true.
        answer: bool,
        /// Shown with the answer; for a false pairing, the right back.
        explanation: Option<String>,
    },
    /// Type the answer: a typed card, a basic card's short back, or a cloze
    /// blank.
    Typed {
        /// The question shown (for a cloze, the text with one gap blanked).
        prompt: String,
        /// The expected answer.
        answer: String,
        /// Other answers taken as right.
        accept: Vec<String>,
    },
}

impl Question {
    /// The right answer, as shown after the question.
    pub fn solution(&self) -> String {
        match self {
            Question::Choice { options, right, .. } => right
                .iter()
                .filter_map(|i| options.get(*i).cloned())
                .collect::<Vec<_>>()
                .join("; "),
            Question::TrueFalse { answer, .. } => {
                if *answer { "True" } else { "False" }.to_string()
            }
            Question::Typed { answer, .. } => answer.clone(),
        }
    }

    /// The card's own question, options in file order, for the kinds that
    /// are graded automatically (choice, true/false, typed).
    pub fn of_card(card: &Card) -> Option<Question> {
        match &card.content {
            Content::Choice {
                question,
                options,
                answer,
            } => Some(Question::Choice {
                prompt: question.clone(),
                right: indexes(options, answer),
                options: options.clone(),
            }),
            Content::TrueFalse {
                statement,
                answer,
                explanation,
            } => Some(Question::TrueFalse {
                statement: statement.clone(),
                answer: *answer,
                explanation: explanation.clone(),
            }),
            Content::Typed {
                question,
                answer,
                accept,
            } => Some(Question::Typed {
                prompt: question.clone(),
                answer: answer.clone(),
                accept: accept.clone(),
            }),
            Content::Basic { .. } | Content::Cloze { .. } => None,
        }
    }

    /// The same question with a choice's options in an order drawn by
    /// `rng`, so the right letter is never learned instead of the answer.
    pub fn shuffled(mut self, rng: &mut impl Rng) -> Question {
        if let Question::Choice { options, right, .. } = &mut self {
            let answers: Vec<String> = right
                .iter()
                .filter_map(|i| options.get(*i).cloned())
                .collect();
            options.shuffle(rng);
            *right = indexes(options, &answers);
        }
        self
    }

    /// Whether showing the area `name` beside this question would give
    /// its answer away: the answer, an option or the statement names it
    /// (a "which skill" question, a gap that is the skill's own name).
    pub fn names_area(&self, name: &str) -> bool {
        let names = |t: &str| crate::text::names_skill(t, name);
        match self {
            Question::Choice { options, .. } => options.iter().any(|o| names(o)),
            Question::TrueFalse { statement, .. } => names(statement),
            Question::Typed { answer, accept, .. } => {
                names(answer) || accept.iter().any(|a| names(a))
            }
        }
    }

    /// The first line a learner sees.
    pub fn prompt(&self) -> &str {
        match self {
            Question::Choice { prompt, .. } | Question::Typed { prompt, .. } => prompt,
            Question::TrueFalse { statement, .. } => statement,
        }
    }
}

/// Whether showing the area `name` beside `card` in a drill would give its
/// answer away (see [`Question::names_area`]).
pub fn card_names_area(card: &Card, name: &str) -> bool {
    let names = |t: &str| crate::text::names_skill(t, name);
    match &card.content {
        Content::Basic { back, .. } => names(back),
        Content::Cloze { text, .. } => cloze::parse(text)
            .map(|s| cloze::answers(&s).iter().any(|a| names(a)))
            .unwrap_or(false),
        _ => Question::of_card(card).is_some_and(|q| q.names_area(name)),
    }
}

/// The forms a question can take, as `--kinds` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Form {
    /// Multiple choice: a choice card, or one made from a basic or cloze card
    /// (or a "which skill" question).
    Choice,
    /// True or false: a true/false card, or a basic card's front paired with
    /// its own back or another's.
    TrueFalse,
    /// A typed answer: a typed card, or a basic card whose back is short
    /// enough to type.
    Typed,
    /// A typed blank in a cloze text.
    Cloze,
}

impl Form {
    /// Every form, in the order `--kinds` lists them.
    pub const ALL: [Form; 4] = [Form::Choice, Form::TrueFalse, Form::Typed, Form::Cloze];

    /// The name `--kinds` uses.
    pub fn name(self) -> &'static str {
        match self {
            Form::Choice => "choice",
            Form::TrueFalse => "truefalse",
            Form::Typed => "typed",
            Form::Cloze => "cloze",
        }
    }

    /// The form `--kinds` calls `name`; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Everything a question may borrow from: the deck's cards and its skill
/// area names (for "which skill" questions).
pub struct Pool<'d> {
    /// The cards questions may borrow wrong answers and pairings from: those
    /// the quiz or exam draws on in the same deck.
    pub cards: &'d [Card],
    /// Area id and name of every area a practice can belong to.
    pub skills: &'d [(String, String)],
}

/// Builds a question from `card` in one of `forms`, or `None` if no form
/// allowed suits the card (a basic card with too few other backs to
/// choose from, say).
pub fn build(card: &Card, pool: &Pool<'_>, forms: &[Form], rng: &mut impl Rng) -> Option<Question> {
    let mut candidates = candidates(card, pool, forms, rng);
    candidates.shuffle(rng);
    candidates.into_iter().next()
}

fn candidates(card: &Card, pool: &Pool<'_>, forms: &[Form], rng: &mut impl Rng) -> Vec<Question> {
    let allowed = |f: Form| forms.contains(&f);
    let mut out = Vec::new();
    if allowed(Form::Choice) && is_practice(card) {
        out.extend(which_skill(card, pool, rng));
    }
    match &card.content {
        Content::Basic { front, back } => {
            if allowed(Form::Choice) {
                let others = others(card, pool, |c| match &c.content {
                    Content::Basic { back, .. } => Some(back.clone()),
                    _ => None,
                });
                out.extend(choice(front, back, &others, rng));
            }
            if allowed(Form::TrueFalse) {
                out.extend(pairing(card, front, back, pool, rng));
            }
            if allowed(Form::Typed) && words(back) <= TYPED_WORDS {
                out.push(Question::Typed {
                    prompt: front.clone(),
                    answer: back.trim_end_matches('.').to_string(),
                    accept: Vec::new(),
                });
            }
        }
        Content::Cloze { text, accept } => {
            let segments = cloze::parse(text).unwrap_or_default();
            let gaps = cloze::gaps(&segments);
            if let Some(&(number, gap)) = gaps.choose(rng) {
                let prompt = blank_one(&segments, gap);
                let alternatives = accept.get(&format!("c{number}"));
                // A long gap with no alternatives cannot be typed reliably:
                // it is asked as a choice only.
                if allowed(Form::Cloze) && (alternatives.is_some() || words(gap) <= TYPED_WORDS) {
                    out.push(Question::Typed {
                        prompt: prompt.clone(),
                        answer: gap.to_string(),
                        accept: alternatives.cloned().unwrap_or_default(),
                    });
                }
                if allowed(Form::Choice) {
                    let fills = others(card, pool, |c| match &c.content {
                        Content::Cloze { text, .. } => {
                            let s = cloze::parse(text).unwrap_or_default();
                            cloze::answers(&s).first().map(|a| (*a).to_string())
                        }
                        _ => None,
                    });
                    out.extend(choice(&prompt, gap, &fills, rng));
                }
            }
        }
        Content::Choice { .. } | Content::TrueFalse { .. } | Content::Typed { .. } => {
            let form = match card.content.kind() {
                Kind::Choice => Form::Choice,
                Kind::TrueFalse => Form::TrueFalse,
                _ => Form::Typed,
            };
            // The card's own question, with a choice's options shuffled.
            if let (true, Some(q)) = (allowed(form), Question::of_card(card)) {
                out.push(q.shuffled(rng));
            }
        }
    }
    out
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// A practice card that is not itself a "which skill" question.
fn is_practice(card: &Card) -> bool {
    card.tags.iter().any(|t| t == "practice") && !card.tags.iter().any(|t| t == "which-skill")
}

/// "Which skill does this practice develop?" with four skill names, from a
/// cloze practice card (its text filled in is the practice). Not when the
/// practice names its own skill: that would give the answer away.
fn which_skill(card: &Card, pool: &Pool<'_>, rng: &mut impl Rng) -> Option<Question> {
    let right = pool.skills.iter().find(|(id, _)| *id == card.area)?;
    let Content::Cloze { text, .. } = &card.content else {
        return None;
    };
    let practice = cloze::filled(&cloze::parse(text).ok()?);
    if crate::text::names_skill(&practice, &right.1) {
        return None;
    }
    let others: Vec<String> = pool
        .skills
        .iter()
        .filter(|(id, _)| *id != card.area)
        .map(|(_, name)| name.clone())
        .collect();
    choice(
        &format!("Which skill does this practice develop? {practice}"),
        &right.1,
        &others,
        rng,
    )
}

/// Candidate wrong answers from the deck's other cards: those of the same
/// area first, then the rest, each once, none equal to another.
fn others(card: &Card, pool: &Pool<'_>, value: impl Fn(&Card) -> Option<String>) -> Vec<String> {
    let mut same: Vec<String> = Vec::new();
    let mut rest: Vec<String> = Vec::new();
    for other in pool.cards.iter().filter(|c| c.id != card.id) {
        if let Some(v) = value(other) {
            if other.area == card.area {
                same.push(v);
            } else {
                rest.push(v);
            }
        }
    }
    same.extend(rest);
    same
}

/// Multiple choice: the right answer and three distractors, preferring
/// the first candidates (same area), never one that reads like the answer
/// or like another option; shuffled. `None` if three cannot be found.
fn choice(
    prompt: &str,
    answer: &str,
    candidates: &[String],
    rng: &mut impl Rng,
) -> Option<Question> {
    let mut options = vec![answer.to_string()];
    let mut seen = vec![normalize(answer)];
    // Shuffle within the preferred and the rest separately would need the
    // split; shuffling a window keeps same-area distractors first while
    // varying which of them are used.
    let mut pool: Vec<&String> = candidates.iter().collect();
    let split = pool.len().min(8);
    pool[..split].shuffle(rng);
    for c in pool {
        let n = normalize(c);
        if n.is_empty() || seen.contains(&n) {
            continue;
        }
        seen.push(n);
        options.push(c.clone());
        if options.len() == 4 {
            break;
        }
    }
    if options.len() < 4 {
        return None;
    }
    options.shuffle(rng);
    let right = indexes(&options, &[answer.to_string()]);
    Some(Question::Choice {
        prompt: prompt.to_string(),
        options,
        right,
    })
}

/// A true/false pairing of a card's front with its own back or another
/// card's, chosen by the rng.
fn pairing(
    card: &Card,
    front: &str,
    back: &str,
    pool: &Pool<'_>,
    rng: &mut impl Rng,
) -> Option<Question> {
    // Another area's back: one from the same area may say the same thing
    // in other words, and a true statement would be marked false.
    let backs: Vec<String> = pool
        .cards
        .iter()
        .filter(|c| c.area != card.area)
        .filter_map(|c| match &c.content {
            Content::Basic { back, .. } => Some(back.clone()),
            _ => None,
        })
        .collect();
    let wrong = backs
        .iter()
        .filter(|b| normalize(b) != normalize(back))
        .collect::<Vec<_>>()
        .choose(rng)
        .map(|b| (*b).clone());
    let (shown, answer) = match wrong {
        Some(w) if rng.random_bool(0.5) => (w, false),
        _ => (back.to_string(), true),
    };
    Some(Question::TrueFalse {
        statement: format!("{front}\nAnswer: {shown}"),
        answer,
        explanation: (!answer).then(|| format!("The answer is: {back}")),
    })
}

/// The text with one gap blanked and the others filled in.
fn blank_one(segments: &[cloze::Segment<'_>], gap: &str) -> String {
    let mut blanked = false;
    segments
        .iter()
        .map(|s| match s {
            cloze::Segment::Text(t) => (*t).to_string(),
            cloze::Segment::Gap { answer, hint, .. } if *answer == gap && !blanked => {
                blanked = true;
                hint.map_or_else(|| "[...]".to_string(), |h| format!("[{h}]"))
            }
            cloze::Segment::Gap { answer, .. } => (*answer).to_string(),
        })
        .collect()
}

fn indexes(options: &[String], answers: &[String]) -> Vec<usize> {
    options
        .iter()
        .enumerate()
        .filter(|(_, o)| answers.contains(o))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn a_typed_blank_takes_the_alternatives_of_its_deletion() {
        let card = Card {
            id: "ehr".to_string(),
            area: "technology".to_string(),
            content: Content::Cloze {
                text: "Records kept as {{c1::electronic health records}}.".to_string(),
                accept: [("c1".to_string(), vec!["EHRs".to_string()])].into(),
            },
            ..Card::default()
        };
        let pool = Pool {
            cards: std::slice::from_ref(&card),
            skills: &[],
        };
        let q = build(&card, &pool, &[Form::Cloze], &mut StdRng::seed_from_u64(1));
        assert_eq!(
            q,
            Some(Question::Typed {
                prompt: "Records kept as [...].".to_string(),
                answer: "electronic health records".to_string(),
                accept: vec!["EHRs".to_string()],
            })
        );
    }

    #[test]
    fn a_practice_that_names_its_skill_is_caught() {
        use crate::text::names_skill as names;
        assert!(names(
            "To build communication skills, role-play",
            "Communication"
        ));
        assert!(names(
            "Reflect to improve your empathetic responses",
            "Empathy and Compassion"
        ));
        assert!(names(
            "Use time blocking",
            "Organization and Time Management"
        ));
        assert!(!names(
            "Volunteer in community programs",
            "Empathy and Compassion"
        ));
        assert!(!names("Attend community events", "Cultural Competency"));
    }
}
