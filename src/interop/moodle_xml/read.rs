//! Moodle XML text → bank questions, the way Moodle's XML importer reads it.

use crate::bank::{Catalog, Locator};
use crate::interop::build::{
    Answer, Body, Builder, Imported, NumAnswer, Parsed, Place, category_path,
};
use crate::interop::{ImportOptions, Unsupported, html};
use quick_xml::Reader;
use quick_xml::events::Event;

/// Elements nested deeper than this are refused (no real file comes close).
const MAX_DEPTH: usize = 64;

/// One element of the file: a small tree is all Moodle XML needs.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    /// The element's own text (text and CDATA directly inside it), entities decoded.
    text: String,
    /// Byte offset of its `<`.
    at: usize,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed text of child `name`'s `<text>`, as Moodle's `getpath(..., 'text', 0, '#')`.
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name)
            .and_then(|c| c.child("text"))
            .map(|t| t.text.trim().to_string())
    }

    /// The trimmed text of child `name` itself.
    fn value_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_string())
    }
}

/// Where an offset of the file is, as a place for issues (lines and columns as the bank
/// loader counts them).
fn place(lines: &Locator, file: &str, offset: usize) -> Place {
    let (line, col) = lines.position(offset);
    Place {
        file: file.to_string(),
        line,
        col: Some(col),
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// The file as a tree, or the first syntax error with its byte offset.
fn parse_tree(text: &str) -> Result<Node, (usize, String)> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (reader.error_position() as usize, e.to_string()))?;
        match event {
            Event::Start(tag) | Event::Empty(tag) if stack.len() > MAX_DEPTH => {
                let _ = tag;
                return Err((
                    at,
                    format!("elements are nested more than {MAX_DEPTH} deep"),
                ));
            }
            Event::Start(tag) => {
                stack.push(element(&tag, at)?);
            }
            Event::Empty(tag) => {
                let node = element(&tag, at)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(node);
                }
            }
            Event::End(_) => {
                // quick-xml checks that end tags match their start tags.
                if let Some(node) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    parent.children.push(node);
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => entity(&r),
                    Err(e) => return Err((at, e.to_string())),
                };
                match (c, stack.last_mut()) {
                    (Some(c), Some(n)) => n.text.push(c),
                    (None, _) => {
                        return Err((at, format!("unknown entity `&{};`", &*r)));
                    }
                    (Some(_), None) => {}
                }
            }
            Event::Eof => break,
            _ => {} // declaration, comments, processing instructions, doctype
        }
    }
    if stack.len() > 1 {
        let open = stack.last().map(|n| n.name.clone()).unwrap_or_default();
        return Err((text.len(), format!("the file ends inside <{open}>")));
    }
    Ok(stack.pop().unwrap_or_default())
}

fn element(tag: &quick_xml::events::BytesStart<'_>, at: usize) -> Result<Node, (usize, String)> {
    let mut attrs = Vec::new();
    for a in tag.attributes() {
        let a = a.map_err(|e| (at, e.to_string()))?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| (at, e.to_string()))?;
        attrs.push((a.key.as_ref().to_string(), value.into_owned()));
    }
    Ok(Node {
        name: tag.name().as_ref().to_string(),
        attrs,
        at,
        ..Node::default()
    })
}

/// A text field (`<questiontext format="...">` and the like) made plain, the images and
/// files in it added to `images`. `default` is the format when none is given.
fn field(node: Option<&Node>, default: &str, images: &mut Vec<String>) -> (String, Option<String>) {
    let Some(node) = node else {
        return (String::new(), None);
    };
    let format = node.attr("format").unwrap_or(default);
    let raw = node
        .child("text")
        .map(|t| t.text.trim().to_string())
        .unwrap_or_default();
    let (text, code) = match format {
        "plain_text" => (raw, None),
        "markdown" => split_fence(raw),
        "moodle_auto_format" => {
            // Moodle's auto-format: line breaks are breaks, HTML is HTML.
            let p = html::to_text(&raw.replace('\n', "<br>"));
            images.extend(p.images);
            (p.text, p.code)
        }
        _ => {
            let p = html::to_text(&raw);
            images.extend(p.images);
            (p.text, p.code)
        }
    };
    for f in node.children("file") {
        let name = f.attr("name").unwrap_or("file").to_string();
        if !images.contains(&name) {
            images.push(name);
        }
    }
    (text, code)
}

/// A field's text with any code block folded back in (for answers and feedback).
fn field_text(node: Option<&Node>, default: &str, images: &mut Vec<String>) -> String {
    match field(node, default, images) {
        (t, Some(code)) if t.is_empty() => code,
        (t, Some(code)) => format!("{t}\n{code}"),
        (t, None) => t,
    }
}

/// Markdown ending in a fenced code block: the block becomes the code.
fn split_fence(text: String) -> (String, Option<String>) {
    let Some(body) = text.strip_suffix("```") else {
        return (text, None);
    };
    match body.rfind("```") {
        Some(i) => {
            let inner = &body[i + 3..];
            // The fence line may name a language: drop it.
            let code = inner.split_once('\n').map_or("", |(_, c)| c);
            let code = code.trim_end_matches('\n').to_string();
            (
                body[..i].trim().to_string(),
                (!code.is_empty()).then_some(code),
            )
        }
        None => (text, None),
    }
}

fn flag(v: Option<String>, default: bool) -> bool {
    match v.as_deref().map(str::trim) {
        Some("true" | "1") => true,
        Some("false" | "0") => false,
        _ => default,
    }
}

/// A fraction attribute as a fraction of the mark (Moodle writes percentages).
fn fraction(answer: &Node) -> Result<f64, String> {
    let raw = answer.attr("fraction").unwrap_or("0").trim();
    match raw.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(f / 100.0),
        _ => Err(format!("answer fraction `{raw}` is not a number")),
    }
}

/// What kind of question element this is, when skillquiz has no such kind.
fn unsupported(kind: &str) -> Option<Unsupported> {
    Some(match kind {
        "description" => Unsupported::Description,
        "essay" => Unsupported::Essay,
        "matching" | "match" => Unsupported::Matching,
        "cloze" | "multianswer" => Unsupported::Cloze,
        "calculated" | "calculatedsimple" | "calculatedmulti" => Unsupported::Calculated,
        "ddwtos" | "gapselect" | "ddimageortext" | "ddmarker" => Unsupported::DragDrop,
        "ordering" => Unsupported::Ordering,
        "random" | "randomsamatch" => Unsupported::Random,
        "multichoice" | "truefalse" | "shortanswer" | "numerical" | "category" => return None,
        _ => Unsupported::Other,
    })
}

fn question(q: &Node, kind: &str) -> Result<Parsed, String> {
    let mut images = Vec::new();
    let qformat = q
        .child("questiontext")
        .and_then(|t| t.attr("format"))
        .unwrap_or("html")
        .to_string();
    let (prompt, code) = field(q.child("questiontext"), &qformat, &mut images);
    let general = field_text(q.child("generalfeedback"), &qformat, &mut images);
    let answers: Vec<&Node> = q.children("answer").collect();
    let body = match kind {
        "multichoice" => {
            if answers.len() < 2 {
                return Err("a multiple-choice question needs at least 2 answers".into());
            }
            let mut out = Vec::new();
            for a in &answers {
                out.push(Answer {
                    text: field_text(Some(a), &qformat, &mut images),
                    weight: fraction(a)?,
                    feedback: field_text(a.child("feedback"), &qformat, &mut images),
                });
            }
            Body::Choice {
                single: flag(q.value_of("single"), true),
                answers: out,
                fixed_order: !flag(q.value_of("shuffleanswers"), false),
            }
        }
        "truefalse" => {
            let mut answer = None;
            let (mut fb_true, mut fb_false) = (String::new(), String::new());
            for (i, a) in answers.iter().enumerate() {
                let text = a.child("text").map(|t| t.text.trim().to_string());
                // Old files without `true`/`false` texts list true first, as Moodle assumes.
                let is_true = match text.as_deref() {
                    Some("true") => true,
                    Some("false") => false,
                    _ => i == 0,
                };
                let full = (fraction(a)? - 1.0).abs() < 1e-9;
                let fb = field_text(a.child("feedback"), &qformat, &mut images);
                if is_true {
                    answer = Some(full);
                    fb_true = fb;
                } else {
                    answer = answer.or(Some(!full));
                    fb_false = fb;
                }
            }
            let Some(answer) = answer else {
                return Err("a true/false question needs its `true` and `false` answers".into());
            };
            Body::TrueFalse {
                answer,
                feedback_true: fb_true,
                feedback_false: fb_false,
            }
        }
        "shortanswer" => {
            if answers.is_empty() {
                return Err("a short-answer question needs at least 1 answer".into());
            }
            let mut out = Vec::new();
            for a in &answers {
                out.push(Answer {
                    text: a.text_of_self(),
                    weight: fraction(a)?,
                    feedback: field_text(a.child("feedback"), &qformat, &mut images),
                });
            }
            Body::Short {
                answers: out,
                case_sensitive: flag(q.value_of("usecase"), false),
            }
        }
        _ => {
            if answers.is_empty() {
                return Err("a numerical question needs at least 1 answer".into());
            }
            let mut out = Vec::new();
            for a in &answers {
                let text = a.text_of_self();
                let w = fraction(a)?;
                let feedback = field_text(a.child("feedback"), &qformat, &mut images);
                if text == "*" {
                    out.push(NumAnswer {
                        text,
                        value: 0.0,
                        tolerance: 0.0,
                        weight: w,
                        feedback,
                    });
                    continue;
                }
                let value: f64 = text
                    .parse()
                    .ok()
                    .filter(|v: &f64| v.is_finite())
                    .ok_or_else(|| format!("answer `{text}` is not a number"))?;
                let tol_text = a.value_of("tolerance").unwrap_or_else(|| "0".into());
                let tolerance: f64 = tol_text
                    .parse()
                    .ok()
                    .filter(|t: &f64| t.is_finite())
                    .ok_or_else(|| format!("tolerance `{tol_text}` is not a number"))?;
                if tolerance < 0.0 {
                    return Err(format!("answer `{text}`: the tolerance is negative"));
                }
                out.push(NumAnswer {
                    text,
                    value,
                    tolerance,
                    weight: w,
                    feedback,
                });
            }
            let units = q
                .child("units")
                .map(|u| {
                    u.children("unit")
                        .map(|u| {
                            let name = u.value_of("unit_name").unwrap_or_default();
                            let m = u
                                .value_of("multiplier")
                                .and_then(|m| m.parse().ok())
                                .unwrap_or(1.0);
                            (name, m)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Body::Numeric {
                answers: out,
                wrong_feedback: String::new(),
                units,
            }
        }
    };
    let tags = q
        .child("tags")
        .map(|t| {
            t.children("tag")
                .filter_map(|t| t.text_of_self_opt())
                .collect()
        })
        .unwrap_or_default();
    Ok(Parsed {
        title: q.text_of("name"),
        idnumber: q.value_of("idnumber").filter(|s| !s.is_empty()),
        tags,
        prompt,
        code,
        general,
        body,
        images,
    })
}

impl Node {
    /// The trimmed text of this element's `<text>` child (answers, tags).
    fn text_of_self(&self) -> String {
        self.text_of_self_opt().unwrap_or_default()
    }

    fn text_of_self_opt(&self) -> Option<String> {
        self.child("text").map(|t| t.text.trim().to_string())
    }
}

/// Reads Moodle XML `files` (name, text) into questions for `opts.area`, checking ids and
/// topics against `cat` (the banks the result will be loaded with). Never panics: a file
/// that is not well-formed XML is one error at its line and column.
pub fn import_moodle_xml(
    files: &[(String, String)],
    opts: &ImportOptions,
    cat: &Catalog,
) -> Imported {
    let mut b = Builder::new(cat, opts);
    for (file, text) in files {
        b.new_file();
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let lines = Locator::new(text);
        let root = match parse_tree(text) {
            Ok(r) => r,
            Err((at, e)) => {
                b.error(
                    &place(&lines, file, at),
                    format!("not well-formed XML: {e}"),
                );
                continue;
            }
        };
        let Some(quiz) = root.child("quiz") else {
            b.error(
                &place(&lines, file, root.children.first().map_or(0, |n| n.at)),
                "a Moodle XML file has one <quiz> element holding <question> elements".into(),
            );
            continue;
        };
        for q in quiz.children("question") {
            let at = place(&lines, file, q.at);
            let kind = q.attr("type").unwrap_or("").trim().to_string();
            if kind == "category" {
                let path = q.text_of("category").unwrap_or_default();
                let id = q.value_of("idnumber");
                b.category(&at, &category_path(&path), id.as_deref());
                continue;
            }
            if let Some(u) = unsupported(&kind) {
                let why = match u {
                    Unsupported::Other => format!("skillquiz has no `{kind}` questions"),
                    _ => String::new(),
                };
                b.skip(&at, u, why);
                continue;
            }
            match question(q, &kind) {
                Ok(p) => b.add(&at, p),
                Err(e) => b.error(&at, e),
            }
        }
    }
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_keeps_text_cdata_and_entities() {
        let t = parse_tree("<a x=\"1 &amp; 2\"><b>x &lt; y<![CDATA[ <p>z</p>]]>&#233;</b></a>")
            .unwrap();
        let a = t.child("a").unwrap();
        assert_eq!(a.attr("x"), Some("1 & 2"));
        assert_eq!(a.child("b").unwrap().text, "x < y <p>z</p>é");
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let text = "<quiz>\n  <question>\n</quiz>";
        let (at, _) = parse_tree(text).unwrap_err();
        let p = place(&Locator::new(text), "f.xml", at);
        assert_eq!(p.line, 3);
        assert!(parse_tree("<quiz><question>").is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "<a>".repeat(1000);
        assert!(parse_tree(&text).is_err());
    }

    #[test]
    fn markdown_fences_become_code() {
        let (t, c) = split_fence("What?\n\n```python\nprint(1)\n```".into());
        assert_eq!(t, "What?");
        assert_eq!(c.as_deref(), Some("print(1)"));
    }
}
