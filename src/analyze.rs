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
//! least 3 results and 2 questions, and SD needs 2 results; discrimination needs
//! [`MIN_DISCRIMINATION_RESULTS`].
//!
//! Marks are rounded to 7 decimals on reading, as Moodle stores them, and kept as whole
//! numbers of 10⁻⁷ marks: every sum, variance and covariance is then exact (integer
//! arithmetic), so the same partial mark earned two ways is the same mark, a question
//! everybody scored the same on has a variance of exactly 0, and α cannot exceed 1.
//!
//! Results are read one at a time ([`ClassAnalysis::add`]) and only sums and the
//! distinct marks are kept, so time is linear and memory does not grow with the number
//! of results (beyond each file's name and attempt id).

use crate::bank::{Catalog, Kind};
use crate::evidence::{Answer, Mode};
use crate::report::{RESULT_FORMAT_VERSION, ResultError, regrade};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Facility below this flags a question as too hard.
pub const FACILITY_LOW: f64 = 0.10;
/// Facility above this flags a question as too easy.
pub const FACILITY_HIGH: f64 = 0.95;
/// Discrimination below this flags a question as not telling students apart.
pub const DISCRIMINATION_LOW: f64 = 0.2;
/// Marks are kept to 7 decimals (Moodle's precision): one mark is this many units.
pub const MARK_UNITS: i64 = 10_000_000;
/// Fewest students asked a question for its discrimination figures: with 2 a correlation
/// is always ±1, and with a handful it is chance.
pub const MIN_DISCRIMINATION_RESULTS: usize = 5;
/// Under this many results, discrimination is mostly noise: the report says so.
pub const SMALL_CLASS: usize = 20;
/// Moodle's guidance: α over 75% is satisfactory...
pub const ALPHA_SATISFACTORY: f64 = 0.75;
/// ...and under 64% the test as a whole is unsatisfactory.
pub const ALPHA_UNSATISFACTORY: f64 = 0.64;

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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyzeError {
    #[error("no results to analyse")]
    NoResults,
    /// The file cannot be read as a result, or an answer in it could not have been given.
    #[error(transparent)]
    Result(#[from] ResultError),
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
        "{file}: bank `{bank}` was version {taken} when taken, but the loaded bank is version {loaded}; analyse the results of each version separately, each with its bank file (--bank)"
    )]
    VersionMismatch {
        file: String,
        bank: String,
        taken: String,
        loaded: String,
    },
    #[error(
        "{file}: question `{id}` was taken from bank `{taken}`, but the loaded banks have it in `{loaded}`"
    )]
    WrongBank {
        file: String,
        id: String,
        taken: String,
        loaded: String,
    },
    #[error(
        "{file}: question `{id}` is saved with score {stored}{}, but its answer grades {graded} against the loaded bank: the file was edited, or the bank's key changed without a new version; the result is refused",
        if stored_correct != graded_correct { format!(" ({})", if *stored_correct { "right" } else { "wrong" }) } else { String::new() }
    )]
    ScoreMismatch {
        file: String,
        id: String,
        stored: f64,
        stored_correct: bool,
        graded: f64,
        graded_correct: bool,
    },
    #[error(
        "{file} and {first} both hold attempt {attempt} but with different answers; keep the right one"
    )]
    AttemptConflict {
        file: String,
        first: String,
        attempt: String,
    },
}

/// What `analyze` reads of a saved result (`take --json`); the rest of the file is
/// skipped without being kept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedResult {
    pub format_version: u64,
    #[serde(default)]
    pub attempt: Option<SavedAttempt>,
    pub mode: Mode,
    pub questions: Vec<SavedAnswer>,
}

/// The history's attempt id of a saved result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedAttempt {
    pub id: String,
}

/// One saved answer, with the score and key the file claims for it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedAnswer {
    pub id: String,
    pub answer: Answer,
    pub score: f64,
    pub correct: bool,
    pub graded: bool,
    #[serde(default)]
    pub order: Vec<usize>,
    #[serde(default)]
    pub certainty: Option<u8>,
    pub bank: String,
    pub bank_version: String,
}

/// Reads what `analyze` needs of the saved result `text` (from `file`): a UTF-8
/// byte-order mark is skipped, a newer `format_version` than this build knows is refused.
pub fn read_result(file: &str, text: &str) -> Result<SavedResult, ResultError> {
    #[derive(Deserialize)]
    struct Version {
        format_version: Option<u64>,
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let too_new = |found: u64| ResultError::TooNew {
        file: file.into(),
        found,
        supported: RESULT_FORMAT_VERSION,
    };
    match serde_json::from_str::<SavedResult>(text) {
        Ok(r) if r.format_version > u64::from(RESULT_FORMAT_VERSION) => {
            Err(too_new(r.format_version))
        }
        Ok(r) => Ok(r),
        Err(e) => match serde_json::from_str::<Version>(text) {
            Ok(Version {
                format_version: Some(v),
            }) if v > u64::from(RESULT_FORMAT_VERSION) => Err(too_new(v)),
            _ => Err(ResultError::Malformed {
                file: file.into(),
                reason: e.to_string(),
            }),
        },
    }
}

/// A mark in units of 10⁻⁷ (Moodle's 7 decimals); `score` is in [0, 1] once graded.
pub fn mark_units(score: f64) -> i64 {
    (score * MARK_UNITS as f64).round() as i64
}

/// How often one choice was picked, and by whom.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceCount {
    /// The choice's index in the bank file (0-based).
    pub index: usize,
    pub text: String,
    pub right: bool,
    pub picked: usize,
    /// The mean rest-of-test mark (test mark minus this question) of the students who
    /// picked it; a wrong choice picked by the strongest students hints at a wrong key.
    pub rest_mean: Option<f64>,
}

/// Something that makes a question look broken, with a one-line reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Most urgent first: `likely-wrong-key`, `negative-discrimination`, `too-hard`,
    /// `low-discrimination`, `too-easy`, `unused-distractor`.
    pub code: &'static str,
    pub reason: String,
}

/// The order of [`Flag::code`]s, most urgent first.
const FLAG_ORDER: [&str; 6] = [
    "likely-wrong-key",
    "negative-discrimination",
    "too-hard",
    "low-discrimination",
    "too-easy",
    "unused-distractor",
];

fn urgency(code: &str) -> usize {
    FLAG_ORDER
        .iter()
        .position(|c| *c == code)
        .unwrap_or(FLAG_ORDER.len())
}

/// The statistics of one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStats {
    pub id: String,
    pub prompt: String,
    pub kind: String,
    /// Results in which the question was asked.
    pub attempts: usize,
    /// Of those, answered "don't know" (0 marks).
    pub skipped: usize,
    /// Mean score, 0 to 1.
    pub facility: f64,
    /// Standard deviation of the score; `None` below 2 attempts.
    pub sd: Option<f64>,
    /// Correlation with the rest of the test, −1 to 1; `None` below
    /// [`MIN_DISCRIMINATION_RESULTS`] attempts or when either side does not vary.
    pub discrimination_index: Option<f64>,
    /// cov(x, rest) / cov_max, at most 1; `None` as for the index.
    pub discriminative_efficiency: Option<f64>,
    /// For choice and true/false questions, in file order.
    pub choices: Vec<ChoiceCount>,
    /// With certainty-based marking: the share of the answers given at certainty 3, and
    /// the share wrong at certainty 3 (confident misconceptions); `None` when no result
    /// asked for certainty.
    pub certainty_3: Option<f64>,
    pub confidently_wrong: Option<f64>,
    /// Most urgent first.
    pub flags: Vec<Flag>,
}

/// α read against Moodle's guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlphaReading {
    /// Over 75%.
    Satisfactory,
    /// 64% to 75%.
    Borderline,
    /// Under 64%: "the test as a whole is unsatisfactory and remedial measures should be
    /// considered".
    Unsatisfactory,
}

/// The statistics of the whole test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestStats {
    pub results: usize,
    /// Of those, adaptive quizzes.
    pub adaptive: usize,
    /// Graded questions analysed.
    pub questions: usize,
    /// Mean test mark (1 mark per question).
    pub mean: f64,
    /// Total marks over total questions asked (skips count as asked, with 0 marks;
    /// questions a student never reached count in neither).
    pub mean_fraction: f64,
    pub sd: Option<f64>,
    /// Coefficient of internal consistency (Cronbach's α; KR-20 for 0/1 items), at most 1.
    pub alpha: Option<f64>,
    pub alpha_reading: Option<AlphaReading>,
    /// √(1 − α).
    pub error_ratio: Option<f64>,
    /// Standard error of measurement, in marks.
    pub standard_error: Option<f64>,
}

/// A result counted once although given more than once.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// The file left out.
    pub file: String,
    /// The file counted instead.
    pub counted: String,
    /// `same-file` or `same-attempt`.
    pub why: &'static str,
}

/// A class's item analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAnalysis {
    /// The result files counted, in the order analysed.
    pub files: Vec<String>,
    /// Results given twice and counted once.
    pub duplicates: Vec<Duplicate>,
    /// `name version` of each bank the results used.
    pub banks: Vec<String>,
    pub test: TestStats,
    /// Flagged questions, most urgent first (by their most urgent flag, then by
    /// discrimination, lowest first).
    pub fix_first: Vec<String>,
    pub questions: Vec<ItemStats>,
    /// Graded questions of the banks used that no result asked (no statistics).
    pub not_reached: Vec<String>,
    /// Why a figure could not be computed, or how to read one.
    pub notes: Vec<String>,
}

/// Sums for one choice.
#[derive(Debug, Clone, Default)]
struct ChoiceSums {
    picked: u64,
    rest: i128,
}

/// What the statistics of one question need, summed over the results so far. Marks in
/// units of 10⁻⁷; `rest` is the test mark minus this question's. In i128 the products
/// n·Σr² stay exact up to about 10³⁸: a million results of 100,000 questions each (far
/// beyond what the file size limit lets a result hold) reach 10³⁶.
#[derive(Debug, Clone, Default)]
struct ItemSums {
    n: u64,
    skipped: u64,
    x: i128,
    xx: i128,
    r: i128,
    rr: i128,
    xr: i128,
    /// Distinct marks and rests with their counts (for cov_max, which pairs them sorted).
    x_counts: BTreeMap<i64, u64>,
    r_counts: BTreeMap<i64, u64>,
    /// File order; true/false keeps `true` then `false`.
    choices: Vec<ChoiceSums>,
    certain: u64,
    certain_3: u64,
    certain_3_wrong: u64,
}

/// One answer of the result being added.
struct Mark<'a> {
    question: usize,
    units: i64,
    answer: &'a Answer,
    certainty: Option<u8>,
}

/// A class's results, added one at a time; [`ClassAnalysis::finish`] gives the analysis.
///
/// Each answer is graded again against the catalog: a result whose stored score or
/// verdict disagrees, or holding an answer that could not have been given, is refused.
/// An attempt (history attempt id) given twice is counted once.
#[derive(Debug)]
pub struct ClassAnalysis<'c> {
    cat: &'c Catalog,
    files: Vec<String>,
    duplicates: Vec<Duplicate>,
    adaptive: usize,
    /// The banks of the first result (every result must use the same).
    banks: Option<BTreeSet<String>>,
    /// Attempt id → (index in `files`, hash of the answers).
    attempts: HashMap<String, (usize, u64)>,
    /// By catalog index.
    items: HashMap<usize, ItemSums>,
    total: i128,
    total_sq: i128,
    /// Graded questions over all results, and the fewest in one result.
    asked: u64,
    fewest: usize,
}

/// Whether an added result was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Counted,
    /// The same attempt was counted already, from another file.
    Duplicate,
}

impl<'c> ClassAnalysis<'c> {
    pub fn new(cat: &'c Catalog) -> ClassAnalysis<'c> {
        ClassAnalysis {
            cat,
            files: Vec::new(),
            duplicates: Vec::new(),
            adaptive: 0,
            banks: None,
            attempts: HashMap::new(),
            items: HashMap::new(),
            total: 0,
            total_sq: 0,
            asked: 0,
            fewest: usize::MAX,
        }
    }

    /// Records that `file` is the same file as `counted` (given twice, or by two paths),
    /// which the caller skipped.
    pub fn same_file(&mut self, file: &str, counted: &str) {
        self.duplicates.push(Duplicate {
            file: file.into(),
            counted: counted.into(),
            why: "same-file",
        });
    }

    /// Distinct marks and rests held, over all questions: what memory grows with (it
    /// does not grow with the number of results once every mark has been seen).
    pub fn distinct_values(&self) -> usize {
        self.items
            .values()
            .map(|i| i.x_counts.len() + i.r_counts.len())
            .sum()
    }

    /// Adds the result read from `file`. Nothing is added when it is refused.
    pub fn add(&mut self, file: &str, result: &SavedResult) -> Result<Added, AnalyzeError> {
        let cat = self.cat;
        let mut marks: Vec<Mark> = Vec::with_capacity(result.questions.len());
        let mut seen = HashSet::with_capacity(result.questions.len());
        let mut banks = BTreeSet::new();
        for q in &result.questions {
            let (question, graded) = regrade(cat, file, &q.id, &q.answer, &q.order, q.certainty)?;
            let index = cat.question_index[q.id.as_str()];
            if !seen.insert(index) {
                return Err(ResultError::Malformed {
                    file: file.into(),
                    reason: format!("question `{}` is answered more than once", q.id),
                }
                .into());
            }
            let is_graded = question.kind.is_graded();
            let units = mark_units(graded.score);
            if !q.score.is_finite()
                || mark_units(q.score) != units
                || q.correct != graded.correct
                || q.graded != is_graded
            {
                return Err(AnalyzeError::ScoreMismatch {
                    file: file.into(),
                    id: q.id.clone(),
                    stored: q.score,
                    stored_correct: q.correct,
                    graded: graded.score,
                    graded_correct: graded.correct,
                });
            }
            if !is_graded {
                continue;
            }
            let bank = &cat.banks[question.bank];
            if bank.name != q.bank {
                return Err(AnalyzeError::WrongBank {
                    file: file.into(),
                    id: q.id.clone(),
                    taken: q.bank.clone(),
                    loaded: bank.name.clone(),
                });
            }
            if bank.version != q.bank_version {
                return Err(AnalyzeError::VersionMismatch {
                    file: file.into(),
                    bank: bank.name.clone(),
                    taken: q.bank_version.clone(),
                    loaded: bank.version.clone(),
                });
            }
            if !banks.contains(&q.bank) {
                banks.insert(q.bank.clone());
            }
            marks.push(Mark {
                question: index,
                units,
                answer: &q.answer,
                certainty: q.certainty,
            });
        }
        match &self.banks {
            Some(first) if *first != banks => {
                return Err(AnalyzeError::MixedBanks {
                    first_file: self.files[0].clone(),
                    first: first.iter().cloned().collect(),
                    other_file: file.into(),
                    other: banks.into_iter().collect(),
                });
            }
            Some(_) => {}
            None => self.banks = Some(banks),
        }
        if let Some(attempt) = &result.attempt {
            let hash = answers_hash(result);
            match self.attempts.get(&attempt.id) {
                Some(&(first, h)) if h == hash => {
                    self.duplicates.push(Duplicate {
                        file: file.into(),
                        counted: self.files[first].clone(),
                        why: "same-attempt",
                    });
                    return Ok(Added::Duplicate);
                }
                Some(&(first, _)) => {
                    return Err(AnalyzeError::AttemptConflict {
                        file: file.into(),
                        first: self.files[first].clone(),
                        attempt: attempt.id.clone(),
                    });
                }
                None => {
                    self.attempts
                        .insert(attempt.id.clone(), (self.files.len(), hash));
                }
            }
        }

        // Counted: add its marks.
        self.files.push(file.into());
        if result.mode == Mode::Adaptive {
            self.adaptive += 1;
        }
        let total: i64 = marks.iter().map(|m| m.units).sum();
        self.total += i128::from(total);
        self.total_sq += i128::from(total) * i128::from(total);
        self.asked += marks.len() as u64;
        self.fewest = self.fewest.min(marks.len());
        for m in &marks {
            let question = &cat.questions[m.question];
            let item = self.items.entry(m.question).or_insert_with(|| ItemSums {
                choices: vec![ChoiceSums::default(); choice_slots(&question.kind)],
                ..ItemSums::default()
            });
            let (x, r) = (i128::from(m.units), i128::from(total - m.units));
            item.n += 1;
            item.x += x;
            item.xx += x * x;
            item.r += r;
            item.rr += r * r;
            item.xr += x * r;
            *item.x_counts.entry(m.units).or_default() += 1;
            *item.r_counts.entry(total - m.units).or_default() += 1;
            let mut pick = |i: usize| {
                if let Some(c) = item.choices.get_mut(i) {
                    c.picked += 1;
                    c.rest += r;
                }
            };
            match m.answer {
                Answer::Skip => item.skipped += 1,
                Answer::Choice(i) => pick(*i),
                Answer::Choices(is) => is.iter().for_each(|i| pick(*i)),
                Answer::Bool(b) => pick(usize::from(!b)),
                _ => {}
            }
            if let Some(c) = m.certainty.filter(|_| *m.answer != Answer::Skip) {
                item.certain += 1;
                if c == 3 {
                    item.certain_3 += 1;
                    if m.units == 0 {
                        item.certain_3_wrong += 1;
                    }
                }
            }
        }
        Ok(Added::Counted)
    }

    /// The analysis of the results counted.
    pub fn finish(self) -> Result<ItemAnalysis, AnalyzeError> {
        let s = self.files.len();
        if s == 0 {
            return Err(AnalyzeError::NoResults);
        }
        let cat = self.cat;
        let units = MARK_UNITS as f64;
        let mut notes = Vec::new();
        if s < 2 {
            notes.push(format!(
                "only {s} result: standard deviations and correlations (discrimination) need at least 2 results, so only facility is shown"
            ));
        } else if s < SMALL_CLASS {
            notes.push(format!(
                "only {s} results: discrimination from fewer than about {SMALL_CLASS} students is mostly noise; read it as a hint, not a verdict"
            ));
        }
        let mut order: Vec<usize> = self.items.keys().copied().collect();
        order.sort_unstable();
        let p = order.len();
        let mut questions = Vec::with_capacity(p);
        let mut sum_item_var: i128 = 0;
        let mut too_few = 0;
        let mut constant = 0;
        for index in &order {
            let q = &cat.questions[*index];
            let it = &self.items[index];
            let n = i128::from(it.n);
            let nf = it.n as f64;
            // n² times the (co)variances times (n − 1)/n: exact, and 0 exactly when a side
            // does not vary.
            let sxx = n * it.xx - it.x * it.x;
            let srr = n * it.rr - it.r * it.r;
            let sxr = n * it.xr - it.x * it.r;
            sum_item_var += sxx;
            let facility = it.x as f64 / (nf * units);
            let sd = (it.n >= 2).then(|| ((sxx as f64) / (nf * (nf - 1.0))).sqrt() / units);
            let enough = it.n as usize >= MIN_DISCRIMINATION_RESULTS;
            if (2..MIN_DISCRIMINATION_RESULTS).contains(&(it.n as usize)) {
                too_few += 1;
            }
            let varies = sxx > 0 && srr > 0;
            if enough && !varies {
                constant += 1;
            }
            let discrimination_index = (enough && varies).then(|| {
                (sxr as f64 / ((sxx as f64).sqrt() * (srr as f64).sqrt())).clamp(-1.0, 1.0)
            });
            let smax = n * sorted_cross(&it.x_counts, &it.r_counts) - it.x * it.r;
            let discriminative_efficiency =
                (enough && varies && smax > 0).then(|| (sxr as f64 / smax as f64).min(1.0));
            let choices = choice_counts(&q.kind, &it.choices);
            let share = |k: u64| (it.certain > 0).then(|| k as f64 / it.certain as f64);
            let mut stats = ItemStats {
                id: q.id.to_string(),
                prompt: q.prompt.to_string(),
                kind: q.kind.name().into(),
                attempts: it.n as usize,
                skipped: it.skipped as usize,
                facility,
                sd,
                discrimination_index,
                discriminative_efficiency,
                choices,
                certainty_3: share(it.certain_3),
                confidently_wrong: share(it.certain_3_wrong),
                flags: Vec::new(),
            };
            stats.flags = flags(&stats, enough);
            questions.push(stats);
        }
        if too_few > 0 {
            notes.push(format!(
                "discrimination is left out for {} asked to fewer than {MIN_DISCRIMINATION_RESULTS} students (with so few, a correlation is chance)",
                crate_count(too_few)
            ));
        }
        if constant > 0 {
            notes.push(
                "a discrimination index is left out where everyone scored the same on the question or on the rest of the test (a correlation needs variation on both sides)".into(),
            );
        }
        if self.adaptive > 0 {
            notes.push(format!(
                "{} of {s} results are adaptive quizzes: each student was asked questions chosen for them, so the rest of the test differs from student to student and discrimination reads weaker than on a fixed form (Moodle's statistics for random questions correlate with the whole test mark instead)",
                self.adaptive
            ));
        }

        // Whole test. n²·var(X)·(n − 1)/n, exact.
        let sn = s as i128;
        let stt = sn * self.total_sq - self.total * self.total;
        let sf = s as f64;
        let sd = (s >= 2).then(|| ((stt as f64) / (sf * (sf - 1.0))).sqrt() / units);
        let alpha = if self.fewest < p {
            let common = self.items.values().filter(|i| i.n as usize == s).count();
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
        } else if stt == 0 {
            notes.push("every student had the same test mark, so the coefficient of internal consistency is undefined".into());
            None
        } else {
            // Every question was asked to all s students, so the item and test variances
            // share the denominator and their ratio is one of exact sums.
            let pf = p as f64;
            Some((pf / (pf - 1.0) * (1.0 - sum_item_var as f64 / stt as f64)).min(1.0))
        };
        let alpha_reading = alpha.map(|a| {
            let shown = shown_percent(a);
            if shown > ALPHA_SATISFACTORY * 100.0 {
                AlphaReading::Satisfactory
            } else if shown < ALPHA_UNSATISFACTORY * 100.0 {
                AlphaReading::Unsatisfactory
            } else {
                AlphaReading::Borderline
            }
        });
        let error_ratio = alpha.map(|a| (1.0 - a).max(0.0).sqrt());
        let used = self.banks.unwrap_or_default();
        let not_reached = cat
            .questions
            .iter()
            .enumerate()
            .filter(|(i, q)| {
                q.kind.is_graded()
                    && used.contains(&cat.banks[q.bank].name)
                    && !self.items.contains_key(i)
            })
            .map(|(_, q)| q.id.to_string())
            .collect();
        let mut banks: Vec<String> = cat
            .banks
            .iter()
            .filter(|b| used.contains(&b.name))
            .map(|b| format!("{} {}", b.name, b.version))
            .collect();
        banks.sort();
        banks.dedup();
        let mut fix_first: Vec<&ItemStats> =
            questions.iter().filter(|q| !q.flags.is_empty()).collect();
        fix_first.sort_by(|a, b| {
            urgency(a.flags[0].code)
                .cmp(&urgency(b.flags[0].code))
                .then(
                    a.discrimination_index
                        .unwrap_or(1.0)
                        .total_cmp(&b.discrimination_index.unwrap_or(1.0)),
                )
        });
        let fix_first = fix_first.into_iter().map(|q| q.id.clone()).collect();
        Ok(ItemAnalysis {
            files: self.files,
            duplicates: self.duplicates,
            banks,
            test: TestStats {
                results: s,
                adaptive: self.adaptive,
                questions: p,
                mean: self.total as f64 / (sf * units),
                mean_fraction: if self.asked > 0 {
                    self.total as f64 / (self.asked as f64 * units)
                } else {
                    0.0
                },
                sd,
                alpha,
                alpha_reading,
                error_ratio,
                standard_error: sd.zip(error_ratio).map(|(sd, e)| sd * e),
            },
            fix_first,
            questions,
            not_reached,
            notes,
        })
    }
}

/// Analyses `results` (file name, result) against the banks in `cat`; see
/// [`ClassAnalysis`] to add results one at a time.
pub fn analyze<'a>(
    results: impl IntoIterator<Item = (&'a str, &'a SavedResult)>,
    cat: &Catalog,
) -> Result<ItemAnalysis, AnalyzeError> {
    let mut class = ClassAnalysis::new(cat);
    for (file, r) in results {
        class.add(file, r)?;
    }
    class.finish()
}

fn crate_count(n: usize) -> String {
    if n == 1 {
        "1 question".into()
    } else {
        format!("{n} questions")
    }
}

/// Σ x₍ₖ₎ r₍ₖ₎ with both sides sorted, from their distinct values and counts (which
/// hold the same number of values).
fn sorted_cross(xs: &BTreeMap<i64, u64>, rs: &BTreeMap<i64, u64>) -> i128 {
    let mut sum = 0i128;
    let mut rs = rs.iter().map(|(v, c)| (*v, *c));
    let mut r = rs.next();
    for (&x, &count) in xs {
        let mut left = count;
        while left > 0 {
            let Some((rv, rc)) = r.as_mut() else {
                return sum;
            };
            let take = left.min(*rc);
            sum += i128::from(x) * i128::from(*rv) * i128::from(take);
            left -= take;
            *rc -= take;
            if *rc == 0 {
                r = rs.next();
            }
        }
    }
    sum
}

/// A stable hash of a result's answers, to tell a copy of an attempt from an edited one.
fn answers_hash(r: &SavedResult) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for q in &r.questions {
        q.id.hash(&mut h);
        format!("{:?}", q.answer).hash(&mut h);
        q.order.hash(&mut h);
        q.certainty.hash(&mut h);
    }
    h.finish()
}

/// A fraction as the percentage shown (one decimal), so that a flag and the figure it
/// quotes agree: "−0.0%" is 0, and 9.96% shows as 10.0%, which is not under 10%.
fn shown_percent(f: f64) -> f64 {
    (f * 1000.0).round() / 10.0 + 0.0
}

/// The flags of a question, most urgent first. Thresholds are compared with the rounded
/// figures the reasons quote.
fn flags(q: &ItemStats, enough: bool) -> Vec<Flag> {
    let mut flags = Vec::new();
    let facility = shown_percent(q.facility);
    if facility < FACILITY_LOW * 100.0 {
        flags.push(Flag {
            code: "too-hard",
            reason: format!(
                "facility {facility:.1}% is under {:.0}%: almost nobody gets it right; check the key and whether it was taught",
                FACILITY_LOW * 100.0
            ),
        });
    } else if facility > FACILITY_HIGH * 100.0 {
        flags.push(Flag {
            code: "too-easy",
            reason: format!(
                "facility {facility:.1}% is over {:.0}%: almost everybody gets it right, so it tells students apart poorly",
                FACILITY_HIGH * 100.0
            ),
        });
    }
    if let Some(d) = q.discrimination_index.map(shown_percent) {
        if d < 0.0 {
            flags.push(Flag {
                code: "negative-discrimination",
                reason: format!(
                    "discrimination {d:.1}% is negative: students who did well on the rest of the test did worse here; check the key"
                ),
            });
        } else if d < DISCRIMINATION_LOW * 100.0 {
            flags.push(Flag {
                code: "low-discrimination",
                reason: format!(
                    "discrimination {d:.1}% is under {:.0}%: it barely separates strong from weak students",
                    DISCRIMINATION_LOW * 100.0
                ),
            });
        }
    }
    // A wrong choice picked by stronger students than the key: a wrong key looks like
    // this, a merely hard question does not (its wrong choices draw the weaker students).
    let shown_rest = |c: &ChoiceCount| c.rest_mean.map(|m| (m * 100.0).round() / 100.0);
    let key_rest = q
        .choices
        .iter()
        .filter(|c| c.right)
        .filter_map(shown_rest)
        .reduce(f64::max);
    if enough && let Some(key_rest) = key_rest {
        let min_picks = 2.max(q.attempts.div_ceil(20));
        if let Some(c) = q
            .choices
            .iter()
            .filter(|c| !c.right && c.picked >= min_picks)
            .filter(|c| shown_rest(c).is_some_and(|m| m > key_rest))
            .max_by(|a, b| {
                a.rest_mean
                    .unwrap_or(0.0)
                    .total_cmp(&b.rest_mean.unwrap_or(0.0))
            })
        {
            flags.push(Flag {
                code: "likely-wrong-key",
                reason: format!(
                    "wrong choice `{}` was picked by stronger students than the key (mean rest-of-test mark {:.2} against {key_rest:.2}): check the key",
                    c.text,
                    c.rest_mean.unwrap_or(0.0)
                ),
            });
        }
    }
    for c in q.choices.iter().filter(|c| !c.right && c.picked == 0) {
        flags.push(Flag {
            code: "unused-distractor",
            reason: format!(
                "distractor `{}` was never picked: make it more plausible or replace it",
                c.text
            ),
        });
    }
    flags.sort_by_key(|f| urgency(f.code));
    flags
}

/// How many choices a question's picks are counted over (true/false: 2).
fn choice_slots(kind: &Kind) -> usize {
    match kind {
        Kind::TrueFalse { .. } => 2,
        k => k.choices().map_or(0, <[_]>::len),
    }
}

/// Picks per choice (file order); true/false questions count `true` and `false`.
fn choice_counts(kind: &Kind, sums: &[ChoiceSums]) -> Vec<ChoiceCount> {
    let count = |i: usize, text: String, right: bool| {
        let c = sums.get(i).cloned().unwrap_or_default();
        ChoiceCount {
            index: i,
            text,
            right,
            picked: c.picked as usize,
            rest_mean: (c.picked > 0)
                .then(|| c.rest as f64 / (c.picked as f64 * MARK_UNITS as f64)),
        }
    };
    match kind {
        Kind::SingleChoice {
            choices, answer, ..
        } => choices
            .iter()
            .enumerate()
            .map(|(i, c)| count(i, c.text.to_string(), i == *answer))
            .collect(),
        Kind::MultipleSelect {
            choices,
            answers: keys,
            ..
        } => choices
            .iter()
            .enumerate()
            .map(|(i, c)| count(i, c.text.to_string(), keys.contains(&i)))
            .collect(),
        Kind::TrueFalse { answer } => [true, false]
            .iter()
            .enumerate()
            .map(|(i, b)| count(i, b.to_string(), b == answer))
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

    fn item(facility: f64, discrimination: Option<f64>) -> ItemStats {
        ItemStats {
            id: "q".into(),
            prompt: String::new(),
            kind: "numeric".into(),
            attempts: 100,
            skipped: 0,
            facility,
            sd: Some(0.3),
            discrimination_index: discrimination,
            discriminative_efficiency: None,
            choices: Vec::new(),
            certainty_3: None,
            confidently_wrong: None,
            flags: Vec::new(),
        }
    }

    fn codes(q: &ItemStats) -> Vec<&'static str> {
        flags(q, true).iter().map(|f| f.code).collect()
    }

    #[test]
    fn flags_compare_the_figures_they_quote() {
        // 9.96% shows as 10.0%, which is not under 10%; 9.94% shows as 9.9%, which is.
        assert!(codes(&item(0.0996, Some(0.5))).is_empty());
        let hard = flags(&item(0.0994, Some(0.5)), true);
        assert_eq!(hard[0].code, "too-hard");
        assert!(hard[0].reason.starts_with("facility 9.9% is under 10%"));
        assert!(codes(&item(0.9504, Some(0.5))).is_empty());
        assert_eq!(codes(&item(0.9506, Some(0.5))), ["too-easy"]);
        // −0.004% shows as 0.0%: low, not negative, and never "−0.0".
        let low = flags(&item(0.5, Some(-0.00004)), true);
        assert_eq!(low.len(), 1);
        assert_eq!(low[0].code, "low-discrimination");
        assert!(
            low[0]
                .reason
                .starts_with("discrimination 0.0% is under 20%")
        );
        assert_eq!(
            codes(&item(0.5, Some(-0.0006))),
            ["negative-discrimination"]
        );
        assert!(codes(&item(0.5, Some(0.1996))).is_empty());
        assert_eq!(shown_percent(-0.00001).to_string(), "0");
    }

    #[test]
    fn flags_come_most_urgent_first() {
        let mut q = item(0.05, Some(-0.3));
        q.choices = vec![
            ChoiceCount {
                index: 0,
                text: "key".into(),
                right: true,
                picked: 10,
                rest_mean: Some(1.0),
            },
            ChoiceCount {
                index: 1,
                text: "b".into(),
                right: false,
                picked: 80,
                rest_mean: Some(5.0),
            },
            ChoiceCount {
                index: 2,
                text: "c".into(),
                right: false,
                picked: 0,
                rest_mean: None,
            },
        ];
        assert_eq!(
            codes(&q),
            [
                "likely-wrong-key",
                "negative-discrimination",
                "too-hard",
                "unused-distractor"
            ]
        );
        // Too few students: no guess at the key.
        assert!(
            !flags(&q, false)
                .iter()
                .any(|f| f.code == "likely-wrong-key")
        );
    }

    #[test]
    fn sorted_cross_products_match_sorting_the_values() {
        // Σ x₍ₖ₎ r₍ₖ₎ the slow way: expand, sort both, pair.
        let xs = [3i64, 0, 3, 1, 0, 0, 2, 3];
        let rs = [5i64, -1, 2, 2, 7, 0, 2, 9];
        let counts = |v: &[i64]| {
            let mut m = BTreeMap::new();
            for x in v {
                *m.entry(*x).or_insert(0u64) += 1;
            }
            m
        };
        let (mut a, mut b) = (xs.to_vec(), rs.to_vec());
        a.sort();
        b.sort();
        let slow: i128 = a.iter().zip(&b).map(|(x, r)| i128::from(x * r)).sum();
        assert_eq!(sorted_cross(&counts(&xs), &counts(&rs)), slow);
    }

    #[test]
    fn marks_are_kept_to_seven_decimals() {
        // 2/3 earned as 2/3 and as 1 − 1/3 differ in the last bit, not in the mark.
        let (a, b) = (2.0f64 / 3.0, 1.0 - 1.0f64 / 3.0);
        assert_ne!(a, b);
        assert_eq!(mark_units(a), mark_units(b));
        assert_eq!(mark_units(a), 6_666_667);
        assert_eq!(mark_units(1.0), MARK_UNITS);
    }
}
