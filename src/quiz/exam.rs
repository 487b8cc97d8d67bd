//! A mock exam: questions spread across areas by weight, answered without
//! feedback against a deadline, scored per area at the end.

use chrono::{DateTime, Utc};

use super::matching::{Match, judge_choice, judge_typed};
use super::question::Question;
use crate::model::CardKey;

/// How many questions each area gets: `n` shared in proportion to the
/// weights by largest remainder (whole quotas first, then one more for the
/// largest fractions, earlier areas first on ties), never more than an
/// area has cards; what an area cannot take goes to the others. An area
/// missing from `available` has no cards.
pub fn allocate(weights: &[f64], available: &[usize], n: usize) -> Vec<usize> {
    let available: Vec<usize> = (0..weights.len())
        .map(|i| available.get(i).copied().unwrap_or(0))
        .collect();
    let mut counts = vec![0usize; weights.len()];
    loop {
        let left = n - counts.iter().sum::<usize>();
        let open: Vec<usize> = (0..weights.len())
            .filter(|&i| counts[i] < available[i] && weights[i] > 0.0)
            .collect();
        if left == 0 || open.is_empty() {
            return counts;
        }
        let total: f64 = open.iter().map(|&i| weights[i]).sum();
        #[allow(clippy::cast_precision_loss)] // question counts are small
        let mut quotas: Vec<(usize, f64)> = open
            .iter()
            .map(|&i| (i, left as f64 * weights[i] / total))
            .collect();
        let mut given = 0;
        for &(i, quota) in &quotas {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let whole = (quota.floor() as usize).min(available[i] - counts[i]);
            counts[i] += whole;
            given += whole;
        }
        // The seats the whole quotas leave go to the largest fractions.
        quotas.sort_by(|a, b| b.1.fract().total_cmp(&a.1.fract()).then(a.0.cmp(&b.0)));
        for &(i, _) in &quotas {
            if given == left {
                break;
            }
            if counts[i] < available[i] {
                counts[i] += 1;
                given += 1;
            }
        }
        if given == 0 {
            return counts;
        }
    }
}

/// One question of an exam, with the card and area it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamQuestion {
    /// The card asked about.
    pub key: CardKey,
    /// The id of the card's area.
    pub area: String,
    /// The area's name.
    pub area_name: String,
    /// The question as asked.
    pub question: Question,
}

/// An answer as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// The options picked: 0-based indexes into the options as shown.
    Choice(Vec<usize>),
    /// True or false.
    Bool(bool),
    /// A typed answer, as typed.
    Text(String),
}

impl Given {
    /// The answer as text, for the record.
    pub fn describe(&self, q: &Question) -> String {
        match (self, q) {
            (Given::Choice(picked), Question::Choice { options, .. }) => picked
                .iter()
                .filter_map(|i| options.get(*i).cloned())
                .collect::<Vec<_>>()
                .join("; "),
            (Given::Bool(b), _) => if *b { "True" } else { "False" }.to_string(),
            (Given::Text(t), _) => t.clone(),
            (Given::Choice(_), _) => String::new(),
        }
    }
}

/// How an answer compares with the question's solution.
pub fn judge(q: &Question, given: &Given) -> Match {
    let right = |ok: bool| if ok { Match::Exact } else { Match::Wrong };
    match (q, given) {
        (
            Question::Choice {
                options, right: r, ..
            },
            Given::Choice(picked),
        ) => {
            let answers: Vec<String> = r.iter().filter_map(|i| options.get(*i).cloned()).collect();
            right(judge_choice(picked, options, &answers))
        }
        (Question::TrueFalse { answer, .. }, Given::Bool(b)) => right(answer == b),
        (Question::Typed { answer, accept, .. }, Given::Text(t)) => judge_typed(t, answer, accept),
        _ => Match::Wrong,
    }
}

/// An exam in progress.
#[derive(Debug, Clone)]
pub struct Exam {
    questions: Vec<ExamQuestion>,
    answers: Vec<Option<(Given, Match)>>,
    next: usize,
    deadline: Option<DateTime<Utc>>,
    timed_out: bool,
}

/// One area's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaScore {
    /// The area's id.
    pub area: String,
    /// The area's name.
    pub area_name: String,
    /// Questions answered right (a typo in a typed answer is forgiven).
    pub correct: usize,
    /// Questions asked in the area.
    pub total: usize,
}

impl AreaScore {
    /// Percent correct, rounded to the nearest whole.
    pub fn percent(&self) -> usize {
        percent(self.correct, self.total)
    }
}

/// Percent, rounded to the nearest whole; 0 of 0 is 0.
pub fn percent(part: usize, whole: usize) -> usize {
    (part * 200 + whole).checked_div(whole * 2).unwrap_or(0)
}

impl Exam {
    /// An exam of `questions`, answered by `deadline`.
    pub fn new(questions: Vec<ExamQuestion>, deadline: Option<DateTime<Utc>>) -> Exam {
        Exam {
            answers: vec![None; questions.len()],
            questions,
            next: 0,
            deadline,
            timed_out: false,
        }
    }

    /// The index of the next question at `now`, or `None` when every
    /// question is answered or time is up (the rest then count as wrong).
    pub fn next(&mut self, now: DateTime<Utc>) -> Option<usize> {
        if self.next >= self.questions.len() {
            return None;
        }
        if self.deadline.is_some_and(|d| now >= d) {
            self.timed_out = true;
            return None;
        }
        Some(self.next)
    }

    /// Records the answer to the current question, given at `now`; a
    /// typo-close typed answer counts as right, as a marker would allow it.
    /// An answer given after the deadline does not count: time is up, and
    /// it and the rest stay unanswered (`None`).
    pub fn answer(&mut self, given: Given, now: DateTime<Utc>) -> Option<Match> {
        if self.deadline.is_some_and(|d| now >= d) {
            self.timed_out = true;
            self.next = self.questions.len();
            return None;
        }
        // After the last question (or a stop) there is nothing to answer.
        let verdict = judge(&self.questions.get(self.next)?.question, &given);
        self.answers[self.next] = Some((given, verdict));
        self.next += 1;
        Some(verdict)
    }

    /// How many questions were answered.
    pub fn answered(&self) -> usize {
        self.answers.iter().filter(|a| a.is_some()).count()
    }

    /// Stops here: the rest are unanswered.
    pub fn stop(&mut self) {
        self.next = self.questions.len();
    }

    /// Whether time ran out.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// The questions, in the order asked.
    pub fn questions(&self) -> &[ExamQuestion] {
        &self.questions
    }

    /// Each question's answer as given and judged, if it was answered.
    pub fn answers(&self) -> &[Option<(Given, Match)>] {
        &self.answers
    }

    /// Whether question `i` was answered rightly.
    pub fn correct(&self, i: usize) -> bool {
        matches!(self.answers.get(i), Some(Some((_, m))) if *m != Match::Wrong)
    }

    /// Right answers out of all questions.
    pub fn score(&self) -> (usize, usize) {
        let correct = (0..self.questions.len())
            .filter(|i| self.correct(*i))
            .count();
        (correct, self.questions.len())
    }

    /// Per area, weakest first (then by name).
    pub fn areas(&self) -> Vec<AreaScore> {
        let mut areas: Vec<AreaScore> = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            let pos = match areas.iter().position(|a| a.area == q.area) {
                Some(p) => p,
                None => {
                    areas.push(AreaScore {
                        area: q.area.clone(),
                        area_name: q.area_name.clone(),
                        correct: 0,
                        total: 0,
                    });
                    areas.len() - 1
                }
            };
            areas[pos].total += 1;
            areas[pos].correct += usize::from(self.correct(i));
        }
        areas.sort_by(|a, b| {
            (a.correct * b.total)
                .cmp(&(b.correct * a.total))
                .then_with(|| a.area_name.cmp(&b.area_name))
        });
        areas
    }
}

/// Whether a score in percent reaches the pass mark.
pub fn passed(score: usize, pass_mark: u32) -> bool {
    score >= pass_mark as usize
}

/// One area's scores across a learner's scored attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaTrend {
    /// The area's name: attempts are matched to an area by it.
    pub area_name: String,
    /// (right, asked) in every scored attempt that asked about the area,
    /// oldest first.
    pub scores: Vec<(usize, usize)>,
}

/// Each area's score in every scored attempt that asked about it, the
/// weakest area (by its latest score) first, ties by name. Abandoned
/// attempts do not count.
pub fn trend(attempts: &[crate::store::ExamAttempt]) -> Vec<AreaTrend> {
    let mut trend: Vec<AreaTrend> = Vec::new();
    for a in attempts.iter().filter(|a| a.finished) {
        for row in &a.areas {
            match trend.iter_mut().find(|t| t.area_name == row.name) {
                Some(t) => t.scores.push((row.correct, row.total)),
                None => trend.push(AreaTrend {
                    area_name: row.name.clone(),
                    scores: vec![(row.correct, row.total)],
                }),
            }
        }
    }
    trend.sort_by(|a, b| {
        let (xc, xt) = a.scores.last().copied().unwrap_or((0, 1));
        let (yc, yt) = b.scores.last().copied().unwrap_or((0, 1));
        (xc * yt)
            .cmp(&(yc * xt))
            .then_with(|| a.area_name.cmp(&b.area_name))
    });
    trend
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_share_the_questions() {
        assert_eq!(allocate(&[2.0, 1.0, 1.0], &[99, 99, 99], 40), [20, 10, 10]);
        assert_eq!(allocate(&[1.0, 1.0, 1.0], &[99, 99, 99], 10), [4, 3, 3]);
        assert_eq!(allocate(&[1.0; 4], &[99; 4], 2), [1, 1, 0, 0]);
        assert_eq!(
            allocate(&[1.0; 11], &[9; 11], 5),
            [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
        );
        assert_eq!(allocate(&[1.0, 3.0], &[99, 99], 5), [1, 4]);
    }

    #[test]
    fn an_area_short_of_cards_passes_its_share_on() {
        assert_eq!(allocate(&[2.0, 1.0, 1.0], &[5, 99, 99], 40), [5, 18, 17]);
        assert_eq!(allocate(&[1.0, 1.0], &[3, 4], 40), [3, 4]);
        assert_eq!(allocate(&[], &[], 40), Vec::<usize>::new());
    }

    #[test]
    fn percent_rounds_to_nearest() {
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
    }
}
