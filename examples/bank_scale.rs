//! Writes large banks for the loading and lint figures in BENCHMARKS.md:
//!
//!     cargo run --release --example bank_scale -- escaped 4400000 /tmp/escaped.ron
//!     cargo run --release --example bank_scale -- prompts 20000 /tmp/prompts.ron
//!
//! `escaped`: questions whose choices are written with escapes (`print(\"…\")`) until the
//! file has about the given number of bytes. `prompts`: the given number of questions with
//! 15-word prompts drawn from a Zipf-like vocabulary of 5,000 words (realistic overlap,
//! few near-duplicates). Deterministic: the same arguments give the same file.

use std::fmt::Write;

fn header() -> String {
    "(format_version: 1, name: \"scale\", version: \"1.0.0\", areas: [(id: \"scale\", title: \"Scale\")], topics: [(id: \"scale.t\", title: \"T\", step: 2)], questions: [\n".into()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [what, n, out] = args.as_slice() else {
        eprintln!("usage: bank_scale escaped|prompts N OUT.ron");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let mut text = header();
    match what.as_str() {
        "escaped" => {
            let mut i = 0;
            while text.len() < n {
                let _ = writeln!(
                    text,
                    "(id: \"scale.t.q{i}\", topic: \"scale.t\", difficulty: Easy, prompt: \"Which call prints greeting number {i}?\", kind: SingleChoice(choices: [(text: \"print(\\\"hello {i}\\\")\"), (text: \"echo(\\\"hello {i}\\\")\"), (text: \"say(\\\"hello {i}\\\")\")], answer: 0), explanation: \"print is Python's function.\"),"
                );
                i += 1;
            }
        }
        "prompts" => {
            // Zipf-like weights 1/(k+1) over 5,000 words, drawn by a fixed LCG.
            let words = 5000usize;
            let cumulative: Vec<f64> = (0..words)
                .scan(0.0, |acc, k| {
                    *acc += 1.0 / (k + 1) as f64;
                    Some(*acc)
                })
                .collect();
            let total = cumulative[words - 1];
            let mut state = 1u64;
            let mut draw = || {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64 * total;
                cumulative.partition_point(|&c| c < u)
            };
            for i in 0..n {
                let prompt: Vec<String> = (0..15).map(|_| format!("w{}", draw())).collect();
                let _ = writeln!(
                    text,
                    "(id: \"scale.t.q{i}\", topic: \"scale.t\", difficulty: Easy, prompt: \"{}?\", kind: TrueFalse(answer: true), explanation: \"x\"),",
                    prompt.join(" ")
                );
            }
        }
        _ => {
            eprintln!("usage: bank_scale escaped|prompts N OUT.ron");
            std::process::exit(2);
        }
    }
    text.push_str("])\n");
    std::fs::write(out, text).expect("the bank is written");
}
