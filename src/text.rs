//! Text helpers shared by grading and linting.

/// Folds text for comparison: lower case, runs of white space made one space, trimmed.
///
/// `fold_text("  Gradient\tDescent ") == "gradient descent"`.
pub fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            // `str::to_lowercase` knows the final sigma, which a char at a time does not.
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// Characters that must never reach a terminal from a data file: control characters
/// (escape sequences start with one) other than newline, tab and carriage return, and the
/// bidirectional overrides that can make text read differently from what it is.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || is_invisible(c)
}

/// Characters that show nothing but change a text: zero-width spaces and joiners and
/// direction marks (U+200B–U+200F), the word joiner (U+2060), the byte-order mark used
/// inside a text (U+FEFF), the soft hyphen, the line and paragraph separators (U+2028–9),
/// interlinear annotation marks (U+FFF9–U+FFFB) and tag characters (U+E0000–U+E007F).
/// Three choices that all read "Blue" could otherwise pass as different.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_white_space() {
        assert_eq!(fold_text("  Gradient\t DESCENT \n"), "gradient descent");
        assert_eq!(fold_text(""), "");
        assert_eq!(
            fold_text("ΟΔΟΣ  Straße"),
            format!("{} straße", "ΟΔΟΣ".to_lowercase())
        );
    }
}
