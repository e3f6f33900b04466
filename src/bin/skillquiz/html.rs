//! The report as one self-contained HTML page (`--html FILE`): inline CSS and SVG, no
//! script, font or other resource from anywhere; every piece of bank text escaped, so a
//! bank's `</script>` or `<b>` shows as text. Readable printed and on a phone.

use crate::learn::Progress;
use crate::render::{clean, count};
use skillquiz::{Level, QuizResult};
use std::fmt::Write as _;

/// Text for an element's content.
fn esc(s: &str) -> String {
    html_escape::encode_text(&clean(s)).into_owned()
}

/// Text for a double-quoted attribute.
fn attr(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(&clean(s)).into_owned()
}

/// A URL for an `href`: characters a URL may not hold (quotes, spaces, `<`, `>`, …) are
/// percent-encoded, then the attribute is escaped (`&` → `&amp;`).
fn url_attr(url: &str) -> String {
    const KEEP: &str = "-._~:/?#[]@!$&'()*+,;=%";
    let mut out = String::new();
    for c in clean(url).chars() {
        if c.is_ascii_alphanumeric() || KEEP.contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    attr(&out)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

const STYLE: &str = "
:root { color-scheme: light; --weak: #c62828; --dev: #b26a00; --strong: #2e7d32; --ink: #1b1f24; --mute: #5b6470; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin-bottom: 0.25rem; }
.mute { color: var(--mute); } .weak { color: var(--weak); } .developing { color: var(--dev); } .strong { color: var(--strong); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
svg { width: 100%; height: auto; display: block; } svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
pre { background: #f6f8fa; padding: 0.5rem; overflow-x: auto; } code { font-family: ui-monospace, Menlo, Consolas, monospace; }
.entry { margin: 0.5rem 0 1rem; } .misconception { color: var(--weak); }
.question { border-left: 3px solid #d0d7de; padding-left: 0.75rem; margin: 1rem 0; }
@media (max-width: 40rem) { body { font-size: 15px; padding: 0.5rem; } th, td { padding: 0.2rem; } }
@media print { body { max-width: none; font-size: 11pt; } a { color: inherit; } a::after { content: ' (' attr(href) ')'; font-size: 9pt; } .question, .entry { break-inside: avoid; } }
";

fn level_class(l: Level) -> &'static str {
    match l {
        Level::Weak => "weak",
        Level::Developing => "developing",
        Level::Strong => "strong",
        Level::NotEnoughEvidence => "mute",
    }
}

/// x position (0–`w`) of ability `theta` on a −3…+3 axis.
fn x_of(theta: f64, w: f64) -> f64 {
    ((theta.clamp(-3.0, 3.0) + 3.0) / 6.0) * w
}

/// Per area: the level bands, ability ± SE as a bar with a dot.
fn ability_chart(r: &QuizResult) -> String {
    let (label, w, row) = (170.0, 420.0, 34.0);
    let h = row * r.learner.areas.len() as f64 + 30.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {} {h}\" role=\"img\" aria-label=\"Ability per area, with its standard error, on a scale from -3 to +3\">",
        label + w + 10.0
    );
    let _ = write!(s, "<title>Ability per area (± one standard error)</title>");
    let (x0, x1, x2) = (label, label + x_of(0.0, w), label + x_of(1.0986, w));
    let _ = write!(
        s,
        "<rect x=\"{x0}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fdecea\"/>\
         <rect x=\"{x1}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fff4e0\"/>\
         <rect x=\"{x2}\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#e8f5e9\"/>",
        x1 - x0,
        h - 30.0,
        x2 - x1,
        h - 30.0,
        label + w - x2,
        h - 30.0
    );
    for (i, a) in r.learner.areas.iter().enumerate() {
        let y = row * i as f64 + row / 2.0;
        let (lo, hi) = (
            label + x_of(a.theta - a.se, w),
            label + x_of(a.theta + a.se, w),
        );
        let cx = label + x_of(a.theta, w);
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\">{}</text>\
             <line x1=\"{lo:.1}\" y1=\"{y}\" x2=\"{hi:.1}\" y2=\"{y}\" stroke=\"#1b1f24\" stroke-width=\"3\"/>\
             <circle cx=\"{cx:.1}\" cy=\"{y}\" r=\"5\" fill=\"#1b1f24\"/>",
            y + 4.0,
            esc(&a.title)
        );
    }
    let base = h - 12.0;
    for (t, name) in [(-3.0, "−3"), (0.0, "0"), (1.0986, "+1.1"), (3.0, "+3")] {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{base}\" text-anchor=\"middle\">{name}</text>",
            label + x_of(t, w)
        );
    }
    s.push_str("</svg>");
    s
}

fn standing(r: &QuizResult) -> String {
    let mut s = String::new();
    if r.learner.areas.is_empty() {
        s.push_str("<p>No graded answers yet, so there is nothing to show.</p>");
        return s;
    }
    let answers: usize = r.learner.areas.iter().map(|a| a.answered).sum();
    let _ = write!(
        s,
        "<h2>Where you stand</h2><p class=\"mute\">From {} and {}. \
         A level's percentage is the chance that it is right, given every answer so far; \
         ✓ marks a settled verdict (95% or more). Ability 0 means even odds on a medium question; strong from +1.1.</p>",
        count(r.learner.attempts, "quiz", "quizzes"),
        count(answers, "graded answer", "graded answers")
    );
    s.push_str(&ability_chart(r));
    s.push_str("<table><thead><tr><th>Area</th><th>Level</th><th>How sure</th><th>Ability</th><th>Answers</th></tr></thead><tbody>");
    for a in &r.learner.areas {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}{}</td><td>{:+.2} ± {:.2}</td><td>{}</td></tr>",
            esc(&a.title),
            level_class(a.level),
            a.level.as_str(),
            pct(a.probability),
            if a.settled { " ✓" } else { "" },
            a.theta,
            a.se,
            a.answered
        );
    }
    s.push_str("</tbody></table>");
    s
}

fn plan(r: &QuizResult) -> String {
    let mut s = String::from("<h2>Next steps</h2>");
    if r.recommendations.is_empty() {
        s.push_str("<p>Nothing stands out as weak.</p>");
    }
    for rec in &r.recommendations {
        let _ = write!(s, "<h3>Step {} · {}</h3>", rec.step, esc(&rec.title));
        for e in &rec.entries {
            let how = match e.probability {
                Some(p) if !e.self_rated => format!(
                    " — <span class=\"{}\">{}</span> ({} sure) · {} of {} right",
                    level_class(e.level),
                    e.level.as_str(),
                    pct(p),
                    e.correct,
                    e.answered
                ),
                _ => String::new(),
            };
            let _ = write!(
                s,
                "<div class=\"entry\"><strong>{}</strong>{how}",
                esc(&e.title)
            );
            if !e.confidently_wrong.is_empty() {
                let _ = write!(
                    s,
                    "<p class=\"misconception\">You were quite sure of a wrong answer: a misconception to fix first.</p>"
                );
                for m in &e.misconceptions {
                    let _ = write!(s, "<p class=\"misconception\">{}</p>", esc(m));
                }
            }
            if !e.resources.is_empty() {
                s.push_str("<ul>");
                for l in &e.resources {
                    let _ = write!(
                        s,
                        "<li><a href=\"{}\">{}</a> <span class=\"mute\">({})</span></li>",
                        url_attr(&l.url),
                        esc(&l.title),
                        esc(&l.kind)
                    );
                }
                s.push_str("</ul>");
            }
            if !e.self_rated {
                let _ = write!(
                    s,
                    "<p class=\"mute\">Practise it: <code>skillquiz take --topic {}</code></p>",
                    esc(&e.topic)
                );
            }
            s.push_str("</div>");
        }
    }
    s
}

/// The spaced review's state, when there is a history.
fn review(r: &QuizResult) -> String {
    let Some(rv) = r.review else {
        return String::new();
    };
    if rv.due_now > 0 {
        format!(
            "<p><strong>{} you missed {} due for review:</strong> <code>skillquiz review</code></p>",
            count(rv.due_now, "question", "questions"),
            if rv.due_now == 1 { "is" } else { "are" }
        )
    } else if let Some(next) = rv.next_due_at {
        format!(
            "<p>The questions you missed come up for review from {} (<code>skillquiz review</code>).</p>",
            esc(&crate::learn::date(next))
        )
    } else {
        String::new()
    }
}

fn topics(r: &QuizResult) -> String {
    let mut s = String::new();
    if r.learner.topics.is_empty() {
        return s;
    }
    s.push_str("<h2>By topic</h2><table><thead><tr><th>Topic</th><th>Level</th><th>How sure</th><th>Right</th></tr></thead><tbody>");
    for t in r.learner.topics.iter().filter(|t| t.answered > 0) {
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"{}\">{}</td><td>{}{}</td><td>{} of {}</td></tr>",
            esc(&t.title),
            level_class(t.level),
            t.level.as_str(),
            pct(t.probability),
            if t.settled { " ✓" } else { "" },
            t.correct,
            t.answered
        );
    }
    s.push_str("</tbody></table>");
    s
}

fn calibration(r: &QuizResult) -> String {
    let Some(c) = &r.calibration else {
        return String::new();
    };
    let mut s = String::from("<h2>How sure were you?</h2>");
    let _ = write!(
        s,
        "<p class=\"mute\">Certainty-based marking (Moodle's): right 1 / 2 / 3, wrong 0 / −2 / −6 at certainty 1 / 2 / 3. \
         The shaded band is the range of accuracy where that certainty pays best; the bar is your accuracy, the line its 95% interval. \
         Average CBM mark {:.2}, accuracy {}, CBM bonus {:+.1}%, accuracy + bonus {}.</p>",
        c.average_mark,
        pct(c.accuracy),
        100.0 * c.bonus,
        pct(c.accuracy_plus_bonus)
    );
    let (label, w, row) = (120.0, 400.0, 36.0);
    let h = row * 3.0 + 24.0;
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {} {h}\" role=\"img\" aria-label=\"Accuracy per certainty level against its optimal range\"><title>Accuracy per certainty level</title>",
        label + w + 290.0
    );
    for (i, l) in c.levels.iter().enumerate() {
        let y = row * i as f64 + 6.0;
        let name = ["1 unsure", "2 mid", "3 quite sure"][i];
        let (o0, o1) = (label + l.optimal.0 * w, label + l.optimal.1 * w);
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\">{name}</text><rect x=\"{o0:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"20\" fill=\"#e8f5e9\"/>",
            y + 14.0,
            o1 - o0
        );
        match (l.accuracy, l.interval, l.judgement) {
            (Some(a), Some((lo, hi)), Some(j)) => {
                let _ = write!(
                    s,
                    "<rect x=\"{label}\" y=\"{}\" width=\"{:.1}\" height=\"10\" fill=\"#1565c0\"/>\
                     <line x1=\"{:.1}\" y1=\"{}\" x2=\"{:.1}\" y2=\"{}\" stroke=\"#1b1f24\" stroke-width=\"2\"/>\
                     <text x=\"{}\" y=\"{}\">{} · {} · {}</text>",
                    y + 5.0,
                    a * w,
                    label + lo * w,
                    y + 10.0,
                    label + hi * w,
                    y + 10.0,
                    label + w + 8.0,
                    y + 14.0,
                    pct(a),
                    count(l.answers, "answer", "answers"),
                    j.as_str()
                );
            }
            _ => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\">no answers</text>",
                    label + w + 8.0,
                    y + 14.0
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

fn missed(r: &QuizResult) -> String {
    let mut s = String::new();
    if r.missed.is_empty() {
        return s;
    }
    s.push_str("<h2>Questions to review</h2>");
    for m in &r.missed {
        let _ = write!(
            s,
            "<div class=\"question\"><p><strong>{}</strong> <span class=\"mute\">[{}]</span></p>",
            esc(&m.prompt),
            esc(&m.id)
        );
        if let Some(code) = &m.code {
            let _ = write!(s, "<pre><code>{}</code></pre>", esc(code));
        }
        let _ = write!(
            s,
            "<p><span class=\"weak\">Your answer:</span> {}<br><span class=\"strong\">Right answer:</span> {}</p>",
            esc(&m.your_answer),
            esc(&m.right_answer)
        );
        for f in &m.feedback {
            let _ = write!(s, "<p class=\"misconception\">{}</p>", esc(f));
        }
        if !m.explanation.is_empty() {
            let _ = write!(s, "<p>{}</p>", esc(&m.explanation));
        }
        s.push_str("</div>");
    }
    s
}

/// One line per area: ability after each attempt.
fn progress_chart(p: &Progress) -> String {
    let mut s = String::from("<h2>Progress</h2>");
    let n = p.areas.iter().map(|a| a.points.len()).max().unwrap_or(0);
    if n == 0 {
        s.push_str("<p>No quizzes in the history yet.</p>");
        return s;
    }
    let _ = write!(
        s,
        "<p class=\"mute\">Ability per area after each of {}; the dashed lines are the level boundaries (0 and +1.1).</p>",
        count(p.attempts, "quiz", "quizzes")
    );
    let (w, h, pad) = (560.0, 220.0, 30.0);
    let colours = [
        "#1565c0", "#c62828", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037",
    ];
    let y_of = |t: f64| pad + (1.0 - (t.clamp(-3.0, 3.0) + 3.0) / 6.0) * (h - 2.0 * pad);
    let x_of_i = |i: usize, len: usize| {
        if len <= 1 {
            pad + (w - 2.0 * pad) / 2.0
        } else {
            pad + (w - 2.0 * pad) * i as f64 / (len - 1) as f64
        }
    };
    let _ = write!(
        s,
        "<svg viewBox=\"0 0 {} {h}\" role=\"img\" aria-label=\"Ability per area after each quiz\"><title>Ability per area after each quiz</title>",
        w + 190.0
    );
    for t in [0.0, 1.0986] {
        let _ = write!(
            s,
            "<line x1=\"{pad}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#8c959f\" stroke-dasharray=\"4 4\"/>",
            w - pad,
            y = y_of(t)
        );
    }
    for (k, a) in p.areas.iter().enumerate() {
        let colour = colours[k % colours.len()];
        let pts: Vec<String> = a
            .points
            .iter()
            .enumerate()
            .map(|(i, pt)| format!("{:.1},{:.1}", x_of_i(i, a.points.len()), y_of(pt.theta)))
            .collect();
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\
             <rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\">{}</text>",
            pts.join(" "),
            w,
            pad + 18.0 * k as f64,
            w + 16.0,
            pad + 18.0 * k as f64 + 10.0,
            esc(&a.title)
        );
    }
    s.push_str("</svg><table><thead><tr><th>Area</th><th>Now</th><th>Since the first quiz</th><th>Since the previous</th></tr></thead><tbody>");
    for a in &p.areas {
        if let Some(last) = a.points.last() {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=\"{}\">{} ({:+.2} ± {:.2})</td><td>{}</td><td>{}</td></tr>",
                esc(&a.title),
                level_class(last.level),
                last.level.as_str(),
                last.theta,
                last.se,
                crate::learn::Change::describe(a.since_first.as_ref()),
                crate::learn::Change::describe(a.since_previous.as_ref())
            );
        }
    }
    s.push_str("</tbody></table>");
    s
}

/// The whole page: a result's report (if any) and the progress over attempts (if any).
pub fn page(result: Option<&QuizResult>, progress: Option<&Progress>) -> String {
    let mut body = String::new();
    if let Some(r) = result {
        body.push_str(&standing(r));
        body.push_str(&plan(r));
        body.push_str(&review(r));
        body.push_str(&topics(r));
        body.push_str(&calibration(r));
        body.push_str(&missed(r));
    }
    if let Some(p) = progress {
        body.push_str(&progress_chart(p));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>skillquiz report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>skillquiz report</h1>\n<p class=\"mute\">The road to Machine Learning Engineer: where you stand and what to study next.</p>\n\
         {body}\n</body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn bank_text_is_escaped_never_markup() {
        let hostile = "</script><b onclick=\"x\">bold</b> & \u{1b}[31mred";
        let e = super::esc(hostile);
        assert!(!e.contains('<') && !e.contains('>'), "{e}");
        assert!(e.contains("&lt;/script&gt;") && e.contains("&amp;"), "{e}");
        assert!(!e.contains('\u{1b}'));
        let a = super::attr("https://example.org/\"><script>");
        assert!(!a.contains('"') && !a.contains('<'), "{a}");
    }
}
