//! What a set of banks holds: counts per area, topic, difficulty, kind and roadmap step.

use crate::bank::{Catalog, Difficulty, Question};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

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
    // One pass over the questions, then look-ups: linear in the catalog's size.
    let files: Option<HashSet<&str>> = files.map(|f| f.iter().map(String::as_str).collect());
    let wanted = |file: &str| files.as_ref().is_none_or(|f| f.contains(file));
    let qs: Vec<&Question> = cat
        .questions
        .iter()
        .filter(|q| wanted(&q.origin.file))
        .collect();
    // Per topic: questions by difficulty (easy, medium, hard).
    let mut per_topic: HashMap<&str, [usize; 3]> = HashMap::new();
    let mut per_area: HashMap<&str, usize> = HashMap::new();
    let mut per_step: HashMap<u8, usize> = HashMap::new();
    for q in &qs {
        let d = match q.difficulty {
            Difficulty::Easy => 0,
            Difficulty::Medium => 1,
            Difficulty::Hard => 2,
        };
        per_topic.entry(q.topic.as_ref()).or_default()[d] += 1;
        *per_area.entry(q.area.as_ref()).or_default() += 1;
        if let Some(t) = cat.topic(&q.topic) {
            *per_step.entry(t.step).or_default() += 1;
        }
    }
    let self_rated = |area: &str| cat.area(area).is_some_and(|a| a.self_rated);
    let topics: Vec<TopicStats> = cat
        .topics
        .iter()
        .filter(|t| wanted(&t.origin.file) || per_topic.contains_key(t.id.as_str()))
        .map(|t| {
            let [easy, medium, hard] = per_topic.get(t.id.as_str()).copied().unwrap_or_default();
            TopicStats {
                topic: t.id.clone(),
                title: t.title.to_string(),
                area: t.area.clone(),
                step: t.step,
                questions: easy + medium + hard,
                easy,
                medium,
                hard,
                self_rated: self_rated(&t.area),
            }
        })
        .collect();
    let topic_areas: HashSet<&str> = topics.iter().map(|t| t.area.as_str()).collect();
    let areas = cat
        .areas
        .iter()
        .filter(|a| topic_areas.contains(a.id.as_str()))
        .map(|a| AreaCount {
            area: a.id.clone(),
            title: a.title.clone(),
            questions: per_area.get(a.id.as_str()).copied().unwrap_or(0),
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
            title: s.title.to_string(),
            questions: per_step.get(&s.number).copied().unwrap_or(0),
        })
        .collect();
    let below_min = topics
        .iter()
        .filter(|t| !t.self_rated && t.questions < min)
        .map(|t| t.topic.clone())
        .collect();
    // Bank names in the order their first question comes.
    let mut seen_banks: HashSet<&str> = HashSet::new();
    let mut banks: Vec<String> = Vec::new();
    for q in &qs {
        let name = cat.banks[q.bank].name.as_str();
        if seen_banks.insert(name) {
            banks.push(name.to_string());
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
