//! The saved result of one attempt: what `take --json` prints and `recommend --from` reads.
//!
//! Versioned with `format_version`; a newer version than this build knows is refused.
//! Each question keeps the answer given (file choice indices), the display order and the
//! bank version, so a class's results can be analysed later.

use crate::bank::Catalog;
use crate::evidence::Response;
use crate::learner::level::Level;
use crate::learner::scorecard::{Scorecard, Stat};
use crate::plan::{Recommendation, recommend};
use crate::quiz::{describe_answer, describe_key};
use serde::{Deserialize, Serialize};

/// The result format this build writes.
pub const RESULT_FORMAT_VERSION: u32 = 1;

/// How the questions were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A fixed form chosen up front; area levels come from mean scores.
    Fixed,
    /// Chosen one by one from the answers; area levels come from ability (θ).
    Adaptive,
}

/// How the quiz ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// Every question was answered or skipped.
    Completed,
    /// The person quit early.
    Quit,
    /// Input (stdin or the answers file) ended before the quiz did.
    InputEnded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankRef {
    pub name: String,
    pub version: String,
}

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
}

/// A missed question, written out for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    pub id: String,
    pub prompt: String,
    pub your_answer: String,
    pub right_answer: String,
    pub explanation: String,
    /// Feedback attached to the wrong choices picked.
    pub feedback: Vec<String>,
}

/// Everything about one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizResult {
    pub format_version: u32,
    pub skillquiz_version: String,
    pub seed: u64,
    pub mode: Mode,
    pub ended: Ended,
    pub asked: usize,
    pub banks: Vec<BankRef>,
    pub score: Option<f64>,
    pub areas: Vec<AreaResult>,
    pub topics: Vec<TopicResult>,
    pub practice: Vec<TopicResult>,
    pub recommendations: Vec<Recommendation>,
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
        found: u32,
        supported: u32,
    },
    #[error("{file}: question `{id}` is not in the loaded banks; pass its bank with --bank")]
    UnknownQuestion { file: String, id: String },
}

impl QuizResult {
    /// Scores `responses` and writes up the result.
    pub fn new(
        catalog: &Catalog,
        responses: &[Response],
        seed: u64,
        mode: Mode,
        ended: Ended,
        asked: usize,
    ) -> QuizResult {
        let mut sc = Scorecard::new(catalog, responses);
        if mode == Mode::Adaptive {
            sc.use_ability_levels();
        }
        let recommendations = recommend(catalog, &sc);
        let topic_result = |s: &Stat| {
            let t = catalog.topic(&s.id);
            TopicResult {
                topic: s.id.clone(),
                title: t.map(|t| t.title.clone()).unwrap_or_default(),
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
                            .filter_map(|&p| ch.get(p)?.feedback.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                missed.push(Missed {
                    id: q.id.clone(),
                    prompt: q.prompt.clone(),
                    your_answer: describe_answer(q, &r.order, &r.answer),
                    right_answer: describe_key(q, &r.order),
                    explanation: q.explanation.clone(),
                    feedback,
                });
            }
        }
        QuizResult {
            format_version: RESULT_FORMAT_VERSION,
            skillquiz_version: env!("CARGO_PKG_VERSION").into(),
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
            recommendations,
            questions,
            missed,
        }
    }

    /// Reads a saved result, checking its version.
    pub fn from_json(file: &str, text: &str) -> Result<QuizResult, ResultError> {
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
                found: found as u32,
                supported: RESULT_FORMAT_VERSION,
            });
        }
        serde_json::from_value(v).map_err(|e| ResultError::Malformed {
            file: file.into(),
            reason: e.to_string(),
        })
    }

    /// Re-scores the saved answers against `catalog` (for `recommend --from`).
    pub fn rescore(&self, catalog: &Catalog, file: &str) -> Result<QuizResult, ResultError> {
        let responses: Vec<Response> = self.questions.iter().map(|q| q.response.clone()).collect();
        if let Some(r) = responses.iter().find(|r| catalog.question(&r.id).is_none()) {
            return Err(ResultError::UnknownQuestion {
                file: file.into(),
                id: r.id.clone(),
            });
        }
        Ok(QuizResult::new(
            catalog, &responses, self.seed, self.mode, self.ended, self.asked,
        ))
    }
}
