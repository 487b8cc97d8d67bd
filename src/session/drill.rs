//! The drill a front end drives: started for a learner with options, it
//! presents one card at a time, each with an id; an answer names the
//! presentation it answers (a second answer to the same one is refused)
//! and is committed before the next card is presented.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::machine::{End, Session};
use super::plan::{plan_after, sibling_key};
use super::{Item, Summary};
use crate::deck::{Content, cloze};
use crate::model::{DeckId, Mode};
use crate::quiz::exam::{Given, judge};
use crate::quiz::{Match, Question, card_names_area};
use crate::review::{self, Answer, Judged, Recorded};
use crate::sched::{Now, Quality, StudyDay};
use crate::store::{Decks, ReviewLog, SessionRecord, Study, User};
use crate::{Error, Result};

/// What a drill is asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrillOptions {
    /// Only this installed deck.
    pub deck: Option<DeckId>,
    /// Only these areas (ids); every area when empty.
    pub areas: Vec<String>,
    /// At most this many cards.
    pub limit: Option<usize>,
    /// End at the next card once this many minutes have passed.
    pub minutes: Option<u32>,
    /// New cards for this session, instead of what is left of the day's.
    pub new: Option<usize>,
    /// Fixes the order of cards due on the same day and of options (one
    /// order per learner and day without it).
    pub seed: Option<u64>,
}

/// How a card is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A basic or cloze card: the prompt, then the answer revealed, then a
    /// grade from the learner.
    Reveal {
        /// The front, or the cloze text with its gaps blanked.
        prompt: String,
        /// The back, or the cloze text filled in.
        answer: String,
    },
    /// A choice, true/false or typed card: a question judged for the
    /// learner, whose grade is proposed.
    Question(Question),
}

/// A card on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Presentation {
    /// Names this showing: an answer must name it.
    pub id: u64,
    /// The card, with the learner's state of it before this session.
    pub item: Item,
    /// A first answer, or SM-2's end-of-session repeat.
    pub mode: Mode,
    /// 1-based place among the session's first answers.
    pub position: usize,
    /// Cards in today's queue: the session's first answers, repeats not
    /// counted.
    pub total: usize,
    /// Repeats left, this one included, when it is a repeat.
    pub repeats_left: usize,
    /// Whether showing the area would give the answer away.
    pub hide_area: bool,
    /// How the card is asked.
    pub ask: Ask,
    /// The id its answer is logged under, made when it is shown: an
    /// answer saved whose reply was lost, given again, is logged once.
    review: String,
}

/// A drill in progress.
pub struct Drill {
    user: User,
    options: DrillOptions,
    session: Session,
    rng: StdRng,
    started: DateTime<Utc>,
    day: StudyDay,
    current: Option<Presentation>,
    shown: u64,
    last: Option<String>,
}

/// How a drill ended, for its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The drill's results.
    pub summary: Summary,
    /// Why it ended.
    pub end: Option<End>,
    /// Whole minutes from start to end.
    pub minutes: i64,
    /// Cards due by the end of tomorrow.
    pub due_tomorrow: usize,
    /// Days in a row with a finished drill, this one counted.
    pub streak: u32,
    /// Whether no deck is installed at all.
    pub no_deck: bool,
}

/// The active cards of the chosen deck and areas, with the learner's
/// state; an unknown deck or area is an error naming what there is.
pub fn study_items(
    store: &(impl Study + Decks + ?Sized),
    user: &User,
    deck: Option<&DeckId>,
    areas: &[String],
) -> Result<Vec<Item>> {
    if let Some(deck) = deck {
        if store.deck_version(deck)?.is_none() {
            return Err(Error::UnknownDeck(deck.to_string()));
        }
    }
    let cards = store.study_cards(user.id, deck)?;
    let known: HashSet<&str> = cards.iter().map(|c| c.card.area.as_str()).collect();
    if let Some(area) = areas.iter().find(|a| !known.contains(a.as_str())) {
        let mut ids: Vec<&str> = known.into_iter().collect();
        ids.sort_unstable();
        let within = deck.map_or("the installed decks".to_string(), |d| format!("deck {d}"));
        return Err(Error::Usage(format!(
            "no area {} in {within} (areas: {})",
            crate::text::quoted(area),
            ids.join(", ")
        )));
    }
    Ok(cards
        .into_iter()
        .filter(|c| areas.is_empty() || areas.contains(&c.card.area))
        .collect())
}

/// One order of same-day cards per learner and day, when no seed is given.
pub fn day_seed(user: &str, day: StudyDay) -> u64 {
    crate::text::fnv1a(format!("{user}/{day}").as_bytes())
}

impl Drill {
    /// Starts a drill for `user` at `now`: today's due cards and new ones
    /// within what is left of the day's limits, the siblings of what was
    /// answered earlier today kept for another day, and the repeats an
    /// earlier drill today still owes.
    pub fn start(
        store: &(impl Study + Decks + ?Sized),
        user: User,
        options: DrillOptions,
        now: Now,
    ) -> Result<Drill> {
        let day = now.study_day(user.rollover);
        let items = study_items(store, &user, options.deck.as_ref(), &options.areas)?;
        let today = store.day_reviews(user.id, day)?;
        let allowance = review::allowance(
            &user,
            review::day_counts(&today),
            options.new,
            options.limit,
        );
        let seed = options.seed.unwrap_or_else(|| day_seed(&user.name, day));
        let answered = review::answered(&today);
        let earlier: HashSet<(String, String)> = items
            .iter()
            .filter(|i| answered.contains(&i.key))
            .filter_map(sibling_key)
            .collect();
        let owed: Vec<Item> = review::owed_repeats(&today)
            .iter()
            .filter_map(|key| items.iter().find(|i| i.key == *key).cloned())
            .collect();
        let queue = plan_after(items, day, allowance, seed, &earlier);
        let session = Session::new(queue, now.utc(), options.minutes).with_repeats(owed);
        Ok(Drill {
            user,
            options,
            session,
            rng: StdRng::seed_from_u64(seed),
            started: now.utc(),
            day,
            current: None,
            shown: 0,
            last: None,
        })
    }

    /// The learner drilling.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The card to show at `now`, or `None` when the drill is over. The
    /// same card until it is answered.
    pub fn next(&mut self, now: DateTime<Utc>) -> Option<&Presentation> {
        if self.current.is_none() {
            let c = self.session.next(now)?;
            let (item, mode) = (c.item.clone(), c.mode);
            let (position, total, repeats_left) = (c.position, c.total, c.repeats_left);
            let ask = ask(&item, &mut self.rng);
            self.shown += 1;
            self.current = Some(Presentation {
                id: self.shown,
                hide_area: card_names_area(&item.card, &item.area_name),
                item,
                mode,
                position,
                total,
                repeats_left,
                ask,
                review: crate::store::new_review_id(),
            });
        }
        self.current.as_ref()
    }

    /// How the answer `given` to the question of presentation `id` is
    /// judged, and the grade proposed for it (the learner may grade it
    /// otherwise). Nothing is recorded.
    pub fn judge(&self, id: u64, given: &Given) -> Result<(Match, Quality)> {
        let Some(Presentation {
            ask: Ask::Question(q),
            ..
        }) = self.current.as_ref().filter(|p| p.id == id)
        else {
            return Err(Error::Stale);
        };
        let verdict = judge(q, given);
        let judged = Judged::Auto {
            verdict,
            easy: false,
        };
        Ok((verdict, review::quality_for(judged, Mode::Drill)))
    }

    /// Records the grade given to presentation `id` at `now`, and moves on.
    /// An answer to any other presentation (a reload, a second tab) is
    /// refused with [`Error::Stale`], and nothing is recorded.
    pub fn answer(
        &mut self,
        log: &mut (impl ReviewLog + ?Sized),
        id: u64,
        quality: Quality,
        now: Now,
        response_ms: Option<u32>,
    ) -> Result<Recorded> {
        let Some(p) = self.current.as_ref().filter(|p| p.id == id) else {
            return Err(Error::Stale);
        };
        let answer = Answer {
            user: self.user.id,
            card: p.item.key.clone(),
            quality,
            mode: p.mode,
            at: now.utc(),
            // The answer's own study day: a drill that runs past the
            // rollover hour puts what comes after it on the new day.
            day: now.study_day(self.user.rollover),
            response_ms,
        };
        let recorded = review::record_once(log, &answer, &p.review)?;
        self.session.answer(recorded.quality);
        self.current = None;
        self.last = Some(recorded.id.clone());
        Ok(recorded)
    }

    /// The last review this drill recorded: where an undo would go back to.
    pub fn undo_point(&self) -> Option<&str> {
        self.last.as_deref()
    }

    /// Ends the drill where it stands: every answer so far is kept.
    pub fn stop(&mut self) {
        self.current = None;
        self.session.stop();
    }

    /// Why the drill ended, once it has.
    pub fn end(&self) -> Option<End> {
        self.session.end()
    }

    /// Its results so far.
    pub fn summary(&self) -> Summary {
        Summary::of(self.session.outcomes())
    }

    /// Ends the drill at `now`: records the session (for the streak) and
    /// sums it up.
    pub fn finish(
        &mut self,
        store: &mut (impl Study + Decks + ?Sized),
        now: Now,
    ) -> Result<Finished> {
        if self.session.end().is_none() {
            self.stop();
        }
        let summary = self.summary();
        let end = self.session.end();
        // A drill counts for the streak when it went through what it had
        // (or its --minutes) and had something to drill.
        let went_through = matches!(end, Some(End::Finished | End::TimeUp));
        let finished = went_through && !self.session.outcomes().is_empty();
        store.record_session(&SessionRecord {
            user: self.user.id,
            day: self.day,
            started: self.started,
            ended: now.utc(),
            cards: summary.cards,
            finished,
        })?;
        let today = now.study_day(self.user.rollover);
        let tomorrow = today.plus_days(1);
        let due_tomorrow = study_items(
            store,
            &self.user,
            self.options.deck.as_ref(),
            &self.options.areas,
        )?
        .iter()
        .filter(|c| c.state.due.is_some_and(|d| d <= tomorrow))
        .count();
        let streak = review::streak(&store.finished_days(self.user.id, today)?, today);
        let no_deck = store.decks(None, today)?.is_empty();
        Ok(Finished {
            summary,
            end,
            minutes: (now.utc() - self.started).num_minutes(),
            due_tomorrow,
            streak,
            no_deck,
        })
    }
}

/// How `item` is asked: revealed and self-graded, or judged; a choice's
/// options in a new order each time.
fn ask(item: &Item, rng: &mut StdRng) -> Ask {
    match &item.card.content {
        Content::Basic { front, back } => Ask::Reveal {
            prompt: front.clone(),
            answer: back.clone(),
        },
        Content::Cloze { text, .. } => {
            let segments = cloze::parse(text).unwrap_or_default();
            Ask::Reveal {
                prompt: cloze::prompt(&segments),
                answer: cloze::filled(&segments),
            }
        }
        _ => match Question::of_card(&item.card) {
            Some(q) => Ask::Question(q.shuffled(rng)),
            // Every other kind makes a question; never reached.
            None => Ask::Reveal {
                prompt: item.card.content.prompt(),
                answer: String::new(),
            },
        },
    }
}
