//! What is known about a learner: levels and their cut points ([`level`]), the per-attempt
//! scorecard ([`scorecard`]), and the model that combines every attempt in history into a
//! verdict per area and topic with how sure it is ([`model`]).

pub mod level;
pub mod model;
pub mod scorecard;
