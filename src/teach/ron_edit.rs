//! Editing a bank's text in place: put item parameters into questions while every comment
//! and the layout of everything else stays as the author wrote it.
//!
//! A small scanner that knows RON's strings (with escapes), raw strings (`r#"…"#`),
//! characters, line and (nested) block comments finds the bank's `questions: [ … ]`, each
//! question's record and its `id` and `params` fields. A `params` value is replaced in its
//! span; a question without one gets the field after its last field (on a line of its own,
//! indented like `id`, when the record spans lines). The result should be loaded again
//! before it replaces the file: this module only edits text.

/// Why a bank's text could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RonEditError {
    #[error("line {line}, column {col}: {what}")]
    Syntax {
        line: usize,
        col: usize,
        what: &'static str,
    },
    #[error("the bank has no `questions: [ … ]` list")]
    NoQuestions,
    #[error("question `{id}` is not in this bank's text")]
    NotFound { id: String },
}

/// Parameters to write, as the bank spells them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewParams {
    pub a: f64,
    pub b: f64,
    pub c: f64,
}

impl NewParams {
    /// Rounded to 3 decimals, the precision written (standard errors are far larger).
    pub fn rounded(self) -> NewParams {
        let r = |x: f64| {
            let y = (x * 1000.0).round() / 1000.0;
            if y == 0.0 { 0.0 } else { y }
        };
        NewParams {
            a: r(self.a),
            b: r(self.b),
            c: r(self.c),
        }
    }

    /// `(a: 1.234, b: -0.500, c: 0.200)`, rounded as [`NewParams::rounded`].
    pub fn to_ron(self) -> String {
        let p = self.rounded();
        format!("(a: {:.3}, b: {:.3}, c: {:.3})", p.a, p.b, p.c)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Str,
    Word,
    Punct(u8),
}

#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn syntax(text: &str, at: usize, what: &'static str) -> RonEditError {
    let (line, col) = position(text, at);
    RonEditError::Syntax { line, col, what }
}

/// Splits `text` into tokens, skipping whitespace and comments.
fn tokens(text: &str) -> Result<Vec<Token>, RonEditError> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let ch = s[i];
        if ch.is_ascii_whitespace() {
            i += 1;
        } else if s[i..].starts_with(b"//") {
            while i < s.len() && s[i] != b'\n' {
                i += 1;
            }
        } else if s[i..].starts_with(b"/*") {
            let start = i;
            let mut depth = 0;
            loop {
                if i >= s.len() {
                    return Err(syntax(text, start, "unterminated block comment"));
                }
                if s[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if s[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if ch == b'"' {
            let start = i;
            i += 1;
            loop {
                match s.get(i) {
                    None => return Err(syntax(text, start, "unterminated string")),
                    Some(b'\\') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            out.push(Token {
                tok: Tok::Str,
                start,
                end: i,
            });
        } else if ch == b'r' && matches!(s.get(i + 1), Some(b'"' | b'#')) {
            let start = i;
            i += 1;
            let mut hashes = 0;
            while s.get(i) == Some(&b'#') {
                hashes += 1;
                i += 1;
            }
            if s.get(i) != Some(&b'"') {
                return Err(syntax(text, start, "malformed raw string"));
            }
            let closing = vec![b'#'; hashes];
            i += 1;
            loop {
                if i >= s.len() {
                    return Err(syntax(text, start, "unterminated raw string"));
                }
                if s[i] == b'"' && s[i + 1..].starts_with(&closing) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push(Token {
                tok: Tok::Str,
                start,
                end: i,
            });
        } else if ch == b'\'' {
            let start = i;
            i += 1;
            loop {
                match s.get(i) {
                    None => return Err(syntax(text, start, "unterminated character")),
                    Some(b'\\') => i += 2,
                    Some(b'\'') => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            out.push(Token {
                tok: Tok::Str,
                start,
                end: i,
            });
        } else if b"()[]{}:,".contains(&ch) {
            out.push(Token {
                tok: Tok::Punct(ch),
                start: i,
                end: i + 1,
            });
            i += 1;
        } else {
            let start = i;
            while i < s.len()
                && !s[i].is_ascii_whitespace()
                && !b"()[]{}:,\"'".contains(&s[i])
                && !s[i..].starts_with(b"//")
                && !s[i..].starts_with(b"/*")
            {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Word,
                start,
                end: i,
            });
        }
    }
    Ok(out)
}

/// A parsed value: where it is, and for a record its fields, for a list its items.
#[derive(Debug, Clone)]
struct Node {
    start: usize,
    end: usize,
    /// Byte offset of the closing bracket, for records and lists.
    close: usize,
    fields: Vec<Field>,
    items: Vec<Node>,
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    name_start: usize,
    value: Node,
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self, k: usize) -> Option<Token> {
        self.toks.get(self.at + k).copied()
    }

    fn eof(&self) -> RonEditError {
        syntax(self.text, self.text.len(), "unexpected end of file")
    }

    fn expect(&mut self, p: u8, what: &'static str) -> Result<Token, RonEditError> {
        match self.peek(0) {
            Some(t) if t.tok == Tok::Punct(p) => {
                self.at += 1;
                Ok(t)
            }
            Some(t) => Err(syntax(self.text, t.start, what)),
            None => Err(self.eof()),
        }
    }

    fn value(&mut self) -> Result<Node, RonEditError> {
        let first = self.peek(0).ok_or_else(|| self.eof())?;
        let mut node = Node {
            start: first.start,
            end: first.end,
            close: first.end,
            fields: Vec::new(),
            items: Vec::new(),
        };
        match first.tok {
            Tok::Str => {
                self.at += 1;
                return Ok(node);
            }
            Tok::Word => {
                self.at += 1;
                // An enum variant or struct name may be followed by its body.
                if !matches!(self.peek(0), Some(t) if t.tok == Tok::Punct(b'(')) {
                    return Ok(node);
                }
            }
            Tok::Punct(b'(' | b'[' | b'{') => {}
            Tok::Punct(_) => return Err(syntax(self.text, first.start, "expected a value")),
        }
        let open = self.peek(0).ok_or_else(|| self.eof())?;
        let Tok::Punct(o) = open.tok else {
            return Err(syntax(self.text, open.start, "expected a value"));
        };
        let close = match o {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        self.at += 1;
        // A record when it opens with `name:`; a map `{k: v}` is read as items.
        let is_record = o == b'('
            && matches!(self.peek(0), Some(t) if t.tok == Tok::Word)
            && matches!(self.peek(1), Some(t) if t.tok == Tok::Punct(b':'));
        loop {
            match self.peek(0) {
                None => return Err(self.eof()),
                Some(t) if t.tok == Tok::Punct(close) => {
                    self.at += 1;
                    node.close = t.start;
                    node.end = t.end;
                    return Ok(node);
                }
                Some(t) => {
                    if is_record {
                        if t.tok != Tok::Word {
                            return Err(syntax(self.text, t.start, "expected a field name"));
                        }
                        self.at += 1;
                        self.expect(b':', "expected `:` after a field name")?;
                        let value = self.value()?;
                        node.fields.push(Field {
                            name: self.text[t.start..t.end].to_string(),
                            name_start: t.start,
                            value,
                        });
                    } else {
                        let v = self.value()?;
                        node.items.push(v);
                        if o == b'{' && matches!(self.peek(0), Some(t) if t.tok == Tok::Punct(b':'))
                        {
                            self.at += 1;
                            self.value()?;
                        }
                    }
                    match self.peek(0) {
                        Some(t) if t.tok == Tok::Punct(b',') => self.at += 1,
                        Some(t) if t.tok == Tok::Punct(close) => {}
                        Some(t) => {
                            return Err(syntax(
                                self.text,
                                t.start,
                                "expected `,` or a closing bracket",
                            ));
                        }
                        None => return Err(self.eof()),
                    }
                }
            }
        }
    }
}

/// The text of a string token without its quotes (`None` when it has escapes).
fn plain_string(tok: &str) -> Option<&str> {
    let inner = if let Some(rest) = tok.strip_prefix('r') {
        let rest = rest.trim_matches('#');
        rest.strip_prefix('"')?.strip_suffix('"')?
    } else {
        let inner = tok.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains('\\') {
            return None;
        }
        inner
    };
    Some(inner)
}

/// `text` with `params` set on each question named in `edits` (id, parameters).
pub fn set_params(text: &str, edits: &[(String, NewParams)]) -> Result<String, RonEditError> {
    let toks = tokens(text)?;
    let mut p = Parser { text, toks, at: 0 };
    let root = p.value()?;
    if let Some(t) = p.peek(0) {
        return Err(syntax(text, t.start, "unexpected text after the bank"));
    }
    let questions = root
        .fields
        .iter()
        .find(|f| f.name == "questions")
        .ok_or(RonEditError::NoQuestions)?;
    // A new line ends as the file's lines do.
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // (offset, text to remove up to, text to insert), applied from the end.
    let mut patches: Vec<(usize, usize, String)> = Vec::new();
    for (id, params) in edits {
        let record = questions
            .value
            .items
            .iter()
            .find(|q| {
                q.fields.iter().any(|f| {
                    f.name == "id" && plain_string(&text[f.value.start..f.value.end]) == Some(id)
                })
            })
            .ok_or_else(|| RonEditError::NotFound { id: id.clone() })?;
        let new = params.to_ron();
        if let Some(f) = record.fields.iter().find(|f| f.name == "params") {
            patches.push((f.value.start, f.value.end, new));
            continue;
        }
        let Some(last) = record.fields.last() else {
            return Err(syntax(text, record.start, "a question with no fields"));
        };
        let id_field = record
            .fields
            .iter()
            .find(|f| f.name == "id")
            .unwrap_or(last);
        let multi_line = text[id_field.name_start..last.value.end].contains('\n')
            || text[last.value.end..record.close].contains('\n');
        let close_line_start = text[..record.close].rfind('\n').map_or(0, |n| n + 1);
        let close_alone = multi_line && text[close_line_start..record.close].trim().is_empty();
        if close_alone {
            let line_start = text[..id_field.name_start].rfind('\n').map_or(0, |n| n + 1);
            let indent = &text[line_start..id_field.name_start];
            let indent = if indent.trim().is_empty() { indent } else { "" };
            // A comma after the last field, unless it has one.
            let after = &text[last.value.end..record.close];
            if !after.trim_start().starts_with(',') {
                patches.push((last.value.end, last.value.end, ",".into()));
            }
            patches.push((
                close_line_start,
                close_line_start,
                format!("{indent}params: {new},{nl}"),
            ));
        } else {
            patches.push((last.value.end, last.value.end, format!(", params: {new}")));
        }
    }
    patches.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)));
    let mut out = text.to_string();
    for (start, end, s) in patches {
        out.replace_range(start..end, &s);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: f64, b: f64, c: f64) -> NewParams {
        NewParams { a, b, c }
    }

    const BANK: &str = r##"// A bank. "quotes" and ( brackets in comments ) do not count.
(
    format_version: 1,
    name: "t", /* a block /* nested */ comment: params: (a: 9.0, b: 9.0) */
    questions: [
        // The first question.
        (
            id: "t.one",
            topic: "t.topic",
            prompt: r#"Has "params: (a: 1.0, b: 2.0)" in a raw string"#,
            kind: TrueFalse(answer: true), // trailing comment
        ),
        (id: "t.two", prompt: "a \"quoted\" id: \"t.one\"", params: (a: 1.0, b: -1.0), kind: TrueFalse(answer: false)),
        (
            id: "t.three",
            params: Some((a: 2.0, b: 0.5, c: 0.25)), // keep this comment
            kind: TrueFalse(answer: true)
        ),
    ],
)
"##;

    #[test]
    fn replaces_and_adds_params_keeping_everything_else() {
        let edits = vec![
            ("t.one".to_string(), p(1.23456, -0.5, 0.0)),
            ("t.two".to_string(), p(0.8, 0.25, 0.0)),
            ("t.three".to_string(), p(1.5, -0.00001, 0.2)),
        ];
        let out = set_params(BANK, &edits).unwrap();
        let want = BANK
            .replace(
                "            kind: TrueFalse(answer: true), // trailing comment\n",
                "            kind: TrueFalse(answer: true), // trailing comment\n            params: (a: 1.235, b: -0.500, c: 0.000),\n",
            )
            .replace(
                "params: (a: 1.0, b: -1.0)",
                "params: (a: 0.800, b: 0.250, c: 0.000)",
            )
            .replace(
                "Some((a: 2.0, b: 0.5, c: 0.25))",
                "(a: 1.500, b: 0.000, c: 0.200)",
            );
        assert_eq!(out, want);
    }

    #[test]
    fn one_line_records_get_the_field_inline() {
        let text = "(questions: [(id: \"q\", kind: X), (id: \"r\", kind: Y,)])";
        let out = set_params(
            text,
            &[
                ("q".into(), p(1.0, 0.0, 0.0)),
                ("r".into(), p(2.0, 1.0, 0.5)),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "(questions: [(id: \"q\", kind: X, params: (a: 1.000, b: 0.000, c: 0.000)), (id: \"r\", kind: Y, params: (a: 2.000, b: 1.000, c: 0.500),)])"
        );
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let text = "(\r\n  questions: [\r\n    (\r\n      id: \"q\",\r\n      kind: X,\r\n    ),\r\n  ],\r\n)\r\n";
        let out = set_params(text, &[("q".into(), p(1.0, 0.5, 0.0))]).unwrap();
        assert_eq!(
            out,
            "(\r\n  questions: [\r\n    (\r\n      id: \"q\",\r\n      kind: X,\r\n      params: (a: 1.000, b: 0.500, c: 0.000),\r\n    ),\r\n  ],\r\n)\r\n"
        );
    }

    #[test]
    fn errors_name_the_place() {
        assert_eq!(
            set_params("(questions: [(id: \"q\"", &[]),
            Err(RonEditError::Syntax {
                line: 1,
                col: 22,
                what: "unexpected end of file"
            })
        );
        assert!(matches!(
            set_params("(\n  name: \"unterminated)", &[]),
            Err(RonEditError::Syntax {
                line: 2,
                col: 9,
                ..
            })
        ));
        assert_eq!(
            set_params("(name: \"x\")", &[]),
            Err(RonEditError::NoQuestions)
        );
        assert_eq!(
            set_params("(questions: [])", &[("q".into(), p(1.0, 0.0, 0.0))]),
            Err(RonEditError::NotFound { id: "q".into() })
        );
    }
}
