//! What the teacher commands print.

use crate::render::{Theme, clean};
use skillquiz::{BankStats, GiftImport, GiftIssue, GiftIssueKind, ItemAnalysis};
use std::collections::BTreeMap;
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
            "\n{} {} below {} questions: {}",
            t.warn("Thin:"),
            crate::render::count(s.below_min.len(), "topic", "topics"),
            s.min,
            s.below_min.join(", ")
        );
    }
    o
}

/// One GIFT finding: `file:line: error|skipped KIND|note: message`.
pub fn issue(t: &Theme, i: &GiftIssue) -> String {
    let what = match i.kind {
        GiftIssueKind::Error => t.bad("error"),
        GiftIssueKind::Skipped(u) => t.warn(&format!("skipped {}", u.as_str())),
        GiftIssueKind::Note => t.dim("note"),
    };
    let col = i.col.map(|c| format!(":{c}")).unwrap_or_default();
    format!(
        "{}:{}{col}: {what}: {}",
        clean(&i.file),
        i.line,
        clean(&i.message)
    )
}

pub fn import_summary(im: &GiftImport, files: &[String], skipped_invalid: usize) -> String {
    let mut o = String::new();
    let out = files.join(" ");
    let written = match files {
        [first, .., last] => format!(
            "{} files, {} to {} (a bank file holds at most {} bytes)",
            files.len(),
            clean(first),
            clean(last),
            skillquiz::MAX_FILE_BYTES
        ),
        _ => clean(&out),
    };
    let _ = writeln!(
        o,
        "wrote {written}: {} imported",
        crate::render::count(im.questions.len(), "question", "questions")
    );
    for (k, n) in &im.imported() {
        let _ = writeln!(o, "  imported {:<20} {n:>5}", k);
    }
    for (k, n) in &im.skipped {
        let _ = writeln!(o, "  skipped  {:<20} {n:>5}", k.as_str());
    }
    if skipped_invalid > 0 {
        let _ = writeln!(o, "  skipped  {:<20} {skipped_invalid:>5}", "malformed");
    }
    if !im.topics.is_empty() {
        // A long list is cut: `--json` has every one.
        const SHOWN: usize = 10;
        let mut ids: Vec<String> = im
            .topics
            .iter()
            .take(SHOWN)
            .map(|t| format!("{} (step {})", t.id, t.step))
            .collect();
        if im.topics.len() > SHOWN {
            ids.push(format!(
                "and {} more (--json lists them)",
                im.topics.len() - SHOWN
            ));
        }
        let _ = writeln!(o, "  new topics: {}", clean(&ids.join(", ")));
    }
    let _ = writeln!(
        o,
        "Next: set each question's difficulty, then run: skillquiz validate {}",
        clean(&out)
    );
    o
}

/// What an export wrote, in either format.
pub struct Exported {
    pub text: String,
    pub written: BTreeMap<&'static str, usize>,
    pub skipped: Vec<(String, String)>,
    pub notes: Vec<(String, String)>,
}

pub fn export_summary(ex: &Exported, out: &str, format: &str) -> String {
    let mut o = String::new();
    let n: usize = ex.written.values().sum();
    let _ = writeln!(
        o,
        "wrote {}: {}",
        clean(out),
        crate::render::count(n, "question", "questions")
    );
    for (k, n) in &ex.written {
        let _ = writeln!(o, "  exported {:<20} {n:>5}", k);
    }
    for (id, why) in &ex.skipped {
        let _ = writeln!(o, "  skipped  {}: {}", clean(id), clean(why));
    }
    for (id, lost) in &ex.notes {
        let _ = writeln!(o, "  note: {}: not in {format}: {}", clean(id), lost);
    }
    o
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.1}%", v * 100.0))
}

/// Questions listed by name in a note before "… (all in --json)".
const LIST_AT_MOST: usize = 10;

/// The item analysis, laid out like Moodle's quiz statistics report (percentages), after
/// the questions to fix first.
/// `text` wrapped to the terminal, its first line indented by `first`, the rest by `rest`.
fn hanging(text: &str, first: &str, rest: &str) -> String {
    crate::render::wrap_hanging(text, crate::render::width(), first, rest)
}

pub fn analysis(t: &Theme, a: &ItemAnalysis) -> String {
    use skillquiz::AlphaReading;
    let mut o = String::new();
    let ts = &a.test;
    let _ = writeln!(
        o,
        "{} {}, {}, banks: {}",
        t.bold("Item analysis:"),
        crate::render::count(ts.results, "result", "results"),
        crate::render::count(ts.questions, "question", "questions"),
        clean(&a.banks.join(", "))
    );
    let by_id: std::collections::HashMap<&str, &skillquiz::ItemStats> =
        a.questions.iter().map(|q| (q.id.as_str(), q)).collect();
    let _ = writeln!(o, "\n{}", t.bold("Questions to fix first"));
    if a.fix_first.is_empty() {
        let _ = writeln!(o, "  none flagged");
    }
    for id in a.fix_first.iter().take(LIST_AT_MOST) {
        if let Some(f) = by_id.get(id.as_str()).and_then(|q| q.flags.first()) {
            // The id, then the reason wrapped beneath it, so that it reads at 80 columns.
            let _ = writeln!(o, "  {}", clean(id));
            let _ = writeln!(
                o,
                "{}",
                crate::render::wrap(&f.reason, crate::render::width(), "      ")
            );
        }
    }
    if a.fix_first.len() > LIST_AT_MOST {
        let _ = writeln!(
            o,
            "  and {} more (each question's flags are below)",
            a.fix_first.len() - LIST_AT_MOST
        );
    }
    let _ = writeln!(o, "\n{}", t.bold("Whole test"));
    let _ = writeln!(
        o,
        "  Average mark                   {:.2} ({:.1}%)",
        ts.mean,
        ts.mean_fraction * 100.0
    );
    let _ = writeln!(
        o,
        "  Standard deviation             {}",
        ts.sd.map_or("-".into(), |v| format!("{v:.2} marks"))
    );
    // The reading stands on its own line under the figure, to fit 80 columns.
    let reading = match ts.alpha_reading {
        Some(AlphaReading::Satisfactory) => "  satisfactory (Moodle: over 75%)",
        Some(AlphaReading::Borderline) => "  borderline (Moodle: 64% to 75%)",
        Some(AlphaReading::Unsatisfactory) => {
            "  unsatisfactory (Moodle: under 64%;\n                                 improve or replace the weakest questions)"
        }
        None => "",
    };
    let _ = writeln!(
        o,
        "  Internal consistency (alpha)   {}{reading}",
        pct(ts.alpha)
    );
    let _ = writeln!(
        o,
        "  Error ratio                    {}",
        pct(ts.error_ratio)
    );
    let _ = writeln!(
        o,
        "  Standard error of measurement  {}",
        ts.standard_error
            .map_or("-".into(), |v| format!("{v:.2} marks"))
    );
    let _ = writeln!(o, "\n{}", t.bold("Questions"));
    // 76 columns; an id too long for its column stands on a line of its own.
    const ID: usize = 32;
    let _ = writeln!(
        o,
        "  {:<ID$} {:>4} {:>4} {:>7} {:>7} {:>7} {:>7}",
        "question", "n", "skip", "facil.", "SD", "discr.", "effic."
    );
    for q in &a.questions {
        let mut id = clean(&q.id);
        if id.chars().count() > ID {
            let _ = writeln!(o, "  {id}");
            id.clear();
        }
        let _ = writeln!(
            o,
            "  {:<ID$} {:>4} {:>4} {:>7} {:>7} {:>7} {:>7}",
            id,
            q.attempts,
            q.skipped,
            pct(Some(q.facility)),
            pct(q.sd),
            pct(q.discrimination_index),
            pct(q.discriminative_efficiency)
        );
    }
    for q in a
        .questions
        .iter()
        .filter(|q| !q.choices.is_empty() || !q.flags.is_empty() || q.certainty_3.is_some())
    {
        let _ = writeln!(o, "\n  {}", t.bold(&clean(&q.id)));
        if let (Some(c3), Some(cw)) = (q.certainty_3, q.confidently_wrong) {
            let _ = writeln!(
                o,
                "    certainty 3 on {:.0}% of answers; wrong at certainty 3: {:.0}%",
                100.0 * c3,
                100.0 * cw
            );
        }
        if !q.choices.is_empty() {
            let picks: Vec<String> = q
                .choices
                .iter()
                .map(|c| {
                    let mark = if c.right { "*" } else { "" };
                    let rest = c
                        .rest_mean
                        .map_or(String::new(), |m| format!(" (rest {m:.2})"));
                    format!("{mark}{} {}{rest}", clean(&c.text), c.picked)
                })
                .collect();
            let skipped = if q.skipped > 0 {
                format!(" · skipped {}", q.skipped)
            } else {
                String::new()
            };
            let line = format!("picked: {}{skipped}", picks.join(" · "));
            let _ = writeln!(o, "{}", hanging(&line, "    ", "      "));
        }
        for f in &q.flags {
            let body = crate::render::wrap(&f.reason, crate::render::width() - 11, "");
            let mut lines = body.lines();
            let _ = writeln!(o, "    {} {}", t.warn("check:"), lines.next().unwrap_or(""));
            for l in lines {
                let _ = writeln!(o, "           {l}");
            }
        }
    }
    if !a.not_reached.is_empty() {
        let n = a.not_reached.len();
        let listed: Vec<String> = a
            .not_reached
            .iter()
            .take(LIST_AT_MOST)
            .map(|id| clean(id))
            .collect();
        let more = if n > LIST_AT_MOST {
            ", … (all in --json)"
        } else {
            ""
        };
        let note = format!(
            "note: {} of the banks used {} asked to nobody, so {} no statistics: {}{more}",
            crate::render::count(n, "question", "questions"),
            if n == 1 { "was" } else { "were" },
            if n == 1 { "it has" } else { "they have" },
            listed.join(", ")
        );
        let _ = writeln!(o, "\n{}", hanging(&note, "", "      "));
    }
    for d in &a.duplicates {
        let why = if d.why == "same-file" {
            "the same file as"
        } else {
            "the same attempt as"
        };
        let _ = writeln!(
            o,
            "\n{} {} is {why} {}: counted once",
            t.dim("note:"),
            clean(&d.file),
            clean(&d.counted)
        );
    }
    for n in &a.notes {
        let _ = writeln!(o, "\n{}", hanging(&format!("note: {n}"), "", "      "));
    }
    let _ = writeln!(
        o,
        "\n{}",
        t.dim(&hanging(
            "Percentages as in Moodle's quiz statistics; * marks right choices; rest: the mean rest-of-test mark of those who picked it.",
            "",
            ""
        ))
    );
    o
}

#[cfg(test)]
mod tests {
    use super::import_summary;
    use skillquiz::raw::RawTopic;

    #[test]
    fn a_long_list_of_new_topics_is_cut_to_ten() {
        let im = skillquiz::GiftImport {
            topics: (0..25)
                .map(|i| RawTopic {
                    id: format!("nlp.t{i}"),
                    title: format!("T{i}"),
                    step: 2,
                    resources: Vec::new(),
                })
                .collect(),
            ..Default::default()
        };
        let text = import_summary(&im, &["a-1.ron".into(), "a-2.ron".into()], 0);
        assert!(
            text.contains("nlp.t9 (step 2), and 15 more (--json lists them)"),
            "{text}"
        );
        assert!(!text.contains("nlp.t10 "), "{text}");
        assert!(
            text.starts_with("wrote 2 files, a-1.ron to a-2.ron"),
            "{text}"
        );
        assert!(
            text.contains("skillquiz validate a-1.ron a-2.ron"),
            "{text}"
        );
    }
}
