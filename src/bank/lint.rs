//! Advice about a loaded catalog: things that are legal but make a worse quiz.

use super::cues;
use super::diagnostic::{Diagnostic, Problem, Severity};
use super::giveaway::{self, Why};
use super::model::{Catalog, Kind, Question};
use crate::text::fold_text;
use std::collections::{BTreeSet, HashMap};

/// Prompts of at least this many distinct words are compared for near-duplicates.
pub const SIMILAR_MIN_WORDS: usize = 6;
/// Two prompts sharing at least this fraction of their distinct words (Jaccard index
/// |A ∩ B| / |A ∪ B|) are near-duplicates.
pub const SIMILAR_PROMPT: f64 = 0.8;

/// Topics with fewer questions than this get a warning.
pub const MIN_QUESTIONS_PER_TOPIC: usize = 3;

/// Lints the questions that come from `files` (all files when `None`), comparing prompts
/// against every loaded question.
pub fn lint(cat: &Catalog, files: Option<&[String]>) -> Vec<Diagnostic> {
    let wanted = |file: &str| files.is_none_or(|f| f.iter().any(|x| x == file));
    let mut out = Vec::new();
    let warn = |q: &Question, problem: Problem| Diagnostic {
        severity: Severity::Warning,
        file: q.origin.file.clone(),
        line: q.origin.line,
        col: q.origin.col,
        question: Some(q.id.clone()),
        problem,
    };
    let mut prompts: HashMap<String, &Question> = HashMap::new();
    let mut earlier: Vec<(BTreeSet<&str>, &Question)> = Vec::new();
    let keys: Vec<String> = cat.questions.iter().map(prompt_key).collect();
    for (q, key) in cat.questions.iter().zip(&keys) {
        let first = prompts.entry(key.clone()).or_insert(q);
        let words: BTreeSet<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        let exact = !std::ptr::eq(*first, q);
        if wanted(&q.origin.file) && exact {
            out.push(warn(
                q,
                Problem::DuplicatePrompt {
                    other: first.id.clone(),
                    at: first.origin.to_string(),
                },
            ));
        } else if wanted(&q.origin.file) && words.len() >= SIMILAR_MIN_WORDS {
            let similar = earlier
                .iter()
                .map(|(w, other)| (jaccard(&words, w), other))
                .filter(|(j, _)| *j >= SIMILAR_PROMPT)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, other)) = similar {
                out.push(warn(
                    q,
                    Problem::SimilarPrompt {
                        other: other.id.clone(),
                        at: other.origin.to_string(),
                    },
                ));
            }
        }
        if words.len() >= SIMILAR_MIN_WORDS {
            earlier.push((words, q));
        }
        if !wanted(&q.origin.file) {
            continue;
        }
        for r in &q.related {
            if *r == q.id {
                out.push(warn(q, Problem::RelatedToItself));
            } else if cat.question(r).is_none() {
                out.push(warn(q, Problem::UnknownRelated { id: r.clone() }));
            }
        }
        if q.kind.is_graded() && q.explanation.trim().is_empty() {
            out.push(warn(q, Problem::MissingExplanation));
        }
        if !q.id.starts_with(&format!("{}.", q.area)) {
            out.push(warn(
                q,
                Problem::IdNotNamespaced {
                    id: q.id.clone(),
                    area: q.area.clone(),
                },
            ));
        }
        if let Some(choices) = q.kind.choices() {
            for (i, c) in choices.iter().enumerate() {
                if is_above_choice(&c.text) {
                    out.push(warn(q, Problem::AboveChoice { index: i }));
                }
            }
        }
        if let Kind::SingleChoice {
            choices, answer, ..
        } = &q.kind
        {
            let right = choices[*answer].text.chars().count();
            let longest_wrong = choices
                .iter()
                .enumerate()
                .filter(|(i, _)| i != answer)
                .map(|(_, c)| c.text.chars().count())
                .max()
                .unwrap_or(0);
            if right >= 20 && right as f64 > 1.8 * longest_wrong as f64 {
                out.push(warn(
                    q,
                    Problem::LongRightChoice {
                        right,
                        longest_wrong,
                    },
                ));
            }
        }
    }
    for f in giveaway::find(cat, &|q| wanted(&q.origin.file)) {
        let (q, other) = (&cat.questions[f.question], &cat.questions[f.other]);
        let (other_id, at) = (other.id.clone(), other.origin.to_string());
        out.push(warn(
            q,
            match f.why {
                Why::Number(n) => Problem::GivesAway {
                    other: other_id,
                    at,
                    what: format!("the number {n}"),
                },
                Why::Key(k) => Problem::GivesAway {
                    other: other_id,
                    at,
                    what: format!("\"{k}\""),
                },
                Why::SharedData(ns) => Problem::SameData {
                    other: other_id,
                    at,
                    numbers: ns.join(", "),
                },
            },
        ));
    }
    let mut by_bank: Vec<Vec<&Question>> = vec![Vec::new(); cat.banks.len()];
    for q in &cat.questions {
        if let Some(b) = by_bank.get_mut(q.bank) {
            b.push(q);
        }
    }
    for (bank, questions) in cat.banks.iter().zip(&by_bank) {
        let Some(first) = questions.first() else {
            continue;
        };
        if !wanted(&bank.file) {
            continue;
        }
        for problem in cues::bank_cues(questions) {
            // About the bank as a whole: no one line to point at.
            out.push(Diagnostic {
                question: None,
                line: 0,
                col: 0,
                ..warn(first, problem)
            });
        }
    }
    for t in &cat.topics {
        let in_files: Vec<&Question> = cat
            .questions_in_topic(&t.id)
            .filter(|q| wanted(&q.origin.file))
            .collect();
        let total = cat.questions_in_topic(&t.id).count();
        // Self-ratings give no verdict, so a practice topic needs no minimum.
        let self_rated = cat.area(&t.area).is_some_and(|a| a.self_rated);
        if let Some(q) = in_files.first()
            && total < MIN_QUESTIONS_PER_TOPIC
            && !self_rated
        {
            out.push(Diagnostic {
                question: None,
                ..warn(
                    q,
                    Problem::FewQuestions {
                        topic: t.id.clone(),
                        count: total,
                    },
                )
            });
        }
    }
    out
}

/// Prompts compared after folding case, white space and punctuation, with the code.
fn prompt_key(q: &Question) -> String {
    let text = format!("{} {}", q.prompt, q.code.as_deref().unwrap_or(""));
    fold_text(
        &text
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>(),
    )
}

/// |a ∩ b| / |a ∪ b|, in [0, 1]; 0 for two empty sets.
fn jaccard(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> f64 {
    let both = a.intersection(b).count();
    let either = a.len() + b.len() - both;
    if either == 0 {
        0.0
    } else {
        both as f64 / either as f64
    }
}

fn is_above_choice(text: &str) -> bool {
    let t = fold_text(text);
    let t = t.trim_end_matches('.');
    [
        "all of the above",
        "none of the above",
        "both of the above",
        "all of these",
        "none of these",
        "all the above",
    ]
    .contains(&t)
        || (t.starts_with("both ") && t.contains(" and ") && t.len() <= 12)
}
