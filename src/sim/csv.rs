//! The simulation's input files: plain comma-separated numbers with a header row, as in
//! catsim's reference run (`items.csv`, `simulees.csv`, `uniforms.csv`).
//!
//! - items: columns `a`, `b` (required), `c` (default 0), `d` (default 1), optional
//!   `item` and `topic` (any text; items with the same text share a topic);
//! - abilities: column `theta` (an optional `simulee` column names each row);
//! - uniforms: `simulee` (optional), then `u1`, `u2`, … one per test position.
//!
//! No quoting: these files hold numbers. Blank lines are ignored.

use crate::irt::Item;

/// A problem in one input file, with where it is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvError {
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: String },
    #[error("{file}: the file is empty; expected a header row")]
    Empty { file: String },
    #[error("{file}:1: no `{column}` column (the header has: {found})")]
    MissingColumn {
        file: String,
        column: String,
        found: String,
    },
    #[error("{file}:{line}: {found} fields, but the header has {expected}")]
    Width {
        file: String,
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("{file}:{line}: column {column} (`{name}`): {reason}")]
    Field {
        file: String,
        line: usize,
        column: usize,
        name: String,
        reason: String,
    },
    #[error("{file}: {reason}")]
    Content { file: String, reason: String },
}

/// A bank read from an items file.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTable {
    pub items: Vec<Item>,
    /// Dense topic index per item (all 0 without a `topic` column).
    pub topics: Vec<usize>,
    pub topic_names: Vec<String>,
}

struct Table<'t> {
    file: &'t str,
    header: Vec<&'t str>,
    /// Each data row: 1-based line number and text (its width already checked). The
    /// fields are cut when the row is read, into a buffer that is used again: holding
    /// every field of a large file at once costs more in page faults than cutting twice.
    lines: Vec<(usize, &'t str)>,
}

/// `s.trim()`, with a shortcut for the usual field that starts and ends with a visible
/// ASCII character.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&f), Some(&l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// The trimmed comma-separated fields of `line`, as `line.split(',')` would cut them,
/// into `out` (cleared first).
fn split_fields<'t>(line: &'t str, out: &mut Vec<&'t str>) {
    out.clear();
    let mut start = 0;
    for (i, &c) in line.as_bytes().iter().enumerate() {
        if c == b',' {
            out.push(trim(&line[start..i]));
            start = i + 1;
        }
    }
    out.push(trim(&line[start..]));
}

/// `s.parse::<f64>()` for the plain decimals these files hold (`-0.942193`, `12`): at most
/// 15 digits make an exact integer m, and m / 10^k with k ≤ 15 is one correctly rounded
/// division, the same double the standard parser gives. Anything else goes to it.
#[inline(always)]
fn parse_f64(s: &str) -> Result<f64, std::num::ParseFloatError> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = s.as_bytes();
    let neg = b.first() == Some(&b'-');
    let digits = &b[usize::from(neg)..];
    if digits.is_empty() || digits.len() > 16 {
        return s.parse();
    }
    let (mut m, mut dot) = (0u64, None);
    for (i, &c) in digits.iter().enumerate() {
        let d = c.wrapping_sub(b'0');
        if d < 10 {
            m = m * 10 + u64::from(d);
        } else if c == b'.' && dot.is_none() {
            dot = Some(i);
        } else {
            return s.parse();
        }
    }
    let frac = match dot {
        None if digits.len() <= 15 => 0,
        // "1." and ".5" are for the standard parser, as are 16 digits.
        Some(i) if i > 0 && i + 1 < digits.len() && digits.len() <= 16 => digits.len() - i - 1,
        _ => return s.parse(),
    };
    let v = m as f64 / POW10[frac];
    Ok(if neg { -v } else { v })
}

impl<'t> Table<'t> {
    fn parse(file: &'t str, text: &'t str) -> Result<Table<'t>, CsvError> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, head)) = lines.next() else {
            return Err(CsvError::Empty { file: file.into() });
        };
        let header: Vec<&str> = head.split(',').map(str::trim).collect();
        let mut table = Table {
            file,
            lines: Vec::new(),
            header,
        };
        for (n, l) in lines {
            let found = 1 + l.bytes().filter(|&c| c == b',').count();
            if found != table.header.len() {
                return Err(CsvError::Width {
                    file: file.into(),
                    line: n,
                    expected: table.header.len(),
                    found,
                });
            }
            table.lines.push((n, l));
        }
        Ok(table)
    }

    /// Calls `each` with every data row: its index, 1-based line number and fields.
    fn rows(
        &self,
        mut each: impl FnMut(usize, usize, &[&'t str]) -> Result<(), CsvError>,
    ) -> Result<(), CsvError> {
        let mut fields = Vec::with_capacity(self.header.len());
        for (i, &(n, l)) in self.lines.iter().enumerate() {
            split_fields(l, &mut fields);
            each(i, n, &fields)?;
        }
        Ok(())
    }

    fn column(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    fn require(&self, name: &str) -> Result<usize, CsvError> {
        self.column(name).ok_or_else(|| CsvError::MissingColumn {
            file: self.file.into(),
            column: name.into(),
            found: self.header.join(","),
        })
    }

    fn field_error(&self, line: usize, col: usize, reason: String) -> CsvError {
        CsvError::Field {
            file: self.file.into(),
            line,
            column: col + 1,
            name: self.header[col].to_string(),
            reason,
        }
    }

    #[inline(always)]
    fn number(&self, line: usize, fields: &[&str], col: usize) -> Result<f64, CsvError> {
        match parse_f64(fields[col]) {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.not_a_number(line, fields[col], col)),
        }
    }

    #[cold]
    #[inline(never)]
    fn not_a_number(&self, line: usize, s: &str, col: usize) -> CsvError {
        self.field_error(
            line,
            col,
            format!("`{}` is not a finite number", shorten(s, 24)),
        )
    }

    fn no_rows(&self) -> Result<(), CsvError> {
        if self.lines.is_empty() {
            return Err(CsvError::Content {
                file: self.file.into(),
                reason: "no data rows after the header".into(),
            });
        }
        Ok(())
    }
}

/// At most `n` characters of `s`, with `…` when cut (keeps messages one line).
fn shorten(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).filter(|c| !c.is_control()).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// Reads a file to text, naming it in the error.
pub fn read_text(path: &std::path::Path) -> Result<String, CsvError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| CsvError::Io {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    String::from_utf8(bytes).map_err(|e| CsvError::Io {
        file,
        reason: format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
    })
}

/// Parses an items file (see the module docs).
pub fn parse_items(file: &str, text: &str) -> Result<ItemTable, CsvError> {
    let t = Table::parse(file, text)?;
    t.no_rows()?;
    let (ca, cb) = (t.require("a")?, t.require("b")?);
    let (cc, cd, ct) = (t.column("c"), t.column("d"), t.column("topic"));
    let mut table = ItemTable {
        items: Vec::with_capacity(t.lines.len()),
        topics: Vec::with_capacity(t.lines.len()),
        topic_names: Vec::new(),
    };
    t.rows(|_, line, f| {
        let a = t.number(line, f, ca)?;
        let b = t.number(line, f, cb)?;
        let c = cc.map(|c| t.number(line, f, c)).transpose()?.unwrap_or(0.0);
        let d = cd.map(|c| t.number(line, f, c)).transpose()?.unwrap_or(1.0);
        let item = Item::new(a, b, c, d).map_err(|e| {
            let col = match e {
                crate::irt::ItemError::A => ca,
                crate::irt::ItemError::B => cb,
                crate::irt::ItemError::C => cc.unwrap_or(ca),
                _ => cd.unwrap_or(ca),
            };
            t.field_error(line, col, e.to_string())
        })?;
        table.items.push(item);
        let topic = ct.map_or("", |c| f[c]);
        let idx = match table.topic_names.iter().position(|n| n == topic) {
            Some(i) => i,
            None => {
                table.topic_names.push(topic.to_string());
                table.topic_names.len() - 1
            }
        };
        table.topics.push(idx);
        Ok(())
    })?;
    Ok(table)
}

/// Parses an abilities file: (simulee id, θ) per row; the id is the row number (from 0)
/// when there is no `simulee` column.
pub fn parse_thetas(file: &str, text: &str) -> Result<Vec<(String, f64)>, CsvError> {
    let t = Table::parse(file, text)?;
    t.no_rows()?;
    let ct = t.require("theta")?;
    let cs = t.column("simulee");
    let mut out = Vec::with_capacity(t.lines.len());
    t.rows(|i, line, f| {
        let id = cs.map_or_else(|| i.to_string(), |c| f[c].to_string());
        out.push((id, t.number(line, f, ct)?));
        Ok(())
    })?;
    Ok(out)
}

/// Parses a uniforms file: per row, the simulee id (or row number) and `u1…uL` in
/// [0, 1], in position order. Every other column must be named `uK`, K = 1, 2, ….
pub fn parse_uniforms(file: &str, text: &str) -> Result<Vec<(String, Vec<f64>)>, CsvError> {
    parse_uniforms_first(file, text, usize::MAX)
}

/// [`parse_uniforms`], keeping only the first `keep` uniforms of each row (every one is
/// still checked): a test of length L reads no more.
pub fn parse_uniforms_first(
    file: &str,
    text: &str,
    keep: usize,
) -> Result<Vec<(String, Vec<f64>)>, CsvError> {
    let t = Table::parse(file, text)?;
    t.no_rows()?;
    let cs = t.column("simulee");
    let mut ucols = Vec::new();
    for k in 1.. {
        match t.column(&format!("u{k}")) {
            Some(c) => ucols.push(c),
            None => break,
        }
    }
    if ucols.is_empty() {
        return Err(CsvError::MissingColumn {
            file: file.into(),
            column: "u1".into(),
            found: t.header.join(","),
        });
    }
    let mut out = Vec::with_capacity(t.lines.len());
    t.rows(|i, line, f| {
        let id = cs.map_or_else(|| i.to_string(), |c| f[c].to_string());
        let mut us = Vec::with_capacity(ucols.len().min(keep));
        for &c in &ucols {
            let u = t.number(line, f, c)?;
            if !(0.0..=1.0).contains(&u) {
                return Err(t.field_error(line, c, format!("{u} is not in [0, 1]")));
            }
            if us.len() < keep {
                us.push(u);
            }
        }
        out.push((id, us));
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_as_the_standard_parser_does() {
        let cases = [
            "0",
            "-0",
            "12",
            "0.942193",
            "-1.472909",
            "0.1",
            "0.3",
            "2.675",
            "123456789012345",
            "1234567890123456",
            "0.000001",
            "1e3",
            "1.",
            ".5",
            "+1",
            "--1",
            "1.2.3",
            "",
            "-",
            "inf",
            "NaN",
            "9007199254740993",
            "0.30000000000000004",
            "7.",
            "00012.50",
        ];
        for s in cases {
            let fast = parse_f64(s).map(f64::to_bits).ok();
            let std = s.parse::<f64>().map(f64::to_bits).ok();
            assert_eq!(fast, std, "{s:?}");
        }
        // Every 6-decimal value the reference files hold, and then some.
        for k in (0..2_000_000u64).step_by(13) {
            let s = format!("{}.{:06}", k / 1_000_000, k % 1_000_000);
            assert_eq!(
                parse_f64(&s).unwrap().to_bits(),
                s.parse::<f64>().unwrap().to_bits(),
                "{s}"
            );
            let s = format!("-{s}");
            assert_eq!(
                parse_f64(&s).unwrap().to_bits(),
                s.parse::<f64>().unwrap().to_bits(),
                "{s}"
            );
        }
    }

    #[test]
    fn items_with_defaults_and_topics() {
        let t = parse_items(
            "i.csv",
            "item,a,b,topic\n0,1.2,-0.5,x\n1,0.8,1,y\n2,1,0,x\n",
        )
        .unwrap();
        assert_eq!(t.items.len(), 3);
        assert_eq!(t.items[0], Item::two_pl(1.2, -0.5));
        assert_eq!(t.topics, vec![0, 1, 0]);
        assert_eq!(t.topic_names, vec!["x", "y"]);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let e = parse_items("i.csv", "item,a,b\n0,1,0\n1,abc,0\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "i.csv:3: column 2 (`a`): `abc` is not a finite number"
        );
        let e = parse_items("i.csv", "item,a,b\n0,-1,0\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("i.csv:2: column 2 (`a`): discrimination"),
            "{e}"
        );
        let e = parse_items("i.csv", "item,a\n0,1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "i.csv:1: no `b` column (the header has: item,a)"
        );
        let e = parse_items("i.csv", "a,b\n1,0\n1\n").unwrap_err();
        assert_eq!(e.to_string(), "i.csv:3: 1 fields, but the header has 2");
        let e = parse_uniforms("u.csv", "simulee,u1,u2\n0,0.5,1.5\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "u.csv:2: column 3 (`u2`): 1.5 is not in [0, 1]"
        );
        assert!(matches!(
            parse_thetas("t.csv", ""),
            Err(CsvError::Empty { .. })
        ));
    }
}
