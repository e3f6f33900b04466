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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_white_space() {
        assert_eq!(fold_text("  Gradient\t DESCENT \n"), "gradient descent");
        assert_eq!(fold_text(""), "");
    }
}
