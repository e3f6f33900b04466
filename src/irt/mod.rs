//! Item response theory and computerized adaptive testing (CAT).
//!
//! Pure maths in small pieces, one role each (as in catsim): [`model`] (probability and
//! information), [`params`] (a question's item parameters), [`estimate`] (EAP ability and
//! standard error), [`select`] (maximum information, exposure control, content balancing),
//! [`stop`] (standard error, level bands, budget); [`cat`] puts them together for one
//! ability, starting at a fixed θ (0 by default).

pub mod calibrate;
pub mod cat;
pub mod estimate;
pub mod model;
pub mod params;
pub mod select;
pub mod stop;

pub use cat::Cat;
pub use estimate::{Curves, Estimate, Grid, Posterior, eap, eap_of, mle};
pub use model::{Item, ItemError, information, log_likelihood, logistic, probability};
pub use params::{difficulty_b, guessing_c, item_of};
pub use select::{
    Index, Method, Pool, Selector, behind_topic, order_by_discrimination, top_by_information,
};
pub use stop::{StopReason, StopRule, inside_one_band};
