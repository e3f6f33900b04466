//! What is known about a learner: levels and their cut points ([`level`]), the per-attempt
//! scorecard ([`scorecard`]), and the model that combines every attempt in history into a
//! verdict per area and topic with how sure it is ([`model`]).

pub mod level;
pub mod model;
pub mod scorecard;

use crate::bank::Catalog;
use crate::evidence::Response;
use model::{Evidence, LearnerModel};

/// Everything known about a learner, as the report and the plan use it: the model of all
/// graded answers, and the recent responses the plan draws resources and self-ratings from.
#[derive(Debug, Clone)]
pub struct Learner {
    pub model: LearnerModel,
    /// Responses of recent attempts (self-ratings included), oldest first.
    pub responses: Vec<Response>,
    /// Attempts behind the model.
    pub attempts: usize,
}

impl Learner {
    /// A learner known only from `responses`, all given at time `now` (no history, or a
    /// saved result).
    pub fn from_responses(catalog: &Catalog, responses: &[Response], now: i64) -> Learner {
        let timed: Vec<(Response, i64)> = responses.iter().map(|r| (r.clone(), now)).collect();
        Learner::from_timed(catalog, &timed, now)
    }

    /// A learner known only from one attempt's responses, each with the time it was given
    /// (Unix seconds), read at `now`.
    pub fn from_timed(catalog: &Catalog, responses: &[(Response, i64)], now: i64) -> Learner {
        let evidence: Vec<Evidence> = responses
            .iter()
            .filter(|(r, _)| r.graded)
            .map(|(r, at)| Evidence {
                question: r.id.clone(),
                correct: r.correct,
                at: *at,
            })
            .collect();
        Learner {
            model: LearnerModel::new(catalog, &evidence, now),
            responses: responses.iter().map(|(r, _)| r.clone()).collect(),
            attempts: 1,
        }
    }
}
