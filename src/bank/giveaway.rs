//! Likely related questions that are not declared so: one question's text holding another's
//! answer, or two prompts built on the same distinctive numbers. Such a pair in one quiz
//! lets the first (with its feedback) answer the second.
//!
//! Every check goes through an index (numbers sorted by value, keys in one Aho-Corasick
//! automaton, numbers to the prompts that use them), so the cost grows with the size of
//! the banks, not with the number of pairs.

use super::model::{Catalog, Kind, Question};
use crate::text::fold_text;
use aho_corasick::AhoCorasick;
use foldhash::{HashMap, HashMapExt};

/// A number is distinctive when it has at least this many significant digits: `0.615`,
/// `784` or `12.5` point at one computation; `2`, `10` or `0.5` are everywhere.
pub const DISTINCTIVE_DIGITS: usize = 3;
/// A choice key is distinctive when, folded, it has at least this many characters.
pub const DISTINCTIVE_KEY_CHARS: usize = 24;
/// Prompts sharing at least this many distinctive numbers are built on the same data.
pub const SHARED_NUMBERS: usize = 2;
/// A number used by more prompts than this is a convention (a common size, a year), not
/// data; it is left out of the shared-data check.
pub const COMMON_NUMBER: usize = 20;
/// At most this many give-aways are reported per answering question.
const MAX_PER_QUESTION: usize = 3;

/// A likely unmarked relation: `question` (a catalog index) reveals or repeats `other`.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub question: usize,
    pub other: usize,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// `question`'s text holds a number that `other` accepts as its answer.
    Number(String),
    /// `question`'s text holds `other`'s key (a choice or a short-text answer).
    Key(String),
    /// The two prompts share these distinctive numbers.
    SharedData(Vec<String>),
}

/// Every text of a question a learner sees, before or after answering.
fn texts(q: &Question) -> Vec<&str> {
    let mut t = vec![q.prompt.as_ref(), q.explanation.as_ref()];
    t.extend(q.code.as_deref());
    for c in q.kind.choices().into_iter().flatten() {
        t.push(&c.text);
        t.extend(c.feedback.as_deref());
    }
    t
}

/// The numbers written in `text` (a leading minus kept), as (value, as written).
pub fn numbers(text: &str) -> Vec<(f64, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let begin = if i > 0 && bytes[i - 1] == b'-' {
            i - 1
        } else {
            i
        };
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
        }
        // `1.2.3` (a version) or `x2y` are not numbers.
        let glued = j < bytes.len()
            && (bytes[j].is_ascii_alphabetic()
                || bytes[j] == b'_'
                || (bytes[j] == b'.' && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)));
        let written = &text[begin..j];
        if glued {
            // Skip the rest of the token, so `1.2.3` yields no `3`.
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'.')
            {
                j += 1;
            }
        } else if let Ok(v) = written.parse::<f64>() {
            out.push((v, written));
        }
        i = j.max(i + 1);
    }
    out
}

/// Significant digits of a number as written: `0.0615` has 3, `1200` has 2.
pub fn significant_digits(written: &str) -> usize {
    let digits: String = written.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_start_matches('0');
    if written.contains('.') {
        digits.len()
    } else {
        digits.trim_end_matches('0').len()
    }
}

fn distinctive(written: &str) -> bool {
    significant_digits(written) >= DISTINCTIVE_DIGITS
}

/// Finds likely related pairs that are not declared related. `wanted` says which
/// questions (catalog indices) findings are reported for.
pub fn find(cat: &Catalog, wanted: &(dyn Fn(&Question) -> bool + Sync)) -> Vec<Finding> {
    let declared = |a: usize, b: usize| a == b || cat.related(a).contains(&b);
    let mut out = Vec::new();
    let mut reported: HashMap<usize, usize> = HashMap::new();
    let mut pairs_seen: foldhash::HashSet<(usize, usize)> = Default::default();
    let mut report = |f: Finding, out: &mut Vec<Finding>| {
        let n = reported.entry(f.question).or_insert(0);
        if *n < MAX_PER_QUESTION && pairs_seen.insert((f.question, f.other)) {
            *n += 1;
            out.push(f);
        }
    };

    // Distinctive numbers anywhere in a question's text, sorted by value.
    let mut by_value: Vec<(f64, usize, &str)> = Vec::new();
    for (i, q) in cat.questions.iter().enumerate() {
        for t in texts(q) {
            for (v, w) in numbers(t) {
                if distinctive(w) {
                    by_value.push((v, i, w));
                }
            }
        }
    }
    by_value.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (p, other) in cat.questions.iter().enumerate() {
        let Kind::Numeric {
            answer, tolerance, ..
        } = &other.kind
        else {
            continue;
        };
        // A round key (3, 10, 0.5) is met by chance everywhere.
        if !distinctive(&format!("{answer}")) {
            continue;
        }
        let allowed = crate::quiz::allowed_error(*answer, *tolerance);
        let (lo, hi) = (answer - allowed, answer + allowed);
        let start = by_value.partition_point(|x| x.0 < lo);
        let mut last = usize::MAX;
        for &(v, q, w) in by_value[start..].iter().take_while(|x| x.0 <= hi) {
            if q != last && !declared(p, q) && wanted(&cat.questions[q]) && v.is_finite() {
                report(
                    Finding {
                        question: q,
                        other: p,
                        why: Why::Number(w.to_string()),
                    },
                    &mut out,
                );
            }
            last = q;
        }
    }

    // Distinctive choice and short-text keys, found in other questions' text.
    let mut keys: Vec<(String, usize)> = Vec::new();
    for (p, q) in cat.questions.iter().enumerate() {
        let written: Vec<&str> = match &q.kind {
            Kind::SingleChoice {
                choices, answer, ..
            } => vec![choices[*answer].text.as_ref()],
            Kind::MultipleSelect {
                choices, answers, ..
            } => answers.iter().map(|&a| choices[a].text.as_ref()).collect(),
            Kind::ShortText { accepted, .. } => accepted.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        // A short key (a term, `[1, 2]`) is everywhere in a topic's explanations.
        for w in written {
            let folded = fold_text(w);
            if folded.chars().count() >= DISTINCTIVE_KEY_CHARS {
                keys.push((folded, p));
            }
        }
    }
    if let Ok(ac) = AhoCorasick::new(keys.iter().map(|k| k.0.as_str())) {
        for (i, q) in cat.questions.iter().enumerate() {
            if !wanted(q) {
                continue;
            }
            let hay = fold_text(&texts(q).join(" "));
            for m in ac.find_overlapping_iter(&hay) {
                let (key, p) = &keys[m.pattern().as_usize()];
                // Whole words only: "overfit" is not found inside "overfitting".
                let before = hay[..m.start()].chars().next_back();
                let after = hay[m.end()..].chars().next();
                let whole = !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric);
                if whole && !declared(*p, i) {
                    report(
                        Finding {
                            question: i,
                            other: *p,
                            why: Why::Key(key.clone()),
                        },
                        &mut out,
                    );
                }
            }
        }
    }

    // Prompts built on the same distinctive numbers.
    let mut users: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, q) in cat.questions.iter().enumerate() {
        let mut mine: Vec<String> = [Some(q.prompt.as_ref()), q.code.as_deref()]
            .into_iter()
            .flatten()
            .flat_map(numbers)
            .filter(|(_, w)| distinctive(w))
            .map(|(v, _)| format!("{v}"))
            .collect();
        mine.sort();
        mine.dedup();
        for n in mine {
            users.entry(n).or_default().push(i);
        }
    }
    let mut shared: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for (n, qs) in &users {
        if qs.len() > COMMON_NUMBER {
            continue;
        }
        for (k, &a) in qs.iter().enumerate() {
            for &b in &qs[k + 1..] {
                shared.entry((a, b)).or_default().push(n.clone());
            }
        }
    }
    let mut pairs: Vec<((usize, usize), Vec<String>)> = shared
        .into_iter()
        .filter(|(_, ns)| ns.len() >= SHARED_NUMBERS)
        .collect();
    pairs.sort_by_key(|a| a.0);
    for ((a, b), mut ns) in pairs {
        ns.sort();
        if !declared(a, b) && wanted(&cat.questions[b]) {
            report(
                Finding {
                    question: b,
                    other: a,
                    why: Why::SharedData(ns),
                },
                &mut out,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_as_written() {
        let found: Vec<&str> = numbers("x2 is 0.615, -3 or 1.2.3 and 784px; (12.5)")
            .into_iter()
            .map(|n| n.1)
            .collect();
        assert_eq!(found, ["0.615", "-3", "12.5"]);
    }

    #[test]
    fn significant_digits_ignore_leading_and_integer_trailing_zeros() {
        assert_eq!(significant_digits("0.0615"), 3);
        assert_eq!(significant_digits("1200"), 2);
        assert_eq!(significant_digits("12.50"), 4);
        assert_eq!(significant_digits("784"), 3);
    }
}
