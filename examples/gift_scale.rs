//! Writes a GIFT file of N questions for the `import gift` scale figures (BENCHMARKS.md):
//! every tenth under a new category, a third untitled and identical (the case that made id
//! de-duplication quadratic), the rest titled, of every kind GIFT and skillquiz share.
//!
//! `cargo run --release --example gift_scale -- 100000 > big.gift` writes the file;
//! `cargo run --release --example gift_scale -- 100000 --time` times the library's
//! `import_gift` on it (parsing and building the questions, without the bank check the
//! command adds before writing).

use std::fmt::Write as _;
use std::io::Write as _;

fn gift(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i % 10 == 0 {
            let _ = writeln!(
                out,
                "$CATEGORY: $course$/top/Unit {}/Part {}\n",
                i / 1000,
                i / 10
            );
        }
        let text = match i % 6 {
            0 | 3 => "::Same::What does a variance of zero say about the values?{=they are all equal ~they are all zero ~nothing}".to_string(),
            1 => format!("Which choices hold for item {i}?{{~%50%first ~%50%second ~%-100%third}}"),
            2 => format!("::T{i}::Is {i} even?{{{}}}", if i % 2 == 0 { "T" } else { "F" }),
            4 => format!("::N{i}::What is {i} + 1?{{#{}:0.5####Add one.}}", i + 1),
            _ => format!("::S{i}::Name the library behind DataFrame number {i}.{{=pandas =Pandas}}"),
        };
        let _ = writeln!(out, "{text}\n");
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let text = gift(n);
    if !args.iter().any(|a| a == "--time") {
        let _ = std::io::stdout().write_all(text.as_bytes());
        return;
    }
    let cat = skillquiz::Catalog::builtin().expect("the built-in banks load");
    let opts = skillquiz::GiftImportOptions {
        area: "maths".into(),
        difficulty: skillquiz::Difficulty::Medium,
        step: None,
    };
    let files = [("big.gift".to_string(), text)];
    let start = std::time::Instant::now();
    let im = skillquiz::import_gift(&files, &opts, &cat);
    let took = start.elapsed();
    println!(
        "import_gift: {} questions, {} topics, {} issues in {:.0} ms ({} bytes)",
        im.questions.len(),
        im.topics.len(),
        im.issues.len(),
        took.as_secs_f64() * 1000.0,
        files[0].1.len()
    );
}
