//! Near-duplicate prompts: for each prompt, the most similar earlier prompt with a Jaccard
//! index |A ∩ B| / |A ∪ B| of at least [`SIMILAR_PROMPT`] over their distinct words, found
//! without comparing every pair. The findings are exactly those of comparing every pair.
//!
//! The method is a similarity join with prefix filters (AllPairs, PPJoin), in three steps.
//!
//! - Words are numbered rarest first and each prompt's words sorted by number. Two sets
//!   with J ≥ t share at least α = ⌈t / (1 + t) · (|A| + |B|)⌉ words, and the first k words
//!   they share lie in the first |A| − α + k words of A and the first |B| − α + k of B (the
//!   k-prefixes): any later word of A leaves fewer than α − k shared words after it.
//! - Prompts with the same words are one group, searched once; each prompt of a group but
//!   the first is answered by the one before it (J = 1). 20,000 copies of one prompt are
//!   one search, not 200 million comparisons.
//! - Groups are taken by size, smallest first, and each is compared with the smaller or
//!   equal ones before it (so every pair is met once, by its larger set). Against a
//!   smaller set B, A needs α ≥ t·|A| and B needs α ≥ 2t / (1 + t) · |B|: a group is
//!   indexed by its shorter prefix (|B| − ⌈2t / (1 + t) · |B|⌉ + k words) and probes with
//!   its longer one. A prompt of up to [`PAIRS_UP_TO`] words is indexed and probes by
//!   pairs of prefix words (k = 2), which any two distinct similar sets have (they share
//!   at least 4 words when t = 0.8): from a vocabulary of 5,000 words, a word is in about
//!   one prefix in a thousand, a pair in about one in a million, so a probe meets a few
//!   other prompts however many there are. Longer prompts (a paragraph, a snippet of code)
//!   would have too many pairs: they are indexed and probe by single words (k = 1), and the
//!   sizes from ⌈t · (PAIRS_UP_TO + 1)⌉ up are indexed both ways, so that each pair of
//!   compatible sizes meets in one of the two.
//!
//! A candidate is then passed over without reading its words when what the two could
//! share is below α: its size (the index is in size order, so incompatible sizes are not
//! visited), the words of A after the key's last word, and a 64-bit signature of each
//! prompt's words (one bit per word, by hash: a word of A whose bit is not in B's
//! signature is not in B).

use super::lint::SIMILAR_PROMPT;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::hash::BuildHasher;

/// Prompts of at most this many distinct words are indexed by pairs of prefix words.
pub const PAIRS_UP_TO: usize = 32;

// Two distinct sets with J > 1/2 share at least two words, which pairs need.
const _: () = assert!(SIMILAR_PROMPT > 0.5 && SIMILAR_PROMPT <= 1.0);

/// What a search cost: the tests count it, to keep it near-linear.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Lookups in the index.
    pub lookups: usize,
    /// Index entries visited: what the index exists to keep small.
    pub visited: usize,
    /// Pairs of prompts whose Jaccard index was computed.
    pub compared: usize,
}

impl std::ops::AddAssign for Cost {
    fn add_assign(&mut self, o: Cost) {
        self.lookups += o.lookups;
        self.visited += o.visited;
        self.compared += o.compared;
    }
}

/// The prompts' words, grouped and indexed; [`SimilarIndex::most_similar_earlier`] searches.
pub struct SimilarIndex {
    /// Each prompt's distinct words as numbers, rarest first.
    sets: Sets,
    /// The prompts searched (at least the minimum of words), by size, then by their words
    /// (by a hash of them first), then by position: a group (the prompts with the same
    /// words) is a run, earliest first.
    order: Vec<u32>,
    /// Where each group starts in `order`, then `order.len()`. A group's number is its
    /// rank in size order.
    starts: Vec<u32>,
    /// The index: entries by bucket of their key, then key, then group (so by size).
    entries: Vec<Entry>,
    /// Bucket b holds `entries[dir[b]..dir[b + 1]]`.
    dir: Vec<u32>,
    /// log2 of the number of buckets.
    bucket_bits: u32,
}

/// Every prompt's distinct words, one prompt after the other: one allocation, not one
/// per prompt (a million small ones to make, free and consolidate at 1,000,000 questions).
struct Sets {
    words: Vec<u32>,
    /// Where each prompt's words end in `words`.
    ends: Vec<usize>,
}

impl Sets {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &[u32] {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        &self.words[start..self.ends[i]]
    }
}

/// A group under one key (a pair of its prefix words, or one word).
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: u64,
    /// The group's signature (one bit per word).
    sig: u64,
    group: u32,
    /// The group's number of distinct words.
    size: u32,
}

/// Findings by group: the most similar earlier prompt found so far, with its J.
type Findings = HashMap<u32, (f64, u32)>;

/// A probe's scratch, reused from one group to the next.
struct Scratch {
    /// For each group, the last probe that met it as a candidate (plus one; 0: never), so
    /// that a candidate met under several keys is compared once.
    met: Vec<u32>,
    /// The overlap each compatible size needs, smallest size first.
    needs: Vec<usize>,
    /// The signature bit of each of the probe's words.
    bits: Vec<u64>,
}

/// The fewest shared words two sets of sizes `a` and `b` need for J ≥ t.
fn overlap_needed(a: usize, b: usize) -> usize {
    (SIMILAR_PROMPT / (1.0 + SIMILAR_PROMPT) * (a + b) as f64 - 1e-9).ceil() as usize
}

/// The smallest size whose Jaccard index with a set of `len` words can reach t.
fn smallest_similar(len: usize) -> usize {
    ((SIMILAR_PROMPT * len as f64 - 1e-9).ceil() as usize).max(1)
}

/// How many first words of a set of `len` words to index, for k-word keys: against sets
/// at least as big, it needs α ≥ ⌈2t / (1 + t) · len⌉.
fn index_prefix(len: usize, k: usize) -> usize {
    (len + k).saturating_sub(overlap_needed(len, len)).min(len)
}

/// How many first words of a set of `len` words to probe with, for k-word keys: against
/// the smallest compatible set it needs the least overlap.
fn probe_prefix(len: usize, k: usize) -> usize {
    (len + k)
        .saturating_sub(overlap_needed(len, smallest_similar(len)))
        .min(len)
}

/// Whether sets of `len` words are indexed by pairs, and by single words.
fn keyed_by(len: usize) -> (bool, bool) {
    (
        len <= PAIRS_UP_TO,
        len > PAIRS_UP_TO || len >= smallest_similar(PAIRS_UP_TO + 1),
    )
}

fn pair_key(a: u32, b: u32) -> u64 {
    (a as u64) << 32 | b as u64
}

/// Pairs hold two different words, the first the smaller: none has u32::MAX first.
fn word_key(w: u32) -> u64 {
    (u32::MAX as u64) << 32 | w as u64
}

/// The signature bit of word `w`.
fn bit(w: u32) -> u64 {
    1 << (w.wrapping_mul(0x9E37_79B9) >> 26)
}

fn signature(set: &[u32]) -> u64 {
    set.iter().fold(0, |s, &w| s | bit(w))
}

/// |a ∩ b| / |a ∪ b| of two sorted sets, in [0, 1]; 0 for two empty sets.
fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let either = a.len() + b.len() - both;
    if either == 0 {
        0.0
    } else {
        both as f64 / either as f64
    }
}

/// The indices `item` gives a value and a size for, sorted by size, then by a hash of the
/// value (the values themselves are compared only on a tie), then by index, on every
/// core; with where each run of equal values starts, then how many were sorted. A run is
/// earliest first. (A hash table filled on one thread took a tenth of `validate` at
/// 1,000,000 questions.)
pub fn equal_runs<'a, T>(
    n: usize,
    item: impl Fn(usize) -> Option<(usize, &'a T)> + Sync,
) -> (Vec<u32>, Vec<u32>)
where
    T: ?Sized + std::hash::Hash + Ord + Sync + 'a,
{
    let hash = foldhash::fast::FixedState::with_seed(0);
    // 16 bytes an entry: a size is a u32 (a prompt has far fewer words than that).
    let mut sorted: Vec<(u32, u64, u32)> = (0..n)
        .into_par_iter()
        .filter_map(|i| {
            item(i).map(|(size, v)| {
                (
                    size.min(u32::MAX as usize) as u32,
                    hash.hash_one(v),
                    i as u32,
                )
            })
        })
        .collect();
    let value = |e: &(u32, u64, u32)| item(e.2 as usize).map(|(_, v)| v);
    sorted.par_sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| value(a).cmp(&value(b)))
            .then(a.2.cmp(&b.2))
    });
    let mut starts: Vec<u32> = (0..sorted.len())
        .filter(|&k| {
            k == 0 || {
                let (a, b) = (&sorted[k], &sorted[k - 1]);
                (a.0, a.1) != (b.0, b.1) || value(a) != value(b)
            }
        })
        .map(|k| k as u32)
        .collect();
    starts.push(sorted.len() as u32);
    (sorted.into_iter().map(|(_, _, i)| i).collect(), starts)
}

/// Whether (s, j) is a better finding than `best`: more similar, or as similar and later.
fn better(s: f64, j: u32, best: Option<(f64, u32)>) -> bool {
    best.is_none_or(|(bs, bj)| s.total_cmp(&bs).then(j.cmp(&bj)).is_gt())
}

impl SimilarIndex {
    /// Indexes the prompts (folded keys) of at least `min_words` distinct words.
    pub fn new(keys: &[String], min_words: usize) -> Self {
        let sets = numbered_rarest_first(keys);
        // By size, then by words: prompts with the same words are a run.
        let (order, starts) = equal_runs(sets.len(), |i| {
            let set = sets.get(i);
            (set.len() >= min_words.max(1)).then_some((set.len(), set))
        });
        let mut index = SimilarIndex {
            sets,
            order,
            starts,
            entries: Vec::new(),
            dir: Vec::new(),
            bucket_bits: 0,
        };
        index.build();
        index
    }

    fn groups(&self) -> usize {
        self.starts.len() - 1
    }

    /// The prompts of group `g`, earliest first.
    fn members(&self, g: usize) -> &[u32] {
        &self.order[self.starts[g] as usize..self.starts[g + 1] as usize]
    }

    fn words(&self, g: usize) -> &[u32] {
        self.sets.get(self.members(g)[0] as usize)
    }

    fn bucket(&self, key: u64) -> usize {
        match self.bucket_bits {
            0 => 0,
            b => (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - b)) as usize,
        }
    }

    /// Every group's keys, sorted into buckets.
    fn build(&mut self) {
        let mut entries: Vec<Entry> = (0..self.groups())
            .into_par_iter()
            .flat_map_iter(|g| {
                let set = self.words(g);
                let (size, sig) = (set.len() as u32, signature(set));
                let entry = move |key| Entry {
                    key,
                    sig,
                    group: g as u32,
                    size,
                };
                let (by_pairs, by_words) = keyed_by(set.len());
                let pairs = index_prefix(set.len(), 2) * by_pairs as usize;
                let words = index_prefix(set.len(), 1) * by_words as usize;
                let pairs =
                    (1..pairs).flat_map(move |b| (0..b).map(move |a| pair_key(set[a], set[b])));
                let words = set[..words].iter().map(|&w| word_key(w));
                pairs.chain(words).map(entry)
            })
            .collect();
        self.bucket_bits = entries.len().max(1).next_power_of_two().trailing_zeros();
        entries.par_sort_unstable_by_key(|e| (self.bucket(e.key), e.key, e.group));
        let mut dir = vec![0u32; (1 << self.bucket_bits) + 1];
        for e in &entries {
            dir[self.bucket(e.key) + 1] += 1;
        }
        for b in 1..dir.len() {
            dir[b] += dir[b - 1];
        }
        self.entries = entries;
        self.dir = dir;
    }

    /// The entries under `key`, in group order.
    fn under(&self, key: u64) -> &[Entry] {
        let b = self.bucket(key);
        let bucket = &self.entries[self.dir[b] as usize..self.dir[b + 1] as usize];
        let start = bucket.partition_point(|e| e.key < key);
        let end = start + bucket[start..].partition_point(|e| e.key == key);
        &bucket[start..end]
    }

    /// For every prompt that `probed` says, the earlier prompt most similar to it (J ≥ the
    /// threshold; on a tie, the latest of them), and what the search cost. Groups are
    /// probed on every core, `chunk` at a time.
    pub fn most_similar_earlier(
        &self,
        probed: impl Fn(usize) -> bool,
        chunk: usize,
    ) -> (Vec<Option<usize>>, Cost) {
        let n = self.groups();
        let chunk = chunk.max(1);
        // Each chunk's findings, by group: the most similar earlier prompt found so far.
        let found: Vec<(Findings, Cost)> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|c| {
                let mut scratch = Scratch {
                    met: vec![0; n],
                    needs: Vec::new(),
                    bits: Vec::new(),
                };
                let mut found = HashMap::new();
                let mut cost = Cost::default();
                for g in c * chunk..n.min((c + 1) * chunk) {
                    self.probe(g, &mut scratch, &mut cost, |h, s| {
                        self.offer(&mut found, g, h, s);
                        self.offer(&mut found, h, g, s);
                    });
                }
                (found, cost)
            })
            .collect();
        let mut best = Findings::new();
        let mut cost = Cost::default();
        for (chunk_found, chunk_cost) in found {
            cost += chunk_cost;
            for (g, (s, j)) in chunk_found {
                if better(s, j, best.get(&g).copied()) {
                    best.insert(g, (s, j));
                }
            }
        }
        let mut out = vec![None; self.sets.len()];
        for g in 0..n {
            let members = self.members(g);
            out[members[0] as usize] = best.get(&(g as u32)).map(|&(_, j)| j as usize);
            for w in members.windows(2) {
                out[w[1] as usize] = Some(w[0] as usize);
            }
        }
        for (i, o) in out.iter_mut().enumerate() {
            if o.is_some() && !probed(i) {
                *o = None;
            }
        }
        (out, cost)
    }

    /// Offers group `from` (J = `s`) as a finding for the first prompt of group `to`: its
    /// latest prompt before that one, if there is one.
    fn offer(&self, found: &mut Findings, to: usize, from: usize, s: f64) {
        let first = self.members(to)[0];
        let from = self.members(from);
        let before = from.partition_point(|&m| m < first);
        if before == 0 {
            return;
        }
        let j = from[before - 1];
        let best = found.get(&(to as u32)).copied();
        if better(s, j, best) {
            found.insert(to as u32, (s, j));
        }
    }

    /// Calls `similar(h, J)` for each smaller or equal group h before `g` with J ≥ t.
    fn probe(
        &self,
        g: usize,
        scratch: &mut Scratch,
        cost: &mut Cost,
        mut similar: impl FnMut(usize, f64),
    ) {
        let a = self.words(g);
        let na = a.len();
        let smallest = smallest_similar(na);
        scratch.needs.clear();
        scratch
            .needs
            .extend((smallest..=na).map(|nb| overlap_needed(na, nb)));
        scratch.bits.clear();
        scratch.bits.extend(a.iter().map(|&w| bit(w)));
        let own = signature(a);
        let least = scratch.needs[0];
        let stamp = g as u32 + 1;
        // The entries under `key` of earlier groups of compatible sizes; `most` bounds what
        // a candidate met under it shares with this group.
        let mut visit = |key: u64, most: usize, cost: &mut Cost| {
            cost.lookups += 1;
            let list = self.under(key);
            let end = list.partition_point(|e| (e.group as usize) < g);
            let start = list[..end].partition_point(|e| (e.size as usize) < smallest);
            cost.visited += end - start;
            for e in &list[start..end] {
                let h = e.group as usize;
                if scratch.met[h] == stamp {
                    continue;
                }
                let need = scratch.needs[e.size as usize - smallest];
                // A bit of this group's signature missing from the other's stands for at
                // least one word it lacks: a one-instruction bound first, then the count.
                if most < need || na < need + (own & !e.sig).count_ones() as usize {
                    continue;
                }
                let absent = scratch.bits.iter().filter(|&&b| b & e.sig == 0).count();
                if na - absent < need {
                    continue;
                }
                scratch.met[h] = stamp;
                cost.compared += 1;
                let s = jaccard(a, self.words(h));
                if s >= SIMILAR_PROMPT {
                    similar(h, s);
                }
            }
        };
        if na <= PAIRS_UP_TO {
            // Sharing a pair whose second word is at position y, two sets share at most
            // 2 + the words after y.
            for y in 1..probe_prefix(na, 2) {
                if na + 1 - y < least {
                    break;
                }
                for x in 0..y {
                    visit(pair_key(a[x], a[y]), na + 1 - y, cost);
                }
            }
        } else {
            for (y, &w) in a[..probe_prefix(na, 1)].iter().enumerate() {
                if na - y < least {
                    break;
                }
                visit(word_key(w), na - y, cost);
            }
        }
    }
}

/// How many of `n` prompts one task takes: four tasks per core, so that a core that
/// finishes early takes another, and at least 1,024, so that small collections are not cut
/// into tasks that cost more to start than to run.
pub fn chunk_len(n: usize) -> usize {
    n.div_ceil(4 * rayon::current_num_threads()).max(1024)
}

/// Each key's distinct words, numbered rarest first (ties by the word, so the numbers do
/// not depend on hashing), sorted.
fn numbered_rarest_first(keys: &[String]) -> Sets {
    // Each chunk numbers its words as first met, with how many of its prompts have each.
    let chunk = chunk_len(keys.len());
    let chunks: Vec<(Sets, Vec<(&str, usize)>)> = keys
        .par_chunks(chunk)
        .map(|keys| {
            let mut number: HashMap<&str, u32> = HashMap::new();
            let mut vocabulary: Vec<(&str, usize)> = Vec::new();
            let mut sets = Sets {
                words: Vec::new(),
                ends: Vec::with_capacity(keys.len()),
            };
            for k in keys {
                let start = sets.words.len();
                sets.words
                    .extend(k.split(' ').filter(|w| !w.is_empty()).map(|w| {
                        *number.entry(w).or_insert_with(|| {
                            vocabulary.push((w, 0));
                            (vocabulary.len() - 1) as u32
                        })
                    }));
                sets.words[start..].sort_unstable();
                let distinct = dedup_sorted(&mut sets.words[start..]);
                sets.words.truncate(start + distinct);
                for &n in &sets.words[start..] {
                    vocabulary[n as usize].1 += 1;
                }
                sets.ends.push(sets.words.len());
            }
            (sets, vocabulary)
        })
        .collect();
    // The chunks' words merged, with their counts over every prompt.
    let mut number: HashMap<&str, u32> = HashMap::new();
    let mut met: Vec<(&str, usize)> = Vec::new();
    let global: Vec<Vec<u32>> = chunks
        .iter()
        .map(|(_, words)| {
            words
                .iter()
                .map(|&(w, count)| {
                    let n = *number.entry(w).or_insert_with(|| {
                        met.push((w, 0));
                        (met.len() - 1) as u32
                    });
                    met[n as usize].1 += count;
                    n
                })
                .collect()
        })
        .collect();
    let mut order: Vec<u32> = (0..met.len() as u32).collect();
    order.par_sort_unstable_by(|&a, &b| {
        let (a, b) = (met[a as usize], met[b as usize]);
        a.1.cmp(&b.1).then(a.0.cmp(b.0))
    });
    let mut rank = vec![0u32; met.len()];
    for (r, &n) in order.iter().enumerate() {
        rank[n as usize] = r as u32;
    }
    let parts: Vec<Sets> = chunks
        .into_par_iter()
        .zip(global)
        .map(|((mut sets, _), global)| {
            sets.words
                .iter_mut()
                .for_each(|n| *n = rank[global[*n as usize] as usize]);
            let mut start = 0;
            for &end in &sets.ends {
                sets.words[start..end].sort_unstable();
                start = end;
            }
            sets
        })
        .collect();
    let mut all = Sets {
        words: Vec::with_capacity(parts.iter().map(|p| p.words.len()).sum()),
        ends: Vec::with_capacity(keys.len()),
    };
    for part in parts {
        let offset = all.words.len();
        all.ends.extend(part.ends.iter().map(|e| e + offset));
        all.words.extend_from_slice(&part.words);
    }
    all
}

/// Moves the distinct values of a sorted slice to its front; how many there are.
fn dedup_sorted(s: &mut [u32]) -> usize {
    let mut kept = 0;
    for i in 0..s.len() {
        if i == 0 || s[i] != s[kept - 1] {
            s[kept] = s[i];
            kept += 1;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The distinct words of a folded prompt key, sorted.
    fn distinct_words(key: &str) -> Vec<&str> {
        let mut w: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
        w.sort_unstable();
        w.dedup();
        w
    }

    /// The slow, obviously right search the index replaces.
    fn brute_force(keys: &[String]) -> Vec<Option<usize>> {
        let sets: Vec<Vec<&str>> = keys.iter().map(|k| distinct_words(k)).collect();
        let j = |a: &[&str], b: &[&str]| {
            let both = a.iter().filter(|w| b.contains(w)).count();
            both as f64 / (a.len() + b.len() - both) as f64
        };
        (0..sets.len())
            .map(|i| {
                (0..i)
                    .map(|k| (j(&sets[i], &sets[k]), k))
                    .filter(|(s, _)| *s >= SIMILAR_PROMPT)
                    .max_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                    .map(|(_, k)| k)
            })
            .collect()
    }

    /// A generator of pseudo-random numbers, the same in every run.
    fn lcg(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            state >> 33
        }
    }

    /// Prompts of `lo..hi` words drawn from `vocab` words, many near the threshold.
    fn prompts(n: usize, lo: usize, hi: usize, vocab: usize, seed: u64) -> Vec<String> {
        let mut draw = lcg(seed);
        (0..n)
            .map(|_| {
                let len = lo + draw() as usize % (hi - lo);
                (0..len)
                    .map(|_| format!("w{}", draw() as usize % vocab))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    fn search(keys: &[String], chunk: usize) -> (Vec<Option<usize>>, Cost) {
        SimilarIndex::new(keys, 1).most_similar_earlier(|_| true, chunk)
    }

    /// The quadratic lint must not come back: 5,000 realistic prompts (a Zipf-like
    /// vocabulary of 5,000 words, 15 words each) need a few comparisons each, not the
    /// 12.5 million of every pair.
    #[test]
    fn realistic_prompts_are_compared_with_few_others() {
        let cumulative: Vec<f64> = (0..5000)
            .scan(0.0, |acc, k| {
                *acc += 1.0 / (k + 1) as f64;
                Some(*acc)
            })
            .collect();
        let total = cumulative[4999];
        let mut draw = lcg(3);
        let mut zipf = || {
            let u = draw() as f64 / (1u64 << 31) as f64 * total;
            cumulative.partition_point(|&c| c < u)
        };
        let n = 5000;
        let keys: Vec<String> = (0..n)
            .map(|_| {
                (0..15)
                    .map(|_| format!("w{}", zipf()))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let (_, cost) = search(&keys, 1024);
        eprintln!("{cost:?} for {n} prompts");
        assert!(cost.compared < n, "{cost:?} for {n} prompts");
        assert!(cost.visited < 2 * n, "{cost:?} for {n} prompts");
    }

    /// Uniform words from a vocabulary of 5,000, as the benchmarks' generator draws them:
    /// a word is in the prefix of one prompt in a thousand, so single-word keys would
    /// visit about n/1000 entries per probe (quadratic); pairs of words visit a few.
    #[test]
    fn more_prompts_from_one_vocabulary_cost_each_about_the_same() {
        let per_prompt = |n: usize| {
            let (_, cost) = search(&prompts(n, 8, 15, 5000, 11), 1024);
            cost.visited as f64 / n as f64
        };
        let (small, big) = (per_prompt(5_000), per_prompt(40_000));
        eprintln!("{small:.2} and {big:.2} entries visited per prompt");
        assert!(
            big < 1.5 * small + 0.5,
            "{small:.2} then {big:.2} per prompt"
        );
    }

    /// Long prompts (a paragraph, a snippet of code) are keyed by single words, one
    /// lookup per prefix word: 200 distinct prompts of 400 words made about 1.3 million
    /// lookups each when the key held the size and the position.
    #[test]
    fn long_prompts_cost_one_lookup_per_prefix_word() {
        let n = 200;
        let keys: Vec<String> = (0..n)
            .map(|i| {
                (0..400)
                    .map(|j| format!("w{i}x{j}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let (found, cost) = search(&keys, 1024);
        assert_eq!(found, vec![None; n]);
        // A prefix of 81 words (400 − 320 + 1), at most.
        assert!(cost.lookups <= n * 81, "{cost:?} for {n} prompts");
        assert_eq!(cost.compared, 0);
    }

    /// Copies of one prompt are one group: each is answered by the copy before it, and
    /// the others are compared with the group once.
    #[test]
    fn copies_of_a_prompt_are_searched_once() {
        let mut keys = prompts(300, 8, 15, 40, 5);
        let copy = "one two three four five six seven eight".to_string();
        for k in 0..1000 {
            keys.push(copy.clone());
            if k % 10 == 0 {
                keys.push(format!("{copy} nine"));
            }
        }
        let (found, cost) = search(&keys, 64);
        assert_eq!(found, brute_force(&keys));
        assert!(cost.compared < keys.len() * 5, "{cost:?}");
    }

    #[test]
    fn the_index_finds_what_comparing_every_pair_finds() {
        // Prompts from a small vocabulary, so that many pairs are near the threshold.
        let vocab = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
        let mut draw = lcg(7);
        let mut keys: Vec<String> = (0..1500)
            .map(|_| {
                let n = 6 + draw() as usize % 10;
                (0..n)
                    .map(|_| vocab[draw() as usize % vocab.len()])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        // Exact repeats, and words repeated inside a prompt.
        keys.extend_from_within(100..140);
        keys.push("a a b c d e f g".into());
        let expected = brute_force(&keys);
        assert!(expected.iter().filter(|e| e.is_some()).count() > 20);
        // However the groups are split between chunks.
        for chunk in [1, 7, 1024] {
            assert_eq!(search(&keys, chunk).0, expected, "chunks of {chunk}");
        }
    }

    /// Sizes on both sides of [`PAIRS_UP_TO`]: pairs below, single words above, both
    /// near it, and every compatible pair of sizes found.
    #[test]
    fn prompts_keyed_by_pairs_and_by_words_find_each_other() {
        // A base prompt of 30 to 45 words, then copies with a few words dropped or added.
        let mut draw = lcg(13);
        let mut keys = Vec::new();
        for base in 0..40 {
            let len = 26 + draw() as usize % 20;
            let words: Vec<String> = (0..len).map(|k| format!("b{base}w{k}")).collect();
            for _ in 0..8 {
                let mut copy: Vec<String> = words
                    .iter()
                    .filter(|_| !draw().is_multiple_of(12))
                    .cloned()
                    .collect();
                copy.extend((0..draw() % 5).map(|k| format!("x{}", draw() % 60 + k)));
                keys.push(copy.join(" "));
            }
        }
        let expected = brute_force(&keys);
        let sizes = |i: usize| distinct_words(&keys[i]).len();
        let across = expected
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.map(|j| (sizes(i), sizes(j))))
            .filter(|&(a, b)| a.min(b) <= PAIRS_UP_TO && a.max(b) > PAIRS_UP_TO)
            .count();
        assert!(across > 5, "{across} findings across {PAIRS_UP_TO} words");
        assert_eq!(search(&keys, 16).0, expected);
    }

    /// Only the prompts probed are answered; the others are still found by them.
    #[test]
    fn prompts_not_probed_get_no_finding() {
        let keys = prompts(600, 6, 12, 14, 17);
        let expected = brute_force(&keys);
        let index = SimilarIndex::new(&keys, 1);
        let (found, _) = index.most_similar_earlier(|i| i % 2 == 0, 32);
        let wanted: Vec<Option<usize>> = expected
            .iter()
            .enumerate()
            .map(|(i, e)| e.filter(|_| i % 2 == 0))
            .collect();
        assert!(wanted.iter().filter(|e| e.is_some()).count() > 20);
        assert_eq!(found, wanted);
    }

    /// Prompts below the minimum of words are neither answered nor answers.
    #[test]
    fn short_prompts_are_left_out() {
        let keys: Vec<String> = ["a b c d e f", "a b c d e f", "a b c", "a b c"]
            .map(String::from)
            .into();
        let (found, _) = SimilarIndex::new(&keys, 6).most_similar_earlier(|_| true, 1);
        assert_eq!(found, vec![None, Some(0), None, None]);
    }
}
