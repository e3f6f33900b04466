//! Item analysis of a class's saved results, with the definitions of Moodle's quiz
//! statistics report ("Quiz statistics calculations" in the Moodle developer docs, and
//! `question/classes/statistics/questions/calculator.php`).
//!
//! Every question is worth 1 mark, so a question's mark is its score in [0, 1] and a
//! student's test mark is the sum of their question scores. A skipped question scores 0;
//! self-ratings are not graded and not analysed. For question i with marks x over the s
//! students who were asked it, and X the students' test marks:
//!
//! - facility = mean(x) (Moodle shows it as a percentage);
//! - SD = √(Σ(x − x̄)² / (s − 1));
//! - discrimination index = r(x, X − x), the correlation of the question with the rest
//!   of the test;
//! - discriminative efficiency = cov(x, X − x) / cov_max, where cov_max pairs the sorted
//!   x with the sorted X − x (the largest covariance those marks could have);
//! - coefficient of internal consistency (Cronbach's α, equal to KR-20 for 0/1 items)
//!   = p/(p − 1) · (1 − Σ var(xᵢ) / var(X)) over p questions;
//! - error ratio = √(1 − α); standard error of measurement = error ratio × SD(X).
//!
//! Variances and covariances divide by s − 1, as Moodle's do. Like Moodle, α needs at
//! least 3 results and 2 questions, and everything but facility needs 2 results.

use crate::bank::{Catalog, Kind};
use crate::evidence::Answer;
use crate::report::QuizResult;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Facility below this flags a question as too hard.
pub const FACILITY_LOW: f64 = 0.10;
/// Facility above this flags a question as too easy.
pub const FACILITY_HIGH: f64 = 0.95;
/// Discrimination below this flags a question as not telling students apart.
pub const DISCRIMINATION_LOW: f64 = 0.2;

/// The arithmetic mean; `None` for no values.
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Sample covariance Σ(x − x̄)(y − ȳ) / (n − 1); `None` below 2 pairs.
pub fn covariance(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let (mx, my) = (mean(&xs[..n])?, mean(&ys[..n])?);
    let s: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    Some(s / (n - 1) as f64)
}

/// Sample variance Σ(x − x̄)² / (n − 1); `None` below 2 values.
pub fn variance(xs: &[f64]) -> Option<f64> {
    covariance(xs, xs)
}

/// The largest covariance `xs` and `ys` could have: both sorted, then paired.
pub fn max_covariance(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let mut a = xs.to_vec();
    let mut b = ys.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    covariance(&a, &b)
}

/// Pearson correlation cov(x, y) / √(var x · var y), in [−1, 1]; `None` when either
/// side does not vary or there are fewer than 2 pairs.
pub fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let v = variance(xs)? * variance(ys)?;
    (v > 0.0).then(|| covariance(xs, ys).map(|c| c / v.sqrt()))?
}

/// Cronbach's α = p/(p − 1) · (1 − Σ item variances / test variance), at most 1 (may be
/// negative); `None` for fewer than 2 items or a test variance of 0.
pub fn cronbach_alpha(items: usize, sum_item_variance: f64, test_variance: f64) -> Option<f64> {
    if items < 2 || test_variance <= 0.0 {
        return None;
    }
    let p = items as f64;
    Some(p / (p - 1.0) * (1.0 - sum_item_variance / test_variance))
}

/// Standard error of measurement SD · √(1 − α), in marks.
pub fn standard_error(sd: f64, alpha: f64) -> f64 {
    sd * (1.0 - alpha).max(0.0).sqrt()
}

/// Why results cannot be analysed together.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyzeError {
    #[error("no results to analyse")]
    NoResults,
    #[error(
        "results were taken with different versions of bank `{bank}`: {}; analyse each version separately",
        .versions.iter().map(|(v, f)| format!("{v} in {}", f.join(", "))).collect::<Vec<_>>().join("; ")
    )]
    MixedVersions {
        bank: String,
        versions: Vec<(String, Vec<String>)>,
    },
    #[error(
        "results come from different banks: {first_file} used {}, {other_file} used {}; analyse each class's results separately",
        first.join(", "), other.join(", ")
    )]
    MixedBanks {
        first_file: String,
        first: Vec<String>,
        other_file: String,
        other: Vec<String>,
    },
    #[error(
        "{file}: bank `{bank}` was version {taken} when taken, but the loaded bank is version {loaded}; pass the bank file of version {taken} with --bank"
    )]
    VersionMismatch {
        file: String,
        bank: String,
        taken: String,
        loaded: String,
    },
    #[error("{file}: question `{id}` is not in the loaded banks; pass its bank with --bank")]
    UnknownQuestion { file: String, id: String },
}

/// How often one choice was picked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceCount {
    /// The choice's index in the bank file (0-based).
    pub index: usize,
    pub text: String,
    pub right: bool,
    pub picked: usize,
}

/// Something that makes a question look broken, with a one-line reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// `too-hard`, `too-easy`, `negative-discrimination`, `low-discrimination` or
    /// `unused-distractor`.
    pub code: &'static str,
    pub reason: String,
}

/// The statistics of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStats {
    pub id: String,
    pub prompt: String,
    pub kind: String,
    /// Results in which the question was asked.
    pub attempts: usize,
    pub skipped: usize,
    /// Mean score, 0 to 1.
    pub facility: f64,
    /// Standard deviation of the score; `None` below 2 attempts.
    pub sd: Option<f64>,
    /// Correlation with the rest of the test, −1 to 1.
    pub discrimination_index: Option<f64>,
    /// cov(x, rest) / cov_max, at most 1.
    pub discriminative_efficiency: Option<f64>,
    /// For choice and true/false questions, in file order.
    pub choices: Vec<ChoiceCount>,
    /// With certainty-based marking: the share of the answers given at certainty 3, and
    /// the share wrong at certainty 3 (confident misconceptions); `None` when no result
    /// asked for certainty.
    pub certainty_3: Option<f64>,
    pub confidently_wrong: Option<f64>,
    pub flags: Vec<Flag>,
}

/// The statistics of the whole test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestStats {
    pub results: usize,
    /// Graded questions analysed.
    pub questions: usize,
    /// Mean test mark (1 mark per question).
    pub mean: f64,
    /// Mean test mark as a fraction of the marks available to each student.
    pub mean_fraction: f64,
    pub sd: Option<f64>,
    /// Coefficient of internal consistency (Cronbach's α; KR-20 for 0/1 items).
    pub alpha: Option<f64>,
    /// √(1 − α).
    pub error_ratio: Option<f64>,
    /// Standard error of measurement, in marks.
    pub standard_error: Option<f64>,
}

/// A class's item analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAnalysis {
    /// The result files, in the order analysed.
    pub files: Vec<String>,
    /// `name version` of each bank the results used.
    pub banks: Vec<String>,
    pub test: TestStats,
    pub questions: Vec<ItemStats>,
    /// Why a figure could not be computed (too few results, different question sets).
    pub notes: Vec<String>,
}

/// Analyses `results` (file name, result) against the banks in `cat`.
pub fn analyze(
    results: &[(String, QuizResult)],
    cat: &Catalog,
) -> Result<ItemAnalysis, AnalyzeError> {
    if results.is_empty() {
        return Err(AnalyzeError::NoResults);
    }
    // One version per bank, the loaded one; the same banks in every result.
    let mut versions: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    let mut bank_sets: Vec<(&str, BTreeSet<&str>)> = Vec::new();
    for (file, r) in results {
        let mut set = BTreeSet::new();
        for q in r.questions.iter().filter(|q| q.response.graded) {
            let files = versions
                .entry(&q.bank)
                .or_default()
                .entry(&q.bank_version)
                .or_default();
            if !files.contains(file) {
                files.push(file.clone());
            }
            set.insert(q.bank.as_str());
            if cat.question(&q.response.id).is_none() {
                return Err(AnalyzeError::UnknownQuestion {
                    file: file.clone(),
                    id: q.response.id.clone(),
                });
            }
        }
        bank_sets.push((file, set));
    }
    for (bank, vs) in &versions {
        if vs.len() > 1 {
            return Err(AnalyzeError::MixedVersions {
                bank: bank.to_string(),
                versions: vs.iter().map(|(v, f)| (v.to_string(), f.clone())).collect(),
            });
        }
        let (taken, files) = vs.iter().next().expect("a bank seen has a version");
        if let Some(loaded) = cat.banks.iter().find(|b| b.name == *bank)
            && loaded.version != *taken
        {
            return Err(AnalyzeError::VersionMismatch {
                file: files[0].clone(),
                bank: bank.to_string(),
                taken: taken.to_string(),
                loaded: loaded.version.clone(),
            });
        }
    }
    if let Some((other_file, other)) = bank_sets.iter().find(|(_, s)| *s != bank_sets[0].1) {
        return Err(AnalyzeError::MixedBanks {
            first_file: bank_sets[0].0.to_string(),
            first: bank_sets[0].1.iter().map(|s| s.to_string()).collect(),
            other_file: other_file.to_string(),
            other: other.iter().map(|s| s.to_string()).collect(),
        });
    }

    // Each student's marks, by question id.
    let marks: Vec<BTreeMap<&str, (f64, &Answer)>> = results
        .iter()
        .map(|(_, r)| {
            r.questions
                .iter()
                .filter(|q| q.response.graded)
                .map(|q| {
                    (
                        q.response.id.as_str(),
                        (q.response.score, &q.response.answer),
                    )
                })
                .collect()
        })
        .collect();
    let totals: Vec<f64> = marks
        .iter()
        .map(|m| m.values().map(|(s, _)| s).sum())
        .collect();
    let mut ids: Vec<&str> = marks.iter().flat_map(|m| m.keys().copied()).collect();
    ids.sort_by_key(|id| cat.question_index.get(*id).copied().unwrap_or(usize::MAX));
    ids.dedup();

    let s = results.len();
    let mut notes = Vec::new();
    if s < 2 {
        notes.push(format!(
            "only {s} result: standard deviations and correlations (discrimination) need at least 2 results, so only facility is shown"
        ));
    }
    let mut questions = Vec::new();
    let mut sum_item_variance = 0.0;
    for id in &ids {
        let q = cat.question(id).expect("checked above");
        let (x, rest, answers): (Vec<f64>, Vec<f64>, Vec<&Answer>) = {
            let mut x = Vec::new();
            let mut rest = Vec::new();
            let mut answers = Vec::new();
            for (m, total) in marks.iter().zip(&totals) {
                if let Some((score, answer)) = m.get(id) {
                    x.push(*score);
                    rest.push(total - score);
                    answers.push(*answer);
                }
            }
            (x, rest, answers)
        };
        let facility = mean(&x).unwrap_or(0.0);
        let var = variance(&x);
        sum_item_variance += var.unwrap_or(0.0);
        let discrimination_index = correlation(&x, &rest);
        let discriminative_efficiency = match (covariance(&x, &rest), max_covariance(&x, &rest)) {
            (Some(c), Some(m)) if m != 0.0 => Some(c / m),
            _ => None,
        };
        let choices = choice_counts(&q.kind, &answers);
        // Certainty, over the answers (not skips) given with one.
        let sure: Vec<(u8, bool)> = results
            .iter()
            .flat_map(|(_, r)| r.questions.iter())
            .filter(|x| x.response.id == *id && !x.response.skipped())
            .filter_map(|x| Some((x.response.certainty?, x.response.score == 0.0)))
            .collect();
        let share = |keep: &dyn Fn(&(u8, bool)) -> bool| {
            (!sure.is_empty())
                .then(|| sure.iter().filter(|x| keep(x)).count() as f64 / sure.len() as f64)
        };
        let certainty_3 = share(&|x| x.0 == 3);
        let confidently_wrong = share(&|x| x.0 == 3 && x.1);
        let mut flags = Vec::new();
        let pct = |f: f64| format!("{:.0}%", f * 100.0);
        if facility < FACILITY_LOW {
            flags.push(Flag {
                code: "too-hard",
                reason: format!(
                    "facility {} is under {}: almost nobody gets it right; check the key and whether it was taught",
                    pct(facility),
                    pct(FACILITY_LOW)
                ),
            });
        } else if facility > FACILITY_HIGH {
            flags.push(Flag {
                code: "too-easy",
                reason: format!(
                    "facility {} is over {}: almost everybody gets it right, so it tells students apart poorly",
                    pct(facility),
                    pct(FACILITY_HIGH)
                ),
            });
        }
        match discrimination_index {
            Some(d) if d < 0.0 => flags.push(Flag {
                code: "negative-discrimination",
                reason: format!(
                    "discrimination {d:.2} is negative: students who did well on the rest of the test did worse here; check the key"
                ),
            }),
            Some(d) if d < DISCRIMINATION_LOW => flags.push(Flag {
                code: "low-discrimination",
                reason: format!(
                    "discrimination {d:.2} is under {DISCRIMINATION_LOW}: it barely separates strong from weak students"
                ),
            }),
            _ => {}
        }
        for c in choices.iter().filter(|c| !c.right && c.picked == 0) {
            flags.push(Flag {
                code: "unused-distractor",
                reason: format!(
                    "distractor `{}` was never picked: make it more plausible or replace it",
                    c.text
                ),
            });
        }
        questions.push(ItemStats {
            id: id.to_string(),
            prompt: q.prompt.clone(),
            kind: q.kind.name().into(),
            attempts: x.len(),
            skipped: answers.iter().filter(|a| ***a == Answer::Skip).count(),
            facility,
            sd: var.map(f64::sqrt),
            discrimination_index,
            discriminative_efficiency,
            choices,
            certainty_3,
            confidently_wrong,
            flags,
        });
    }
    if s >= 2 && questions.iter().any(|q| q.discrimination_index.is_none()) {
        notes.push(
            "a discrimination index is left out where everyone scored the same on the question or on the rest of the test (a correlation needs variation on both sides)".into(),
        );
    }

    let p = ids.len();
    let sd = variance(&totals).map(f64::sqrt);
    let same_questions = marks.iter().all(|m| m.len() == p);
    let alpha = if !same_questions {
        let common = ids
            .iter()
            .filter(|id| marks.iter().all(|m| m.contains_key(**id)))
            .count();
        notes.push(format!(
            "students answered different questions ({common} of {p} common to all), so the coefficient of internal consistency is not computed"
        ));
        None
    } else if s < 3 {
        notes.push(format!(
            "the coefficient of internal consistency needs at least 3 results (as in Moodle); there are {s}"
        ));
        None
    } else if p < 2 {
        notes.push("the coefficient of internal consistency needs at least 2 questions".into());
        None
    } else {
        let a = variance(&totals).and_then(|v| cronbach_alpha(p, sum_item_variance, v));
        if a.is_none() {
            notes.push("every student had the same test mark, so the coefficient of internal consistency is undefined".into());
        }
        a
    };
    let max_marks = mean(&marks.iter().map(|m| m.len() as f64).collect::<Vec<_>>()).unwrap_or(0.0);
    let test_mean = mean(&totals).unwrap_or(0.0);
    let mut banks: Vec<String> = versions
        .iter()
        .map(|(b, v)| format!("{b} {}", v.keys().next().copied().unwrap_or("")))
        .collect();
    banks.sort();
    Ok(ItemAnalysis {
        files: results.iter().map(|(f, _)| f.clone()).collect(),
        banks,
        test: TestStats {
            results: s,
            questions: p,
            mean: test_mean,
            mean_fraction: if max_marks > 0.0 {
                test_mean / max_marks
            } else {
                0.0
            },
            sd,
            alpha,
            error_ratio: alpha.map(|a| (1.0 - a).max(0.0).sqrt()),
            standard_error: match (sd, alpha) {
                (Some(sd), Some(a)) => Some(standard_error(sd, a)),
                _ => None,
            },
        },
        questions,
        notes,
    })
}

/// Picks per choice (file order); true/false questions count `true` and `false`.
fn choice_counts(kind: &Kind, answers: &[&Answer]) -> Vec<ChoiceCount> {
    match kind {
        Kind::SingleChoice {
            choices, answer, ..
        } => choices
            .iter()
            .enumerate()
            .map(|(i, c)| ChoiceCount {
                index: i,
                text: c.text.clone(),
                right: i == *answer,
                picked: answers.iter().filter(|a| ***a == Answer::Choice(i)).count(),
            })
            .collect(),
        Kind::MultipleSelect {
            choices,
            answers: keys,
            ..
        } => choices
            .iter()
            .enumerate()
            .map(|(i, c)| ChoiceCount {
                index: i,
                text: c.text.clone(),
                right: keys.contains(&i),
                picked: answers
                    .iter()
                    .filter(|a| matches!(a, Answer::Choices(cs) if cs.contains(&i)))
                    .count(),
            })
            .collect(),
        Kind::TrueFalse { answer } => [true, false]
            .iter()
            .enumerate()
            .map(|(i, b)| ChoiceCount {
                index: i,
                text: b.to_string(),
                right: b == answer,
                picked: answers.iter().filter(|a| ***a == Answer::Bool(*b)).count(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_tiny_samples_are_none_not_nan() {
        assert_eq!(variance(&[1.0]), None);
        assert_eq!(correlation(&[1.0, 1.0], &[0.0, 1.0]), None);
        assert_eq!(cronbach_alpha(1, 0.2, 1.0), None);
        assert_eq!(cronbach_alpha(3, 0.2, 0.0), None);
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn correlation_matches_a_slow_reference() {
        // r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²), computed the long way.
        let x = [1.0, 0.0, 1.0, 1.0, 0.5, 0.0];
        let y = [3.0, 1.0, 2.0, 4.0, 2.5, 0.0];
        let (mx, my) = (x.iter().sum::<f64>() / 6.0, y.iter().sum::<f64>() / 6.0);
        let mut sxy = 0.0;
        let mut sxx = 0.0;
        let mut syy = 0.0;
        for i in 0..6 {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        let r = correlation(&x, &y).unwrap();
        assert!((r - sxy / (sxx * syy).sqrt()).abs() < 1e-12);
        assert!((-1.0..=1.0).contains(&r));
    }

    #[test]
    fn perfectly_matched_marks_have_efficiency_one() {
        let x = [0.0, 1.0, 1.0];
        let rest = [1.0, 2.0, 3.0];
        let c = covariance(&x, &rest).unwrap();
        assert!((c / max_covariance(&x, &rest).unwrap() - 1.0).abs() < 1e-12);
    }
}
