//! The shipped banks are part of the product: this checks them as an editor would.

use skillquiz::{BUILTIN_BANKS, Catalog, Difficulty, Kind, fold_text, lint};
use std::collections::{BTreeMap, HashMap};

const KNOWLEDGE_AREAS: [&str; 5] = [
    "maths",
    "programming",
    "ml_fundamentals",
    "tooling",
    "deployment",
];
const MIN_PER_AREA: usize = 80;
/// Enough for retakes, spaced review and adaptive selection to stay fresh for weeks.
const MIN_PER_TOPIC: usize = 20;
const MIN_LEVEL_SHARE: f64 = 0.20;

fn catalog() -> Catalog {
    Catalog::builtin().expect("the built-in banks load")
}

#[test]
fn every_shipped_bank_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("question_banks");
    let mut shipped: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ron") && n != "roadmap.ron")
        .collect();
    shipped.sort();
    let mut embedded: Vec<String> = BUILTIN_BANKS.iter().map(|(n, _)| n.to_string()).collect();
    embedded.sort();
    assert_eq!(shipped, embedded);
}

#[test]
fn shipped_banks_have_no_lint_warnings() {
    let cat = catalog();
    let warnings = lint(&cat, None);
    let text: Vec<String> = warnings.iter().map(|d| d.to_string()).collect();
    assert!(warnings.is_empty(), "{}", text.join("\n"));
}

#[test]
fn areas_and_topics_have_enough_questions() {
    let cat = catalog();
    let mut problems = Vec::new();
    for area in KNOWLEDGE_AREAS {
        let n = cat.questions.iter().filter(|q| q.area == area).count();
        if n < MIN_PER_AREA {
            problems.push(format!(
                "area {area} has {n} questions (needs {MIN_PER_AREA})"
            ));
        }
    }
    for t in &cat.topics {
        let n = cat.questions_in_topic(&t.id).count();
        if n < MIN_PER_TOPIC {
            problems.push(format!(
                "topic {} has {n} questions (needs {MIN_PER_TOPIC})",
                t.id
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn difficulty_is_spread_in_every_area() {
    let cat = catalog();
    let mut problems = Vec::new();
    for area in KNOWLEDGE_AREAS.iter().chain(&["practice"]) {
        let qs: Vec<_> = cat.questions.iter().filter(|q| q.area == *area).collect();
        for level in Difficulty::ALL {
            let share =
                qs.iter().filter(|q| q.difficulty == level).count() as f64 / qs.len().max(1) as f64;
            if share < MIN_LEVEL_SHARE {
                problems.push(format!(
                    "{area}: {} is {:.0}% of the questions",
                    level.as_str(),
                    share * 100.0
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// About 30/40/30 easy/medium/hard in every topic, so an adaptive quiz finds a question
/// near any learner's level in each.
#[test]
fn difficulty_is_spread_in_every_topic() {
    let cat = catalog();
    let mut problems = Vec::new();
    for t in &cat.topics {
        let qs: Vec<_> = cat.questions_in_topic(&t.id).collect();
        for level in Difficulty::ALL {
            let share =
                qs.iter().filter(|q| q.difficulty == level).count() as f64 / qs.len().max(1) as f64;
            if !(0.2..=0.5).contains(&share) {
                problems.push(format!(
                    "{}: {} is {:.0}% of the questions",
                    t.id,
                    level.as_str(),
                    share * 100.0
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every choice question has feedback on at least one wrong choice (the most tempting).
#[test]
fn choice_questions_explain_a_tempting_wrong_choice() {
    let cat = catalog();
    let missing: Vec<&str> = cat
        .questions
        .iter()
        .filter(|q| match &q.kind {
            Kind::SingleChoice {
                choices, answer, ..
            } => !choices
                .iter()
                .enumerate()
                .any(|(i, c)| i != *answer && c.feedback.is_some()),
            Kind::MultipleSelect {
                choices, answers, ..
            } => !choices
                .iter()
                .enumerate()
                .any(|(i, c)| !answers.contains(&i) && c.feedback.is_some()),
            _ => false,
        })
        .map(|q| q.id.as_ref())
        .collect();
    assert!(
        missing.is_empty(),
        "no feedback on a wrong choice: {missing:?}"
    );
}

#[test]
fn every_question_teaches_and_is_namespaced() {
    let cat = catalog();
    let mut problems = Vec::new();
    for q in &cat.questions {
        if q.kind.is_graded() && q.explanation.trim().len() < 40 {
            problems.push(format!(
                "{}: explanation missing or too short to teach",
                q.id
            ));
        }
        if !q.id.starts_with(&format!("{}.", q.area)) {
            problems.push(format!(
                "{}: id not namespaced by its area {}",
                q.id, q.area
            ));
        }
        let urls = q.resources.iter().chain(
            q.kind
                .choices()
                .into_iter()
                .flatten()
                .filter_map(|c| c.resource.as_deref()),
        );
        for r in urls {
            if !r.url.starts_with("https://") {
                problems.push(format!("{}: {} is not https", q.id, r.url));
            }
        }
    }
    for t in &cat.topics {
        if t.resources.is_empty() || t.resources.len() > 3 {
            problems.push(format!(
                "topic {} has {} resources (wants 1 to 3)",
                t.id,
                t.resources.len()
            ));
        }
    }
    for s in &cat.steps {
        if s.resources.is_empty() {
            problems.push(format!("step {} has no resources", s.number));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_two_prompts_are_alike() {
    let cat = catalog();
    let mut seen: HashMap<String, &str> = HashMap::new();
    let mut problems = Vec::new();
    for q in &cat.questions {
        let text = format!("{} {}", q.prompt, q.code.as_deref().unwrap_or(""));
        let key = fold_text(
            &text
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect::<String>(),
        );
        if let Some(other) = seen.insert(key, &q.id) {
            problems.push(format!("{} and {} have the same prompt", other, q.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn kinds_are_used_where_they_fit() {
    let cat = catalog();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &cat.questions {
        *kinds.entry(q.kind.name()).or_default() += 1;
    }
    for k in [
        "single_choice",
        "multiple_select",
        "true_false",
        "numeric",
        "short_text",
        "self_rating",
    ] {
        assert!(
            kinds.get(k).copied().unwrap_or(0) >= 5,
            "too few {k}: {kinds:?}"
        );
    }
    // Maths has numeric questions; practice is all self-rating.
    let numeric_maths = cat
        .questions
        .iter()
        .filter(|q| q.area == "maths" && matches!(q.kind, Kind::Numeric { .. }))
        .count();
    assert!(
        numeric_maths >= 10,
        "maths has {numeric_maths} numeric questions"
    );
    assert!(
        cat.questions
            .iter()
            .filter(|q| q.area == "practice")
            .all(|q| matches!(q.kind, Kind::SelfRating))
    );
}

#[test]
fn the_right_choice_is_not_always_in_the_same_place() {
    // Choices are shuffled when shown, but a bank that always keys the first choice is a
    // sign of careless authoring and breaks quizzes exported with fixed order.
    let cat = catalog();
    for area in KNOWLEDGE_AREAS {
        let mut positions: BTreeMap<usize, usize> = BTreeMap::new();
        for q in cat.questions.iter().filter(|q| q.area == area) {
            if let Kind::SingleChoice { answer, .. } = q.kind {
                *positions.entry(answer).or_default() += 1;
            }
        }
        let total: usize = positions.values().sum();
        let most = positions.values().max().copied().unwrap_or(0);
        assert!(
            total < 10 || (most as f64) < 0.6 * total as f64,
            "{area}: right answers by position {positions:?}"
        );
    }
}

/// Code is shown as written behind a 6-column gutter and never wrapped, so every line of a
/// snippet must fit 80 columns with it.
#[test]
fn code_snippets_fit_an_80_column_terminal() {
    let cat = catalog();
    let long: Vec<String> = cat
        .questions
        .iter()
        .filter_map(|q| Some((q, q.code.as_ref()?)))
        .flat_map(|(q, code)| {
            code.lines()
                .filter(|l| l.chars().count() > 74)
                .map(|l| format!("{}: {l}", q.id))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(long.is_empty(), "{}", long.join("\n"));
}
