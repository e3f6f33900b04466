//! Bank-wide patterns a guesser can exploit without knowing anything: "always answer
//! false", "pick the longest choice", "tick the first two". Each is measured over one
//! bank's questions and compared with what a bank without the cue would show.

use super::diagnostic::Problem;
use super::model::{Kind, Question};

/// True/false banks with fewer questions than this are not judged (too few to say).
pub const MIN_TRUE_FALSE: usize = 6;
/// The share of true/false questions keyed `true` must lie in this range.
pub const TRUE_SHARE: (f64, f64) = (0.4, 0.6);
/// Single-choice banks with fewer questions than this are not judged.
pub const MIN_SINGLE_CHOICE: usize = 12;
/// A length rank (or a fixed-order key position) holding more than its fair share by this
/// many percentage points, and by at least [`Z_LIMIT`] standard deviations, is a cue.
pub const EXCESS_SHARE: f64 = 0.10;
/// See [`EXCESS_SHARE`]: guards small banks, where chance alone moves shares a lot.
pub const Z_LIMIT: f64 = 2.0;
/// Multiple-select banks with fewer questions than this are not judged.
pub const MIN_MULTIPLE_SELECT: usize = 6;
/// At most this share of multiple-select questions may key exactly the first k choices,
/// or share the most common number of right (or of wrong) choices.
pub const MULTI_SHARE: f64 = 0.6;
/// At most this share of multiple-select questions may key exactly their first k choices.
pub const FIRST_K_SHARE: f64 = 0.35;
/// Fixed-order banks with fewer questions than this are not judged.
pub const MIN_FIXED_ORDER: usize = 4;

/// The cues found in one bank's questions (all from the same file).
pub fn bank_cues(questions: &[&Question]) -> Vec<Problem> {
    let mut out = Vec::new();
    true_false(questions, &mut out);
    length_rank(questions, &mut out);
    multiple_select(questions, &mut out);
    fixed_order(questions, &mut out);
    out
}

fn true_false(questions: &[&Question], out: &mut Vec<Problem>) {
    let answers: Vec<bool> = questions
        .iter()
        .filter_map(|q| match q.kind {
            Kind::TrueFalse { answer } => Some(answer),
            _ => None,
        })
        .collect();
    let total = answers.len();
    let trues = answers.iter().filter(|&&a| a).count();
    let share = trues as f64 / total.max(1) as f64;
    if total >= MIN_TRUE_FALSE && !(TRUE_SHARE.0..=TRUE_SHARE.1).contains(&share) {
        out.push(Problem::TrueFalseBalance { trues, total });
    }
}

/// How many choices are strictly longer (in characters) than choice `i`: 0 for the
/// longest.
fn rank_of(lengths: &[usize], i: usize) -> usize {
    lengths.iter().filter(|&&l| l > lengths[i]).count()
}

/// Observed against expected counts per slot (length rank, or key position), where each
/// question has `n` slots and falls in slot `k` by chance with probability 1/n. The first
/// slot holding a clear excess, as (slot, observed, expected share).
fn excess(slots: &[(usize, usize)]) -> Option<(usize, usize, f64)> {
    let widest = slots.iter().map(|s| s.1).max()?;
    let total = slots.len() as f64;
    (0..widest).find_map(|k| {
        let observed = slots.iter().filter(|s| s.0 == k).count();
        let (mean, var) = slots
            .iter()
            .filter(|s| k < s.1)
            .map(|s| 1.0 / s.1 as f64)
            .fold((0.0, 0.0), |(m, v), p| (m + p, v + p * (1.0 - p)));
        let z = (observed as f64 - mean) / var.sqrt().max(1e-9);
        let clear = observed as f64 / total > mean / total + EXCESS_SHARE && z >= Z_LIMIT;
        clear.then_some((k, observed, mean / total))
    })
}

fn length_rank(questions: &[&Question], out: &mut Vec<Problem>) {
    let ranks: Vec<(usize, usize)> = questions
        .iter()
        .filter_map(|q| match &q.kind {
            Kind::SingleChoice {
                choices, answer, ..
            } => {
                let lengths: Vec<usize> = choices.iter().map(|c| c.text.chars().count()).collect();
                Some((rank_of(&lengths, *answer), lengths.len()))
            }
            _ => None,
        })
        .collect();
    if ranks.len() < MIN_SINGLE_CHOICE {
        return;
    }
    if let Some((rank, count, expected)) = excess(&ranks) {
        out.push(Problem::KeyLengthCue {
            rank,
            count,
            total: ranks.len(),
            expected_percent: (expected * 100.0).round() as u32,
        });
    }
}

fn multiple_select(questions: &[&Question], out: &mut Vec<Problem>) {
    let keys: Vec<(usize, &[usize])> = questions
        .iter()
        .filter_map(|q| match &q.kind {
            Kind::MultipleSelect {
                choices, answers, ..
            } => Some((choices.len(), answers.as_slice())),
            _ => None,
        })
        .collect();
    let total = keys.len();
    if total < MIN_MULTIPLE_SELECT {
        return;
    }
    let first_k = keys
        .iter()
        .filter(|(_, a)| a.iter().enumerate().all(|(i, &x)| i == x))
        .count();
    if first_k as f64 > FIRST_K_SHARE * total as f64 {
        out.push(Problem::MultiSelectFirstChoices {
            count: first_k,
            total,
        });
    }
    let most_common = |values: Vec<usize>| {
        let mut counts = std::collections::BTreeMap::new();
        for v in values {
            *counts.entry(v).or_insert(0usize) += 1;
        }
        counts
            .into_iter()
            .max_by_key(|&(v, c)| (c, std::cmp::Reverse(v)))
    };
    let right = most_common(keys.iter().map(|(_, a)| a.len()).collect());
    let wrong = most_common(keys.iter().map(|(n, a)| n - a.len()).collect());
    for (value, count, right) in [right.map(|r| (r, true)), wrong.map(|w| (w, false))]
        .into_iter()
        .flatten()
        .map(|((v, c), r)| (v, c, r))
    {
        if count as f64 > MULTI_SHARE * total as f64 {
            out.push(Problem::MultiSelectSameCount {
                right,
                value,
                count,
                total,
            });
        }
    }
}

fn fixed_order(questions: &[&Question], out: &mut Vec<Problem>) {
    let keys: Vec<(usize, usize)> = questions
        .iter()
        .filter_map(|q| match &q.kind {
            Kind::SingleChoice {
                choices,
                answer,
                fixed_order: true,
            } => Some((*answer, choices.len())),
            _ => None,
        })
        .collect();
    if keys.len() < MIN_FIXED_ORDER {
        return;
    }
    // A small set: any position holding more than half of them is a pattern.
    let widest = keys.iter().map(|k| k.1).max().unwrap_or(0);
    for position in 0..widest {
        let count = keys.iter().filter(|k| k.0 == position).count();
        if 2 * count > keys.len() {
            out.push(Problem::FixedOrderKeys {
                position,
                count,
                total: keys.len(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_count_strictly_longer_choices() {
        assert_eq!(rank_of(&[5, 9, 3], 1), 0);
        assert_eq!(rank_of(&[5, 9, 3], 2), 2);
        assert_eq!(rank_of(&[5, 5, 3], 0), 0);
    }

    #[test]
    fn a_uniform_spread_is_no_cue_and_a_skewed_one_is() {
        let uniform: Vec<(usize, usize)> = (0..40).map(|i| (i % 4, 4)).collect();
        assert_eq!(excess(&uniform), None);
        let mut skewed: Vec<(usize, usize)> = (0..40).map(|i| (i % 4, 4)).collect();
        for s in skewed.iter_mut().take(12) {
            s.0 = 0;
        }
        let (slot, observed, expected) = excess(&skewed).expect("a cue");
        assert_eq!((slot, observed), (0, 19));
        assert!((expected - 0.25).abs() < 1e-12);
    }
}
