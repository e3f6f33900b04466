//! Scorecard + roadmap → next steps.
//!
//! Weak and developing topics (and topics with too little evidence where the one or two
//! questions asked were missed) become plan entries, grouped by roadmap step, foundations
//! first, weakest first within a step. Each entry carries one to three resources: first
//! those attached to the wrong choices the learner picked (they name the misconception),
//! then the missed questions' own, then the topic's. When every knowledge area answered is
//! strong, the plan turns to the practice steps 4–7, using the self-ratings.

use crate::bank::{Catalog, Resource};
use crate::evidence::{Answer, Response};
use crate::learner::level::{DEVELOPING, Level, STRONG};
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
            title: r.title.clone(),
            url: r.url.clone(),
            kind: r.kind.as_str().to_string(),
        }
    }
}

/// One topic to work on, with the evidence and where to learn it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub topic: String,
    pub title: String,
    pub level: Level,
    pub score: Option<f64>,
    pub answered: usize,
    /// Ids of the questions missed in this topic.
    pub missed: Vec<String>,
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

/// Builds the plan. Topics the catalog does not know are left out.
pub fn recommend(catalog: &Catalog, scorecard: &Scorecard) -> Vec<Recommendation> {
    let needs_work = |s: &Stat| match s.level {
        Level::Weak | Level::Developing => true,
        Level::NotEnoughEvidence => s.score.is_some_and(|x| x < DEVELOPING),
        Level::Strong => false,
    };
    let mut entries: Vec<(u8, PlanEntry)> = scorecard
        .topics
        .iter()
        .filter(|s| needs_work(s))
        .filter_map(|s| entry(catalog, scorecard, s, false))
        .collect();

    let all_strong = !scorecard.areas.is_empty()
        && scorecard
            .areas
            .iter()
            .all(|a| !matches!(a.level, Level::Weak | Level::Developing))
        && scorecard.areas.iter().any(|a| a.level == Level::Strong);
    if entries.is_empty() && all_strong {
        for t in catalog
            .topics
            .iter()
            .filter(|t| catalog.area(&t.area).is_some_and(|a| a.self_rated))
        {
            let stat = scorecard
                .practice
                .iter()
                .find(|s| s.id == t.id)
                .cloned()
                .unwrap_or(Stat {
                    id: t.id.clone(),
                    score: None,
                    answered: 0,
                    correct: 0,
                    level: Level::NotEnoughEvidence,
                    missed: Vec::new(),
                    theta: None,
                    se: None,
                });
            if stat.score.is_none_or(|x| x < STRONG)
                && let Some(e) = entry(catalog, scorecard, &stat, true)
            {
                entries.push(e);
            }
        }
    }

    entries.sort_by(|(sa, a), (sb, b)| {
        sa.cmp(sb)
            .then(a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)))
    });
    let mut out: Vec<Recommendation> = Vec::new();
    for (step, e) in entries {
        if out.last().is_none_or(|r| r.step != step) {
            out.push(Recommendation {
                step,
                title: catalog
                    .step(step)
                    .map(|s| s.title.clone())
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

fn entry(
    catalog: &Catalog,
    scorecard: &Scorecard,
    stat: &Stat,
    self_rated: bool,
) -> Option<(u8, PlanEntry)> {
    let topic = catalog.topic(&stat.id)?;
    let mut links: Vec<Link> = Vec::new();
    let mut add = |r: &Resource| {
        if links.len() < RESOURCES_PER_ENTRY && !links.iter().any(|l| l.url == r.url) {
            links.push(Link::from(r));
        }
    };
    let missed: Vec<&Response> = scorecard
        .responses
        .iter()
        .filter(|r| r.topic == stat.id && r.graded && !r.correct)
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
                if let Some(res) = choices.get(p).and_then(|c| c.resource.as_ref()) {
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
    Some((
        topic.step,
        PlanEntry {
            topic: topic.id.clone(),
            title: topic.title.clone(),
            level: stat.level,
            score: stat.score,
            answered: stat.answered,
            missed: stat.missed.clone(),
            self_rated,
            resources: links,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(topic: &str, score: f64, graded: bool) -> Response {
        Response {
            id: format!("{topic}.q{score}"),
            topic: topic.into(),
            area: topic.split('.').next().unwrap().into(),
            answer: if graded {
                Answer::Skip
            } else {
                Answer::Rating(1 + (score * 4.0) as u8)
            },
            score,
            correct: score == 1.0,
            graded,
            order: vec![],
            seconds: 0.0,
        }
    }

    #[test]
    fn weak_topics_map_to_their_steps_foundations_first() {
        let cat = Catalog::builtin().unwrap();
        let rs = vec![
            resp("ml_fundamentals.evaluation", 0.0, true),
            resp("ml_fundamentals.evaluation", 0.0, true),
            resp("maths.probability", 1.0, true),
            resp("maths.probability", 0.0, true),
            resp("maths.statistics", 1.0, true),
            resp("maths.statistics", 1.0, true),
        ];
        let plan = recommend(&cat, &Scorecard::new(&cat, &rs));
        let steps: Vec<u8> = plan.iter().map(|r| r.step).collect();
        assert_eq!(steps, vec![1, 2]);
        assert_eq!(plan[0].topics, vec!["maths.probability"]);
        assert_eq!(plan[0].entries[0].level, Level::Developing);
        assert_eq!(plan[1].topics, vec!["ml_fundamentals.evaluation"]);
        assert_eq!(plan[1].entries[0].level, Level::Weak);
        for rec in &plan {
            for e in &rec.entries {
                assert!((1..=RESOURCES_PER_ENTRY).contains(&e.resources.len()));
                assert!(e.resources.iter().all(|l| l.url.starts_with("https://")));
            }
        }
    }

    #[test]
    fn one_missed_question_is_flagged_with_little_evidence() {
        let cat = Catalog::builtin().unwrap();
        let rs = vec![
            resp("tooling.pandas", 0.0, true),
            resp("tooling.numpy", 1.0, true),
        ];
        let plan = recommend(&cat, &Scorecard::new(&cat, &rs));
        assert_eq!(plan.len(), 1);
        assert_eq!(plan[0].step, 3);
        assert_eq!(plan[0].entries[0].topic, "tooling.pandas");
        assert_eq!(plan[0].entries[0].level, Level::NotEnoughEvidence);
    }

    #[test]
    fn all_strong_moves_the_plan_to_practice_steps() {
        let cat = Catalog::builtin().unwrap();
        let mut rs: Vec<Response> = (0..3)
            .map(|_| resp("maths.statistics", 1.0, true))
            .collect();
        rs.push(resp("practice.portfolio", 0.25, false)); // rated 2/5
        rs.push(resp("practice.networking", 1.0, false)); // rated 5/5
        let plan = recommend(&cat, &Scorecard::new(&cat, &rs));
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
        assert!(recommend(&cat, &Scorecard::new(&cat, &[])).is_empty());
    }
}
