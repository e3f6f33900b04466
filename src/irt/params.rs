//! Item parameters for a bank question: the ones written in the bank, else a mapping
//! from its difficulty level and kind.
//!
//! The mapping (also in docs/irt.md):
//!
//! | difficulty | b    |
//! |------------|------|
//! | easy       | −1.0 |
//! | medium     |  0.0 |
//! | hard       | +1.0 |
//!
//! with `a = 1` and `d = 1` for every question, and a guessing floor `c` from the kind:
//! `1/k` for a single choice with `k` choices, `1/2` for true/false, and 0 for the kinds
//! where blind guessing is hopeless (multiple select, numeric, short text). Written
//! parameters `(a, b, c)` always win.

use super::model::Item;
use crate::bank::{Difficulty, Kind, Question};

/// The difficulty `b` the mapping gives a level.
pub fn difficulty_b(level: Difficulty) -> f64 {
    match level {
        Difficulty::Easy => -1.0,
        Difficulty::Medium => 0.0,
        Difficulty::Hard => 1.0,
    }
}

/// The guessing floor `c` the mapping gives a kind of question.
pub fn guessing_c(kind: &Kind) -> f64 {
    match kind {
        Kind::SingleChoice { choices, .. } if choices.len() > 1 => 1.0 / choices.len() as f64,
        Kind::TrueFalse { .. } => 0.5,
        _ => 0.0,
    }
}

/// The item parameters of `question` (see the module docs for the mapping).
pub fn item_of(question: &Question) -> Item {
    match question.params {
        Some(p) => Item {
            a: p.a,
            b: p.b,
            c: p.c,
            d: 1.0,
        },
        None => Item {
            a: 1.0,
            b: difficulty_b(question.difficulty),
            c: guessing_c(&question.kind),
            d: 1.0,
        },
    }
}
