//! Which questions a quiz may ask: checking the request, the fixed form (areas and topics
//! covered evenly, difficulty spread), and the practice self-ratings.

use super::QuizError;
use crate::bank::{Catalog, Difficulty, Question};
use rand::Rng;
use rand::RngExt;
use rand::seq::SliceRandom;

/// Checks the areas, topics and count a quiz asks for.
pub fn check(catalog: &Catalog, spec: &super::QuizSpec) -> Result<(), QuizError> {
    if spec.count == 0 {
        return Err(QuizError::ZeroCount);
    }
    for a in &spec.areas {
        if catalog.area(a).is_none() {
            return Err(QuizError::UnknownArea {
                area: a.clone(),
                known: catalog.areas.iter().map(|a| a.id.clone()).collect(),
                suggestion: closest(catalog.areas.iter().map(|x| x.id.as_str()), a),
            });
        }
    }
    for t in &spec.topics {
        if catalog.topic(t).is_none() {
            return Err(QuizError::UnknownTopic {
                topic: t.clone(),
                suggestion: closest(catalog.topics.iter().map(|x| x.id.as_str()), t),
            });
        }
    }
    Ok(())
}

/// The known id most like `typed` (Jaro–Winkler above 0.8), for "did you mean".
fn closest<'a>(known: impl Iterator<Item = &'a str>, typed: &str) -> Option<String> {
    known
        .map(|id| (strsim::jaro_winkler(id, typed), id))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, id)| id.to_string())
}

fn unfiltered(spec: &super::QuizSpec) -> bool {
    spec.areas.is_empty() && spec.topics.is_empty()
}

fn chosen(spec: &super::QuizSpec, q: &Question) -> bool {
    unfiltered(spec)
        || spec.areas.iter().any(|a| *a == q.area)
        || spec.topics.iter().any(|t| *t == q.topic)
}

/// Every graded question the spec allows (catalog indices, catalog order).
pub fn eligible(catalog: &Catalog, spec: &super::QuizSpec) -> Vec<usize> {
    catalog
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind.is_graded() && !q.pretest && chosen(spec, q))
        .filter(|(_, q)| catalog.area(&q.area).is_some_and(|a| !a.self_rated))
        .map(|(i, _)| i)
        .collect()
}

/// Every pretest question the spec allows (catalog indices, catalog order).
pub fn pretest(catalog: &Catalog, spec: &super::QuizSpec) -> Vec<usize> {
    catalog
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind.is_graded() && q.pretest && chosen(spec, q))
        .filter(|(_, q)| catalog.area(&q.area).is_some_and(|a| !a.self_rated))
        .map(|(i, _)| i)
        .collect()
}

/// A fixed form of `spec.count` graded questions: areas and their topics covered evenly,
/// difficulty spread; grouped by area (catalog order), easiest first within an area.
pub fn fixed<R: Rng>(catalog: &Catalog, spec: &super::QuizSpec, rng: &mut R) -> Vec<usize> {
    let pool = eligible(catalog, spec);
    // Graded questions: areas → topics → questions.
    let mut areas: Vec<Vec<Vec<usize>>> = Vec::new();
    for area in catalog.areas.iter().filter(|a| !a.self_rated) {
        let topics: Vec<Vec<usize>> = catalog
            .topics_of(&area.id)
            .map(|t| {
                pool.iter()
                    .copied()
                    .filter(|&i| catalog.questions[i].topic == t.id)
                    .collect::<Vec<_>>()
            })
            .filter(|qs| !qs.is_empty())
            .collect();
        if !topics.is_empty() {
            areas.push(topics);
        }
    }
    let mut out = Vec::new();
    // A question taken blocks its related questions for the rest of the quiz.
    let mut blocked = vec![false; catalog.questions.len()];
    let area_sizes: Vec<usize> = areas.iter().map(|t| t.iter().map(Vec::len).sum()).collect();
    let area_quota = spread(spec.count, &area_sizes, rng);
    let mut per_area: Vec<Vec<usize>> = Vec::new();
    for (topics, quota) in areas.iter().zip(area_quota) {
        let sizes: Vec<usize> = topics.iter().map(Vec::len).collect();
        let mut picked: Vec<usize> = Vec::new();
        for (qs, n) in topics.iter().zip(spread(quota, &sizes, rng)) {
            picked.extend(by_difficulty(catalog, qs, n, &mut blocked, rng));
        }
        per_area.push(picked);
    }
    // Related questions left out may leave the form short: top it up from what is left,
    // area by area, so the count holds whenever the pool allows it.
    let mut missing = spec
        .count
        .saturating_sub(per_area.iter().map(Vec::len).sum());
    for (topics, picked) in areas.iter().zip(&mut per_area) {
        if missing == 0 {
            break;
        }
        let rest: Vec<usize> = topics
            .iter()
            .flatten()
            .copied()
            .filter(|&i| !blocked[i])
            .collect();
        let more = by_difficulty(catalog, &rest, missing, &mut blocked, rng);
        missing -= more.len();
        picked.extend(more);
    }
    for mut picked in per_area {
        picked.sort_by_key(|&i| catalog.questions[i].difficulty);
        out.extend(picked);
    }
    out
}

/// The practice self-ratings to ask at the end: everything in an explicitly chosen
/// practice area or topic (up to the count); with no filter, one item per practice topic.
pub fn practice<R: Rng>(catalog: &Catalog, spec: &super::QuizSpec, rng: &mut R) -> Vec<usize> {
    let mut per_topic: Vec<Vec<usize>> = Vec::new();
    for area in catalog.areas.iter().filter(|a| a.self_rated) {
        for t in catalog.topics_of(&area.id) {
            let mut qs: Vec<usize> = catalog
                .questions
                .iter()
                .enumerate()
                .filter(|(_, q)| q.topic == t.id && chosen(spec, q))
                .map(|(i, _)| i)
                .collect();
            qs.shuffle(rng);
            if unfiltered(spec) {
                qs.truncate(1);
            }
            if !qs.is_empty() {
                per_topic.push(qs);
            }
        }
    }
    // Round robin over the topics, so that a count smaller than the checklist still
    // reaches every topic; grouped by topic again for asking.
    let limit = if unfiltered(spec) {
        usize::MAX
    } else {
        spec.count
    };
    let mut taken = vec![0; per_topic.len()];
    let mut n = 0;
    while n < limit && taken.iter().zip(&per_topic).any(|(k, qs)| *k < qs.len()) {
        for (k, qs) in taken.iter_mut().zip(&per_topic) {
            if n < limit && *k < qs.len() {
                *k += 1;
                n += 1;
            }
        }
    }
    per_topic
        .iter()
        .zip(&taken)
        .flat_map(|(qs, &k)| qs[..k].iter().copied())
        .collect()
}

/// Shares `total` among groups as evenly as their sizes allow: one at a time, round
/// robin from a random start, skipping full groups.
pub fn spread<R: Rng>(total: usize, sizes: &[usize], rng: &mut R) -> Vec<usize> {
    let mut counts = vec![0; sizes.len()];
    if sizes.is_empty() {
        return counts;
    }
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.shuffle(rng);
    let mut left = total.min(sizes.iter().sum());
    while left > 0 {
        for &g in &order {
            if left > 0 && counts[g] < sizes[g] {
                counts[g] += 1;
                left -= 1;
            }
        }
    }
    counts
}

/// Picks `n` of `questions` that are not `blocked`, cycling medium, easy, hard so the
/// levels are spread; each pick blocks itself and its related questions.
fn by_difficulty<R: Rng>(
    catalog: &Catalog,
    questions: &[usize],
    n: usize,
    blocked: &mut [bool],
    rng: &mut R,
) -> Vec<usize> {
    let mut buckets: Vec<Vec<usize>> = [Difficulty::Medium, Difficulty::Easy, Difficulty::Hard]
        .iter()
        .map(|d| {
            let mut b: Vec<usize> = questions
                .iter()
                .copied()
                .filter(|&i| catalog.questions[i].difficulty == *d)
                .collect();
            b.shuffle(rng);
            b
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    let start = rng.random_range(0..buckets.len());
    let mut k = start;
    while out.len() < n && buckets.iter().any(|b| !b.is_empty()) {
        if let Some(i) = buckets[k % 3].pop()
            && !blocked[i]
        {
            blocked[i] = true;
            for &r in catalog.related(i) {
                blocked[r] = true;
            }
            out.push(i);
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn spread_is_even_and_respects_sizes() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(spread(6, &[10, 10, 10], &mut rng), vec![2, 2, 2]);
        let c = spread(10, &[1, 10, 10], &mut rng);
        assert_eq!(c[0], 1);
        assert_eq!(c.iter().sum::<usize>(), 10);
        assert!(c[1].abs_diff(c[2]) <= 1);
        assert_eq!(spread(100, &[2, 3], &mut rng), vec![2, 3]);
    }
}
