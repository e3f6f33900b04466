//! Calibration of a teacher's questions from a class's answers: which responses count,
//! the guard rails, and what the fitted parameters say about each question. The maths is
//! in [`crate::irt::calibrate`].
//!
//! Each person is one set of responses (a saved result, or an attempt from the history).
//! Only graded questions of the banks in scope take part; a right answer is one with full
//! credit (partial credit counts as wrong, as it does for ability), and a skip is wrong.
//! Each area is calibrated on its own, since the engine measures one ability per area.

use crate::bank::{Catalog, Kind, Question};
use crate::evidence::Response;
use crate::irt::calibrate::{
    self as em, CalibrateError, DataBuilder, EmConfig, ItemFit, Model, Role, StandardErrors,
};
use crate::irt::{guessing_c, item_of};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Fewest persons who answered a question before the model may calibrate it.
pub fn minimum_responses(model: Model) -> usize {
    match model {
        Model::Rasch => 30,
        Model::TwoPl => 200,
        Model::ThreePl => 500,
    }
}

/// Proportion right above which a question is flagged as too easy to tell people apart.
pub const EASY_FLAG: f64 = 0.95;
/// A question answered right by no more than its guessing rate plus this is flagged.
pub const GUESS_MARGIN: f64 = 0.05;
/// Item fit: posterior RMSD above this is flagged (PISA's threshold).
pub const RMSD_FLAG: f64 = 0.12;

/// Which questions keep the parameters written in their bank.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Anchor {
    /// None: every question is estimated.
    #[default]
    None,
    /// Every question that already has `params` in its bank.
    Written,
    /// These questions (each must have `params`).
    Ids(Vec<String>),
}

/// How to calibrate.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateOptions {
    pub model: Model,
    /// With the 2PL, a prior ln a ~ N(0, 0.5²) on discrimination (the 3PL always has it).
    pub a_prior: bool,
    pub anchor: Anchor,
    /// Calibrate questions with fewer responses than the model needs.
    pub force: bool,
}

/// Why a calibration could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CalibrationError {
    #[error("no responses to calibrate from")]
    NoPersons,
    #[error("the banks given hold no graded question to calibrate")]
    NoQuestions,
    #[error("--anchor names `{id}`, which is not a question of the banks given")]
    UnknownAnchor { id: String },
    #[error("--anchor names `{id}`, which has no params in its bank to keep; calibrate it instead")]
    AnchorWithoutParams { id: String },
    #[error("{source_name}: question `{id}` is answered twice")]
    AnsweredTwice { source_name: String, id: String },
}

/// Why a question was left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refusal {
    /// Fewer responses than the model needs (see [`minimum_responses`]); `--force` overrides.
    TooFew { needed: usize },
    /// Everyone answered it right: there is nothing to estimate.
    AllRight,
    /// Everyone answered it wrong.
    AllWrong,
    /// Nobody answered it.
    NotAnswered,
    /// Its area's calibration failed.
    Failed { message: String },
}

/// Something to look at in a calibrated question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemFlag {
    /// Answered right by over [`EASY_FLAG`] of the class.
    TooEasy,
    /// Answered right by about the guessing rate or less.
    AtGuessRate,
    /// The model curve misses the observed proportions (RMSD over [`RMSD_FLAG`]).
    Misfit,
    /// Stronger students do worse on it: check the key.
    NegativeDiscrimination,
    /// Fitted parameters outside what a bank accepts (0 < a ≤ 10, |b| ≤ 10).
    OutOfRange,
    /// Fewer responses than the model needs, calibrated because of `--force`.
    Forced,
}

/// How well a calibrated question tells people apart, from its discrimination (labels of
/// Baker, *The Basics of Item Response Theory*, 2001: moderate from 0.65, high from 1.35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    /// a ≥ 1.35.
    Sharp,
    /// 0.65 ≤ a < 1.35.
    Fair,
    /// 0 < a < 0.65.
    Vague,
    /// a ≤ 0 or the model does not fit it.
    Broken,
}

/// Fitted parameters of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fitted {
    pub a: f64,
    pub b: f64,
    pub c: f64,
    pub se: Option<StandardErrors>,
    /// Posterior RMSD of observed against model proportion right.
    pub rmsd: f64,
    pub quality: Quality,
    pub flags: Vec<ItemFlag>,
}

impl Fitted {
    /// Whether these parameters may go into the bank.
    pub fn writable(&self) -> bool {
        crate::bank::ItemParams::new(self.a, self.b, self.c).is_some()
    }
}

/// What became of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Calibrated(Fitted),
    /// Kept at its bank's parameters (`--anchor`).
    Anchored,
    Refused(Refusal),
}

/// Item parameters as written in a bank.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Written {
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

/// One question's calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionCalibration {
    pub id: String,
    pub area: String,
    /// The bank file it is in.
    pub file: String,
    /// Persons who answered it (skips included).
    pub answered: usize,
    /// Of whom fully right.
    pub right: usize,
    /// The chance of a blind guess being right (1/k, 1/2 or 0).
    pub guess_rate: f64,
    /// The parameters written in the bank now, if any.
    pub written: Option<Written>,
    /// `status: Pretest` in the bank; calibrated means ready to go live.
    pub pretest: bool,
    #[serde(flatten)]
    pub outcome: Outcome,
}

impl QuestionCalibration {
    pub fn facility(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.right as f64 / self.answered as f64)
    }
}

/// One area's EM run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaCalibration {
    pub area: String,
    /// Questions estimated and anchored.
    pub calibrated: usize,
    pub anchored: usize,
    /// Persons who answered at least one of its questions.
    pub persons: usize,
    pub patterns: usize,
    pub cycles: usize,
    pub converged: bool,
    pub max_change: f64,
    pub log_likelihood: f64,
    /// The class's ability mean and SD on the anchors' scale (0 and 1 without anchors).
    pub mean: f64,
    pub sd: f64,
}

/// Everything `calibrate` found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationReport {
    pub model: Model,
    /// Fewest responses the model needs per question.
    pub minimum: usize,
    pub persons: usize,
    pub areas: Vec<AreaCalibration>,
    /// Every graded question of the banks in scope, in bank order.
    pub questions: Vec<QuestionCalibration>,
    /// Whether convergence failed in some area.
    pub unconverged: bool,
}

fn quality(it: &ItemFit) -> Quality {
    if it.a <= 0.0 || it.rmsd > RMSD_FLAG {
        Quality::Broken
    } else if it.a >= 1.35 {
        Quality::Sharp
    } else if it.a >= 0.65 {
        Quality::Fair
    } else {
        Quality::Vague
    }
}

fn graded(q: &Question) -> bool {
    !matches!(q.kind, Kind::SelfRating)
}

/// Calibrates the graded questions of `catalog` that come from `files` (bank files, as
/// [`crate::Origin::file`] names them) from `persons` (a source name for messages, and
/// that person's responses). Responses to other questions are ignored.
pub fn calibrate_questions(
    catalog: &Catalog,
    files: &[String],
    persons: &[(String, Vec<Response>)],
    options: &CalibrateOptions,
) -> Result<CalibrationReport, CalibrationError> {
    let scope: Vec<&Question> = catalog
        .questions
        .iter()
        .filter(|q| graded(q) && files.iter().any(|f| *f == q.origin.file))
        .collect();
    if scope.is_empty() {
        return Err(CalibrationError::NoQuestions);
    }
    if persons.is_empty() {
        return Err(CalibrationError::NoPersons);
    }
    let index: HashMap<&str, usize> = scope
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_ref(), i))
        .collect();
    let mut anchored = vec![false; scope.len()];
    match &options.anchor {
        Anchor::None => {}
        Anchor::Written => {
            for (i, q) in scope.iter().enumerate() {
                anchored[i] = q.params.is_some();
            }
        }
        Anchor::Ids(ids) => {
            for id in ids {
                let Some(&i) = index.get(id.as_str()) else {
                    return Err(CalibrationError::UnknownAnchor { id: id.clone() });
                };
                if scope[i].params.is_none() {
                    return Err(CalibrationError::AnchorWithoutParams { id: id.clone() });
                }
                anchored[i] = true;
            }
        }
    }
    // Each person's answers to questions in scope: (scope index, fully right).
    let mut answers: Vec<Vec<(usize, bool)>> = Vec::with_capacity(persons.len());
    for (name, responses) in persons {
        let mut mine: Vec<(usize, bool)> = Vec::new();
        for r in responses {
            let Some(&i) = index.get(r.id.as_str()) else {
                continue;
            };
            // Pretest answers are stored ungraded (they never count for the person) but
            // are what calibration is for.
            if !r.graded && !scope[i].pretest {
                continue;
            }
            if mine.iter().any(|&(j, _)| j == i) {
                return Err(CalibrationError::AnsweredTwice {
                    source_name: name.clone(),
                    id: r.id.clone(),
                });
            }
            mine.push((i, r.correct && r.score >= 1.0));
        }
        answers.push(mine);
    }
    let mut answered = vec![0usize; scope.len()];
    let mut right = vec![0usize; scope.len()];
    for a in &answers {
        for &(i, r) in a {
            answered[i] += 1;
            right[i] += usize::from(r);
        }
    }
    let minimum = minimum_responses(options.model);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; scope.len()];
    let mut forced = vec![false; scope.len()];
    for i in 0..scope.len() {
        if anchored[i] {
            outcomes[i] = Some(Outcome::Anchored);
        } else if answered[i] == 0 {
            outcomes[i] = Some(Outcome::Refused(Refusal::NotAnswered));
        } else if right[i] == answered[i] {
            outcomes[i] = Some(Outcome::Refused(Refusal::AllRight));
        } else if right[i] == 0 {
            outcomes[i] = Some(Outcome::Refused(Refusal::AllWrong));
        } else if answered[i] < minimum {
            if options.force {
                forced[i] = true;
            } else {
                outcomes[i] = Some(Outcome::Refused(Refusal::TooFew { needed: minimum }));
            }
        }
    }
    let mut areas_seen: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, q) in scope.iter().enumerate() {
        areas_seen.entry(q.area.as_ref()).or_default().push(i);
    }
    let mut areas = Vec::new();
    for (area, members) in areas_seen {
        // Free questions (no outcome yet) and anchors take part.
        let taking: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| outcomes[i].is_none() || anchored[i])
            .collect();
        if !taking.iter().any(|&i| outcomes[i].is_none()) {
            continue;
        }
        let local: HashMap<usize, usize> =
            taking.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let mut data = DataBuilder::new(taking.len());
        let mut persons_here = 0;
        let mut mine = Vec::new();
        for a in &answers {
            mine.clear();
            mine.extend(
                a.iter()
                    .filter_map(|&(i, r)| local.get(&i).map(|&k| (k, r))),
            );
            if !mine.is_empty() {
                persons_here += 1;
                // Indices are local and distinct (checked above).
                let _ = data.add(&mine, 1.0);
            }
        }
        let data = data.build();
        let roles: Vec<Role> = taking
            .iter()
            .map(|&i| {
                if anchored[i] {
                    Role::Anchored(item_of(scope[i]))
                } else {
                    Role::Free {
                        guess: guessing_c(&scope[i].kind),
                    }
                }
            })
            .collect();
        let mut config = EmConfig::new(options.model);
        if options.a_prior && options.model == Model::TwoPl {
            config.a_prior = Some(0.5);
        }
        let fit = match em::calibrate(&data, &roles, &config, |_, _| {}) {
            Ok(f) => f,
            // Questions with no variation were refused above; an anchor does not vary
            // the count. Nothing else can fail on data built here.
            Err(CalibrateError::NoVariation { item, which }) => {
                let i = taking[item];
                outcomes[i] = Some(Outcome::Refused(if which == "right" {
                    Refusal::AllRight
                } else {
                    Refusal::AllWrong
                }));
                continue;
            }
            Err(e) => {
                for &i in &taking {
                    if outcomes[i].is_none() {
                        outcomes[i] = Some(Outcome::Refused(Refusal::Failed {
                            message: e.to_string(),
                        }));
                    }
                }
                continue;
            }
        };
        for (k, &i) in taking.iter().enumerate() {
            if anchored[i] {
                continue;
            }
            let it = &fit.items[k];
            let mut flags = Vec::new();
            let p = right[i] as f64 / answered[i] as f64;
            if p > EASY_FLAG {
                flags.push(ItemFlag::TooEasy);
            }
            if p <= guessing_c(&scope[i].kind) + GUESS_MARGIN {
                flags.push(ItemFlag::AtGuessRate);
            }
            if it.rmsd > RMSD_FLAG {
                flags.push(ItemFlag::Misfit);
            }
            if it.a <= 0.0 {
                flags.push(ItemFlag::NegativeDiscrimination);
            }
            if crate::bank::ItemParams::new(it.a, it.b, it.c).is_none() {
                flags.push(ItemFlag::OutOfRange);
            }
            if forced[i] {
                flags.push(ItemFlag::Forced);
            }
            outcomes[i] = Some(Outcome::Calibrated(Fitted {
                a: it.a,
                b: it.b,
                c: it.c,
                se: it.se,
                rmsd: it.rmsd,
                quality: quality(it),
                flags,
            }));
        }
        areas.push(AreaCalibration {
            area: area.to_string(),
            calibrated: taking.iter().filter(|&&i| !anchored[i]).count(),
            anchored: taking.iter().filter(|&&i| anchored[i]).count(),
            persons: persons_here,
            patterns: data.patterns(),
            cycles: fit.cycles,
            converged: fit.converged,
            max_change: fit.max_change,
            log_likelihood: fit.log_likelihood,
            mean: fit.mean,
            sd: fit.sd,
        });
    }
    let questions = scope
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionCalibration {
            id: q.id.to_string(),
            area: q.area.to_string(),
            file: q.origin.file.to_string(),
            answered: answered[i],
            right: right[i],
            guess_rate: guessing_c(&q.kind),
            pretest: q.pretest,
            written: q.params.map(|p| Written {
                a: p.a,
                b: p.b,
                c: p.c,
            }),
            // Every question got an outcome: refused up front, anchored, or from its
            // area's run.
            outcome: outcomes[i]
                .clone()
                .unwrap_or(Outcome::Refused(Refusal::Failed {
                    message: "not calibrated".into(),
                })),
        })
        .collect();
    Ok(CalibrationReport {
        model: options.model,
        minimum,
        persons: persons.len(),
        unconverged: areas.iter().any(|a| !a.converged),
        areas,
        questions,
    })
}
