//! GIFT text → bank questions, the way Moodle's importer reads it.

use super::{Issue, IssueKind, Unsupported, fnv1a};
use crate::bank::raw::{Difficulty, RawChoice, RawKind, RawQuestion, RawTopic, Tolerance};
use crate::bank::{Catalog, valid_id};
use std::collections::{BTreeMap, HashSet};

/// What to import into.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The area every topic and id is namespaced by.
    pub area: String,
    /// The difficulty every imported question gets (GIFT has none).
    pub difficulty: Difficulty,
    /// The roadmap step of new topics; `None` borrows the step of the area's first topic.
    pub step: Option<u8>,
}

/// The result of reading GIFT files.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub questions: Vec<RawQuestion>,
    /// Topics the questions use that the catalog does not have yet.
    pub topics: Vec<RawTopic>,
    pub issues: Vec<Issue>,
    /// Questions imported, per skillquiz kind (`single_choice`, ...).
    pub imported: BTreeMap<&'static str, usize>,
    /// Questions skipped, per GIFT kind.
    pub skipped: BTreeMap<Unsupported, usize>,
}

impl Imported {
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.kind == IssueKind::Error)
    }
}

// Escaped characters become private-use placeholders while the structure is parsed
// (Moodle uses `&&058;` and so on), then turn back into the characters.
const ESCAPES: [(char, char); 8] = [
    (':', '\u{E000}'),
    ('#', '\u{E001}'),
    ('=', '\u{E002}'),
    ('{', '\u{E003}'),
    ('}', '\u{E004}'),
    ('~', '\u{E005}'),
    ('n', '\u{E006}'),
    ('\\', '\u{E007}'),
];

fn escape_pre(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && let Some(&(_, p)) = ESCAPES.iter().find(|(e, _)| *e == next)
        {
            out.push(p);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}

fn escape_post(text: &str) -> String {
    text.chars()
        .map(|c| match ESCAPES.iter().find(|(_, p)| *p == c) {
            Some(('n', _)) => '\n',
            Some((e, _)) => *e,
            None => c,
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// A text with its optional `[format]` marker read off, escapes undone, HTML made plain.
fn text_with_format(text: &str, default: Format) -> (String, Format) {
    let t = text.trim();
    let mut format = default;
    let mut body = t;
    if let Some(rest) = t.strip_prefix('[')
        && let Some(end) = rest.find(']')
    {
        let f = match &rest[..end] {
            "moodle" => Some(Format::Moodle),
            "html" => Some(Format::Html),
            "plain" => Some(Format::Plain),
            "markdown" => Some(Format::Markdown),
            _ => None,
        };
        if let Some(f) = f {
            format = f;
            body = &rest[end + 1..];
        }
    }
    let mut s = escape_post(body).trim().to_string();
    if format == Format::Html {
        s = html_to_text(&s);
    }
    (s, format)
}

/// Plain text from simple HTML: line breaks for `<br>` and paragraphs, other tags dropped,
/// the common entities decoded.
fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let tag = rest[i + 1..i + j].trim().to_ascii_lowercase();
        let name = tag.trim_start_matches('/');
        let name = name
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if matches!(name, "br" | "p" | "div" | "li") && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    let mut s = out;
    for (e, c) in [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&apos;", "'"),
        ("&nbsp;", " "),
        ("&amp;", "&"),
    ] {
        s = s.replace(e, c);
    }
    s.trim().to_string()
}

/// `%50%` or `%-33.3%` at the start of an answer: the weight as a fraction, and the rest.
/// The pattern is Moodle's: `^%-*([0-9]{1,2})\.?([0-9]*)%`.
fn weight(answer: &str) -> Option<(f64, &str)> {
    let rest = answer.strip_prefix('%')?;
    let end = rest.find('%')?;
    let w = &rest[..end];
    let digits = w.trim_start_matches('-');
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    let negative = w.starts_with('-');
    let value: f64 = digits.parse().ok()?;
    let value = if negative { -value } else { value };
    Some((value / 100.0, &rest[end + 1..]))
}

/// Answer text and its `#feedback`.
fn split_feedback(answer: &str, format: Format) -> (String, String) {
    let (a, f) = answer.split_once('#').unwrap_or((answer, ""));
    (text_with_format(a, format).0, text_with_format(f, format).0)
}

fn parse_number(s: &str) -> Option<f64> {
    let x: f64 = s.trim().parse().ok()?;
    x.is_finite().then_some(x)
}

#[derive(Debug, Clone)]
struct Answer {
    text: String,
    weight: f64,
    feedback: String,
}

#[derive(Debug, Clone)]
struct NumAnswer {
    value: f64,
    tolerance: f64,
    weight: f64,
    feedback: String,
}

#[derive(Debug, Clone)]
enum Body {
    Choice {
        single: bool,
        answers: Vec<Answer>,
    },
    TrueFalse {
        answer: bool,
        wrong: String,
        right: String,
    },
    Short {
        answers: Vec<Answer>,
    },
    Numeric {
        answers: Vec<NumAnswer>,
        wrong_feedback: String,
    },
}

#[derive(Debug, Clone)]
struct Parsed {
    title: Option<String>,
    prompt: String,
    code: Option<String>,
    general: String,
    body: Body,
}

enum Block {
    Category(String),
    Question(Box<Parsed>),
    Skip(Unsupported, String),
    Error(String),
}

/// The blocks of a file (questions are separated by blank lines), each with the line it
/// starts on. A UTF-8 byte-order mark, CRLF and old Mac CR line endings and a missing final
/// newline are all accepted.
fn blocks(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = if text.contains('\r') && !text.contains('\n') {
        text.split('\r').collect()
    } else {
        text.split('\n').collect()
    };
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut start = 0;
    let mut first_text = 0;
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push((
                    if first_text > 0 { first_text } else { start },
                    current.join("\n"),
                ));
                current.clear();
            }
            continue;
        }
        if current.is_empty() {
            start = i + 1;
            first_text = 0;
        }
        if line.starts_with("//") {
            current.push(" ".into());
        } else {
            if first_text == 0 {
                first_text = i + 1;
            }
            current.push(line.to_string());
        }
    }
    if !current.is_empty() {
        out.push((
            if first_text > 0 { first_text } else { start },
            current.join("\n"),
        ));
    }
    out
}

fn parse_block(block: &str) -> Option<Block> {
    let text = block.trim();
    if text.is_empty() {
        return None; // only comments
    }
    let text = escape_pre(text);
    if let Some(rest) = text.strip_prefix("$CATEGORY:") {
        let rest = rest.trim();
        if rest.contains('\n') {
            return Some(Block::Error(
                "$CATEGORY: must be followed by a blank line before the next question".into(),
            ));
        }
        let name = escape_post(rest).trim().to_string();
        if name.is_empty() {
            return Some(Block::Error("$CATEGORY: names no category".into()));
        }
        return Some(Block::Category(name));
    }
    let mut text: &str = &text;
    let mut title = None;
    if let Some(rest) = text.strip_prefix("::")
        && let Some(end) = rest.find("::")
    {
        title = Some(escape_post(&rest[..end]).trim().to_string());
        text = rest[end + 2..].trim();
    }
    let open = text.find('{');
    let close = text.find('}');
    let (open, close) = match (open, close) {
        (None, None) => return Some(Block::Skip(Unsupported::Description, String::new())),
        (Some(o), Some(c)) if o < c => (o, c),
        (Some(_), None) => {
            return Some(Block::Error(
                "`{` has no closing `}` (write `\\}` for a literal brace)".into(),
            ));
        }
        (None, Some(_)) | (Some(_), Some(_)) => {
            return Some(Block::Error(
                "`}` comes before any `{` (write `\\}` for a literal brace)".into(),
            ));
        }
    };
    let answer = text[open + 1..close].trim();
    let after = text[close + 1..].trim();
    let is_cloze_head = {
        let head: String = answer.chars().take_while(|c| *c != ':').collect();
        head.chars().all(|c| c.is_ascii_digit())
            && answer[head.len()..].starts_with(':')
            && answer[head.len() + 1..].split(':').next().is_some_and(|k| {
                !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            })
    };
    if after.contains('{') || is_cloze_head {
        return Some(Block::Skip(Unsupported::Cloze, String::new()));
    }
    if !after.is_empty() {
        return Some(Block::Skip(Unsupported::MissingWord, String::new()));
    }
    let question_text = &text[..open];
    let (mut answer, general) = match answer.rfind("####") {
        Some(i) => (answer[..i].trim().to_string(), answer[i + 4..].to_string()),
        None => (answer.to_string(), String::new()),
    };
    let (prompt, format) = text_with_format(question_text, Format::Moodle);
    let (general, _) = text_with_format(&general, format);
    let (prompt, code) = split_code(prompt, format);
    if answer.is_empty() {
        return Some(Block::Skip(Unsupported::Essay, String::new()));
    }
    let body = if let Some(num) = answer.strip_prefix('#') {
        match numeric(num, format) {
            Ok(b) => b,
            Err(e) => return Some(Block::Error(e)),
        }
    } else if answer.contains('~') {
        let single = answer.contains('=');
        answer = answer.replace('=', "~=");
        let mut parts: Vec<&str> = answer.split('~').map(str::trim).collect();
        if parts.first().is_some_and(|p| p.is_empty()) {
            parts.remove(0);
        }
        if parts.len() < 2 {
            return Some(Block::Error(
                "a multiple-choice question needs at least 2 answers".into(),
            ));
        }
        let mut answers = Vec::new();
        for p in parts {
            let (w, rest) = if let Some(r) = p.strip_prefix('=') {
                (1.0, r)
            } else if let Some((w, r)) = weight(p) {
                (w, r)
            } else {
                (0.0, p)
            };
            let (text, feedback) = split_feedback(rest, format);
            answers.push(Answer {
                text,
                weight: w,
                feedback,
            });
        }
        Body::Choice { single, answers }
    } else if answer.contains('=') && answer.contains("->") {
        return Some(Block::Skip(Unsupported::Matching, String::new()));
    } else {
        let check = match answer.find('#') {
            Some(i) if i > 0 => answer[..i].trim(),
            _ => answer.as_str(),
        };
        if matches!(check, "T" | "TRUE" | "F" | "FALSE") {
            let mut bits = answer.splitn(3, '#');
            let key = bits.next().unwrap_or("").trim();
            let wrong = text_with_format(bits.next().unwrap_or(""), format).0;
            let right = text_with_format(bits.next().unwrap_or(""), format).0;
            Body::TrueFalse {
                answer: key.starts_with('T'),
                wrong,
                right,
            }
        } else {
            let mut parts: Vec<&str> = answer.split('=').map(str::trim).collect();
            if parts.first().is_some_and(|p| p.is_empty()) {
                parts.remove(0);
            }
            if parts.is_empty() {
                return Some(Block::Error(
                    "a short-answer question needs at least 1 answer".into(),
                ));
            }
            let answers = parts
                .into_iter()
                .map(|p| {
                    let (w, rest) = weight(p).unwrap_or((1.0, p));
                    let (text, feedback) = split_feedback(rest, format);
                    Answer {
                        text,
                        weight: w,
                        feedback,
                    }
                })
                .collect();
            Body::Short { answers }
        }
    };
    Some(Block::Question(Box::new(Parsed {
        title,
        prompt,
        code,
        general,
        body,
    })))
}

/// A Markdown question text ending in a fenced code block: the block becomes `code`
/// (the way [`super::export_gift`] writes a question with a snippet).
fn split_code(prompt: String, format: Format) -> (String, Option<String>) {
    if format != Format::Markdown || !prompt.ends_with("```") {
        return (prompt, None);
    }
    let body = &prompt[..prompt.len() - 3];
    match body.rfind("\n```\n") {
        Some(i) => {
            let code = body[i + 5..].trim_end_matches('\n').to_string();
            (body[..i].trim().to_string(), Some(code))
        }
        None => (prompt, None),
    }
}

fn numeric(answer: &str, format: Format) -> Result<Body, String> {
    let (answer, wrong_feedback) = match answer.find('~') {
        Some(i) => (&answer[..i], split_feedback(&answer[i + 1..], format).1),
        None => (answer, String::new()),
    };
    let mut parts: Vec<&str> = answer.split('=').map(str::trim).collect();
    if parts.first().is_some_and(|p| p.is_empty()) {
        parts.remove(0);
    }
    if parts.is_empty() {
        return Err("a numerical question needs at least 1 answer".into());
    }
    let mut answers = Vec::new();
    for p in parts {
        let (w, rest) = weight(p).unwrap_or((1.0, p));
        let (text, feedback) = split_feedback(rest, format);
        let bad = || format!("`{text}` is not a number, a number:tolerance or a min..max range");
        let (value, tolerance) = if let Some(i) = text.find("..").filter(|&i| i > 0) {
            let min = parse_number(&text[..i]).ok_or_else(bad)?;
            let max = parse_number(&text[i + 2..]).ok_or_else(bad)?;
            if max < min {
                return Err(format!("range `{text}`: the maximum is below the minimum"));
            }
            // Halves first: (min + max) / 2 overflows near the largest numbers.
            let mid = tidy(min / 2.0 + max / 2.0);
            (mid, tidy(max / 2.0 - min / 2.0))
        } else if let Some(i) = text.find(':').filter(|&i| i > 0) {
            let v = parse_number(&text[..i]).ok_or_else(bad)?;
            let t = parse_number(&text[i + 1..]).ok_or_else(bad)?;
            if t < 0.0 {
                return Err(format!("`{text}`: the tolerance is negative"));
            }
            (v, t)
        } else {
            (parse_number(&text).ok_or_else(bad)?, 0.0)
        };
        if !(value.is_finite() && tolerance.is_finite()) {
            return Err(format!(
                "`{text}` is out of the range of numbers skillquiz can hold"
            ));
        }
        answers.push(NumAnswer {
            value,
            tolerance,
            weight: w,
            feedback,
        });
    }
    Ok(Body::Numeric {
        answers,
        wrong_feedback,
    })
}

/// `x` rounded to 12 significant digits, so that sums like 1.4 − 0.05 read as 1.35.
fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 11 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    let y = (x * scale).round() / scale;
    // Subnormal or huge numbers: the scale itself is out of range; keep x as it is.
    if scale.is_finite() && scale != 0.0 && y.is_finite() {
        y
    } else {
        x
    }
}

/// Lower-case ASCII letters, digits and `_`, at most `max` characters.
fn slug(text: &str, max: usize) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_');
    let mut s: String = s.chars().take(max).collect();
    while s.ends_with('_') {
        s.pop();
    }
    s
}

fn humanise(id_tail: &str) -> String {
    let words = id_tail.replace(['_', '-', '.'], " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Turns parsed questions into bank questions for `opts.area`.
struct Builder<'a> {
    cat: &'a Catalog,
    opts: &'a ImportOptions,
    out: Imported,
    ids: HashSet<String>,
    topic: Option<String>,
    warned_step: bool,
}

impl Builder<'_> {
    fn issue(&mut self, file: &str, line: usize, kind: IssueKind, message: String) {
        self.out.issues.push(Issue {
            file: file.into(),
            line,
            kind,
            message,
        });
    }

    /// The topic a `$CATEGORY:` names: its last path segment, used as-is when it is
    /// already a topic id of this area, otherwise made into one.
    fn category(&mut self, file: &str, line: usize, name: &str) {
        let last = name
            .rsplit('/')
            .find(|s| !s.trim().is_empty())
            .unwrap_or(name)
            .trim();
        let prefix = format!("{}.", self.opts.area);
        let (id, title) =
            if valid_id(last) && last.starts_with(&prefix) && last.len() > prefix.len() {
                (last.to_string(), humanise(&last[prefix.len()..]))
            } else {
                let s = slug(last, 50);
                let s = if s.is_empty() {
                    format!("c{:08x}", fnv1a(last) as u32)
                } else {
                    s
                };
                (format!("{prefix}{s}"), last.to_string())
            };
        self.ensure_topic(file, line, &id, &title);
        self.topic = Some(id);
    }

    fn ensure_topic(&mut self, file: &str, line: usize, id: &str, title: &str) {
        if self.cat.topic(id).is_some() || self.out.topics.iter().any(|t| t.id == id) {
            return;
        }
        let step = self
            .opts
            .step
            .or_else(|| self.cat.topics_of(&self.opts.area).next().map(|t| t.step));
        let step = match step {
            Some(s) => s,
            None => {
                if !self.warned_step {
                    self.warned_step = true;
                    let area = self.opts.area.clone();
                    self.issue(
                        file,
                        line,
                        IssueKind::Error,
                        format!(
                            "topic `{id}` is new and area `{area}` has no topic to take a roadmap step from; pass --step N (1 to 7)"
                        ),
                    );
                }
                1
            }
        };
        self.out.topics.push(RawTopic {
            id: id.into(),
            title: title.into(),
            step,
            resources: Vec::new(),
        });
    }

    fn current_topic(&mut self, file: &str, line: usize) -> String {
        if let Some(t) = &self.topic {
            return t.clone();
        }
        let id = format!("{}.general", self.opts.area);
        self.ensure_topic(file, line, &id, "General");
        self.topic = Some(id.clone());
        id
    }

    fn question_id(&mut self, title: Option<&str>, prompt: &str) -> String {
        let prefix = format!("{}.", self.opts.area);
        let base = match title.filter(|t| !t.is_empty()) {
            Some(t) if valid_id(t) && t.starts_with(&prefix) && t.len() > prefix.len() => {
                t.to_string()
            }
            Some(t) if !slug(t, 60).is_empty() => format!("{prefix}{}", slug(t, 60)),
            _ => format!("{prefix}q_{:016x}", fnv1a(prompt)),
        };
        let taken =
            |id: &str, ids: &HashSet<String>| ids.contains(id) || self.cat.question(id).is_some();
        let mut id = base.clone();
        let mut n = 2;
        while taken(&id, &self.ids) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        id
    }

    fn add(&mut self, file: &str, line: usize, p: Parsed) {
        let mut notes: Vec<String> = Vec::new();
        let kind = match p.body {
            Body::Choice { single, answers } => {
                let choices: Vec<RawChoice> = answers
                    .iter()
                    .map(|a| RawChoice {
                        text: a.text.clone(),
                        feedback: (!a.feedback.is_empty()).then(|| a.feedback.clone()),
                        resource: None,
                    })
                    .collect();
                if let Some(i) = answers.iter().position(|a| a.text.is_empty()) {
                    self.issue(
                        file,
                        line,
                        IssueKind::Error,
                        format!("answer {} is empty", i + 1),
                    );
                    return;
                }
                if single {
                    let right: Vec<usize> = (0..answers.len())
                        .filter(|&i| answers[i].weight >= 1.0)
                        .collect();
                    if right.len() != 1 {
                        self.skip(file, line, Unsupported::Unrepresentable, format!(
                            "{} answers are fully right; a skillquiz single-choice question has exactly one",
                            right.len()
                        ));
                        return;
                    }
                    for a in answers.iter().filter(|a| a.weight > 0.0 && a.weight < 1.0) {
                        notes.push(format!(
                            "answer `{}` gave {}% credit in Moodle; here it counts as wrong",
                            a.text,
                            a.weight * 100.0
                        ));
                    }
                    RawKind::SingleChoice {
                        choices,
                        answer: right[0],
                        fixed_order: false,
                    }
                } else {
                    let right: Vec<usize> = (0..answers.len())
                        .filter(|&i| answers[i].weight > 0.0)
                        .collect();
                    if right.is_empty() {
                        self.issue(file, line, IssueKind::Error, "multiple-select question (no `=`) with no answer of positive weight such as `~%50%`".into());
                        return;
                    }
                    let first = answers[right[0]].weight;
                    if right
                        .iter()
                        .any(|&i| (answers[i].weight - first).abs() > 0.01)
                    {
                        notes.push("the right answers had different weights; here each right pick earns the same share".into());
                    }
                    RawKind::MultipleSelect {
                        choices,
                        answers: right,
                        fixed_order: false,
                    }
                }
            }
            Body::TrueFalse {
                answer,
                wrong,
                right,
            } => {
                if wrong.is_empty() && right.is_empty() {
                    RawKind::TrueFalse { answer }
                } else {
                    // Feedback for each side needs choices to hang on.
                    let (fb_true, fb_false) = if answer {
                        (right, wrong)
                    } else {
                        (wrong, right)
                    };
                    let choice = |text: &str, fb: String| RawChoice {
                        text: text.into(),
                        feedback: (!fb.is_empty()).then_some(fb),
                        resource: None,
                    };
                    RawKind::SingleChoice {
                        choices: vec![choice("True", fb_true), choice("False", fb_false)],
                        answer: if answer { 0 } else { 1 },
                        fixed_order: true,
                    }
                }
            }
            Body::Short { answers } => {
                let accepted: Vec<String> = answers
                    .iter()
                    .filter(|a| a.weight >= 1.0 && !a.text.is_empty())
                    .map(|a| a.text.clone())
                    .collect();
                if accepted.is_empty() {
                    self.issue(
                        file,
                        line,
                        IssueKind::Error,
                        "short-answer question with no fully right answer".into(),
                    );
                    return;
                }
                for a in answers.iter().filter(|a| a.weight < 1.0) {
                    notes.push(format!(
                        "answer `{}` ({}% credit in Moodle) is not accepted here",
                        a.text,
                        a.weight * 100.0
                    ));
                }
                if answers.iter().any(|a| !a.feedback.is_empty()) {
                    notes.push("feedback on short answers is not kept; put it in the general feedback (####)".into());
                }
                RawKind::ShortText { accepted }
            }
            Body::Numeric {
                answers,
                wrong_feedback,
            } => {
                let mut right: Vec<&NumAnswer> =
                    answers.iter().filter(|a| a.weight >= 1.0).collect();
                if right.is_empty() {
                    self.issue(
                        file,
                        line,
                        IssueKind::Error,
                        "numerical question with no fully right answer".into(),
                    );
                    return;
                }
                right.sort_by(|a, b| (a.value - a.tolerance).total_cmp(&(b.value - b.tolerance)));
                let (mut lo, mut hi) = (
                    right[0].value - right[0].tolerance,
                    right[0].value + right[0].tolerance,
                );
                for a in &right[1..] {
                    let (l, h) = (a.value - a.tolerance, a.value + a.tolerance);
                    if l > hi {
                        self.skip(file, line, Unsupported::Unrepresentable, "several separate right numbers; a skillquiz numeric question has one answer and a tolerance".into());
                        return;
                    }
                    hi = hi.max(h);
                    lo = lo.min(l);
                }
                let (value, tolerance) = if right.len() == 1 {
                    (right[0].value, right[0].tolerance)
                } else {
                    let (lo, hi) = (tidy(lo), tidy(hi));
                    notes.push(format!(
                        "{} overlapping right answers were merged into the range {lo}..{hi}",
                        right.len()
                    ));
                    (tidy(lo / 2.0 + hi / 2.0), tidy(hi / 2.0 - lo / 2.0))
                };
                if !(value.is_finite() && tolerance.is_finite()) {
                    self.issue(
                        file,
                        line,
                        IssueKind::Error,
                        format!(
                            "the right answers span {lo:e}..{hi:e}, out of the range of numbers skillquiz can hold"
                        ),
                    );
                    return;
                }
                for a in answers.iter().filter(|a| a.weight < 1.0) {
                    notes.push(format!(
                        "answer {} ({}% credit in Moodle) is not kept",
                        a.value,
                        a.weight * 100.0
                    ));
                }
                if !wrong_feedback.is_empty() || answers.iter().any(|a| !a.feedback.is_empty()) {
                    notes.push("feedback on numerical answers is not kept; put it in the general feedback (####)".into());
                }
                RawKind::Numeric {
                    answer: value,
                    tolerance: Tolerance::Absolute(tolerance),
                    unit: None,
                }
            }
        };
        if p.prompt.trim().is_empty() {
            self.issue(
                file,
                line,
                IssueKind::Error,
                "the question text is empty".into(),
            );
            return;
        }
        let topic = self.current_topic(file, line);
        let id = self.question_id(p.title.as_deref(), &p.prompt);
        for n in notes {
            self.issue(file, line, IssueKind::Note, format!("question `{id}`: {n}"));
        }
        let name = kind_name(&kind);
        *self.out.imported.entry(name).or_insert(0) += 1;
        self.out.questions.push(RawQuestion {
            id,
            topic,
            difficulty: self.opts.difficulty,
            prompt: p.prompt,
            code: p.code,
            kind,
            explanation: p.general,
            params: None,
            resources: Vec::new(),
            tags: Vec::new(),
            related: Vec::new(),
            status: Default::default(),
        });
    }

    fn skip(&mut self, file: &str, line: usize, what: Unsupported, why: String) {
        *self.out.skipped.entry(what).or_insert(0) += 1;
        let message = if why.is_empty() {
            format!("skillquiz has no {} questions", what.as_str())
        } else {
            why
        };
        self.issue(file, line, IssueKind::Skipped(what), message);
    }
}

fn kind_name(k: &RawKind) -> &'static str {
    match k {
        RawKind::SingleChoice {
            fixed_order: true,
            choices,
            ..
        } if choices.len() == 2 && choices[0].text == "True" && choices[1].text == "False" => {
            "true_false"
        }
        RawKind::SingleChoice { .. } => "single_choice",
        RawKind::MultipleSelect { .. } => "multiple_select",
        RawKind::TrueFalse { .. } => "true_false",
        RawKind::Numeric { .. } => "numeric",
        RawKind::ShortText { .. } => "short_text",
        RawKind::SelfRating => "self_rating",
    }
}

/// Reads GIFT `files` (name, text) into questions for `opts.area`, checking ids and topics
/// against `cat` (the banks the result will be loaded with).
pub fn import_gift(files: &[(String, String)], opts: &ImportOptions, cat: &Catalog) -> Imported {
    let mut b = Builder {
        cat,
        opts,
        out: Imported::default(),
        ids: HashSet::new(),
        topic: None,
        warned_step: false,
    };
    for (file, text) in files {
        b.topic = None; // a category does not carry over to the next file
        for (line, block) in blocks(text) {
            match parse_block(&block) {
                None => {}
                Some(Block::Category(name)) => b.category(file, line, &name),
                Some(Block::Question(p)) => b.add(file, line, *p),
                Some(Block::Skip(what, why)) => b.skip(file, line, what, why),
                Some(Block::Error(e)) => b.issue(file, line, IssueKind::Error, e),
            }
        }
    }
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip_through_placeholders() {
        let pre = escape_pre(r"a \~ \= \# \{ \} \: \\ \n b");
        assert!(!pre.contains('\\'));
        assert_eq!(escape_post(&pre), "a ~ = # { } : \\ \n b");
        // A backslash before anything else stays.
        assert_eq!(escape_post(&escape_pre(r"C:\path")), r"C:\path");
    }

    #[test]
    fn weights_follow_moodles_pattern() {
        assert_eq!(weight("%50%x"), Some((0.5, "x")));
        assert_eq!(weight("%-33.5%x"), Some((-0.335, "x")));
        assert_eq!(weight("%100%x"), Some((1.0, "x")));
        assert_eq!(weight("%abc%x"), None);
        assert_eq!(weight("50%"), None);
    }

    #[test]
    fn blocks_split_on_blank_lines_with_line_numbers() {
        let b = blocks("// c\r\nQ1{T}\r\n\r\n\r\n// c2\r\nQ2\r\n{F}");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].0, 2);
        assert_eq!(b[1].0, 6);
        assert_eq!(b[1].1, " \nQ2\n{F}");
    }

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(html_to_text("<p>a &lt; <b>b</b></p><p>c</p>"), "a < b\nc");
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("Grant's Tomb (1)", 60), "grant_s_tomb_1");
        assert_eq!(slug("Ünïcode", 60), "n_code");
        assert!(valid_id(&slug("A--b__c", 60)));
    }
}
