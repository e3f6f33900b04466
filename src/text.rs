//! Text helpers shared by grading and linting.

/// Folds text for comparison: lower case, runs of white space made one space, trimmed.
///
/// `fold_text("  Gradient\tDescent ") == "gradient descent"`.
pub fn fold_text(s: &str) -> String {
    if s.is_ascii() {
        // The same as below for ASCII, a byte at a time. Unicode's white space in ASCII
        // is \t, \n, \x0B, \x0C, \r and the space.
        let mut out = Vec::with_capacity(s.len());
        for word in s
            .as_bytes()
            .split(|b| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '))
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend(word.iter().map(u8::to_ascii_lowercase));
        }
        return String::from_utf8(out).expect("ASCII is UTF-8");
    }
    s.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Letters shown before choices: A, B, C, ...
pub fn letter(position: usize) -> char {
    (b'A' + (position as u8 % 26)) as char
}

/// The first character of `s` that [`is_unsafe_char`] refuses.
pub fn first_unsafe_char(s: &str) -> Option<char> {
    // Printable ASCII and \t, \n, \r are safe: most texts are only these, checked a byte
    // at a time.
    let plain = |b: &u8| matches!(b, b' '..=b'~' | b'\t' | b'\n' | b'\r');
    if s.as_bytes().iter().all(plain) {
        return None;
    }
    s.chars().find(|&c| is_unsafe_char(c))
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
    fn the_ascii_path_folds_as_unicode_does() {
        for s in [
            "  A\x0Bb\x0C c\r\nD\t",
            "",
            " ",
            "Already folded",
            "x\u{1F}y",
        ] {
            let slow = s
                .split_whitespace()
                .map(|w| w.to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(fold_text(s), slow, "{s:?}");
        }
    }

    #[test]
    fn unsafe_characters_are_found_in_ascii_and_beyond() {
        assert_eq!(first_unsafe_char("plain text\tand\r\nlines"), None);
        assert_eq!(first_unsafe_char("bell\x07"), Some('\x07'));
        assert_eq!(first_unsafe_char("del\x7f"), Some('\x7f'));
        assert_eq!(first_unsafe_char("café \u{202E}x"), Some('\u{202E}'));
        assert_eq!(first_unsafe_char("café"), None);
    }

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
