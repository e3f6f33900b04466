//! One attempt's responses → a scorecard: score, count and level per topic and per area
//! (levels from mean scores, see [`crate::learner::level`]), and each area's EAP ability.
//!
//! A skipped question counts as answered with score 0 ("I don't know"); questions never
//! reached (the quiz ended early) do not count.

use crate::bank::Catalog;
use crate::evidence::Response;
use crate::irt::{Estimate, Grid, Posterior, item_of};
use crate::learner::level::{Level, MIN_AREA_EVIDENCE, MIN_TOPIC_EVIDENCE};
use serde::{Deserialize, Serialize};

/// Totals for one topic or area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    /// Topic or area id.
    pub id: String,
    /// Mean score in [0, 1]; `None` when nothing was answered.
    pub score: Option<f64>,
    pub answered: usize,
    pub correct: usize,
    pub level: Level,
    /// Ids of questions not fully right (skips included), in the order asked.
    pub missed: Vec<String>,
    /// Areas only: the EAP ability (logits) and its standard error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theta: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
}

impl Stat {
    fn new(id: &str, rs: &[&Response], min: usize) -> Stat {
        let answered = rs.len();
        let total: f64 = rs.iter().map(|r| r.score).sum();
        let score = (answered > 0).then(|| total / answered as f64);
        Stat {
            id: id.to_string(),
            score,
            answered,
            correct: rs.iter().filter(|r| r.correct).count(),
            level: Level::of(score.unwrap_or(0.0), answered, min),
            missed: rs
                .iter()
                .filter(|r| !r.correct)
                .map(|r| r.id.clone())
                .collect(),
            theta: None,
            se: None,
        }
    }
}

/// The per-topic and per-area picture of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// Areas with at least one graded answer, in catalog order.
    pub areas: Vec<Stat>,
    /// Topics with at least one graded answer, in catalog order.
    pub topics: Vec<Stat>,
    /// Self-rated practice topics: mean rating score in [0, 1] ((rating − 1) / 4).
    pub practice: Vec<Stat>,
    pub responses: Vec<Response>,
}

fn of<'r>(pool: &[&'r Response], keep: impl Fn(&Response) -> bool) -> Vec<&'r Response> {
    pool.iter().copied().filter(|r| keep(r)).collect()
}

impl Scorecard {
    pub fn new(catalog: &Catalog, responses: &[Response]) -> Scorecard {
        let graded: Vec<&Response> = responses.iter().filter(|r| r.graded).collect();
        // A skipped self-rating says nothing about the practice, so it is left out.
        let rated: Vec<&Response> = responses
            .iter()
            .filter(|r| !r.graded && !r.skipped())
            // Pretest answers are not self-ratings either.
            .filter(|r| !catalog.question(&r.id).is_some_and(|q| q.pretest))
            .collect();
        let areas = catalog
            .areas
            .iter()
            .map(|a| Stat::new(&a.id, &of(&graded, |r| r.area == a.id), MIN_AREA_EVIDENCE))
            .filter(|s| s.answered > 0)
            .map(|mut s| {
                // Ability only for the areas that are reported.
                let est = area_ability(catalog, responses, &s.id);
                (s.theta, s.se) = (Some(est.theta), Some(est.se));
                s
            })
            .collect();
        let topics = catalog
            .topics
            .iter()
            .map(|t| Stat::new(&t.id, &of(&graded, |r| r.topic == t.id), MIN_TOPIC_EVIDENCE))
            .filter(|s| s.answered > 0)
            .collect();
        let practice = catalog
            .topics
            .iter()
            .map(|t| Stat::new(&t.id, &of(&rated, |r| r.topic == t.id), 1))
            .filter(|s| s.answered > 0)
            .collect();
        Scorecard {
            areas,
            topics,
            practice,
            responses: responses.to_vec(),
        }
    }

    /// Gives each area the level of its ability rather than of its mean score (for
    /// adaptive quizzes, where each person gets questions of different difficulty).
    pub fn use_ability_levels(&mut self) {
        for a in &mut self.areas {
            if let Some(theta) = a.theta {
                a.level = crate::learner::level::level_of_theta(theta, a.answered);
            }
        }
    }

    /// Graded answers, skips included.
    pub fn questions_answered(&self) -> usize {
        self.responses.iter().filter(|r| r.graded).count()
    }

    /// The overall mean score of graded answers, if any.
    pub fn overall(&self) -> Option<f64> {
        let n = self.questions_answered();
        (n > 0).then(|| {
            self.responses
                .iter()
                .filter(|r| r.graded)
                .map(|r| r.score)
                .sum::<f64>()
                / n as f64
        })
    }

    pub fn topic(&self, id: &str) -> Option<&Stat> {
        self.topics.iter().find(|s| s.id == id)
    }

    pub fn area(&self, id: &str) -> Option<&Stat> {
        self.areas.iter().find(|s| s.id == id)
    }
}

/// The EAP ability of `area` from the graded responses to its questions that the catalog
/// knows.
pub fn area_ability(catalog: &Catalog, responses: &[Response], area: &str) -> Estimate {
    let mut post = Posterior::new(&Grid::default());
    for r in responses.iter().filter(|r| r.graded && r.area == area) {
        if let Some(q) = catalog.question(&r.id) {
            post.update(&item_of(q), r.correct);
        }
    }
    post.estimate()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Answer;

    fn resp(id: &str, topic: &str, score: f64) -> Response {
        Response {
            id: id.into(),
            topic: topic.into(),
            area: topic.split('.').next().unwrap().into(),
            answer: Answer::Skip,
            score,
            correct: score == 1.0,
            graded: true,
            order: vec![],
            seconds: 0.0,
            certainty: None,
        }
    }

    #[test]
    fn levels_follow_documented_thresholds() {
        assert_eq!(Level::of(0.75, 2, 2), Level::Strong);
        assert_eq!(Level::of(0.7499, 2, 2), Level::Developing);
        assert_eq!(Level::of(0.5, 2, 2), Level::Developing);
        assert_eq!(Level::of(0.49, 2, 2), Level::Weak);
        assert_eq!(Level::of(1.0, 1, 2), Level::NotEnoughEvidence);
    }

    #[test]
    fn scorecard_groups_by_topic_and_area() {
        let cat = Catalog::builtin().unwrap();
        let rs = vec![
            resp("a", "maths.probability", 1.0),
            resp("b", "maths.probability", 0.0),
            resp("c", "maths.statistics", 1.0),
            resp("d", "programming.python", 0.5),
        ];
        let sc = Scorecard::new(&cat, &rs);
        let p = sc.topic("maths.probability").unwrap();
        assert_eq!((p.answered, p.correct, p.score), (2, 1, Some(0.5)));
        assert_eq!(p.level, Level::Developing);
        assert_eq!(p.missed, vec!["b".to_string()]);
        let m = sc.area("maths").unwrap();
        assert_eq!(m.answered, 3);
        assert!((m.score.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(m.level, Level::Developing);
        assert_eq!(
            sc.area("programming").unwrap().level,
            Level::NotEnoughEvidence
        );
        assert!(sc.area("tooling").is_none());
        assert!((sc.overall().unwrap() - 2.5 / 4.0).abs() < 1e-12);
    }
}
