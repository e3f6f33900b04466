//! Related questions (one answers the other) never meet in one quiz, fixed or adaptive.

mod common;

use common::fixture;
use skillquiz::{AdaptiveSpec, Answer, Quiz, QuizSpec};
use skillquiz::{Catalog, CatalogBuilder};
use std::collections::HashSet;

/// Every question a quiz asks, answering each right or wrong by the seed, to the end.
fn asked(cat: &Catalog, spec: &QuizSpec, seed: u64) -> Vec<usize> {
    let mut quiz = Quiz::new(cat, spec, seed).expect("a quiz");
    let mut out = Vec::new();
    let mut k = seed;
    while let Some(item) = quiz.current() {
        let index = cat
            .questions
            .iter()
            .position(|q| q.id == item.question.id)
            .unwrap();
        out.push(index);
        // A cheap varied pattern of right and wrong answers.
        k = k
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let answer = match &item.question.kind {
            skillquiz::Kind::TrueFalse { answer } => Answer::Bool(*answer == (k >> 63 == 0)),
            _ => Answer::Skip,
        };
        quiz.answer(answer, 1.0);
    }
    out
}

fn assert_no_related_pair(cat: &Catalog, questions: &[usize], what: &str) {
    let set: HashSet<usize> = questions.iter().copied().collect();
    for &q in questions {
        for r in cat.related(q) {
            assert!(
                !set.contains(r),
                "{what}: `{}` and `{}` are related but were both asked",
                cat.questions[q].id,
                cat.questions[*r].id
            );
        }
    }
}

fn related_fixture() -> Catalog {
    CatalogBuilder::roadmap_only()
        .add_path(&fixture("good/related.ron"))
        .build()
        .expect("the fixture loads")
}

#[test]
fn the_relation_is_symmetric_and_resolved() {
    let cat = related_fixture();
    let a = cat
        .questions
        .iter()
        .position(|q| q.id == "rel.a.q3")
        .unwrap();
    let b = cat
        .questions
        .iter()
        .position(|q| q.id == "rel.b.q3")
        .unwrap();
    assert_eq!(cat.related(a), [b]);
    assert_eq!(cat.related(b), [a]);
}

#[test]
fn a_fixed_form_takes_one_of_each_pair_and_still_fills_its_count() {
    let cat = related_fixture();
    for seed in 0..300 {
        let spec = QuizSpec {
            count: 8,
            adaptive: None,
            ..QuizSpec::default()
        };
        let asked = asked(&cat, &spec, seed);
        assert_eq!(asked.len(), 8, "seed {seed}");
        assert_no_related_pair(&cat, &asked, &format!("fixed, seed {seed}"));
    }
}

#[test]
fn an_adaptive_quiz_never_asks_a_related_question() {
    let cat = related_fixture();
    for seed in 0..300 {
        let spec = QuizSpec {
            count: 16,
            adaptive: Some(AdaptiveSpec::default()),
            ..QuizSpec::default()
        };
        let asked = asked(&cat, &spec, seed);
        assert!(asked.len() <= 8, "seed {seed}: {} asked", asked.len());
        assert_no_related_pair(&cat, &asked, &format!("adaptive, seed {seed}"));
    }
}

#[test]
fn built_in_quizzes_never_hold_a_related_pair() {
    let cat = Catalog::builtin().unwrap();
    let pairs: usize = (0..cat.questions.len())
        .map(|i| cat.related(i).len())
        .sum::<usize>()
        / 2;
    assert!(
        pairs >= 18,
        "the built-in banks declare only {pairs} related pairs"
    );
    for seed in 0..300 {
        for (count, adaptive) in [(20, None), (40, None), (20, Some(AdaptiveSpec::default()))] {
            let spec = QuizSpec {
                count,
                adaptive: adaptive.clone(),
                ..QuizSpec::default()
            };
            let asked = asked(&cat, &spec, seed);
            assert_no_related_pair(&cat, &asked, &format!("{count}, seed {seed}"));
        }
    }
}
