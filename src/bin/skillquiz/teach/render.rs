//! What the teacher commands print.

use crate::render::{Theme, clean};
use skillquiz::BankStats;
use std::fmt::Write as _;

pub fn stats(t: &Theme, s: &BankStats) -> String {
    let mut o = String::new();
    let banks = if s.banks.is_empty() {
        "no banks".to_string()
    } else {
        s.banks
            .iter()
            .map(|b| clean(b))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        o,
        "{} {} questions in {banks}",
        t.bold("Bank statistics:"),
        s.questions
    );
    let _ = writeln!(o, "\n{}", t.bold("Questions per area"));
    for a in &s.areas {
        let _ = writeln!(o, "  {:<40} {:>5}", clean(&a.area), a.questions);
    }
    let _ = writeln!(o, "\n{}", t.bold("Questions per topic and difficulty"));
    let _ = writeln!(
        o,
        "  {:<40} {:>5} {:>5} {:>5} {:>6}  step",
        "topic", "easy", "med.", "hard", "total"
    );
    for tp in &s.topics {
        let flag = if !tp.self_rated && tp.questions < s.min {
            t.warn(" thin")
        } else {
            String::new()
        };
        let _ = writeln!(
            o,
            "  {:<40} {:>5} {:>5} {:>5} {:>6}  {}{flag}",
            clean(&tp.topic),
            tp.easy,
            tp.medium,
            tp.hard,
            tp.questions,
            tp.step
        );
    }
    let _ = writeln!(o, "\n{}", t.bold("Kinds used"));
    for k in &s.kinds {
        let _ = writeln!(o, "  {:<40} {:>5}", k.kind, k.questions);
    }
    let _ = writeln!(o, "\n{}", t.bold("Questions per roadmap step"));
    for st in &s.steps {
        let _ = writeln!(
            o,
            "  {:<48} {:>5}",
            format!("{}. {}", st.step, clean(&st.title)),
            st.questions
        );
    }
    if s.below_min.is_empty() {
        let _ = writeln!(o, "\nEvery graded topic has at least {} questions.", s.min);
    } else {
        let _ = writeln!(
            o,
            "\n{} {} topic(s) below {} questions: {}",
            t.warn("Thin:"),
            s.below_min.len(),
            s.min,
            s.below_min.join(", ")
        );
    }
    o
}
