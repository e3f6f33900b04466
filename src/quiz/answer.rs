//! Answers: parsing what a person or script typed, and grading it against the key.

use crate::bank::{Kind, Marks, Question, Tolerance};
pub use crate::evidence::Answer;
use crate::text::fold_text;

/// Why typed text is not an answer to this question; the hint says what would be.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{reason}")]
pub struct AnswerError {
    pub reason: String,
    pub hint: String,
}

pub use crate::text::letter;

fn position_of(c: char, n: usize) -> Option<usize> {
    let c = c.to_ascii_uppercase();
    c.is_ascii_uppercase()
        .then(|| (c as u8 - b'A') as usize)
        .filter(|&p| p < n)
}

/// Parses one answer typed for `question`, whose choices are shown in `order`
/// (display position → file index). `skip` (any case) skips.
pub fn parse_answer(
    question: &Question,
    order: &[usize],
    input: &str,
) -> Result<Answer, AnswerError> {
    let s = input.trim();
    if s.eq_ignore_ascii_case("skip") {
        return Ok(Answer::Skip);
    }
    let err = |reason: String, hint: String| Err(AnswerError { reason, hint });
    if s.is_empty() {
        return err("no answer given".into(), hint(question, order));
    }
    // Never kept (nor shown again, nor written to JSON): an answer is plain text.
    if s.chars().any(crate::text::is_unsafe_char) {
        return err(
            "the answer holds a control or invisible character".into(),
            hint(question, order),
        );
    }
    match &question.kind {
        Kind::SingleChoice { .. } => {
            let t = s.trim_end_matches([')', '.']).trim_start_matches('(');
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => match position_of(c, order.len()) {
                    Some(p) => Ok(Answer::Choice(order[p])),
                    None => err(
                        format!("`{s}` is not one of the choices"),
                        hint(question, order),
                    ),
                },
                _ => err(
                    format!("`{s}` is not a single letter"),
                    hint(question, order),
                ),
            }
        }
        Kind::MultipleSelect { .. } => {
            // `A,,C` is more likely a slip for A,B,C than a choice of A and C: ask again.
            let parts: Vec<&str> = s.split([',', ';']).map(str::trim).collect();
            if parts.len() > 1 && parts.iter().any(|p| p.is_empty()) {
                return err(
                    format!("`{s}` has an empty place between separators"),
                    hint(question, order),
                );
            }
            let mut picked = Vec::new();
            for c in s.chars().filter(|c| !matches!(c, ',' | ' ' | ';' | '\t')) {
                match position_of(c, order.len()) {
                    Some(p) => picked.push(order[p]),
                    None => {
                        return err(
                            format!("`{c}` is not one of the choices"),
                            hint(question, order),
                        );
                    }
                }
            }
            picked.sort_unstable();
            picked.dedup();
            Ok(Answer::Choices(picked))
        }
        Kind::TrueFalse { .. } => match s.to_ascii_lowercase().as_str() {
            "t" | "true" | "y" | "yes" => Ok(Answer::Bool(true)),
            "f" | "false" | "n" | "no" => Ok(Answer::Bool(false)),
            _ => err(
                format!("`{s}` is neither true nor false"),
                hint(question, order),
            ),
        },
        Kind::Numeric { unit, .. } => {
            let t = strip_unit(s, unit.as_deref());
            match parse_number(t) {
                Some(x) => Ok(Answer::Number(x)),
                None => err(format!("`{s}` is not a number"), hint(question, order)),
            }
        }
        Kind::ShortText { .. } => Ok(Answer::Text(s.to_string())),
        Kind::SelfRating => match s.parse::<u8>() {
            Ok(r @ 1..=5) => Ok(Answer::Rating(r)),
            _ => err(format!("`{s}` is not a rating"), hint(question, order)),
        },
    }
}

/// Common ways of writing units, beyond the unit's own spelling: each alias stands for
/// the unit it is paired with.
const UNIT_ALIASES: &[(&str, &str)] = &[
    ("min", "minutes"),
    ("mins", "minutes"),
    ("minute", "minutes"),
    ("s", "seconds"),
    ("sec", "seconds"),
    ("secs", "seconds"),
    ("second", "seconds"),
    ("seconds", "s"),
    ("sec", "s"),
    ("secs", "s"),
    ("ms", "milliseconds"),
    ("milliseconds", "ms"),
    ("millisecond", "ms"),
    ("msec", "ms"),
    ("h", "hours"),
    ("hr", "hours"),
    ("hrs", "hours"),
    ("percent", "%"),
    ("pct", "%"),
    ("req/s", "requests/s"),
    ("rps", "requests/s"),
    ("requests per second", "requests/s"),
];

/// `s` without a trailing unit: the question's own (any case), or a common way of writing
/// it (`43.2 min` for minutes, `200 msec` for ms).
fn strip_unit<'a>(s: &'a str, unit: Option<&str>) -> &'a str {
    let Some(unit) = unit else {
        return s.trim();
    };
    let lower = s.to_ascii_lowercase();
    let mut spellings: Vec<&str> = vec![unit];
    spellings.extend(
        UNIT_ALIASES
            .iter()
            .filter(|(_, u)| u.eq_ignore_ascii_case(unit))
            .map(|(a, _)| *a),
    );
    // The longest spelling first, so `ms` is not taken for `s` with an m left over.
    spellings.sort_by_key(|sp| std::cmp::Reverse(sp.len()));
    for sp in spellings {
        if lower.ends_with(&sp.to_ascii_lowercase()) {
            let rest = &s[..s.len() - sp.len()];
            // Only a whole word: `5 s` or `5s`, not the s of `15 ms`.
            if rest.ends_with(|c: char| c.is_ascii_digit() || c == ' ' || c == '.') {
                return rest.trim();
            }
        }
    }
    s.trim()
}

/// A finite decimal number (`0.25`, `-1e-3`, `1,000`, `1 000`, `1_000`) or a fraction
/// (`1/4`). Thousands separators are accepted only in groups of three digits, so `1,5`
/// (a decimal comma) is refused rather than read as 15.
fn parse_number(s: &str) -> Option<f64> {
    let s = &without_thousands(s.trim())?;
    let x = match s.split_once('/') {
        Some((n, d)) => {
            let (n, d) = (n.trim().parse::<f64>().ok()?, d.trim().parse::<f64>().ok()?);
            (d != 0.0).then(|| n / d)?
        }
        None => s.parse::<f64>().ok()?,
    };
    x.is_finite().then_some(x)
}

/// `1,000,000` → `1000000`; `None` for separators in the wrong places.
fn without_thousands(s: &str) -> Option<String> {
    let Some(sep) = [',', ' ', '_'].into_iter().find(|c| s.contains(*c)) else {
        return Some(s.to_string());
    };
    if s.contains('/') {
        return Some(s.to_string());
    }
    let (sign, body) = s.strip_prefix('-').map_or(("", s), |b| ("-", b));
    let (int, frac) = body
        .split_once('.')
        .map_or((body, None), |(i, f)| (i, Some(f)));
    let groups: Vec<&str> = int.split(sep).collect();
    let ok = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if !ok {
        return None;
    }
    Some(format!(
        "{sign}{}{}",
        groups.concat(),
        frac.map(|f| format!(".{f}")).unwrap_or_default()
    ))
}

/// What a valid answer to this question looks like, for re-asking.
pub fn hint(question: &Question, order: &[usize]) -> String {
    let last = letter(order.len().saturating_sub(1));
    match &question.kind {
        Kind::SingleChoice { .. } => format!("type one letter from A to {last}"),
        Kind::MultipleSelect { .. } => {
            format!("type the letters of every right choice, from A to {last}, e.g. A,C")
        }
        Kind::TrueFalse { .. } => "type t (true) or f (false)".into(),
        Kind::Numeric { unit, .. } => match unit {
            Some(u) => {
                format!("type a number, e.g. 0.25, -3, 1/4 or 1,000 (the unit `{u}` may follow)")
            }
            None => "type a number, e.g. 0.25, -3, 1/4 or 1,000".into(),
        },
        Kind::ShortText { .. } => "type a word or short phrase".into(),
        Kind::SelfRating => "type 1 (never done this) to 5 (could teach it)".into(),
    }
}

/// The result of grading one answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Graded {
    /// In [0, 1]; for a self-rating, (rating − 1) / 4.
    pub score: f64,
    /// Fully right (for a self-rating: rated 4 or 5).
    pub correct: bool,
}

/// Grades an answer against a question's key. An answer of the wrong shape (a number
/// for a choice question) scores 0.
///
/// Multiple select gives partial credit: with even marks and k right choices out of n,
/// each right pick earns 1/k and each wrong pick costs 1/(n − k); with weights, each
/// distinct pick adds its weight. The total is clamped to [0, 1].
pub fn grade(question: &Question, answer: &Answer) -> Graded {
    let wrong = Graded {
        score: 0.0,
        correct: false,
    };
    let full = |ok: bool| Graded {
        score: if ok { 1.0 } else { 0.0 },
        correct: ok,
    };
    match (&question.kind, answer) {
        (Kind::SingleChoice { answer: key, .. }, Answer::Choice(c)) => full(c == key),
        (
            Kind::MultipleSelect {
                choices,
                answers,
                marks,
                ..
            },
            Answer::Choices(picked),
        ) => {
            let mut sorted = picked.clone();
            sorted.sort_unstable();
            sorted.dedup();
            let score = match marks {
                Marks::Even => {
                    let k = answers.len() as f64;
                    let others = (choices.len() - answers.len()) as f64;
                    let hits = picked.iter().filter(|p| answers.contains(p)).count() as f64;
                    let misses = picked.len() as f64 - hits;
                    let penalty = if others > 0.0 { misses / others } else { 0.0 };
                    hits / k - penalty
                }
                // Moodle's multiple-answer grading: the weights of the distinct picks, added.
                Marks::Weighted(w) => sorted.iter().filter_map(|&i| w.get(i)).sum(),
            };
            Graded {
                score: score.clamp(0.0, 1.0),
                correct: sorted == *answers,
            }
        }
        (Kind::TrueFalse { answer: key }, Answer::Bool(b)) => full(b == key),
        (
            Kind::Numeric {
                answer: key,
                tolerance,
                ..
            },
            Answer::Number(x),
        ) => full(within(*x, *key, *tolerance)),
        (Kind::ShortText { accepted, .. }, Answer::Text(t)) => {
            let typed = fold_text(t);
            full(accepted.contains(&typed) || accepted.contains(&fold_text(unquoted(&typed))))
        }
        (Kind::SelfRating, Answer::Rating(r)) => Graded {
            score: (f64::from(*r).clamp(1.0, 5.0) - 1.0) / 4.0,
            correct: *r >= 4,
        },
        _ => wrong,
    }
}

/// `text` without one pair of quotes around it (`'wrapper'`, `"wrapper"`, `` `wrapper` ``,
/// typographic quotes), as people quote the word they mean.
fn unquoted(text: &str) -> &str {
    const PAIRS: [(char, char); 5] = [
        ('\'', '\''),
        ('"', '"'),
        ('`', '`'),
        ('\u{2018}', '\u{2019}'),
        ('\u{201C}', '\u{201D}'),
    ];
    let t = text.trim();
    PAIRS
        .iter()
        .find_map(|&(open, close)| {
            t.strip_prefix(open)
                .and_then(|rest| rest.strip_suffix(close))
                .filter(|inner| !inner.trim().is_empty())
        })
        .unwrap_or(t)
}

/// Whether `x` is within `tolerance` of `key`, allowing for floating-point rounding.
fn within(x: f64, key: f64, tolerance: Tolerance) -> bool {
    (x - key).abs() <= allowed_error(key, tolerance)
}

/// How far from `key` an answer may be and still be right: the tolerance, plus a hair
/// for the rounding of decimal input.
pub fn allowed_error(key: f64, tolerance: Tolerance) -> f64 {
    let allowed = match tolerance {
        Tolerance::Absolute(t) => t,
        Tolerance::Relative(t) => t * key.abs(),
    };
    allowed + 1e-9 * key.abs().max(1.0)
}

/// The key written out for people: `B`, `A, C`, `true`, `2 (± 0.01)`, `overfitting`.
pub fn describe_key(question: &Question, order: &[usize]) -> String {
    let shown = |i: usize| order.iter().position(|&o| o == i).map_or('?', letter);
    match &question.kind {
        Kind::SingleChoice {
            choices, answer, ..
        } => {
            format!("{}) {}", shown(*answer), choices[*answer].text)
        }
        Kind::MultipleSelect {
            choices, answers, ..
        } => in_shown_order(order, answers)
            .into_iter()
            .map(|a| format!("{}) {}", shown(a), choices[a].text))
            .collect::<Vec<_>>()
            .join("; "),
        Kind::TrueFalse { answer } => answer.to_string(),
        Kind::Numeric {
            answer,
            tolerance,
            unit,
        } => {
            let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            match tolerance {
                Tolerance::Absolute(t) if *t == 0.0 => format!("{answer}{unit}"),
                // A whole-number key with a tolerance below one only absorbs rounding
                // slips: show the number plainly.
                Tolerance::Absolute(t) if answer.fract() == 0.0 && *t < 1.0 => {
                    format!("{answer}{unit}")
                }
                Tolerance::Absolute(t) => format!("{answer}{unit} (± {t})"),
                Tolerance::Relative(t) => format!("{answer}{unit} (± {}%)", t * 100.0),
            }
        }
        Kind::ShortText { display, .. } => display.join(" / "),
        Kind::SelfRating => "any rating".into(),
    }
}

/// File indices `picked`, sorted by where they were shown (A first); indices not shown
/// come last, in file order.
pub fn in_shown_order(order: &[usize], picked: &[usize]) -> Vec<usize> {
    let mut v = picked.to_vec();
    v.sort_by_key(|i| (order.iter().position(|o| o == i).unwrap_or(usize::MAX), *i));
    v
}

/// A given answer written out for people, in the display letters used (choices in the
/// order shown).
pub fn describe_answer(question: &Question, order: &[usize], answer: &Answer) -> String {
    let shown = |i: &usize| {
        order
            .iter()
            .position(|o| o == i)
            .map_or('?', letter)
            .to_string()
    };
    match answer {
        Answer::Choice(c) => match question.kind.choices() {
            Some(ch) if *c < ch.len() => format!("{}) {}", shown(c), ch[*c].text),
            _ => shown(c),
        },
        Answer::Choices(cs) => {
            let ch = question.kind.choices().unwrap_or(&[]);
            in_shown_order(order, cs)
                .iter()
                .map(|c| match ch.get(*c) {
                    Some(choice) => format!("{}) {}", shown(c), choice.text),
                    None => shown(c),
                })
                .collect::<Vec<_>>()
                .join("; ")
        }
        Answer::Bool(b) => b.to_string(),
        Answer::Number(x) => x.to_string(),
        Answer::Text(t) => t.clone(),
        Answer::Rating(r) => format!("{r}/5"),
        Answer::Skip => "skipped".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Catalog, CatalogBuilder, Source};

    fn catalog() -> Catalog {
        let mut b = CatalogBuilder::roadmap_only();
        b.add_source(Source {
            name: "kinds.ron".into(),
            text: include_str!("../../tests/fixtures/good/kinds.ron").into(),
            builtin: false,
        });
        b.build().expect("fixture is valid")
    }

    fn score(id: &str, input: &str) -> Graded {
        let cat = catalog();
        let q = cat.question(id).unwrap();
        let order: Vec<usize> = (0..q.kind.choices().map_or(0, |c| c.len())).collect();
        let a = parse_answer(q, &order, input).unwrap();
        grade(q, &a)
    }

    #[test]
    fn single_choice_by_letter_in_display_order() {
        let cat = catalog();
        let q = cat.question("demo.single").unwrap();
        // Shown as C, A, B: the right choice (file index 1) is shown as letter C.
        let order = [2, 0, 1];
        assert_eq!(parse_answer(q, &order, "c").unwrap(), Answer::Choice(1));
        assert_eq!(parse_answer(q, &order, " (A) ").unwrap(), Answer::Choice(2));
        assert!(grade(q, &Answer::Choice(1)).correct);
        assert_eq!(grade(q, &Answer::Choice(0)).score, 0.0);
        let e = parse_answer(q, &order, "d").unwrap_err();
        assert!(e.hint.contains("A to C"), "{e:?}");
        assert!(parse_answer(q, &order, "ab").is_err());
    }

    #[test]
    fn multiple_select_gives_partial_credit() {
        // 2 right of 4: each right pick +1/2, each wrong pick −1/2, clamped to [0, 1].
        assert_eq!(
            score("demo.multi", "a,c"),
            Graded {
                score: 1.0,
                correct: true
            }
        );
        assert_eq!(score("demo.multi", "ca").score, 1.0);
        assert_eq!(
            score("demo.multi", "a"),
            Graded {
                score: 0.5,
                correct: false
            }
        );
        assert_eq!(score("demo.multi", "a b c").score, 0.5);
        assert_eq!(score("demo.multi", "a,b").score, 0.0);
        assert_eq!(score("demo.multi", "b,d").score, 0.0);
        assert_eq!(score("demo.multi", "abcd").score, 0.0);
    }

    #[test]
    fn true_false_accepts_words_and_letters() {
        for yes in ["t", "TRUE", "yes", "Y"] {
            assert!(score("demo.tf", yes).correct, "{yes}");
        }
        assert!(!score("demo.tf", "f").correct);
    }

    #[test]
    fn numeric_tolerances() {
        // Absolute 0.005 around 0.3333.
        assert!(score("demo.num", "0.33").correct);
        assert!(score("demo.num", "1/3").correct);
        assert!(score("demo.num", "0.338").correct);
        assert!(!score("demo.num", "0.34").correct);
        // Relative 5% around 86400: from 82080 to 90720; the unit may be typed.
        assert!(score("demo.rel", "90000 s").correct);
        assert!(score("demo.rel", "8.25e4").correct);
        assert!(!score("demo.rel", "80000").correct);
        let cat = catalog();
        let q = cat.question("demo.num").unwrap();
        for bad in ["abc", "1/0", "inf", "NaN"] {
            assert!(parse_answer(q, &[], bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_text_folds_case_and_space() {
        assert!(score("demo.text", "  OverFitting ").correct);
        assert!(score("demo.text", "over-fitting").correct);
        assert!(!score("demo.text", "underfitting").correct);
    }

    #[test]
    fn short_text_accepts_the_answer_in_quotes() {
        for typed in [
            "'overfitting'",
            "\"Overfitting\"",
            "`overfitting`",
            "\u{2018}overfitting\u{2019}",
        ] {
            assert!(score("demo.text", typed).correct, "{typed}");
        }
        assert!(!score("demo.text", "'underfitting'").correct);
        assert!(!score("demo.text", "''").correct);
    }

    #[test]
    fn skip_scores_zero_and_wrong_shapes_score_zero() {
        let cat = catalog();
        let q = cat.question("demo.single").unwrap();
        assert_eq!(parse_answer(q, &[0, 1, 2], "SKIP").unwrap(), Answer::Skip);
        assert_eq!(grade(q, &Answer::Skip).score, 0.0);
        assert_eq!(grade(q, &Answer::Number(1.0)).score, 0.0);
    }

    #[test]
    fn numbers_take_thousands_separators_and_unit_spellings() {
        let cat = catalog();
        let q = cat.question("demo.rel").unwrap(); // unit "s"
        for (typed, want) in [
            ("86400", 86400.0),
            ("86,400", 86400.0),
            ("86 400", 86400.0),
            ("86_400 s", 86400.0),
            ("86400s", 86400.0),
            ("86,400 seconds", 86400.0),
            ("86400 SEC", 86400.0),
            ("1/4", 0.25),
            ("-1,000.5", -1000.5),
        ] {
            assert_eq!(
                parse_answer(q, &[], typed),
                Ok(Answer::Number(want)),
                "{typed}"
            );
        }
        for typed in ["1,5", "86,40", "15 ms", "12,34,567", "1e400"] {
            assert!(parse_answer(q, &[], typed).is_err(), "{typed}");
        }
        assert_eq!(strip_unit("43.2 min", Some("minutes")), "43.2");
        assert_eq!(strip_unit("61%", Some("%")), "61");
        assert_eq!(strip_unit("200 msec", Some("ms")), "200");
        assert_eq!(strip_unit("5 min", Some("ms")), "5 min");
    }

    #[test]
    fn keys_are_described_in_display_letters_and_order() {
        let cat = catalog();
        let q = cat.question("demo.multi").unwrap();
        // Shown as A) 5, B) 2, C) 4, D) 9: listed A before B, whatever the file order.
        assert_eq!(describe_key(q, &[2, 0, 1, 3]), "A) 5; B) 2");
        assert_eq!(
            describe_answer(q, &[2, 0, 1, 3], &Answer::Choices(vec![3, 0])),
            "B) 2; D) 9"
        );
    }
}
