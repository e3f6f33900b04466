//! Advice about a loaded catalog: things that are legal but make a worse quiz.

use super::cues;
use super::diagnostic::{Diagnostic, Problem, Severity};
use super::giveaway::{self, Why};
use super::model::{Catalog, Kind, Question};
use crate::text::fold_text;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

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
/// one, its related ids, explanation, id and choices.
fn lint_prompts(
    cat: &Catalog,
    wanted: &(impl Fn(&str) -> bool + Sync),
    warn: &impl Fn(&Question, Problem) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let mut prompts: HashMap<&str, &Question> = HashMap::new();
    let keys: Vec<String> = cat.questions.par_iter().map(prompt_key).collect();
    let mut similar_index = SimilarIndex::new(&keys);
    for i in 0..keys.len() {
        if similar_index.words(i) >= SIMILAR_MIN_WORDS {
            similar_index.add(i);
        }
    }
    // Each prompt against the earlier ones, on every core (a probe reads the index only).
    let similar = similar_index.probe_all(|i| {
        similar_index.words(i) >= SIMILAR_MIN_WORDS && wanted(&cat.questions[i].origin.file)
    });
    for (i, (q, key)) in cat.questions.iter().zip(&keys).enumerate() {
        let first = prompts.entry(key.as_str()).or_insert(q);
        let exact = !std::ptr::eq(*first, q);
        if wanted(&q.origin.file) && exact {
            out.push(warn(
                q,
                Problem::DuplicatePrompt {
                    other: first.id.to_string(),
                    at: first.origin.to_string(),
                },
            ));
        } else if let Some(j) = similar[i] {
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
    }
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
    wanted: &impl Fn(&str) -> bool,
    warn: &impl Fn(&Question, Problem) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
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
    let code = q.code.as_deref().unwrap_or("");
    let text = format!("{} {}", q.prompt, code);
    fold_text(
        &text
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>(),
    )
}

/// Finds, for each prompt, the most similar earlier prompt with a Jaccard index of at
/// least [`SIMILAR_PROMPT`], without comparing every pair: the prefix and positional
/// filters of similarity joins (PPJoin). Words are numbered rarest first; two sets with
/// J ≥ t must share one of the first |A| − ⌈t·|A|⌉ + 1 words of each (the prefix), and the
/// first word they share, at position i in A and j in B, bounds what they share to
/// 1 + min(|A| − i − 1, |B| − j − 1), which must reach ⌈t / (1 + t) · (|A| + |B|)⌉.
/// Prompts are indexed by their prefix words, each entry with its prompt's size and the
/// word's position there, so a probe makes one lookup per prefix word and skips entries
/// of incompatible sizes, or whose positional bound is not enough, without reading the
/// other prompt. (Keyed by word, size and position, a probe made one lookup for every
/// compatible size and position: cubic in the prompt's length, 11 s for 2,400 prompts of
/// 400 words.)
/// Each entry carries a 64-bit signature of its prompt's words (one bit per word, by
/// hash): a word of A whose bit is not in B's signature is not in B, which bounds what
/// they share without reading B's words (a cache miss for each candidate otherwise).
struct SimilarIndex {
    /// Each prompt's distinct words as ids, rarest first.
    sets: Vec<Vec<u32>>,
    /// Word id → the prompts added so far with that word in their prefix: the prompt, its
    /// size, the word's position in it, and the prompt's signature.
    postings: HashMap<u32, Vec<(u32, u32, u32, u64)>>,
    /// Lookups in `postings`.
    lookups: AtomicUsize,
    /// Posting entries visited (what the index exists to keep small).
    visited: AtomicUsize,
    /// Pairs whose Jaccard index was computed.
    compared: AtomicUsize,
}

/// A probe's scratch: for each prompt, the last probe that met it as a candidate (plus
/// one; 0: never), so that a candidate met through several words is compared once.
struct Met(Vec<u32>);

impl SimilarIndex {
    fn new(keys: &[String]) -> Self {
        let words: Vec<Vec<&str>> = keys.par_iter().map(|k| distinct_words(k)).collect();
        // Each word numbered as first met (one hash per word), with how many prompts have
        // it.
        let mut number: HashMap<&str, u32> = HashMap::new();
        let mut met: Vec<(&str, usize)> = Vec::new();
        let numbered: Vec<Vec<u32>> = words
            .into_iter()
            .map(|ws| {
                ws.into_iter()
                    .map(|w| {
                        let n = *number.entry(w).or_insert_with(|| {
                            met.push((w, 0));
                            (met.len() - 1) as u32
                        });
                        met[n as usize].1 += 1;
                        n
                    })
                    .collect()
            })
            .collect();
        // Renumbered rarest first; ties by the word, so the order does not depend on
        // hashing.
        let mut order: Vec<u32> = (0..met.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (met[a as usize], met[b as usize]);
            a.1.cmp(&b.1).then(a.0.cmp(b.0))
        });
        let mut rank = vec![0u32; met.len()];
        for (r, &n) in order.iter().enumerate() {
            rank[n as usize] = r as u32;
        }
        let sets: Vec<Vec<u32>> = numbered
            .into_par_iter()
            .map(|mut ids| {
                ids.iter_mut().for_each(|n| *n = rank[*n as usize]);
                ids.sort_unstable();
                ids
            })
            .collect();
        SimilarIndex {
            sets,
            postings: HashMap::new(),
            lookups: AtomicUsize::new(0),
            visited: AtomicUsize::new(0),
            compared: AtomicUsize::new(0),
        }
    }

    fn words(&self, i: usize) -> usize {
        self.sets[i].len()
    }

    /// A scratch for [`SimilarIndex::most_similar_earlier`].
    fn met(&self) -> Met {
        Met(vec![0; self.sets.len()])
    }

    /// [`SimilarIndex::most_similar_earlier`] of every prompt that `probed` says, in
    /// chunks on every core, each chunk with its own scratch; `None` for the others.
    fn probe_all(&self, probed: impl Fn(usize) -> bool + Sync) -> Vec<Option<usize>> {
        let n = self.sets.len();
        let chunk = n.div_ceil(4 * rayon::current_num_threads()).max(1024);
        (0..n.div_ceil(chunk))
            .into_par_iter()
            .flat_map_iter(|c| {
                let mut met = self.met();
                (c * chunk..n.min((c + 1) * chunk))
                    .map(|i| {
                        if probed(i) {
                            self.most_similar_earlier(i, &mut met)
                        } else {
                            None
                        }
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// How many of a set's first (rarest) words two similar sets must share one of.
    fn prefix(len: usize) -> usize {
        let needed = (SIMILAR_PROMPT * len as f64 - 1e-9).ceil() as usize;
        (len - needed.min(len) + 1).min(len)
    }

    /// The fewest shared words two sets of these sizes need for J ≥ the threshold.
    fn overlap_needed(a: usize, b: usize) -> usize {
        (SIMILAR_PROMPT / (1.0 + SIMILAR_PROMPT) * (a + b) as f64 - 1e-9).ceil() as usize
    }

    /// The signature bit of word `w`.
    fn bit(w: u32) -> u64 {
        1 << (w.wrapping_mul(0x9E37_79B9) >> 26)
    }

    fn signature(set: &[u32]) -> u64 {
        set.iter().fold(0, |s, &w| s | Self::bit(w))
    }

    fn add(&mut self, i: usize) {
        let len = self.sets[i].len();
        let sig = Self::signature(&self.sets[i]);
        for (p, &w) in self.sets[i][..Self::prefix(len)].iter().enumerate() {
            self.postings
                .entry(w)
                .or_default()
                .push((i as u32, len as u32, p as u32, sig));
        }
    }

    /// The earlier prompt most similar to prompt `i` (J ≥ the threshold); on a tie, the
    /// latest of them. The prompts after `i` may be in the index already or not: prompts
    /// are added in order, so a posting list is read only up to `i`.
    fn most_similar_earlier(&self, i: usize, met: &mut Met) -> Option<usize> {
        let a = &self.sets[i];
        let na = a.len();
        // Sizes whose Jaccard index with `na` words can reach the threshold.
        let smallest = (SIMILAR_PROMPT * na as f64 - 1e-9).ceil() as usize;
        let largest = (na as f64 / SIMILAR_PROMPT + 1e-9).floor() as usize;
        let bits: Vec<u64> = a.iter().map(|&w| Self::bit(w)).collect();
        let own = Self::signature(a);
        // The overlap each compatible size needs, worked out once per probe rather than
        // once per posting entry visited.
        let needs: Vec<usize> = (smallest..=largest.max(smallest))
            .map(|nb| Self::overlap_needed(na, nb))
            .collect();
        let met = &mut met.0;
        let stamp = i as u32 + 1;
        let mut best: Option<(f64, usize)> = None;
        // The least overlap any compatible size needs (it grows with the size).
        let least = Self::overlap_needed(na, smallest.max(1));
        for (pa, w) in a[..Self::prefix(na)].iter().enumerate() {
            if na - pa < least {
                break;
            }
            self.lookups.fetch_add(1, Relaxed);
            let Some(list) = self.postings.get(w) else {
                continue;
            };
            // The entries of earlier prompts: the list is in the order they were added.
            let earlier = list.partition_point(|e| (e.0 as usize) < i);
            self.visited.fetch_add(earlier, Relaxed);
            for &(j, nb, pb, sig) in &list[..earlier] {
                let (j, nb, pb) = (j as usize, nb as usize, pb as usize);
                if nb < smallest || nb > largest || met[j] == stamp {
                    continue;
                }
                let need = needs[nb - smallest];
                if 1 + (na - pa - 1).min(nb - pb - 1) < need {
                    continue;
                }
                // A bit of this prompt's signature missing from the other's stands for at
                // least one word it lacks: a one-instruction bound first, then the count.
                if na < need + (own & !sig).count_ones() as usize {
                    continue;
                }
                let absent = bits.iter().filter(|&&b| b & sig == 0).count();
                if na - absent < need {
                    continue;
                }
                met[j] = stamp;
                self.compared.fetch_add(1, Relaxed);
                let s = jaccard(a, &self.sets[j]);
                if s >= SIMILAR_PROMPT
                    && best.is_none_or(|(bs, bj)| s.total_cmp(&bs).then(j.cmp(&bj)).is_gt())
                {
                    best = Some((s, j));
                }
            }
        }
        best.map(|(_, j)| j)
    }
}

/// The distinct words of a folded prompt key, sorted.
fn distinct_words(key: &str) -> Vec<&str> {
    let mut w: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    w.sort_unstable();
    w.dedup();
    w
}

/// |a ∩ b| / |a ∪ b| of two sorted sets, in [0, 1]; 0 for two empty sets.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obviously right search the index replaces.
    fn brute_force(keys: &[String]) -> Vec<Option<usize>> {
        let sets: Vec<Vec<&str>> = keys.iter().map(|k| distinct_words(k)).collect();
        let j = |a: &[&str], b: &[&str]| {
            let both = a.iter().filter(|w| b.contains(w)).count();
            both as f64 / (a.len() + b.len() - both) as f64
        };
        (0..sets.len())
            .map(|i| {
                (0..i)
                    .map(|k| (j(&sets[i], &sets[k]), k))
                    .filter(|(s, _)| *s >= SIMILAR_PROMPT)
                    .max_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                    .map(|(_, k)| k)
            })
            .collect()
    }

    /// The quadratic lint must not come back: 5,000 realistic prompts (a Zipf-like
    /// vocabulary of 5,000 words, 15 words each) need a few comparisons each, not the
    /// 12.5 million of every pair.
    #[test]
    fn realistic_prompts_are_compared_with_few_others() {
        let cumulative: Vec<f64> = (0..5000)
            .scan(0.0, |acc, k| {
                *acc += 1.0 / (k + 1) as f64;
                Some(*acc)
            })
            .collect();
        let total = cumulative[4999];
        let mut state = 3u64;
        let mut draw = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64 * total;
            cumulative.partition_point(|&c| c < u)
        };
        let n = 5000;
        let keys: Vec<String> = (0..n)
            .map(|_| {
                (0..15)
                    .map(|_| format!("w{}", draw()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut index = SimilarIndex::new(&keys);
        let mut met = index.met();
        for i in 0..n {
            index.most_similar_earlier(i, &mut met);
            index.add(i);
        }
        let (compared, visited) = (index.compared.into_inner(), index.visited.into_inner());
        eprintln!("{compared} comparisons, {visited} postings visited for {n} prompts");
        assert!(compared < 10 * n, "{compared} comparisons for {n} prompts");
        assert!(
            visited < 10 * n,
            "{visited} postings visited for {n} prompts"
        );
    }

    /// Long prompts (a paragraph, a snippet of code) cost one lookup per prefix word: 200
    /// distinct prompts of 400 words made about 1.3 million lookups each when the key held
    /// the size and the position.
    #[test]
    fn long_prompts_cost_one_lookup_per_prefix_word() {
        let n = 200;
        let keys: Vec<String> = (0..n)
            .map(|i| {
                (0..400)
                    .map(|j| format!("w{i}x{j}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut index = SimilarIndex::new(&keys);
        let mut met = index.met();
        for i in 0..n {
            assert_eq!(index.most_similar_earlier(i, &mut met), None);
            index.add(i);
        }
        // A prefix of 81 words (400 − 320 + 1), at most.
        let lookups = index.lookups.into_inner();
        assert!(lookups <= n * 81, "{lookups} lookups for {n} prompts");
        assert_eq!(index.compared.into_inner(), 0);
    }

    #[test]
    fn the_index_finds_what_comparing_every_pair_finds() {
        // Prompts from a small vocabulary, so that many pairs are near the threshold.
        let vocab = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        let mut state = 7u64;
        let mut keys: Vec<String> = (0..1500)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let n = 6 + (state >> 59) as usize % 10;
                let mut word = state;
                (0..n)
                    .map(|_| {
                        word = word
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        vocab[((word >> 33) % vocab.len() as u64) as usize]
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        // Exact repeats, and words repeated inside a prompt.
        keys.extend_from_within(100..140);
        keys.push("a a b c d e f g".into());
        let mut index = SimilarIndex::new(&keys);
        let mut met = index.met();
        let mut found = Vec::new();
        for i in 0..keys.len() {
            found.push(index.most_similar_earlier(i, &mut met));
            index.add(i);
        }
        let expected = brute_force(&keys);
        assert!(expected.iter().filter(|e| e.is_some()).count() > 20);
        assert_eq!(found, expected);
        // Indexed whole first, then probed on every core in chunks (as the lint does):
        // the same findings, and no posting of a later prompt visited.
        let visited = index.visited.swap(0, Relaxed);
        assert_eq!(index.probe_all(|_| true), expected);
        assert_eq!(index.visited.into_inner(), visited);
    }
}
