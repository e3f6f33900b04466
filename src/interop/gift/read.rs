//! GIFT text → bank questions, the way Moodle's importer reads it.

use crate::bank::Catalog;
use crate::interop::build::{
    Answer, Body, Builder, Imported, NumAnswer, Parsed, Place, category_path, tidy,
};
use crate::interop::{ImportOptions, Unsupported, html};

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
    // Every placeholder is U+E000 to U+E007, whose UTF-8 begins with the byte 0xEE: most
    // texts have none, and are copied as they are.
    if memchr::memchr(0xEE, text.as_bytes()).is_none() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    out.extend(
        text.chars()
            .map(|c| match ESCAPES.iter().find(|(_, p)| *p == c) {
                Some(('n', _)) => '\n',
                Some((e, _)) => *e,
                None => c,
            }),
    );
    out
}

/// PHP's `trim`: only ASCII space, tab, newlines, NUL and vertical tab. A no-break space
/// is text to Moodle, so a line holding one does not end a question.
fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\u{0B}'])
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Moodle,
    Html,
    Plain,
    Markdown,
}

/// A text with its optional `[format]` marker read off, escapes undone, HTML made plain.
fn text_with_format(text: &str, default: Format) -> (html::Plain, Format) {
    let t = php_trim(text);
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
    let unescaped = escape_post(body);
    // Trimmed after the escapes are undone (an escaped `\n` at the end is trimmed too).
    let s = match php_trim(&unescaped) {
        t if t.len() == unescaped.len() => unescaped,
        t => t.to_string(),
    };
    if format == Format::Html {
        (html::to_text(&s), format)
    } else {
        (
            html::Plain {
                text: s,
                ..html::Plain::default()
            },
            format,
        )
    }
}

/// A text (an answer, a feedback) made plain; images inside are kept as placeholders and
/// listed in `images`.
fn plain(text: &str, format: Format, images: &mut Vec<String>) -> String {
    let (p, _) = text_with_format(text, format);
    images.extend(p.images);
    match p.code {
        Some(code) if p.text.is_empty() => code,
        Some(code) => format!("{}\n{code}", p.text),
        None => p.text,
    }
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
        && int.len() <= 3
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
fn split_feedback(answer: &str, format: Format, images: &mut Vec<String>) -> (String, String) {
    let (a, f) = answer.split_once('#').unwrap_or((answer, ""));
    (plain(a, format, images), plain(f, format, images))
}

fn parse_number(s: &str) -> Option<f64> {
    let x: f64 = s.trim().parse().ok()?;
    x.is_finite().then_some(x)
}

enum Block {
    Category(Vec<String>, Option<String>),
    Question(Box<Parsed>),
    Skip(Unsupported, String),
    Error(String),
}

/// One question's lines: where its text starts, the text with comments blanked, and the
/// comments (for `[id:]` and `[tag:]`).
struct Lines {
    line: usize,
    text: String,
    comments: Vec<String>,
}

/// The blocks of a file (questions are separated by lines that are empty to PHP's `trim`),
/// each with the line it starts on. A UTF-8 byte-order mark, CRLF and old Mac CR line
/// endings and a missing final newline are all accepted.
fn blocks(text: &str) -> Vec<Lines> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Vec<&str> = if text.contains('\r') && !text.contains('\n') {
        text.split('\r').collect()
    } else {
        text.split('\n').collect()
    };
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    let mut start = 0;
    let mut first_text = 0;
    let mut flush = |current: &mut Vec<&str>, comments: &mut Vec<String>, start, first_text| {
        if !current.is_empty() {
            out.push(Lines {
                line: if first_text > 0 { first_text } else { start },
                text: current.join("\n"),
                comments: std::mem::take(comments),
            });
            current.clear();
        }
    };
    for (i, line) in lines.iter().enumerate() {
        let line = php_trim(line);
        if line.is_empty() {
            flush(&mut current, &mut comments, start, first_text);
            continue;
        }
        if current.is_empty() {
            start = i + 1;
            first_text = 0;
        }
        if let Some(c) = line.strip_prefix("//") {
            comments.push(c.to_string());
            current.push(" ");
        } else {
            if first_text == 0 {
                first_text = i + 1;
            }
            current.push(line);
        }
    }
    flush(&mut current, &mut comments, start, first_text);
    out
}

/// The values of `[key:...]` in comments, `\]` standing for `]` (how Moodle writes id
/// numbers and tags in GIFT).
fn comment_values(comments: &[String], key: &str) -> Vec<String> {
    let open = format!("[{key}:");
    let mut out = Vec::new();
    for c in comments {
        let mut rest = c.as_str();
        while let Some(i) = rest.find(&open) {
            rest = &rest[i + open.len()..];
            let mut value = String::new();
            let mut chars = rest.char_indices();
            let mut end = None;
            while let Some((j, ch)) = chars.next() {
                match ch {
                    '\\' if rest[j + 1..].starts_with(']') => {
                        value.push(']');
                        chars.next();
                    }
                    ']' => {
                        end = Some(j);
                        break;
                    }
                    _ => value.push(ch),
                }
            }
            match end {
                Some(j) => {
                    out.push(value.trim().to_string());
                    rest = &rest[j + 1..];
                }
                None => break,
            }
        }
    }
    out
}

fn parse_block(lines: &Lines) -> Option<Block> {
    let text = php_trim(&lines.text);
    if text.is_empty() {
        return None; // only comments
    }
    // A category name is taken as written: Moodle never undoes escapes in it.
    if let Some(rest) = text.strip_prefix("$CATEGORY:") {
        let rest = php_trim(rest);
        if rest.contains('\n') {
            return Some(Block::Error(
                "$CATEGORY: must be followed by a blank line before the next question".into(),
            ));
        }
        if rest.is_empty() {
            return Some(Block::Error("$CATEGORY: names no category".into()));
        }
        let id = comment_values(&lines.comments, "id").into_iter().next();
        return Some(Block::Category(category_path(rest), id));
    }
    let text = escape_pre(text);
    let mut text: &str = &text;
    let mut title = None;
    if let Some(rest) = text.strip_prefix("::") {
        // An unclosed `::` is dropped, as Moodle does, and the question goes untitled.
        match rest.find("::") {
            Some(end) => {
                title = Some(php_trim(&escape_post(&rest[..end])).to_string());
                text = php_trim(&rest[end + 2..]);
            }
            None => text = rest,
        }
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
    let answer = php_trim(&text[open + 1..close]);
    let after = &text[close + 1..];
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
    // Text after the braces: a missing-word question, the blank shown as `_____` (Moodle's).
    let question_text = if php_trim(after).is_empty() {
        text[..open].to_string()
    } else {
        format!("{}_____{after}", &text[..open])
    };
    let (mut answer, general) = match answer.rfind("####") {
        Some(i) => (
            php_trim(&answer[..i]).to_string(),
            answer[i + 4..].to_string(),
        ),
        None => (answer.to_string(), String::new()),
    };
    let (prompt, format) = text_with_format(&question_text, Format::Moodle);
    let mut images = prompt.images;
    let general = plain(&general, format, &mut images);
    let (prompt, code) = match (prompt.code, format) {
        (Some(code), _) => (prompt.text, Some(code)),
        (None, Format::Markdown) => split_code(prompt.text),
        (None, _) => (prompt.text, None),
    };
    if answer.is_empty() {
        return Some(Block::Skip(Unsupported::Essay, String::new()));
    }
    let body = if let Some(num) = answer.strip_prefix('#') {
        match numeric(num, format, &mut images) {
            Ok(b) => b,
            Err(e) => return Some(Block::Error(e)),
        }
    } else if answer.contains('~') {
        let single = answer.contains('=');
        answer = answer.replace('=', "~=");
        let mut parts: Vec<&str> = answer.split('~').map(php_trim).collect();
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
            let (text, feedback) = split_feedback(rest, format, &mut images);
            answers.push(Answer {
                text,
                weight: w,
                feedback,
            });
        }
        Body::Choice {
            single,
            answers,
            fixed_order: false,
        }
    } else if answer.contains('=') && answer.contains("->") {
        return Some(Block::Skip(Unsupported::Matching, String::new()));
    } else {
        let check = match answer.find('#') {
            Some(i) if i > 0 => php_trim(&answer[..i]),
            _ => answer.as_str(),
        };
        if matches!(check, "T" | "TRUE" | "F" | "FALSE") {
            let mut bits = answer.splitn(3, '#');
            let key = php_trim(bits.next().unwrap_or(""));
            let wrong = plain(bits.next().unwrap_or(""), format, &mut images);
            let right = plain(bits.next().unwrap_or(""), format, &mut images);
            let t = key.starts_with('T');
            let (feedback_true, feedback_false) = if t { (right, wrong) } else { (wrong, right) };
            Body::TrueFalse {
                answer: t,
                feedback_true,
                feedback_false,
            }
        } else {
            let mut parts: Vec<&str> = answer.split('=').map(php_trim).collect();
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
                    let (text, feedback) = split_feedback(rest, format, &mut images);
                    Answer {
                        text,
                        weight: w,
                        feedback,
                    }
                })
                .collect();
            Body::Short {
                answers,
                case_sensitive: false,
            }
        }
    };
    Some(Block::Question(Box::new(Parsed {
        title,
        idnumber: comment_values(&lines.comments, "id").into_iter().next(),
        tags: comment_values(&lines.comments, "tag"),
        prompt,
        code,
        general,
        body,
        images,
    })))
}

/// A Markdown question text ending in a fenced code block: the block becomes `code`
/// (the way [`super::export_gift`] writes a question with a snippet).
fn split_code(prompt: String) -> (String, Option<String>) {
    if !prompt.ends_with("```") {
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

fn numeric(answer: &str, format: Format, images: &mut Vec<String>) -> Result<Body, String> {
    let (answer, wrong_feedback) = match answer.find('~') {
        Some(i) => (
            &answer[..i],
            split_feedback(&answer[i + 1..], format, images).1,
        ),
        None => (answer, String::new()),
    };
    let mut parts: Vec<&str> = answer.split('=').map(php_trim).collect();
    if parts.first().is_some_and(|p| p.is_empty()) {
        parts.remove(0);
    }
    if parts.is_empty() {
        return Err("a numerical question needs at least 1 answer".into());
    }
    let mut answers = Vec::new();
    for p in parts {
        let (w, rest) = weight(p).unwrap_or((1.0, p));
        let (text, feedback) = split_feedback(rest, format, images);
        if text == "*" {
            answers.push(NumAnswer {
                text,
                value: 0.0,
                tolerance: 0.0,
                weight: w,
                feedback,
            });
            continue;
        }
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
            text,
            value,
            tolerance,
            weight: w,
            feedback,
        });
    }
    Ok(Body::Numeric {
        answers,
        wrong_feedback,
        units: Vec::new(),
    })
}

/// Reads GIFT `files` (name, text) into questions for `opts.area`, checking ids and topics
/// against `cat` (the banks the result will be loaded with).
pub fn import_gift(files: &[(String, String)], opts: &ImportOptions, cat: &Catalog) -> Imported {
    let mut b = Builder::new(cat, opts);
    for (file, text) in files {
        b.new_file();
        let blocks = blocks(text);
        b.reserve(blocks.len());
        for lines in blocks {
            let at = Place {
                file: file.clone(),
                line: lines.line,
                col: None,
            };
            match parse_block(&lines) {
                None => {}
                Some(Block::Category(path, id)) => b.category(&at, &path, id.as_deref()),
                Some(Block::Question(p)) => b.add(&at, *p),
                Some(Block::Skip(what, why)) => b.skip(&at, what, why),
                Some(Block::Error(e)) => b.error(&at, e),
            }
        }
    }
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long file with a category every 100 questions and malformed blocks among them:
    /// the questions, their lines, their topics and the errors come out in the file's order.
    #[test]
    fn a_long_file_keeps_its_order_lines_and_categories() {
        let cat = crate::bank::CatalogBuilder::roadmap_only().build().unwrap();
        let opts = ImportOptions {
            area: "maths".into(),
            difficulty: crate::bank::raw::Difficulty::Medium,
            step: Some(1),
        };
        let n = 3000;
        let mut text = String::new();
        let mut line = 1;
        // (question number, line) of every question and of every malformed block.
        let mut questions = Vec::new();
        let mut broken = Vec::new();
        for i in 0..n {
            if i % 100 == 0 {
                text.push_str(&format!("$CATEGORY: $course$/top/Unit {}\n\n", i / 100));
                line += 2;
            }
            if i % 37 == 5 {
                text.push_str(&format!("::B{i}::Broken {i} {{=a ~b\n\n"));
                broken.push(line);
            } else {
                text.push_str(&format!("::Q{i}::What is {i} + 1?{{#{}}}\n\n", i + 1));
                questions.push((i, line));
            }
            line += 2;
        }
        let files = vec![("big.gift".to_string(), text)];
        let got = import_gift(&files, &opts, &cat);
        assert_eq!(got.questions.len(), questions.len());
        for ((q, place), (i, line)) in got.questions.iter().zip(&got.places).zip(&questions) {
            assert_eq!(q.id, format!("maths.q{i}"));
            assert_eq!(place.line, *line, "question {i}");
            assert_eq!(q.topic, format!("maths.unit_{}", i / 100), "question {i}");
        }
        let errors: Vec<usize> = got.errors().map(|e| e.line).collect();
        assert_eq!(errors, broken);
        assert_eq!(got.topics.len(), n / 100);
    }

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
        assert_eq!(b[0].line, 2);
        assert_eq!(b[1].line, 6);
        assert_eq!(b[1].text, " \nQ2\n{F}");
        assert_eq!(b[1].comments, vec![" c2"]);
    }

    #[test]
    fn a_no_break_space_line_does_not_end_a_question() {
        let b = blocks("Q1\n\u{a0}\n{T}\n\nQ2{F}");
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn categories_split_as_moodle_does() {
        assert_eq!(
            category_path("$course$/top/Unit 1//2"),
            vec!["$course$", "top", "Unit 1/2"]
        );
    }

    #[test]
    fn ids_and_tags_come_from_comments() {
        let c = vec![r" [id:q\]1] [tag:a] [tag: b c ]".to_string()];
        assert_eq!(comment_values(&c, "id"), vec!["q]1"]);
        assert_eq!(comment_values(&c, "tag"), vec!["a", "b c"]);
    }
}
