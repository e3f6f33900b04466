//! Advice about a loaded catalog: things that are legal but make a worse quiz.

use super::cues;
use super::diagnostic::{Diagnostic, Problem, Severity};
use super::giveaway::{self, Why};
use super::model::{Catalog, Kind, Question};
use super::similar::{self, SimilarIndex, equal_runs};
use crate::text::fold_text;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

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
    // A set, so that checking a question's file costs the same with 2,000 files as with 2.
    let files: Option<foldhash::HashSet<&str>> =
        files.map(|f| f.iter().map(String::as_str).collect());
    let wanted = |file: &str| files.as_ref().is_none_or(|f| f.contains(file));
    let mut out = Vec::new();
    let warn = |q: &Question, problem: Problem| Diagnostic {
        severity: Severity::Warning,
        file: q.origin.file.to_string(),
        line: q.origin.line,
        col: q.origin.col,
        question: Some(q.id.to_string()),
        problem,
    };
    // The give-away search is a fifth of the whole: it runs beside the rest.
    let ((), giveaways) = rayon::join(
        || lint_prompts(cat, &wanted, &warn, &mut out),
        || giveaway::find(cat, &|q| wanted(&q.origin.file)),
    );
    push_giveaways(cat, giveaways, &warn, &mut out);
    lint_banks_and_topics(cat, &wanted, &warn, &mut out);
    out
}

/// The lints of each question of the files checked: its prompt against every earlier
/// one, its related ids, explanation, id and choices; each question on any core.
fn lint_prompts(
    cat: &Catalog,
    wanted: &(impl Fn(&str) -> bool + Sync),
    warn: &(impl Fn(&Question, Problem) -> Diagnostic + Sync),
    out: &mut Vec<Diagnostic>,
) {
    let keys: Vec<String> = cat.questions.par_iter().map(prompt_key).collect();
    let first = first_copies(&keys);
    // Each prompt against the earlier ones, on every core, in chunks.
    let chunk = similar::chunk_len(keys.len());
    let (similar, _) = SimilarIndex::new(&keys, SIMILAR_MIN_WORDS)
        .most_similar_earlier(|i| wanted(&cat.questions[i].origin.file), chunk);
    drop(keys);
    out.par_extend(
        cat.questions
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, q)| question_lints(cat, q, first[i], similar[i], wanted, warn)),
    );
}

/// For each key, the first key equal to it (itself when none is earlier).
fn first_copies(keys: &[String]) -> Vec<usize> {
    let (order, starts) = equal_runs(keys.len(), |i| Some((0, keys[i].as_str())));
    let mut first = vec![0; keys.len()];
    for run in starts.windows(2) {
        let copies = &order[run[0] as usize..run[1] as usize];
        for &k in copies {
            first[k as usize] = copies[0] as usize;
        }
    }
    first
}

/// The lints of question `q`: `first` is the first question with its prompt, `similar`
/// the earlier one most like it.
fn question_lints(
    cat: &Catalog,
    q: &Question,
    first: usize,
    similar: Option<usize>,
    wanted: &impl Fn(&str) -> bool,
    warn: &impl Fn(&Question, Problem) -> Diagnostic,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let first = &cat.questions[first];
    let exact = !std::ptr::eq(first, q);
    if wanted(&q.origin.file) && exact {
        out.push(warn(
            q,
            Problem::DuplicatePrompt {
                other: first.id.to_string(),
                at: first.origin.to_string(),
            },
        ));
    } else if let Some(j) = similar {
        let other = &cat.questions[j];
        out.push(warn(
            q,
            Problem::SimilarPrompt {
                other: other.id.to_string(),
                at: other.origin.to_string(),
            },
        ));
    }
    if !wanted(&q.origin.file) {
        return out;
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
    let namespaced =
        q.id.strip_prefix(q.area.as_ref())
            .is_some_and(|rest| rest.starts_with('.'));
    if !namespaced {
        out.push(warn(
            q,
            Problem::IdNotNamespaced {
                id: q.id.to_string(),
                area: q.area.to_string(),
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
    out
}

fn push_giveaways(
    cat: &Catalog,
    found: Vec<giveaway::Finding>,
    warn: &impl Fn(&Question, Problem) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    for f in found {
        let (q, other) = (&cat.questions[f.question], &cat.questions[f.other]);
        let (other_id, at) = (other.id.to_string(), other.origin.to_string());
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
}

/// The lints of whole banks (cues) and topics (too few questions).
fn lint_banks_and_topics(
    cat: &Catalog,
    wanted: &(impl Fn(&str) -> bool + Sync),
    warn: &impl Fn(&Question, Problem) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let mut by_bank: Vec<Vec<&Question>> = vec![Vec::new(); cat.banks.len()];
    for q in &cat.questions {
        if let Some(b) = by_bank.get_mut(q.bank) {
            b.push(q);
        }
    }
    // Each bank on any core, reported in the banks' order.
    let cues: Vec<Vec<Problem>> = cat
        .banks
        .par_iter()
        .zip(&by_bank)
        .map(|(bank, questions)| {
            if questions.is_empty() || !wanted(&bank.file) {
                return Vec::new();
            }
            cues::bank_cues(questions)
        })
        .collect();
    for (questions, problems) in by_bank.iter().zip(cues) {
        let Some(first) = questions.first() else {
            continue;
        };
        for problem in problems {
            // About the bank as a whole: no one line to point at.
            out.push(Diagnostic {
                question: None,
                line: 0,
                col: 0,
                ..warn(first, problem)
            });
        }
    }
    // Per topic, in one pass: how many questions, and the first in the files checked.
    let mut per_topic: HashMap<&str, (usize, Option<&Question>)> = HashMap::new();
    for q in &cat.questions {
        let entry = per_topic.entry(q.topic.as_ref()).or_insert((0, None));
        entry.0 += 1;
        if entry.1.is_none() && wanted(&q.origin.file) {
            entry.1 = Some(q);
        }
    }
    for t in &cat.topics {
        let (total, first) = per_topic.get(t.id.as_str()).copied().unwrap_or((0, None));
        // Self-ratings give no verdict, so a practice topic needs no minimum.
        let self_rated = cat.area(&t.area).is_some_and(|a| a.self_rated);
        if let Some(q) = first
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
}

/// Prompts compared after folding case, white space and punctuation, with the code.
fn prompt_key(q: &Question) -> String {
    folded_words(&q.prompt, q.code.as_deref().unwrap_or(""))
}

/// The words (runs of letters and digits) of `prompt` then `code`, folded as
/// [`fold_text`] folds them, one space apart.
fn folded_words(prompt: &str, code: &str) -> String {
    if prompt.is_ascii() && code.is_ascii() {
        // The same, a byte at a time and into one string (three were made for every
        // prompt, a tenth of the lints at 1,000,000 questions).
        let mut key = String::with_capacity(prompt.len() + code.len() + 1);
        let mut gap = false;
        for b in prompt.bytes().chain([b' ']).chain(code.bytes()) {
            if b.is_ascii_alphanumeric() {
                if gap && !key.is_empty() {
                    key.push(' ');
                }
                gap = false;
                key.push(b.to_ascii_lowercase() as char);
            } else {
                gap = true;
            }
        }
        return key;
    }
    let text = format!("{prompt} {code}");
    fold_text(
        &text
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>(),
    )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_are_folded_into_their_words() {
        let slow = |prompt: &str, code: &str| {
            fold_text(
                &format!("{prompt} {code}")
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                    .collect::<String>(),
            )
        };
        let cases = [
            ("What does `print(\"Hi\")` show?", ""),
            ("  Mean of [1, 2, 3]?\t", "x = np.mean(A_1)\n"),
            ("", ""),
            ("...", "--"),
            ("ONE two", "Three"),
            ("Ünïcode ΣΑΣ café", "naïve()"),
            ("ascii prompt", "código"),
        ];
        for (prompt, code) in cases {
            assert_eq!(
                folded_words(prompt, code),
                slow(prompt, code),
                "{prompt:?} {code:?}"
            );
        }
        assert_eq!(folded_words("What's 2+2?", "f(x)"), "what s 2 2 f x");
    }

    #[test]
    fn each_prompt_points_at_its_first_copy() {
        let keys: Vec<String> = ["a b", "c", "a b", "", "c", "a b", ""]
            .map(String::from)
            .into();
        assert_eq!(first_copies(&keys), [0, 1, 0, 3, 1, 0, 3]);
        assert_eq!(first_copies(&[]), Vec::<usize>::new());
    }

    #[test]
    fn an_id_is_namespaced_by_its_area_and_a_dot() {
        let cat = Catalog::builtin().unwrap();
        let q = &cat.questions[0];
        let lints = |id: &str| {
            let mut q = q.clone();
            q.id = id.to_string().into();
            question_lints(&cat, &q, 0, None, &|_| true, &|_, p| Diagnostic {
                severity: Severity::Warning,
                file: String::new(),
                line: 0,
                col: 0,
                question: None,
                problem: p,
            })
            .into_iter()
            .filter(|d| matches!(d.problem, Problem::IdNotNamespaced { .. }))
            .count()
        };
        let area = q.area.to_string();
        assert_eq!(lints(&format!("{area}.x")), 0);
        assert_eq!(lints(&format!("{area}x.y")), 1);
        assert_eq!(lints(&area), 1);
        assert_eq!(lints("other.x"), 1);
    }
}
