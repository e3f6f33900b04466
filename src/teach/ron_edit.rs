//! Editing a bank's text in place: put item parameters into questions while every comment
//! and the layout of everything else stays as the author wrote it.
//!
//! The loader's outline of the file (`bank/outline.rs`: RON's strings, raw strings,
//! characters, line and nested block comments understood) finds the bank's
//! `questions: [ … ]`, each question's record and its `id` and `params` fields. A `params` value is replaced in its
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

fn syntax(text: &str, at: usize, what: &'static str) -> RonEditError {
    let (line, col) = crate::bank::Locator::new(text).position(at);
    RonEditError::Syntax { line, col, what }
}

/// `text` with `params` set on each question named in `edits` (id, parameters).
pub fn set_params(text: &str, edits: &[(String, NewParams)]) -> Result<String, RonEditError> {
    // The loader's outline of the file: the same reading of RON, one pass.
    let root = crate::bank::outline::read(text, crate::bank::source::MAX_NESTING)
        .map_err(|at| syntax(text, at, "the RON is incomplete or malformed here"))?;
    let questions = root.field("questions").ok_or(RonEditError::NoQuestions)?;
    let string_at =
        |n: &crate::bank::outline::Node| ron::from_str::<String>(&text[n.start..n.end]).ok();
    // A new line ends as the file's lines do.
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    // (offset, text to remove up to, text to insert), applied from the end.
    let mut patches: Vec<(usize, usize, String)> = Vec::new();
    for (id, params) in edits {
        let record = questions
            .items
            .iter()
            .find(|q| q.field("id").and_then(string_at).as_deref() == Some(id))
            .ok_or_else(|| RonEditError::NotFound { id: id.clone() })?;
        let new = params.to_ron();
        if let Some(v) = record.field("params") {
            patches.push((v.start, v.end, new));
            continue;
        }
        let Some(&(_, last_at, ref last_value)) = record.fields.last() else {
            return Err(syntax(text, record.start, "a question with no fields"));
        };
        let id_name_start = record.field_at("id").unwrap_or(last_at);
        // The record's closing parenthesis.
        let close = record.end.saturating_sub(1);
        let last_end = last_value.end;
        let multi_line =
            text[id_name_start..last_end].contains('\n') || text[last_end..close].contains('\n');
        let close_line_start = text[..close].rfind('\n').map_or(0, |n| n + 1);
        let close_alone = multi_line && text[close_line_start..close].trim().is_empty();
        if close_alone {
            let line_start = text[..id_name_start].rfind('\n').map_or(0, |n| n + 1);
            let indent = &text[line_start..id_name_start];
            let indent = if indent.trim().is_empty() { indent } else { "" };
            // A comma after the last field, unless it has one.
            let after = &text[last_end..close];
            if !after.trim_start().starts_with(',') {
                patches.push((last_end, last_end, ",".into()));
            }
            patches.push((
                close_line_start,
                close_line_start,
                format!("{indent}params: {new},{nl}"),
            ));
        } else {
            patches.push((last_end, last_end, format!(", params: {new}")));
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
                what: "the RON is incomplete or malformed here"
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
