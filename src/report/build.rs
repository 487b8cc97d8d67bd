//! Building a report: the store's rows gathered per learner and area,
//! then each figure computed by the definitions in the module's charter.

use std::collections::HashMap;

use super::{
    CLASS, Detail, DueDay, Exam, Figures, MATURE_DAYS, Report, Rows, SCHEMA, Section, Share,
    Stages, WeakCard, Week, Window,
};
use crate::model::{CardId, CardKey, DeckId, UserId};
use crate::sched::StudyDay;
use crate::store::{AreaName, Decks, ExamScore, ReportCard, ReportSource, ReviewTally, User};
use crate::{Error, Result};

/// Loads what a report on `users` needs from the store and builds it: a
/// section per learner and, with `class`, every learner together. An
/// unknown `deck` is an error.
pub fn load(
    store: &(impl ReportSource + Decks + ?Sized),
    users: &[User],
    deck: Option<&DeckId>,
    window: Window,
    class: bool,
) -> Result<Report> {
    load_with(store, users, deck, window, class, Detail::Full)
}

/// [`load`], with only the `detail` asked for read and built.
pub fn load_with(
    store: &(impl ReportSource + Decks + ?Sized),
    users: &[User],
    deck: Option<&DeckId>,
    window: Window,
    class: bool,
    detail: Detail,
) -> Result<Report> {
    if let Some(deck) = deck {
        if store.deck_version(deck)?.is_none() {
            return Err(Error::UnknownDeck(deck.to_string()));
        }
    }
    let ids: Vec<UserId> = users.iter().map(|u| u.id).collect();
    let areas = store.report_areas(deck)?;
    let (cards, from) = match detail {
        Detail::Full => (store.report_cards(&ids, deck)?, window.earliest()),
        Detail::Retention => (Vec::new(), window.since),
    };
    let reviews = store.review_tallies(&ids, deck, from, window.today)?;
    let exams = store.latest_exam_scores(&ids, deck)?;
    let rows = Rows {
        areas: &areas,
        cards: &cards,
        reviews: &reviews,
        exams: &exams,
    };
    let named: Vec<(String, UserId)> = users.iter().map(|u| (u.name.clone(), u.id)).collect();
    let mut prompts: HashMap<CardKey, String> = HashMap::new();
    let mut failed = None;
    let mut prompt = |card: &CardKey| {
        if let Some(p) = prompts.get(card) {
            return p.clone();
        }
        let p = match store.card_prompt(card) {
            Ok(p) => p.unwrap_or_else(|| card.card.to_string()),
            Err(e) => {
                failed.get_or_insert(e);
                card.card.to_string()
            }
        };
        prompts.insert(card.clone(), p.clone());
        p
    };
    let report = build(&named, &rows, window, deck, class, detail, &mut prompt);
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(report),
    }
}

/// Builds the report: a section per user (name, id), and the class. Each
/// weak card is named by `prompt(card)`.
pub fn build(
    users: &[(String, UserId)],
    rows: &Rows<'_>,
    window: Window,
    deck: Option<&DeckId>,
    class: bool,
    detail: Detail,
    prompt: &mut dyn FnMut(&CardKey) -> String,
) -> Report {
    // Each user's rows, gathered once.
    let mut mine: HashMap<UserId, Parts<'_>> = HashMap::new();
    for c in rows.cards {
        mine.entry(c.user).or_default().cards.push(c);
    }
    for r in rows.reviews {
        mine.entry(r.user).or_default().reviews.push(r);
    }
    for e in rows.exams {
        mine.entry(e.user).or_default().exams.push(e);
    }
    let empty = Parts::default();
    let sections = users
        .iter()
        .map(|(name, id)| {
            section(
                name,
                mine.get(id).unwrap_or(&empty),
                rows.areas,
                window,
                detail,
                prompt,
            )
        })
        .collect();
    let class = class.then(|| {
        let all = Parts {
            cards: rows.cards.iter().collect(),
            reviews: rows.reviews.iter().collect(),
            exams: rows.exams.iter().collect(),
        };
        section(CLASS, &all, rows.areas, window, detail, prompt)
    });
    Report {
        schema: SCHEMA,
        today: window.today.to_string(),
        since: window.since.to_string(),
        until: window.today.to_string(),
        days: window.today.days_since(window.since) + 1,
        deck: deck.map(DeckId::to_string),
        users: sections,
        class,
    }
}

/// The rows of one section.
#[derive(Default)]
struct Parts<'a> {
    cards: Vec<&'a ReportCard>,
    reviews: Vec<&'a ReviewTally>,
    exams: Vec<&'a ExamScore>,
}

fn section(
    name: &str,
    parts: &Parts<'_>,
    areas: &[AreaName],
    w: Window,
    detail: Detail,
    prompt: &mut dyn FnMut(&CardKey) -> String,
) -> Section {
    let (cards, exams) = (&parts.cards, &parts.exams);
    let in_window: Vec<&ReviewTally> = parts
        .reviews
        .iter()
        .copied()
        .filter(|r| r.day >= w.since && r.day <= w.today)
        .collect();
    let figures_of = areas
        .iter()
        .map(|a| {
            let mine = |deck: &DeckId, area: &str| *deck == a.deck && area == a.area;
            figures(
                a.deck.as_str(),
                &a.area,
                &a.name,
                cards.iter().copied().filter(|c| mine(&c.deck, &c.area)),
                in_window.iter().copied().filter(|r| mine(&r.deck, &r.area)),
                exams.iter().copied().filter(|e| mine(&e.deck, &e.area)),
                w.today,
            )
        })
        .collect();
    let deck = match areas.first() {
        Some(first) if areas.iter().all(|a| a.deck == first.deck) => first.deck.to_string(),
        _ => String::new(),
    };
    let total = figures(
        &deck,
        "",
        "Total",
        cards.iter().copied(),
        in_window.iter().copied(),
        exams.iter().copied(),
        w.today,
    );
    let full = detail == Detail::Full;
    Section {
        user: name.to_string(),
        areas: figures_of,
        total,
        weekly: if full {
            weekly(&parts.reviews, w.today)
        } else {
            Vec::new()
        },
        forecast: if full {
            forecast(cards, w.today)
        } else {
            Vec::new()
        },
        weakest: weakest(cards, areas, prompt),
    }
}

fn figures<'a>(
    deck: &str,
    area: &str,
    name: &str,
    cards: impl Iterator<Item = &'a ReportCard>,
    reviews: impl Iterator<Item = &'a ReviewTally>,
    exams: impl Iterator<Item = &'a ExamScore>,
    today: StudyDay,
) -> Figures {
    let mut f = Figures {
        deck: deck.to_string(),
        area: area.to_string(),
        name: name.to_string(),
        cards: Stages::default(),
        reviews: Share::default(),
        young: Share::default(),
        mature: Share::default(),
        average_ease: None,
        lapses: 0,
        due_7: 0,
        due_30: 0,
        exam: None,
    };
    let (mut ease_sum, mut eased) = (0u64, 0usize);
    for c in cards {
        if c.retired {
            f.cards.retired += 1;
            continue;
        }
        let Some(s) = c.state else {
            f.cards.new += 1;
            continue;
        };
        match (s.repetitions, s.interval.get()) {
            (0..=2, _) => f.cards.learning += 1,
            (_, i) if i < MATURE_DAYS => f.cards.young += 1,
            _ => f.cards.mature += 1,
        }
        ease_sum += u64::from(s.ease.hundredths());
        eased += 1;
        if let Some(due) = s.due {
            f.due_7 += usize::from(due <= today.plus_days(7));
            f.due_30 += usize::from(due <= today.plus_days(30));
        }
    }
    #[allow(clippy::cast_precision_loss)]
    {
        f.average_ease = (eased > 0).then(|| (ease_sum as f64 / eased as f64).round() / 100.0);
    }
    for r in reviews {
        f.reviews.add(r.passed, r.count);
        if r.mature {
            f.mature.add(r.passed, r.count);
        } else {
            f.young.add(r.passed, r.count);
        }
        if !r.passed {
            f.lapses += r.count;
        }
    }
    let (mut correct, mut total, mut latest) = (0, 0, None);
    for e in exams {
        correct += e.correct;
        total += e.total;
        latest = latest.max(Some(e.at));
    }
    f.exam = latest.filter(|_| total > 0).map(|at| Exam {
        correct,
        total,
        percent: crate::quiz::exam::percent(correct, total),
        date: at.format("%Y-%m-%d").to_string(),
    });
    f
}

/// Twelve weeks of scheduled reviews, oldest first, the last ending today.
fn weekly(reviews: &[&ReviewTally], today: StudyDay) -> Vec<Week> {
    (0..12u32)
        .rev()
        .map(|back| {
            let to = StudyDay::from(today.date() - chrono::Days::new(u64::from(back) * 7));
            let from = StudyDay::from(to.date() - chrono::Days::new(6));
            let mut share = Share::default();
            for r in reviews.iter().filter(|r| r.day >= from && r.day <= to) {
                share.add(r.passed, r.count);
            }
            Week {
                from: from.to_string(),
                to: to.to_string(),
                share,
            }
        })
        .collect()
}

/// Active cards due on each of the next 30 days; overdue ones today.
fn forecast(cards: &[&ReportCard], today: StudyDay) -> Vec<DueDay> {
    let mut counts = vec![0usize; 31];
    for c in cards.iter().filter(|c| !c.retired) {
        if let Some(due) = c.state.and_then(|s| s.due) {
            let offset = due.days_since(today).max(0);
            if let Some(slot) = usize::try_from(offset).ok().and_then(|o| counts.get_mut(o)) {
                *slot += 1;
            }
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, cards)| DueDay {
            day: today.plus_days(u32::try_from(i).unwrap_or(0)).to_string(),
            cards,
        })
        .collect()
}

/// The five weakest active cards: most lapses, then lowest E-Factor.
fn weakest(
    cards: &[&ReportCard],
    areas: &[AreaName],
    prompt: &mut dyn FnMut(&CardKey) -> String,
) -> Vec<WeakCard> {
    let mut by_card: HashMap<(&DeckId, &CardId), (&ReportCard, u32, u64, u32)> = HashMap::new();
    for c in cards.iter().filter(|c| !c.retired) {
        if let Some(s) = c.state {
            let e = by_card.entry((&c.deck, &c.card)).or_insert((c, 0, 0, 0));
            e.1 += s.lapses;
            e.2 += u64::from(s.ease.hundredths());
            e.3 += 1;
        }
    }
    let mut weak: Vec<(&ReportCard, u32, f64)> = by_card
        .into_values()
        .map(|(c, lapses, ease_sum, n)| {
            #[allow(clippy::cast_precision_loss)]
            let ease = (ease_sum as f64 / f64::from(n.max(1))).round() / 100.0;
            (c, lapses, ease)
        })
        .collect();
    weak.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.2.total_cmp(&b.2))
            .then_with(|| (&a.0.deck, &a.0.card).cmp(&(&b.0.deck, &b.0.card)))
    });
    weak.truncate(5);
    weak.into_iter()
        .map(|(c, lapses, ease)| {
            let area_name = areas
                .iter()
                .find(|a| a.deck == c.deck && a.area == c.area)
                .map_or_else(|| c.area.clone(), |a| a.name.clone());
            WeakCard {
                deck: c.deck.to_string(),
                card: c.card.to_string(),
                area: c.area.clone(),
                area_name,
                prompt: prompt(&CardKey {
                    deck: c.deck.clone(),
                    card: c.card.clone(),
                }),
                lapses,
                ease,
            }
        })
        .collect()
}
