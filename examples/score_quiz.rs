//! Library use without the CLI: load the built-in banks, run a short maths quiz whose
//! answers come from code, score it and print the plan.
//!
//! cargo run --example score_quiz

use skillquiz::{Answer, Catalog, Kind, Learner, Quiz, QuizSpec, Scorecard, recommend};

fn main() {
    let catalog = Catalog::builtin().expect("the built-in banks are valid");
    let spec = QuizSpec {
        areas: vec!["maths".into()],
        count: 8,
        ..QuizSpec::default()
    };
    let mut quiz = Quiz::new(&catalog, &spec, 42).expect("maths has questions");
    // A learner who knows true/false and numeric questions but guesses choice A elsewhere.
    while let Some(item) = quiz.current() {
        let answer = match &item.question.kind {
            Kind::TrueFalse { answer } => Answer::Bool(*answer),
            Kind::Numeric { answer, .. } => Answer::Number(*answer),
            Kind::SingleChoice { .. } => Answer::Choice(item.order[0]),
            Kind::MultipleSelect { .. } => Answer::Choices(vec![item.order[0]]),
            _ => Answer::Skip,
        };
        quiz.answer(answer, 0.0);
    }
    let scorecard = Scorecard::new(&catalog, quiz.responses());
    for area in &scorecard.areas {
        println!(
            "{}: {:.0}% over {} answers ({})",
            area.id,
            100.0 * area.score.unwrap_or(0.0),
            area.answered,
            area.level.as_str()
        );
    }
    // The learner model of this one quiz (the CLI adds every earlier quiz from history).
    let learner = Learner::from_responses(&catalog, quiz.responses(), 0);
    for rec in recommend(&catalog, &learner) {
        println!("Step {}: {}", rec.step, rec.title);
        for entry in &rec.entries {
            let first = entry.resources.first().map_or("", |r| r.url.as_str());
            let sure = 100.0 * entry.probability.unwrap_or(0.0);
            println!(
                "  {} ({}, {sure:.0}% sure) -> {first}",
                entry.title,
                entry.level.as_str()
            );
        }
    }
}
