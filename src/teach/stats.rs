//! What a set of banks holds: counts per area, topic, difficulty, kind and roadmap step.

use crate::bank::{Catalog, Difficulty, Question};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AreaCount {
    pub area: String,
    pub title: String,
    pub questions: usize,
}

/// One row of the topic × difficulty matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TopicStats {
    pub topic: String,
    pub title: String,
    pub area: String,
    pub step: u8,
    pub questions: usize,
    pub easy: usize,
    pub medium: usize,
    pub hard: usize,
    /// Practice topics hold self-ratings and need no minimum.
    pub self_rated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct KindCount {
    pub kind: String,
    pub questions: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StepCount {
    pub step: u8,
    pub title: String,
    pub questions: usize,
}

/// Counts for the questions of some banks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BankStats {
    /// The bank names counted.
    pub banks: Vec<String>,
    pub questions: usize,
    pub areas: Vec<AreaCount>,
    pub topics: Vec<TopicStats>,
    pub kinds: Vec<KindCount>,
    pub steps: Vec<StepCount>,
    /// The minimum number of questions a graded topic should have.
    pub min: usize,
    /// Graded topics with fewer than `min` questions, in catalog order.
    pub below_min: Vec<String>,
}

/// Counts the questions that come from `files` (every loaded question when `None`).
///
/// A topic is counted when a counted question uses it or one of `files` defines it, so
/// a topic defined but still empty shows with 0 questions.
pub fn bank_stats(cat: &Catalog, files: Option<&[String]>, min: usize) -> BankStats {
    let wanted = |file: &str| files.is_none_or(|f| f.iter().any(|x| x == file));
    let qs: Vec<&Question> = cat
        .questions
        .iter()
        .filter(|q| wanted(&q.origin.file))
        .collect();
    let self_rated = |area: &str| cat.area(area).is_some_and(|a| a.self_rated);
    let topics: Vec<TopicStats> = cat
        .topics
        .iter()
        .filter(|t| wanted(&t.origin.file) || qs.iter().any(|q| q.topic == t.id))
        .map(|t| {
            let count = |d: Option<Difficulty>| {
                qs.iter()
                    .filter(|q| q.topic == t.id && d.is_none_or(|d| q.difficulty == d))
                    .count()
            };
            TopicStats {
                topic: t.id.clone(),
                title: t.title.clone(),
                area: t.area.clone(),
                step: t.step,
                questions: count(None),
                easy: count(Some(Difficulty::Easy)),
                medium: count(Some(Difficulty::Medium)),
                hard: count(Some(Difficulty::Hard)),
                self_rated: self_rated(&t.area),
            }
        })
        .collect();
    let areas = cat
        .areas
        .iter()
        .filter(|a| topics.iter().any(|t| t.area == a.id))
        .map(|a| AreaCount {
            area: a.id.clone(),
            title: a.title.clone(),
            questions: qs.iter().filter(|q| q.area == a.id).count(),
        })
        .collect();
    let mut kinds: Vec<KindCount> = Vec::new();
    for q in &qs {
        match kinds.iter_mut().find(|k| k.kind == q.kind.name()) {
            Some(k) => k.questions += 1,
            None => kinds.push(KindCount {
                kind: q.kind.name().into(),
                questions: 1,
            }),
        }
    }
    let steps = cat
        .steps
        .iter()
        .map(|s| StepCount {
            step: s.number,
            title: s.title.clone(),
            questions: qs
                .iter()
                .filter(|q| cat.topic(&q.topic).is_some_and(|t| t.step == s.number))
                .count(),
        })
        .collect();
    let below_min = topics
        .iter()
        .filter(|t| !t.self_rated && t.questions < min)
        .map(|t| t.topic.clone())
        .collect();
    let mut banks: Vec<String> = Vec::new();
    for q in &qs {
        let name = &cat.banks[q.bank].name;
        if !banks.contains(name) {
            banks.push(name.clone());
        }
    }
    BankStats {
        banks,
        questions: qs.len(),
        areas,
        topics,
        kinds,
        steps,
        min,
        below_min,
    }
}
