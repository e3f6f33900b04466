//! Text helpers shared by grading and linting.

/// Folds text for comparison: lower case, runs of white space made one space, trimmed.
///
/// `fold_text("  Gradient\tDescent ") == "gradient descent"`.
pub fn fold_text(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters that must never reach a terminal from a data file: control characters
/// (escape sequences start with one) other than newline, tab and carriage return, and the
/// bidirectional overrides that can make text read differently from what it is.
pub fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_white_space() {
        assert_eq!(fold_text("  Gradient\t DESCENT \n"), "gradient descent");
        assert_eq!(fold_text(""), "");
    }
}
