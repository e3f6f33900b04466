//! Question banks and the roadmap: the RON format, loading (which is validation) and lints.

mod builtin;
pub mod cues;
mod diagnostic;
pub mod giveaway;
mod lint;
mod load;
mod model;
pub(crate) mod outline;
pub mod raw;
mod snapshot;
pub(crate) mod source;

pub use diagnostic::{BankErrors, Diagnostic, Problem, Severity};
pub use lint::{MIN_QUESTIONS_PER_TOPIC, lint};
pub use load::{CatalogBuilder, valid_id};
pub use model::*;
pub use source::{BUILTIN_BANKS, BUILTIN_ROADMAP, Locator, MAX_FILE_BYTES, Source};
