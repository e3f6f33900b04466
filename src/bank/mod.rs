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
mod similar;
mod snapshot;
pub(crate) mod source;

pub use diagnostic::{BankErrors, Diagnostic, Problem, Severity};
pub use lint::{MIN_QUESTIONS_PER_TOPIC, lint};
pub use load::{CatalogBuilder, valid_id};
pub use model::*;
pub use source::{BUILTIN_BANKS, BUILTIN_ROADMAP, Locator, MAX_FILE_BYTES, Source};

#[cfg(test)]
mod sizes {
    /// A loaded bank keeps a choice for every choice of every question, raw while it is
    /// read and checked after: a choice's rare resource is boxed, so a choice is its two
    /// texts and a pointer (it was 104 bytes with the resource inline).
    #[test]
    fn a_choice_is_two_texts_and_a_pointer() {
        use std::mem::size_of;
        assert_eq!(size_of::<super::model::Choice>(), 7 * size_of::<usize>());
        assert_eq!(size_of::<super::raw::RawChoice>(), 7 * size_of::<usize>());
    }
}
