//! Writes a class's saved results, for the `analyze` figures in BENCHMARKS.md.
//!
//! cargo run --release --example class_results -- DIR [STUDENTS] [QUESTIONS]
//!
//! Every student takes the same fixed form of the built-in banks (20 questions by
//! default, as `take --mode fixed --seed 42`), answers it through the real `Quiz` (the
//! right answer with a probability rising with a made-up ability, otherwise a wrong choice
//! or a skip), and the result is written as `take --json` writes it, one file per student.
//! Seeded, so the same arguments give the same files.

use rand::{RngExt, SeedableRng};
use skillquiz::{
    Answer, AttemptFacts, Catalog, Difficulty, Ended, Kind, Learner, Mode, Quiz, QuizResult,
    QuizSpec,
};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: class_results DIR [STUDENTS] [QUESTIONS]");
    let students: usize = args.next().map_or(10_000, |a| a.parse().expect("a number"));
    let count: usize = args.next().map_or(20, |a| a.parse().expect("a number"));
    let dir = std::path::Path::new(&dir);
    std::fs::create_dir_all(dir).expect("a writable directory");
    let catalog = Catalog::builtin().expect("the built-in banks are valid");
    let spec = QuizSpec {
        areas: vec![
            "maths".into(),
            "programming".into(),
            "ml_fundamentals".into(),
        ],
        count,
        adaptive: None,
        ..QuizSpec::default()
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    for s in 0..students {
        let mut quiz = Quiz::new(&catalog, &spec, 42).expect("the form has questions");
        let ability: f64 = rng.random::<f64>() * 4.0 - 2.0;
        while let Some(item) = quiz.current() {
            let q = item.question;
            let b = q.params.map_or(
                match q.difficulty {
                    Difficulty::Easy => -1.0,
                    Difficulty::Medium => 0.0,
                    Difficulty::Hard => 1.0,
                },
                |p| p.b,
            );
            let p_right = 1.0 / (1.0 + (-(ability - b)).exp());
            let right = rng.random::<f64>() < p_right;
            let skip = !right && rng.random::<f64>() < 0.1;
            let answer = if skip {
                Answer::Skip
            } else {
                answer_for(&q.kind, right, &mut rng)
            };
            quiz.answer(answer, 12.0);
        }
        let responses = quiz.responses().to_vec();
        let learner = Learner::from_responses(&catalog, &responses, 0);
        let result = QuizResult::new(
            &catalog,
            &responses,
            AttemptFacts {
                seed: 42,
                mode: Mode::Fixed,
                ended: Ended::Completed,
                asked: responses.len(),
            },
            &learner,
        );
        let json = serde_json::to_string_pretty(&result).expect("a result serialises");
        std::fs::write(dir.join(format!("student{s:05}.json")), json).expect("written");
    }
    println!(
        "{students} results of {count} questions in {}",
        dir.display()
    );
}

/// A right answer, or a wrong one of the same kind.
fn answer_for(kind: &Kind, right: bool, rng: &mut impl RngExt) -> Answer {
    match kind {
        Kind::SingleChoice {
            choices, answer, ..
        } => {
            if right {
                Answer::Choice(*answer)
            } else {
                let wrong: Vec<usize> = (0..choices.len()).filter(|i| i != answer).collect();
                Answer::Choice(wrong[rng.random_range(0..wrong.len())])
            }
        }
        Kind::MultipleSelect {
            choices, answers, ..
        } => {
            if right {
                Answer::Choices(answers.clone())
            } else {
                // One key missed, or one distractor added: partial credit.
                let mut picked = answers.clone();
                if picked.len() > 1 && rng.random::<bool>() {
                    picked.pop();
                } else if let Some(d) = (0..choices.len()).find(|i| !answers.contains(i)) {
                    picked.push(d);
                }
                Answer::Choices(picked)
            }
        }
        Kind::TrueFalse { answer } => Answer::Bool(if right { *answer } else { !answer }),
        Kind::Numeric { answer, .. } => Answer::Number(if right { *answer } else { answer + 1e6 }),
        Kind::ShortText { accepted, .. } => Answer::Text(if right {
            accepted[0].clone()
        } else {
            "no idea".into()
        }),
        _ => Answer::Skip,
    }
}
