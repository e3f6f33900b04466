//! HTML question text → plain text, with a real tokenizer (html5gum, WHATWG rules), so
//! that `3 < 5 and 5 > 3` stays text, entities are decoded and comments vanish.
//!
//! Blocks and `<br>` become line breaks; `x<sup>2</sup>` becomes `x^2` (and `_` for
//! `<sub>`); `<pre>` keeps its text as written, and a `<pre>` that ends the text becomes
//! the question's code block; an image becomes a visible `[image: NAME]`.

use html5gum::{Token, Tokenizer};

/// Plain text from HTML, and what in it was not text.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Plain {
    pub text: String,
    /// The `<pre>` block the text ends with, if any.
    pub code: Option<String>,
    /// The names of the images replaced by a placeholder.
    pub images: Vec<String>,
}

fn bytes(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The file name an image source points at (`@@PLUGINFILE@@/a%20b.png` → `a b.png`).
fn image_name(src: &str) -> String {
    let last = src.rsplit('/').next().unwrap_or(src);
    let decoded = url::form_urlencoded::parse(format!("n={last}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| last.to_string());
    if decoded.starts_with("data:") || decoded.is_empty() {
        "embedded".into()
    } else {
        decoded
    }
}

fn block_break(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Converts `html` to plain text.
pub(crate) fn to_text(html: &str) -> Plain {
    let mut out = String::new();
    let mut images = Vec::new();
    let mut pre_depth = 0usize;
    let mut pre_start = 0usize;
    let mut last_pre: Option<(usize, usize)> = None;
    let mut skip_depth = 0usize; // inside <script> or <style>
    let mut marks: Vec<(usize, char)> = Vec::new(); // open <sup>/<sub>: where, which mark
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = bytes(&tag.name).to_ascii_lowercase();
                match name.as_str() {
                    "script" | "style" if !tag.self_closing => skip_depth += 1,
                    "br" => {
                        while out.ends_with(' ') {
                            out.pop();
                        }
                        out.push('\n');
                    }
                    "p" | "div" | "li" | "ul" | "ol" | "tr" | "table" | "blockquote" | "h1"
                    | "h2" | "h3" | "h4" | "h5" | "h6" | "hr" => block_break(&mut out),
                    "pre" => {
                        block_break(&mut out);
                        if pre_depth == 0 {
                            pre_start = out.len();
                        }
                        pre_depth += 1;
                    }
                    "sup" => marks.push((out.len(), '^')),
                    "sub" => marks.push((out.len(), '_')),
                    "td" | "th" if !out.ends_with('\n') && !out.is_empty() => out.push(' '),
                    "img" => {
                        let attr = |k: &str| {
                            tag.attributes
                                .iter()
                                .find(|(n, _)| bytes(n).eq_ignore_ascii_case(k))
                                .map(|(_, v)| bytes(v))
                        };
                        let alt = attr("alt").filter(|a| !a.trim().is_empty());
                        let name = image_name(&attr("src").unwrap_or_default());
                        let shown = alt.map(|a| a.trim().to_string()).unwrap_or(name.clone());
                        if !out.is_empty() && !out.ends_with([' ', '\n']) {
                            out.push(' ');
                        }
                        out.push_str(&format!("[image: {shown}]"));
                        images.push(name);
                    }
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                let name = bytes(&tag.name).to_ascii_lowercase();
                match name.as_str() {
                    "script" | "style" => skip_depth = skip_depth.saturating_sub(1),
                    "p" | "div" | "li" | "ul" | "ol" | "tr" | "table" | "blockquote" | "h1"
                    | "h2" | "h3" | "h4" | "h5" | "h6" => block_break(&mut out),
                    "pre" if pre_depth > 0 => {
                        pre_depth -= 1;
                        if pre_depth == 0 {
                            last_pre = Some((pre_start, out.len()));
                            out.push('\n');
                        }
                    }
                    "sup" | "sub" => {
                        if let Some((at, mark)) = marks.pop() {
                            let inner = out[at..].to_string();
                            let simple = inner.chars().all(|c| c.is_alphanumeric())
                                || (inner.starts_with('-')
                                    && inner[1..].chars().all(|c| c.is_alphanumeric()));
                            if !inner.is_empty() {
                                out.truncate(at);
                                if simple {
                                    out.push(mark);
                                    out.push_str(&inner);
                                } else {
                                    out.push(mark);
                                    out.push('(');
                                    out.push_str(&inner);
                                    out.push(')');
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
            Token::String(s) if skip_depth == 0 => {
                let s = bytes(&s);
                if pre_depth > 0 {
                    // A newline right after <pre> is not part of the text (HTML's rule).
                    let s = if out.len() == pre_start {
                        s.strip_prefix('\n').unwrap_or(&s)
                    } else {
                        &s
                    };
                    out.push_str(&s.replace("\r\n", "\n").replace('\u{a0}', " "));
                } else {
                    for c in s.chars() {
                        if c == '\u{a0}' {
                            out.push(' '); // a no-break space is kept, never collapsed
                        } else if c.is_whitespace() {
                            if !out.is_empty() && !out.ends_with([' ', '\n']) {
                                out.push(' ');
                            }
                        } else {
                            out.push(c);
                        }
                    }
                }
            }
            _ => {} // comments, doctypes, tokenizer errors (it recovers), script text
        }
    }
    // A <pre> with nothing after it is the question's code block.
    let mut code = None;
    if let Some((start, end)) = last_pre
        && out[end..].trim().is_empty()
    {
        let block = out[start..end].trim_end_matches('\n').to_string();
        if !block.trim().is_empty() {
            code = Some(block);
            out.truncate(start);
        }
    }
    Plain {
        text: tidy_lines(&out),
        code,
        images,
    }
}

/// Trailing spaces off every line, at most one empty line in a row, no blank edges.
fn tidy_lines(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n").trim_start().to_string()
}

/// Text escaped for HTML, line breaks as `<br>`.
pub(crate) fn escape(text: &str) -> String {
    html_escape::encode_text(text).replace('\n', "<br>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        to_text(html).text
    }

    #[test]
    fn signs_that_are_not_tags_stay() {
        assert_eq!(text("3 < 5 and 5 > 3"), "3 < 5 and 5 > 3");
        assert_eq!(text("<p>a &lt; <b>b</b></p><p>c</p>"), "a < b\nc");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(text("caf&eacute; &#8217;s &amp;&nbsp;x"), "café ’s & x");
    }

    #[test]
    fn powers_and_indices_are_written_out() {
        assert_eq!(text("x<sup>2</sup> + x<sub>i</sub>"), "x^2 + x_i");
        assert_eq!(text("e<sup>-x</sup>, 2<sup>n+1</sup>"), "e^-x, 2^(n+1)");
    }

    #[test]
    fn comments_with_tags_inside_vanish() {
        assert_eq!(text("a <!-- <b>hidden</b> --> b"), "a b");
    }

    #[test]
    fn images_become_placeholders() {
        let p = to_text(r#"What is this? <img src="@@PLUGINFILE@@/my%20cat.png">"#);
        assert_eq!(p.text, "What is this? [image: my cat.png]");
        assert_eq!(p.images, vec!["my cat.png"]);
        let p = to_text(r#"<img alt="a graph" src="data:image/png;base64,AAAA">"#);
        assert_eq!(p.text, "[image: a graph]");
    }

    #[test]
    fn a_final_pre_block_is_the_code() {
        let p = to_text("<p>What prints?</p><pre>\nfor i in range(3):\n    print(i &lt; 2)</pre>");
        assert_eq!(p.text, "What prints?");
        assert_eq!(
            p.code.as_deref(),
            Some("for i in range(3):\n    print(i < 2)")
        );
        let p = to_text("<pre>x = 1</pre><p>What is x?</p>");
        assert_eq!(p.code, None);
        assert_eq!(p.text, "x = 1\nWhat is x?");
    }

    #[test]
    fn escape_round_trips() {
        let t = "a < b & c\nd";
        assert_eq!(text(&escape(t)), t);
    }
}
