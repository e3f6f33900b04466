//! Where things are in a RON file that has already parsed: the byte spans of its structs,
//! lists and fields, found in one pass over the text.
//!
//! serde hands over values without positions, so diagnostics used to find a value again by
//! searching the text for it, which never finds a string written with an escape and made
//! loading quadratic. The outline follows the file's structure instead: the i-th question
//! of the `questions` list is the i-th element of that list here, whatever its text.

/// One value: a struct or tuple (`fields` and `items`), a list or map (`items`), or a
/// scalar (neither). Serialisable for the built-in banks' snapshot (`super::snapshot`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Node<'a> {
    /// Byte offset of the value's first character.
    pub start: usize,
    /// Byte offset just past the value.
    pub end: usize,
    /// Named fields, in file order: (name, offset of the name, value).
    #[serde(borrow)]
    pub fields: Vec<(&'a str, usize, Node<'a>)>,
    /// Unnamed elements: list elements, tuple members, map values.
    #[serde(borrow)]
    pub items: Vec<Node<'a>>,
}

impl<'a> Node<'a> {
    /// The value of field `name`.
    pub fn field(&self, name: &str) -> Option<&Node<'a>> {
        self.fields.iter().find(|f| f.0 == name).map(|f| &f.2)
    }

    /// The offset of field `name`'s name.
    pub fn field_at(&self, name: &str) -> Option<usize> {
        self.fields.iter().find(|f| f.0 == name).map(|f| f.1)
    }

    /// The elements of list field `name` (empty when missing).
    pub fn list(&self, name: &str) -> &[Node<'a>] {
        self.field(name).map_or(&[], |n| n.items.as_slice())
    }
}

/// Builds the outline of `text`, or `None` when it is not RON this reader follows (the
/// caller then falls back to the start of the file) or nests deeper than `max_depth`.
pub fn outline(text: &str, max_depth: usize) -> Option<Node<'_>> {
    read(text, max_depth).ok()
}

/// As [`outline`], but keeping only what a valid bank's model needs: the root's fields,
/// the elements of its lists, and where each element's `id` is written. The text is read
/// the same way, so it is `None` exactly when [`outline`] is; what it leaves out is found
/// again with [`outline`] when a diagnostic needs it. Its size is a few words per
/// question, where the whole outline is larger than the text.
pub fn outline_light(text: &str, max_depth: usize) -> Option<Node<'_>> {
    read_with(text, max_depth, true).ok()
}

/// As [`outline`], or the byte offset where reading stopped.
pub fn read(text: &str, max_depth: usize) -> Result<Node<'_>, usize> {
    read_with(text, max_depth, false)
}

fn read_with(text: &str, max_depth: usize, light: bool) -> Result<Node<'_>, usize> {
    let mut p = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        max_depth,
        light,
    };
    p.skip_trivia();
    // `#![enable(...)]` attributes before the value.
    while p.peek() == Some(b'#') {
        p.skip_attribute().ok_or(p.at)?;
        p.skip_trivia();
    }
    let root = p.value(0).ok_or(p.at)?;
    p.skip_trivia();
    if p.at < p.bytes.len() {
        return Err(p.at);
    }
    Ok(root)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    max_depth: usize,
    /// Keep nothing below the elements of the root's lists but their `id` (see
    /// [`outline_light`]).
    light: bool,
}

impl<'a> Reader<'a> {
    /// Whether a node at `depth` keeps its members (in light mode, only down to the
    /// elements of the root's lists).
    fn keeps(&self, depth: usize) -> bool {
        !self.light || depth < 2
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips white space and comments (`//` to the end of the line, nested `/* */`).
    fn skip_trivia(&mut self) {
        loop {
            while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
                self.at += 1;
            }
            if self.bytes[self.at..].starts_with(b"//") {
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.at += 1;
                }
            } else if self.bytes[self.at..].starts_with(b"/*") {
                let mut depth = 0usize;
                while self.at < self.bytes.len() {
                    if self.bytes[self.at..].starts_with(b"/*") {
                        depth += 1;
                        self.at += 2;
                    } else if self.bytes[self.at..].starts_with(b"*/") {
                        depth -= 1;
                        self.at += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        self.at += 1;
                    }
                }
            } else {
                return;
            }
        }
    }

    fn skip_attribute(&mut self) -> Option<()> {
        // `#` `!`? `[` … `]`, with no strings inside in practice; brackets balanced.
        self.at += 1;
        if self.peek() == Some(b'!') {
            self.at += 1;
        }
        self.skip_trivia();
        (self.peek() == Some(b'[')).then_some(())?;
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn ident(&mut self) -> Option<&'a str> {
        let start = self.at;
        // Raw identifiers: r#name.
        if self.bytes[self.at..].starts_with(b"r#")
            && self
                .bytes
                .get(self.at + 2)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        {
            self.at += 2;
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.at += 1;
        }
        (self.at > start).then(|| &self.text[start..self.at])
    }

    /// A string, raw string, byte string or character literal starting here.
    fn literal(&mut self) -> Option<()> {
        let b = self.peek()?;
        if b == b'b' && matches!(self.bytes.get(self.at + 1), Some(b'"' | b'r' | b'\'')) {
            self.at += 1;
            return self.literal();
        }
        if b == b'r' && matches!(self.bytes.get(self.at + 1), Some(b'"' | b'#')) {
            self.at += 1;
            let mut hashes = 0;
            while self.peek() == Some(b'#') {
                hashes += 1;
                self.at += 1;
            }
            (self.peek() == Some(b'"')).then_some(())?;
            self.at += 1;
            loop {
                let rest = &self.bytes[self.at..];
                let close = rest.iter().position(|&c| c == b'"')?;
                self.at += close + 1;
                let tail = &self.bytes[self.at..];
                if tail.len() >= hashes && tail[..hashes].iter().all(|&c| c == b'#') {
                    self.at += hashes;
                    return Some(());
                }
            }
        }
        let quote = b;
        (quote == b'"' || quote == b'\'').then_some(())?;
        self.at += 1;
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == b'\\' {
                self.at += 1;
            } else if c == quote {
                return Some(());
            }
        }
        None
    }

    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth > self.max_depth {
            return None;
        }
        self.skip_trivia();
        let start = self.at;
        let b = self.peek()?;
        let mut node = Node {
            start,
            ..Node::default()
        };
        match b {
            b'(' => self.group(&mut node, depth)?,
            b'[' => self.sequence(&mut node, b']', depth)?,
            b'{' => self.map(&mut node, depth)?,
            b'"' | b'\'' => {
                if self.literal().is_none() {
                    // Point at the literal that never ends, not at the end of the file.
                    self.at = start;
                    return None;
                }
            }
            b'r' | b'b'
                if matches!(
                    self.bytes.get(self.at + 1),
                    Some(b'"' | b'#' | b'\'' | b'r')
                ) =>
            {
                if self.literal().is_none() {
                    // `r#ident` or an identifier starting with r/b.
                    self.at = start;
                    self.ident()?;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                self.ident()?;
                let after_name = self.at;
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    self.group(&mut node, depth)?;
                } else {
                    self.at = after_name;
                }
            }
            c if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.') => {
                self.at += 1;
                while self.peek().is_some_and(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'+' | b'-')
                }) {
                    // `1e-5`: a sign only right after an exponent marker.
                    if matches!(self.peek(), Some(b'+' | b'-'))
                        && !matches!(self.bytes[self.at - 1], b'e' | b'E')
                    {
                        break;
                    }
                    self.at += 1;
                }
            }
            _ => return None,
        }
        node.end = self.at;
        Some(node)
    }

    /// `( … )`: named fields (`name: value`) or tuple members, comma separated.
    fn group(&mut self, node: &mut Node<'a>, depth: usize) -> Option<()> {
        self.at += 1;
        loop {
            self.skip_trivia();
            match self.peek()? {
                b')' => {
                    self.at += 1;
                    return Some(());
                }
                b',' => {
                    self.at += 1;
                    continue;
                }
                _ => {}
            }
            let entry = self.at;
            if let Some(name) = self.ident() {
                self.skip_trivia();
                if self.peek() == Some(b':') {
                    self.at += 1;
                    let value = self.value(depth + 1)?;
                    if self.keeps(depth) {
                        node.fields.push((name, entry, value));
                    } else if depth == 2 && name == "id" {
                        // The one field a light outline keeps here: room for it alone
                        // (a first push would make room for four).
                        node.fields.reserve_exact(1);
                        node.fields.push((name, entry, value));
                    }
                    continue;
                }
            }
            self.at = entry;
            let value = self.value(depth + 1)?;
            if self.keeps(depth) {
                node.items.push(value);
            }
        }
    }

    fn sequence(&mut self, node: &mut Node<'a>, close: u8, depth: usize) -> Option<()> {
        self.at += 1;
        loop {
            self.skip_trivia();
            match self.peek()? {
                c if c == close => {
                    self.at += 1;
                    return Some(());
                }
                b',' => self.at += 1,
                _ => {
                    let value = self.value(depth + 1)?;
                    if self.keeps(depth) {
                        node.items.push(value);
                    }
                }
            }
        }
    }

    /// `{ key: value, … }`: the values become items.
    fn map(&mut self, node: &mut Node<'a>, depth: usize) -> Option<()> {
        self.at += 1;
        loop {
            self.skip_trivia();
            match self.peek()? {
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                b',' => self.at += 1,
                _ => {
                    self.value(depth + 1)?;
                    self.skip_trivia();
                    (self.peek() == Some(b':')).then_some(())?;
                    self.at += 1;
                    let value = self.value(depth + 1)?;
                    if self.keeps(depth) {
                        node.items.push(value);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_lists_are_found_whatever_their_text() {
        let text = r##"#![enable(implicit_some)]
// a comment with "quotes" and (parens
(
    name: "x", /* nested /* comment */ ) */
    questions: [
        (id: "a\"b", kind: SingleChoice(choices: [(text: r#"say "hi""#), (text: "\u{41}")], answer: 1)),
        (id: "c", kind: Numeric(answer: -1.5e-3, tolerance: Absolute(0.1)), tags: ["t"]),
    ],
    map: {"k": 1},
)"##;
        let root = outline(text, 64).expect("an outline");
        let qs = root.list("questions");
        assert_eq!(qs.len(), 2);
        let id = qs[0].field("id").unwrap();
        assert_eq!(&text[id.start..id.end], r#""a\"b""#);
        let choices = qs[0].field("kind").unwrap().list("choices");
        assert_eq!(choices.len(), 2);
        let t = choices[0].field("text").unwrap();
        assert_eq!(&text[t.start..t.end], r##"r#"say "hi""#"##);
        let kind = qs[1].field("kind").unwrap();
        let answer = kind.field("answer").unwrap();
        assert_eq!(&text[answer.start..answer.end], "-1.5e-3");
        assert_eq!(
            qs[1].field_at("tags").map(|at| &text[at..at + 4]),
            Some("tags")
        );
        assert_eq!(root.field("map").unwrap().items.len(), 1);
    }

    #[test]
    fn the_light_outline_keeps_the_lists_and_the_ids() {
        let text = r#"(name: "x", questions: [(id: "a", kind: TrueFalse(answer: true)), (kind: SelfRating, id: "b")], topics: [(id: "t", title: "T")])"#;
        let full = outline(text, 64).unwrap();
        let light = outline_light(text, 64).unwrap();
        assert_eq!(light.field_at("name"), full.field_at("name"));
        for list in ["questions", "topics"] {
            let (f, l) = (full.list(list), light.list(list));
            assert_eq!(f.len(), l.len());
            for (f, l) in f.iter().zip(l) {
                assert_eq!((f.start, f.end), (l.start, l.end));
                assert_eq!(
                    f.field("id").map(|n| n.start),
                    l.field("id").map(|n| n.start)
                );
                assert_eq!(l.fields.len(), 1);
                assert!(l.fields[0].2.fields.is_empty() && l.fields[0].2.items.is_empty());
            }
        }
        assert!(outline_light("(a: [(id: \"x\"", 64).is_none());
    }

    #[test]
    fn too_deep_or_broken_text_gives_none() {
        assert!(outline(&"[".repeat(100), 64).is_none());
        assert!(outline("(a: \"unclosed)", 64).is_none());
    }
}
