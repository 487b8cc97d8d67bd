//! A realistic database, deterministic from a seed: users drilling a deck
//! of cards in 10 areas every day for two years, with quizzes when they
//! fall behind their share of the history and a mock exam every two
//! months, every answer put through the real SM-2 scheduler. Qualities are
//! drawn so about 85% of answers pass.

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use recall::deck::{Area, Card, Content, Deck, DeckInfo};
use recall::sched::{Quality, State, StudyDay};
use recall::store::prelude::*;
use recall::store::{CardKey, ExamAnswer, ExamRecord, Mode, NewReview, SqliteStore};

/// How big a database to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub users: usize,
    pub cards: usize,
    pub reviews: usize,
}

pub const SMALL: Size = Size {
    users: 1,
    cards: 200,
    reviews: 20_000,
};

pub const CLASS: Size = Size {
    users: 200,
    cards: 500,
    reviews: 2_000_000,
};

pub const DECK: &str = "bench";
const DAYS: u32 = 730;

/// The first study day of the history; it ends two years later.
pub fn first_day() -> StudyDay {
    StudyDay::from(NaiveDate::from_ymd_opt(2024, 11, 26).unwrap_or_default())
}

/// What was written, and how fast.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub reviews: usize,
    pub seconds: f64,
}

/// A deck of `n` cards in 10 areas: mostly basic, with every other kind.
pub fn deck(n: usize) -> Deck {
    let areas: Vec<Area> = (0..10)
        .map(|i| Area {
            id: format!("area-{i}"),
            name: format!("Skill area {i}"),
            weight: None,
        })
        .collect();
    let cards = (0..n)
        .map(|i| {
            let content = match i % 10 {
                0..=5 => Content::Basic {
                    front: format!("What is point {i} about case management?"),
                    back: format!("Answer {i}: one idea, short enough to recall."),
                },
                6 => Content::Cloze {
                    text: format!("Fact {i} says {{{{c1::term {i}}}}} matters."),
                    accept: Default::default(),
                },
                7 => Content::Choice {
                    question: format!("Which option fits question {i}?"),
                    options: (0..4).map(|k| format!("Option {k} of {i}")).collect(),
                    answer: vec![format!("Option 0 of {i}")],
                },
                8 => Content::TrueFalse {
                    statement: format!("Statement {i} is true."),
                    answer: true,
                    explanation: None,
                },
                _ => Content::Typed {
                    question: format!("Type the word for {i}."),
                    answer: format!("word{i}"),
                    accept: Vec::new(),
                },
            };
            Card {
                id: format!("card-{i:05}"),
                area: format!("area-{}", i % 10),
                content,
                tags: Vec::new(),
                source: None,
            }
        })
        .collect();
    Deck {
        info: DeckInfo {
            id: DECK.to_string(),
            title: "Benchmark deck".to_string(),
            version: 1,
            description: None,
            new_cards: Default::default(),
        },
        areas,
        cards,
    }
}

/// A quality: passing 85% of the time.
fn quality(rng: &mut StdRng) -> Quality {
    let q = if rng.random_bool(0.85) {
        *[3u8, 4, 4, 4, 5, 5].choose(rng).unwrap_or(&4)
    } else {
        *[0u8, 1, 1, 2, 2].choose(rng).unwrap_or(&1)
    };
    Quality::ALL[usize::from(q)]
}

/// One learner's two years.
struct Learner {
    states: Vec<State>,
    log: Vec<(NewReview, State, State)>,
    exams: Vec<ExamRecord>,
}

fn at(day: StudyDay, n: usize) -> DateTime<Utc> {
    let start = Utc.from_utc_datetime(&day.date().and_hms_opt(9, 0, 0).unwrap_or_default());
    start + Duration::seconds(i64::try_from(n).unwrap_or(0) * 7)
}

fn simulate(cards: &[Card], budget: usize, rng: &mut StdRng) -> Learner {
    let mut l = Learner {
        states: vec![State::NEW; cards.len()],
        log: Vec::with_capacity(budget + 1000),
        exams: Vec::new(),
    };
    let new_per_day = cards.len().div_ceil(540).max(1);
    let mut introduced = 0;
    for d in 0..DAYS {
        let day = first_day().plus_days(d);
        let mut n = 0;
        let answer = |l: &mut Learner, i: usize, q: Quality, mode: Mode, n: &mut usize| {
            let before = l.states[i];
            let after = mode.apply(before, q, day);
            l.states[i] = after;
            l.log.push((
                NewReview {
                    id: String::new(),
                    card: CardKey::new(DECK, cards[i].id.as_str()),
                    at: at(day, *n),
                    day,
                    mode,
                    quality: q,
                    response_ms: Some(2000),
                },
                before,
                after,
            ));
            *n += 1;
        };
        // The drill: due cards, then new ones; below 4 comes back once.
        let mut queue: Vec<usize> = (0..cards.len())
            .filter(|&i| l.states[i].due.is_some_and(|due| due <= day))
            .collect();
        let fresh = new_per_day.min(cards.len() - introduced);
        queue.extend(introduced..introduced + fresh);
        introduced += fresh;
        for i in queue {
            let q = quality(rng);
            answer(&mut l, i, q, Mode::Drill, &mut n);
            if q < Quality::SESSION_DONE {
                answer(&mut l, i, Quality::ALL[4], Mode::DrillRepeat, &mut n);
            }
        }
        // A mock exam of 40 questions every two months.
        if d % 60 == 59 && introduced > 0 {
            let mut answers = Vec::new();
            let started = at(day, n);
            for _ in 0..40 {
                let i = rng.random_range(0..introduced);
                let q = quality(rng);
                answer(&mut l, i, q, Mode::Exam, &mut n);
                answers.push(ExamAnswer {
                    card: cards[i].id.clone().into(),
                    area: cards[i].area.clone(),
                    area_name: format!("Skill area {}", i % 10),
                    question: "question".to_string(),
                    solution: "solution".to_string(),
                    given: Some("given".to_string()),
                    correct: q.passed(),
                });
            }
            l.exams.push(ExamRecord {
                deck: DECK.into(),
                started,
                ended: at(day, n),
                seed: u64::from(d),
                pass_mark: 70,
                timed_out: false,
                answers,
            });
        }
        // Quizzes keep the learner on pace for their share of the history.
        let pace = budget * (d as usize + 1) / DAYS as usize;
        let quota = pace.saturating_sub(l.log.len());
        for _ in 0..quota {
            if introduced == 0 {
                break;
            }
            let i = rng.random_range(0..introduced);
            let q = quality(rng);
            answer(&mut l, i, q, Mode::Quiz, &mut n);
        }
    }
    l
}

/// Writes a database of `size` at `path` (replacing it), reproducibly from
/// `seed`.
pub fn generate(path: &Path, size: Size, seed: u64) -> Result<Written, Box<dyn std::error::Error>> {
    for ext in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(p);
    }
    let started = Instant::now();
    let mut store = SqliteStore::open(path)?;
    let deck = deck(size.cards);
    let created =
        Utc.from_utc_datetime(&first_day().date().and_hms_opt(8, 0, 0).unwrap_or_default());
    store.install_deck(&deck, created)?;
    let mut rng = StdRng::seed_from_u64(seed);
    let budget = size.reviews / size.users.max(1);
    let mut reviews = 0;
    for u in 0..size.users {
        let name = format!("learner{u:03}");
        let user = store
            .add_user(&name, created)?
            .ok_or("a user name repeats")?;
        let mut learner = simulate(&deck.cards, budget, &mut rng);
        // Ids that the seed fixes, so one seed writes one history.
        for (n, (review, _, _)) in learner.log.iter_mut().enumerate() {
            review.id = format!("{seed:x}-{u:x}-{n:x}");
        }
        store.append_reviews(user.id, &learner.log)?;
        for exam in &learner.exams {
            store.record_exam(user.id, exam)?;
        }
        reviews += learner.log.len();
    }
    // Card state is what the log gives: rebuilt by the real replay.
    recall::review::repair(&mut store)?;
    Ok(Written {
        reviews,
        seconds: started.elapsed().as_secs_f64(),
    })
}
