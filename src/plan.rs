//! Learner model + roadmap → next steps.
//!
//! Every answered topic whose most likely level is weak or developing becomes a plan entry
//! (the model borrows strength across an area, so one answer is enough to place a topic,
//! with an honest probability), grouped by roadmap step, foundations first, least likely
//! to be strong first within a step. Each entry carries one to three resources: first
//! those attached to the wrong choices the learner picked (they name the misconception),
//! then the missed questions' own, then the topic's. When every knowledge area answered is
//! strong, the plan turns to the practice steps 4–7, using the self-ratings.

use crate::bank::{Catalog, Resource};
use crate::evidence::{Answer, Response};
use crate::learner::Learner;
use crate::learner::level::{Level, STRONG};
use crate::learner::model::Verdict;
use crate::learner::scorecard::{Scorecard, Stat};
use serde::{Deserialize, Serialize};

/// At most this many resources per plan entry.
pub const RESOURCES_PER_ENTRY: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub kind: String,
}

impl From<&Resource> for Link {
    fn from(r: &Resource) -> Self {
        Link {
            title: r.title.to_string(),
            url: r.url.to_string(),
            kind: r.kind.as_str().to_string(),
        }
    }
}

/// One topic to work on, with the evidence and where to learn it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub topic: String,
    pub title: String,
    /// The learner model's most likely level (practice topics: not enough evidence).
    pub level: Level,
    /// How sure the model is of `level`; `None` for practice topics.
    pub probability: Option<f64>,
    /// The model's probability that the topic is strong; `None` for practice topics.
    pub strong_probability: Option<f64>,
    /// Mean score over the recent answers (practice: the self-rating as (r − 1) / 4).
    pub score: Option<f64>,
    /// Graded answers behind the verdict, all time (practice: ratings given).
    pub answered: usize,
    /// Of which fully right.
    #[serde(default)]
    pub correct: usize,
    /// Ids of the questions missed in this topic in recent attempts.
    pub missed: Vec<String>,
    /// Of those, the ones answered wrong at certainty 3: the strongest sign of a
    /// misconception; such entries come first in the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confidently_wrong: Vec<String>,
    /// The feedback of the wrong choices picked with certainty 3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub misconceptions: Vec<String>,
    /// True for practice (self-rated) topics, whose score is the self-rating.
    pub self_rated: bool,
    pub resources: Vec<Link>,
}

/// The plan for one roadmap step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub step: u8,
    pub title: String,
    /// Topic ids, in the order of `entries`.
    pub topics: Vec<String>,
    pub entries: Vec<PlanEntry>,
    /// Every entry's resources, without repeats.
    pub resources: Vec<Link>,
}

/// Builds the plan from what is known about the learner. Topics the catalog does not know
/// are left out.
pub fn recommend(catalog: &Catalog, learner: &Learner) -> Vec<Recommendation> {
    let scorecard = Scorecard::new(catalog, &learner.responses);
    let verdicts = learner.model.verdicts();
    let mut entries: Vec<(u8, PlanEntry)> = Vec::new();
    let mut any_area = false;
    let mut all_strong = true;
    for (area, v) in &verdicts {
        if v.area.answered == 0 {
            continue;
        }
        any_area = true;
        all_strong &= v.area.level == Level::Strong;
        let Some(model) = learner.model.area(area) else {
            continue;
        };
        for (topic, tv) in model.topics.iter().zip(&v.topics) {
            if tv.answered == 0 || tv.level == Level::Strong {
                continue;
            }
            if let Some(e) = entry(catalog, &scorecard, topic, Some(tv)) {
                entries.push(e);
            }
        }
    }
    if entries.is_empty() && any_area && all_strong {
        for t in catalog
            .topics
            .iter()
            .filter(|t| catalog.area(&t.area).is_some_and(|a| a.self_rated))
        {
            let rated = scorecard.practice.iter().find(|s| s.id == t.id);
            if rated.and_then(|s| s.score).is_none_or(|x| x < STRONG)
                && let Some(e) = entry(catalog, &scorecard, &t.id, None)
            {
                entries.push(e);
            }
        }
    }
    // Confidently wrong answers first (they show a misconception); then foundations
    // first, and within a step the least likely to be strong first.
    let key = |e: &PlanEntry| {
        e.strong_probability
            .unwrap_or_else(|| e.score.unwrap_or(0.0))
    };
    entries.sort_by(|(sa, a), (sb, b)| {
        a.confidently_wrong
            .is_empty()
            .cmp(&b.confidently_wrong.is_empty())
            .then(sa.cmp(sb))
            .then(key(a).total_cmp(&key(b)))
    });
    let mut out: Vec<Recommendation> = Vec::new();
    for (step, e) in entries {
        if out.last().is_none_or(|r| r.step != step) {
            out.push(Recommendation {
                step,
                title: catalog
                    .step(step)
                    .map(|s| s.title.to_string())
                    .unwrap_or_default(),
                topics: Vec::new(),
                entries: Vec::new(),
                resources: Vec::new(),
            });
        }
        let rec = out.last_mut().expect("pushed above");
        rec.topics.push(e.topic.clone());
        for l in &e.resources {
            if !rec.resources.iter().any(|x| x.url == l.url) {
                rec.resources.push(l.clone());
            }
        }
        rec.entries.push(e);
    }
    out
}

/// The plan entry for `topic`: a knowledge topic with its verdict, or a practice topic
/// (`verdict` is `None`) with its self-rating.
fn entry(
    catalog: &Catalog,
    scorecard: &Scorecard,
    topic: &str,
    verdict: Option<&Verdict>,
) -> Option<(u8, PlanEntry)> {
    let topic = catalog.topic(topic)?;
    let mut links: Vec<Link> = Vec::new();
    let mut add = |r: &Resource| {
        if links.len() < RESOURCES_PER_ENTRY && !links.iter().any(|l| l.url == r.url) {
            links.push(Link::from(r));
        }
    };
    let missed: Vec<&Response> = scorecard
        .responses
        .iter()
        .filter(|r| r.topic == topic.id && r.graded && !r.correct)
        .collect();
    for r in &missed {
        let Some(q) = catalog.question(&r.id) else {
            continue;
        };
        let picked: Vec<usize> = match &r.answer {
            Answer::Choice(c) => vec![*c],
            Answer::Choices(cs) => cs.clone(),
            _ => Vec::new(),
        };
        if let Some(choices) = q.kind.choices() {
            for p in picked {
                if let Some(res) = choices.get(p).and_then(|c| c.resource.as_deref()) {
                    add(res);
                }
            }
        }
    }
    for r in &missed {
        if let Some(q) = catalog.question(&r.id) {
            q.resources.iter().for_each(&mut add);
        }
    }
    topic.resources.iter().for_each(&mut add);
    let stat: Option<&Stat> = match verdict {
        Some(_) => scorecard.topic(&topic.id),
        None => scorecard.practice.iter().find(|s| s.id == topic.id),
    };
    let mut missed_ids: Vec<String> = Vec::new();
    let mut confidently_wrong: Vec<String> = Vec::new();
    let mut misconceptions: Vec<String> = Vec::new();
    for r in &missed {
        if !missed_ids.contains(&r.id) {
            missed_ids.push(r.id.clone());
        }
        if r.certainty == Some(3) && r.score == 0.0 && !r.skipped() {
            if !confidently_wrong.contains(&r.id) {
                confidently_wrong.push(r.id.clone());
            }
            let picked: Vec<usize> = match &r.answer {
                Answer::Choice(c) => vec![*c],
                Answer::Choices(cs) => cs.clone(),
                _ => Vec::new(),
            };
            if let Some(choices) = catalog.question(&r.id).and_then(|q| q.kind.choices()) {
                for f in picked
                    .iter()
                    .filter_map(|p| choices.get(*p)?.feedback.as_deref().map(str::to_string))
                {
                    if !misconceptions.contains(&f) {
                        misconceptions.push(f);
                    }
                }
            }
        }
    }
    Some((
        topic.step,
        PlanEntry {
            topic: topic.id.clone(),
            title: topic.title.to_string(),
            level: verdict.map_or(Level::NotEnoughEvidence, |v| v.level),
            probability: verdict.map(|v| v.probability),
            strong_probability: verdict.map(|v| v.probabilities[2]),
            score: stat.and_then(|s| s.score),
            answered: verdict.map_or_else(|| stat.map_or(0, |s| s.answered), |v| v.answered),
            correct: verdict.map_or(0, |v| v.correct),
            missed: missed_ids,
            confidently_wrong,
            misconceptions,
            self_rated: verdict.is_none(),
            resources: links,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers to the first `n` questions of `topic`, each right or wrong as `right` says;
    /// a practice topic gets one self-rating with score `right[0]`-style (1 = 5/5).
    fn answers(cat: &Catalog, topic: &str, right: &[bool]) -> Vec<Response> {
        cat.questions_in_topic(topic)
            .zip(right)
            .map(|(q, &ok)| Response {
                id: q.id.to_string(),
                topic: q.topic.to_string(),
                area: q.area.to_string(),
                answer: Answer::Skip,
                score: if ok { 1.0 } else { 0.0 },
                correct: ok,
                graded: true,
                order: vec![],
                seconds: 0.0,
                certainty: None,
            })
            .collect()
    }

    fn rating(cat: &Catalog, topic: &str, rating: u8) -> Response {
        let q = cat.questions_in_topic(topic).next().unwrap();
        Response {
            id: q.id.to_string(),
            topic: q.topic.to_string(),
            area: q.area.to_string(),
            answer: Answer::Rating(rating),
            score: f64::from(rating - 1) / 4.0,
            correct: false,
            graded: false,
            order: vec![],
            seconds: 0.0,
            certainty: None,
        }
    }

    fn plan(cat: &Catalog, rs: &[Response]) -> Vec<Recommendation> {
        recommend(cat, &Learner::from_responses(cat, rs, 0))
    }

    #[test]
    fn weak_topics_map_to_their_steps_foundations_first() {
        let cat = Catalog::builtin().unwrap();
        let mut rs = answers(&cat, "ml_fundamentals.evaluation", &[false; 4]);
        rs.extend(answers(
            &cat,
            "maths.probability",
            &[false, false, false, true],
        ));
        rs.extend(answers(&cat, "maths.statistics", &[true; 20]));
        rs.extend(answers(&cat, "maths.linear_algebra", &[true; 20]));
        let plan = plan(&cat, &rs);
        let steps: Vec<u8> = plan.iter().map(|r| r.step).collect();
        assert_eq!(steps, vec![1, 2]);
        // Every question of statistics and linear algebra right: strong, not in the plan.
        assert_eq!(plan[0].topics, vec!["maths.probability"]);
        assert_ne!(plan[0].entries[0].level, Level::Strong);
        assert_eq!(plan[1].topics, vec!["ml_fundamentals.evaluation"]);
        assert_eq!(plan[1].entries[0].level, Level::Weak);
        assert_eq!(plan[1].entries[0].answered, 4);
        assert_eq!(plan[1].entries[0].missed.len(), 4);
        for rec in &plan {
            for e in &rec.entries {
                assert!((1..=RESOURCES_PER_ENTRY).contains(&e.resources.len()));
                assert!(e.resources.iter().all(|l| l.url.starts_with("https://")));
                assert!(
                    e.probability
                        .is_some_and(|p| (1.0 / 3.0..=1.0).contains(&p))
                );
            }
        }
    }

    #[test]
    fn one_missed_question_places_its_topic_with_an_honest_probability() {
        let cat = Catalog::builtin().unwrap();
        let mut rs = answers(&cat, "tooling.pandas", &[false]);
        rs.extend(answers(&cat, "tooling.numpy", &[true]));
        let plan = plan(&cat, &rs);
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].step, 3);
        let e = &plan[0].entries[0];
        assert_eq!(e.topic, "tooling.pandas");
        // One answer is not much: the verdict is far from settled.
        assert!(e.probability.unwrap() < 0.9, "{:?}", e.probability);
    }

    #[test]
    fn all_strong_moves_the_plan_to_practice_steps() {
        let cat = Catalog::builtin().unwrap();
        let mut rs = Vec::new();
        for t in cat.topics_of("maths") {
            rs.extend(answers(&cat, &t.id, &[true; 8]));
        }
        rs.push(rating(&cat, "practice.portfolio", 2));
        rs.push(rating(&cat, "practice.networking", 5));
        let plan = plan(&cat, &rs);
        let steps: Vec<u8> = plan.iter().map(|r| r.step).collect();
        // Portfolio (4) rated low; education (5) and staying current (7) not rated;
        // networking (6) rated 5/5 so it is left out.
        assert_eq!(steps, vec![4, 5, 7]);
        assert!(plan.iter().all(|r| r.entries.iter().all(|e| e.self_rated)));
        assert_eq!(plan[0].entries[0].score, Some(0.25));
    }

    #[test]
    fn nothing_answered_gives_no_plan() {
        let cat = Catalog::builtin().unwrap();
        assert!(plan(&cat, &[]).is_empty());
    }
}
