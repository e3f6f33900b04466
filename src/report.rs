//! The saved result of one attempt: what `take --json` prints and `recommend --from` reads.
//!
//! Versioned with `format_version`; a newer version than this build knows is refused.
//! Each question keeps the answer given (file choice indices), the display order and the
//! bank version, so a class's results can be analysed later.

use crate::bank::Catalog;
use crate::evidence::Response;
use crate::learner::Learner;
use crate::learner::level::Level;
use crate::learner::model::Verdict;
use crate::learner::scorecard::{Scorecard, Stat};
use crate::plan::{Recommendation, recommend};
use crate::quiz::{describe_answer, describe_key};
use serde::{Deserialize, Serialize};

/// The result format this build writes.
pub const RESULT_FORMAT_VERSION: u32 = 1;

pub use crate::evidence::{AttemptSpec, BankRef, Ended, Mode};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaResult {
    pub area: String,
    pub title: String,
    pub score: Option<f64>,
    pub answered: usize,
    pub correct: usize,
    pub level: Level,
    /// Ability on the logit scale (EAP, N(0, 1) prior) and its standard error.
    #[serde(default)]
    pub theta: Option<f64>,
    #[serde(default)]
    pub se: Option<f64>,
    /// The 95% interval θ ± 1.96·SE lies inside one level band.
    #[serde(default)]
    pub settled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicResult {
    pub topic: String,
    pub title: String,
    pub area: String,
    pub step: u8,
    pub score: Option<f64>,
    pub answered: usize,
    pub correct: usize,
    pub level: Level,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionResult {
    #[serde(flatten)]
    pub response: Response,
    pub kind: String,
    pub difficulty: String,
    pub bank: String,
    pub bank_version: String,
    pub skipped: bool,
    /// When it was answered (Unix time, seconds); absent when not recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<i64>,
}

/// The attempt a result belongs to, when it was recorded in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRef {
    pub id: String,
    /// Unix time, seconds.
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub spec: AttemptSpec,
}

/// The learner model's verdict on one area or topic, from every answer in history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictResult {
    /// The area or topic id.
    pub id: String,
    pub title: String,
    /// The area (for a topic: its area; for an area: itself).
    pub area: String,
    /// Roadmap step (topics; 0 for areas).
    #[serde(default)]
    pub step: u8,
    /// The most likely level: weak, developing or strong.
    pub level: Level,
    /// How sure: the probability of `level`.
    pub probability: f64,
    /// Probability of each level.
    pub probabilities: LevelProbabilities,
    /// `probability` is at least 95%: more questions are unlikely to change the verdict.
    pub settled: bool,
    /// Ability (logits) and its standard error.
    pub theta: f64,
    pub se: f64,
    /// Graded answers behind the verdict, all time.
    pub answered: usize,
    pub correct: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelProbabilities {
    pub weak: f64,
    pub developing: f64,
    pub strong: f64,
}

/// What is known about the learner after this attempt (with history: all attempts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LearnerResult {
    /// Attempts behind the verdicts.
    pub attempts: usize,
    /// Knowledge areas with at least one graded answer, in catalog order.
    pub areas: Vec<VerdictResult>,
    /// Topics of those areas, in catalog order, each with its verdict (topics with no
    /// answers of their own borrow from their area).
    pub topics: Vec<VerdictResult>,
}

impl LearnerResult {
    pub fn new(catalog: &Catalog, learner: &Learner) -> LearnerResult {
        let mut out = LearnerResult {
            attempts: learner.attempts,
            ..LearnerResult::default()
        };
        let to_result = |id: &str, title: &str, area: &str, step: u8, v: &Verdict| VerdictResult {
            id: id.into(),
            title: title.into(),
            area: area.into(),
            step,
            level: v.level,
            probability: v.probability,
            probabilities: LevelProbabilities {
                weak: v.probabilities[0],
                developing: v.probabilities[1],
                strong: v.probabilities[2],
            },
            settled: v.settled,
            theta: v.theta,
            se: v.se,
            answered: v.answered,
            correct: v.correct,
        };
        for (area, v) in learner.model.verdicts() {
            if v.area.answered == 0 {
                continue;
            }
            let title = catalog.area(area).map(|a| a.title.as_str()).unwrap_or("");
            out.areas.push(to_result(area, title, area, 0, &v.area));
            let Some(m) = learner.model.area(area) else {
                continue;
            };
            for (t, tv) in m.topics.iter().zip(&v.topics) {
                let (title, step) = catalog
                    .topic(t)
                    .map_or(("", 0), |x| (x.title.as_ref(), x.step));
                out.topics.push(to_result(t, title, area, step, tv));
            }
        }
        out
    }

    pub fn area(&self, id: &str) -> Option<&VerdictResult> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&VerdictResult> {
        self.topics.iter().find(|a| a.id == id)
    }
}

/// A missed question, written out for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    pub id: String,
    pub prompt: String,
    /// The question's code snippet, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub your_answer: String,
    pub right_answer: String,
    pub explanation: String,
    /// Feedback attached to the wrong choices picked.
    pub feedback: Vec<String>,
}

/// The spaced review's state when the result was made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReviewDue {
    /// Questions due for review now.
    pub due_now: usize,
    /// When the next one after now is due (Unix seconds).
    pub next_due_at: Option<i64>,
}

/// How an attempt was run and how it ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttemptFacts {
    pub seed: u64,
    pub mode: Mode,
    pub ended: Ended,
    /// Questions shown (answered or not).
    pub asked: usize,
}

/// Everything about one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizResult {
    pub format_version: u32,
    pub skillquiz_version: String,
    /// The history's attempt (absent with `--no-history` and in older results).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<AttemptRef>,
    pub seed: u64,
    pub mode: Mode,
    pub ended: Ended,
    pub asked: usize,
    pub banks: Vec<BankRef>,
    pub score: Option<f64>,
    pub areas: Vec<AreaResult>,
    pub topics: Vec<TopicResult>,
    pub practice: Vec<TopicResult>,
    /// The learner model's verdicts (absent in results saved before it existed).
    #[serde(default)]
    pub learner: LearnerResult,
    /// The plan, from the learner model.
    pub recommendations: Vec<Recommendation>,
    /// Certainty-based marking of this attempt, when certainty was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<crate::cbm::Summary>,
    /// Missed questions due for review (with a history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewDue>,
    pub questions: Vec<QuestionResult>,
    pub missed: Vec<Missed>,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultError {
    #[error("{file}: not a skillquiz result: {reason}")]
    Malformed { file: String, reason: String },
    #[error(
        "{file}: result format_version {found} is newer than this skillquiz understands ({supported}); upgrade skillquiz"
    )]
    TooNew {
        file: String,
        found: u64,
        supported: u32,
    },
    #[error("{file}: question `{id}` is not in the loaded banks; pass its bank with --bank")]
    UnknownQuestion { file: String, id: String },
    #[error("{file}: the answer to question `{id}` {reason}")]
    BadAnswer {
        file: String,
        id: String,
        reason: String,
    },
}

impl QuizResult {
    /// Scores this attempt's `responses`, and writes up the result with the verdicts and
    /// plan of `learner` (which should include these responses).
    pub fn new(
        catalog: &Catalog,
        responses: &[Response],
        attempt: AttemptFacts,
        learner: &Learner,
    ) -> QuizResult {
        let AttemptFacts {
            seed,
            mode,
            ended,
            asked,
        } = attempt;
        let mut sc = Scorecard::new(catalog, responses);
        if mode == Mode::Adaptive {
            sc.use_ability_levels();
        }
        let recommendations = recommend(catalog, learner);
        let topic_result = |s: &Stat| {
            let t = catalog.topic(&s.id);
            TopicResult {
                topic: s.id.clone(),
                title: t.map(|t| t.title.to_string()).unwrap_or_default(),
                area: t.map(|t| t.area.clone()).unwrap_or_default(),
                step: t.map_or(0, |t| t.step),
                score: s.score,
                answered: s.answered,
                correct: s.correct,
                level: s.level,
            }
        };
        let mut banks: Vec<BankRef> = Vec::new();
        let mut questions = Vec::new();
        let mut missed = Vec::new();
        for r in responses {
            let Some(q) = catalog.question(&r.id) else {
                continue;
            };
            let bank = &catalog.banks[q.bank];
            if !banks.iter().any(|b| b.name == bank.name) {
                banks.push(BankRef {
                    name: bank.name.clone(),
                    version: bank.version.clone(),
                });
            }
            questions.push(QuestionResult {
                response: r.clone(),
                kind: q.kind.name().into(),
                difficulty: q.difficulty.as_str().into(),
                bank: bank.name.clone(),
                bank_version: bank.version.clone(),
                skipped: r.skipped(),
                answered_at: None,
            });
            if r.graded && !r.correct {
                let picked = match &r.answer {
                    crate::evidence::Answer::Choice(c) => vec![*c],
                    crate::evidence::Answer::Choices(cs) => cs.clone(),
                    _ => vec![],
                };
                let feedback = q
                    .kind
                    .choices()
                    .map(|ch| {
                        picked
                            .iter()
                            .filter_map(|&p| ch.get(p)?.feedback.as_deref().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                missed.push(Missed {
                    id: q.id.to_string(),
                    prompt: q.prompt.to_string(),
                    code: q.code.as_deref().map(str::to_string),
                    your_answer: describe_answer(q, &r.order, &r.answer),
                    right_answer: describe_key(q, &r.order),
                    explanation: q.explanation.to_string(),
                    feedback,
                });
            }
        }
        QuizResult {
            format_version: RESULT_FORMAT_VERSION,
            skillquiz_version: env!("CARGO_PKG_VERSION").into(),
            attempt: None,
            seed,
            mode,
            ended,
            asked,
            banks,
            score: sc.overall(),
            areas: sc
                .areas
                .iter()
                .map(|s| AreaResult {
                    area: s.id.clone(),
                    title: catalog
                        .area(&s.id)
                        .map(|a| a.title.clone())
                        .unwrap_or_default(),
                    score: s.score,
                    answered: s.answered,
                    correct: s.correct,
                    level: s.level,
                    theta: s.theta,
                    se: s.se,
                    settled: match (s.theta, s.se) {
                        (Some(theta), Some(se)) => {
                            crate::learner::level::settled(crate::irt::Estimate { theta, se })
                        }
                        _ => false,
                    },
                })
                .collect(),
            topics: sc.topics.iter().map(topic_result).collect(),
            practice: sc.practice.iter().map(topic_result).collect(),
            learner: LearnerResult::new(catalog, learner),
            recommendations,
            calibration: crate::cbm::summarise(responses),
            review: None,
            questions,
            missed,
        }
    }

    /// Reads a saved result, checking its version.
    pub fn from_json(file: &str, text: &str) -> Result<QuizResult, ResultError> {
        // A byte-order mark (some Windows editors add one) is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ResultError::Malformed {
                file: file.into(),
                reason: e.to_string(),
            })?;
        if let Some(found) = v.get("format_version").and_then(|x| x.as_u64())
            && found > u64::from(RESULT_FORMAT_VERSION)
        {
            return Err(ResultError::TooNew {
                file: file.into(),
                found,
                supported: RESULT_FORMAT_VERSION,
            });
        }
        serde_json::from_value(v).map_err(|e| ResultError::Malformed {
            file: file.into(),
            reason: e.to_string(),
        })
    }

    /// The same result with every answer graded again against `catalog`: a saved file's
    /// `score`, `correct`, `graded`, `topic` and `area` are never believed (they may have
    /// been edited). A question asked twice, a display order that is not one of the
    /// question's choices, or a question the catalog does not know is an error.
    pub fn regraded(&self, catalog: &Catalog, file: &str) -> Result<QuizResult, ResultError> {
        let mut out = self.clone();
        let mut seen = std::collections::HashSet::new();
        for q in &mut out.questions {
            let r = &q.response;
            if !seen.insert(r.id.clone()) {
                return Err(ResultError::Malformed {
                    file: file.into(),
                    reason: format!("question `{}` is answered more than once", r.id),
                });
            }
            let (question, _) = regrade(catalog, file, &r.id, &r.answer, &r.order, r.certainty)?;
            let mut again =
                crate::quiz::response_of(question, r.answer.clone(), &r.order, r.seconds.max(0.0));
            again.certainty = r.certainty;
            q.skipped = again.skipped();
            q.response = again;
        }
        Ok(out)
    }

    /// Re-scores the saved answers against `catalog` (for `recommend --from`).
    pub fn rescore(&self, catalog: &Catalog, file: &str) -> Result<QuizResult, ResultError> {
        let regraded = self.regraded(catalog, file)?;
        let responses: Vec<Response> = regraded
            .questions
            .iter()
            .map(|q| q.response.clone())
            .collect();
        // Each answer at the time it was given, read when the attempt ended.
        let times: Vec<Option<i64>> = self.questions.iter().map(|q| q.answered_at).collect();
        let end = self
            .attempt
            .as_ref()
            .and_then(|a| a.ended_at)
            .or_else(|| times.iter().flatten().max().copied())
            .unwrap_or(0);
        let timed: Vec<(Response, i64)> = responses
            .iter()
            .cloned()
            .zip(times.iter().map(|t| t.unwrap_or(end)))
            .collect();
        let learner = Learner::from_timed(catalog, &timed, end);
        Ok(QuizResult::new(
            catalog,
            &responses,
            AttemptFacts {
                seed: self.seed,
                mode: self.mode,
                ended: self.ended,
                asked: self.asked,
            },
            &learner,
        ))
    }
}

/// Grades a saved answer to question `id` again against `catalog`, after checking that it
/// could have been given: the question is known, the answer is of its kind (a skip fits
/// every kind), every choice index exists and is picked once, a self-rating is 1-5, the
/// display order is a permutation of the question's choices and a certainty is 1-3.
/// `file` names the result in errors.
pub(crate) fn regrade<'c>(
    catalog: &'c Catalog,
    file: &str,
    id: &str,
    answer: &crate::evidence::Answer,
    order: &[usize],
    certainty: Option<u8>,
) -> Result<(&'c crate::bank::Question, crate::quiz::Graded), ResultError> {
    use crate::bank::Kind;
    use crate::evidence::Answer;
    let Some(question) = catalog.question(id) else {
        return Err(ResultError::UnknownQuestion {
            file: file.into(),
            id: id.into(),
        });
    };
    let bad = |reason: String| ResultError::BadAnswer {
        file: file.into(),
        id: id.into(),
        reason,
    };
    let n = question.kind.choices().map_or(0, <[_]>::len);
    let mut sorted = order.to_vec();
    sorted.sort_unstable();
    if !order.is_empty() && sorted != (0..n).collect::<Vec<_>>() {
        return Err(ResultError::Malformed {
            file: file.into(),
            reason: format!("the choice order of `{id}` is not one of its choices"),
        });
    }
    if certainty.is_some_and(|c| !(1..=3).contains(&c)) {
        return Err(ResultError::Malformed {
            file: file.into(),
            reason: format!("the certainty of `{id}` is not 1, 2 or 3"),
        });
    }
    let missing = |i: usize| {
        bad(format!(
            "picks choice {i}, which does not exist (the question has {n} choices, numbered 0 to {})",
            n.saturating_sub(1)
        ))
    };
    match (&question.kind, answer) {
        (_, Answer::Skip) => {}
        (Kind::SingleChoice { .. }, Answer::Choice(i)) => {
            if *i >= n {
                return Err(missing(*i));
            }
        }
        (Kind::MultipleSelect { .. }, Answer::Choices(picked)) => {
            let mut seen = vec![false; n];
            for &i in picked {
                match seen.get_mut(i) {
                    None => return Err(missing(i)),
                    Some(true) => return Err(bad(format!("picks choice {i} twice"))),
                    Some(s) => *s = true,
                }
            }
        }
        (Kind::SelfRating, Answer::Rating(r)) => {
            if !(1..=5).contains(r) {
                return Err(bad(format!("is a rating of {r}, not 1 to 5")));
            }
        }
        (Kind::TrueFalse { .. }, Answer::Bool(_))
        | (Kind::Numeric { .. }, Answer::Number(_))
        | (Kind::ShortText { .. }, Answer::Text(_)) => {}
        (kind, _) => {
            return Err(bad(format!(
                "is not of its kind ({}): the question was changed, or the file edited",
                kind.name()
            )));
        }
    }
    Ok((question, crate::quiz::grade(question, answer)))
}
