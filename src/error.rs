//! The crate's error type: one variant per layer, each carrying what a person needs to act.

use crate::bank::BankErrors;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One or more bank or roadmap files are invalid.
    #[error(transparent)]
    Bank(#[from] BankErrors),
    /// The quiz could not be set up as asked.
    #[error(transparent)]
    Quiz(#[from] crate::quiz::QuizError),
    /// A saved result could not be read back.
    #[error(transparent)]
    Result(#[from] crate::report::ResultError),
}
