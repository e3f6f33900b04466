//! What can be wrong with a bank or roadmap file, and where.

use std::fmt;

/// An error stops the bank from loading; a warning is advice (`validate` reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding: what is wrong ([`Problem`]) and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based; 0 when the problem concerns the whole file.
    pub col: usize,
    /// The question concerned, if any.
    pub question: Option<String>,
    pub problem: Problem,
}

impl Diagnostic {
    /// A short stable code for scripts and editors, e.g. `unknown-topic`.
    pub fn code(&self) -> &'static str {
        self.problem.code()
    }

    pub fn hint(&self) -> Option<String> {
        self.problem.hint()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line > 0 {
            write!(f, "{}:{}:{}: {sev}: ", self.file, self.line, self.col)?;
        } else {
            write!(f, "{}: {sev}: ", self.file)?;
        }
        if let Some(q) = &self.question {
            write!(f, "question `{q}`: ")?;
        }
        write!(f, "{}", self.problem)
    }
}

/// Everything that can be wrong in a bank or roadmap file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    #[error("cannot read the file: {0}")]
    Unreadable(String),
    #[error("no .ron files in this folder")]
    EmptyFolder,
    #[error("{folder} is more than {depth} folders deep; banks are searched {depth} levels down")]
    TooDeep { folder: String, depth: usize },
    #[error("the banks in this folder are more than {limit} bytes in all")]
    FolderTooLarge { limit: u64 },
    #[error("the file is {size} bytes, more than the {limit}-byte limit for a bank")]
    TooLarge { size: u64, limit: u64 },
    #[error("the file is not valid UTF-8 text")]
    InvalidUtf8,
    #[error("RON syntax error: {0}")]
    Syntax(String),
    #[error("unknown field `{field}`")]
    UnknownField {
        field: String,
        expected: Vec<String>,
    },
    #[error("missing field `{field}`")]
    MissingField { field: String },
    #[error("unknown value `{found}`")]
    UnknownVariant {
        found: String,
        expected: Vec<String>,
    },
    #[error("format_version {found} is not supported (this skillquiz reads version {supported})")]
    UnsupportedFormat { found: u32, supported: u32 },
    #[error("unknown topic `{topic}`")]
    UnknownTopic {
        topic: String,
        suggestion: Option<String>,
    },
    #[error("topic `{topic}` belongs to area `{area}`, which no bank or the roadmap defines")]
    UnknownArea { topic: String, area: String },
    #[error("duplicate id `{id}` (first defined at {first})")]
    DuplicateId { id: String, first: String },
    #[error("topic `{id}` is defined twice (first at {first})")]
    DuplicateTopic { id: String, first: String },
    #[error("id `{id}` is not valid")]
    BadId { id: String },
    #[error("answer index {index} is out of range: there are {choices} choices (numbered from 0)")]
    AnswerOutOfRange { index: usize, choices: usize },
    #[error("multiple-select question has no correct choice")]
    NoCorrectChoice,
    #[error("answer index {index} is listed twice")]
    RepeatedAnswer { index: usize },
    #[error("bad choice weights: {0}")]
    BadWeights(String),
    #[error("tolerance {value} is negative")]
    NegativeTolerance { value: f64 },
    #[error("{field} must be a finite number, not {value}")]
    NotFinite { field: &'static str, value: f64 },
    #[error("the prompt is empty")]
    EmptyPrompt,
    #[error("a choice question needs at least 2 choices, this one has {count}")]
    TooFewChoices { count: usize },
    #[error("a choice question may have at most 26 choices (A to Z), this one has {count}")]
    TooManyChoices { count: usize },
    #[error("choice {index} has empty text")]
    EmptyChoice { index: usize },
    #[error("choices {first} and {second} have the same text")]
    DuplicateChoice { first: usize, second: usize },
    #[error("short-text question has no accepted answer")]
    NoAcceptedAnswer,
    #[error("resource URL `{url}` is not https")]
    NotHttps { url: String },
    #[error("step {step} is not a roadmap step (steps are 1 to 7)")]
    BadStep { step: u8 },
    #[error("item parameters out of range: {reason}")]
    BadParams { reason: String },
    #[error("{field} contains a control or invisible character (U+{code:04X})")]
    ControlCharacter { field: &'static str, code: u32 },
    #[error("{field} is empty")]
    EmptyField { field: &'static str },
    #[error("the roadmap must have steps 1 to 7 exactly once each; {detail}")]
    BadSteps { detail: String },
    // Warnings (lints) below.
    #[error("no explanation")]
    MissingExplanation,
    #[error("id `{id}` does not start with its area `{area}.`")]
    IdNotNamespaced { id: String, area: String },
    #[error("topic `{topic}` has only {count} question(s)")]
    FewQuestions { topic: String, count: usize },
    #[error("prompt is the same as question `{other}`'s ({at})")]
    DuplicatePrompt { other: String, at: String },
    #[error("prompt is nearly the same as question `{other}`'s ({at})")]
    SimilarPrompt { other: String, at: String },
    #[error(
        "the right choice is much longer than the others ({right} vs at most {longest_wrong} characters)"
    )]
    LongRightChoice { right: usize, longest_wrong: usize },
    #[error("choice {index} is an \"all/none of the above\" choice")]
    AboveChoice { index: usize },
    #[error("related question `{id}` is not a loaded question")]
    UnknownRelated { id: String },
    #[error("a question cannot be related to itself")]
    RelatedToItself,
    #[error("its text holds {what}, the answer to question `{other}` ({at})")]
    GivesAway {
        other: String,
        at: String,
        what: String,
    },
    #[error("its prompt uses the same numbers ({numbers}) as question `{other}` ({at})")]
    SameData {
        other: String,
        at: String,
        numbers: String,
    },
    #[error("{trues} of this bank's {total} true/false questions are true")]
    TrueFalseBalance { trues: usize, total: usize },
    #[error(
        "the right choice is the {} choice in {count} of {total} single-choice questions (a fair share is {expected_percent}%)",
        length_rank(*rank)
    )]
    KeyLengthCue {
        rank: usize,
        count: usize,
        total: usize,
        expected_percent: u32,
    },
    #[error("{count} of {total} multiple-select questions key exactly their first choices")]
    MultiSelectFirstChoices { count: usize, total: usize },
    #[error(
        "{count} of {total} multiple-select questions have {value} {} choices",
        if *right { "right" } else { "wrong" }
    )]
    MultiSelectSameCount {
        right: bool,
        value: usize,
        count: usize,
        total: usize,
    },
    #[error(
        "{count} of {total} fixed-order questions are keyed at position {}",
        crate::text::letter(*position)
    )]
    FixedOrderKeys {
        position: usize,
        count: usize,
        total: usize,
    },
}

/// `longest`, `2nd longest`, ... for a length rank (0 = longest).
fn length_rank(rank: usize) -> String {
    match rank {
        0 => "longest".into(),
        1 => "2nd longest".into(),
        2 => "3rd longest".into(),
        n => format!("{}th longest", n + 1),
    }
}

impl Problem {
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            Unreadable(_) => "unreadable",
            EmptyFolder => "empty-folder",
            TooDeep { .. } => "too-deep",
            FolderTooLarge { .. } => "folder-too-large",
            TooLarge { .. } => "too-large",
            InvalidUtf8 => "invalid-utf8",
            Syntax(_) => "syntax",
            UnknownField { .. } => "unknown-field",
            MissingField { .. } => "missing-field",
            UnknownVariant { .. } => "unknown-value",
            UnsupportedFormat { .. } => "unsupported-format",
            UnknownTopic { .. } => "unknown-topic",
            UnknownArea { .. } => "unknown-area",
            DuplicateId { .. } => "duplicate-id",
            DuplicateTopic { .. } => "duplicate-topic",
            BadId { .. } => "bad-id",
            AnswerOutOfRange { .. } => "answer-out-of-range",
            NoCorrectChoice => "no-correct-choice",
            RepeatedAnswer { .. } => "repeated-answer",
            BadWeights(_) => "bad-weights",
            NegativeTolerance { .. } => "negative-tolerance",
            NotFinite { .. } => "not-finite",
            EmptyPrompt => "empty-prompt",
            TooFewChoices { .. } => "too-few-choices",
            TooManyChoices { .. } => "too-many-choices",
            EmptyChoice { .. } => "empty-choice",
            DuplicateChoice { .. } => "duplicate-choice",
            NoAcceptedAnswer => "no-accepted-answer",
            NotHttps { .. } => "not-https",
            BadStep { .. } => "bad-step",
            BadParams { .. } => "bad-params",
            ControlCharacter { .. } => "control-character",
            EmptyField { .. } => "empty-field",
            BadSteps { .. } => "bad-steps",
            MissingExplanation => "missing-explanation",
            IdNotNamespaced { .. } => "id-not-namespaced",
            FewQuestions { .. } => "few-questions",
            DuplicatePrompt { .. } => "duplicate-prompt",
            SimilarPrompt { .. } => "similar-prompt",
            LongRightChoice { .. } => "long-right-choice",
            AboveChoice { .. } => "above-choice",
            UnknownRelated { .. } => "unknown-related",
            RelatedToItself => "related-to-itself",
            GivesAway { .. } => "gives-away",
            SameData { .. } => "same-data",
            TrueFalseBalance { .. } => "true-false-balance",
            KeyLengthCue { .. } => "key-length-cue",
            MultiSelectFirstChoices { .. } => "multi-select-first-choices",
            MultiSelectSameCount { .. } => "multi-select-same-count",
            FixedOrderKeys { .. } => "fixed-order-keys",
        }
    }

    /// How to fix it, in words a teacher understands.
    pub fn hint(&self) -> Option<String> {
        use Problem::*;
        Some(match self {
            Unreadable(_) => "check the path and that you may read the file".into(),
            EmptyFolder => "give the folder that holds the bank files, or a bank file itself".into(),
            TooDeep { .. } => "move the banks up, or give the deep folder itself".into(),
            FolderTooLarge { .. } => {
                "give fewer banks at once, or split the folder (64 MiB in all at most)".into()
            }
            TooLarge { .. } => "split the bank into several files of fewer questions".into(),
            InvalidUtf8 => "save the file as UTF-8 (most editors have an encoding option)".into(),
            Syntax(_) => {
                "look just before this point for a missing comma, bracket or quote".into()
            }
            UnknownField { expected, .. } if !expected.is_empty() => {
                format!("fields allowed here: {}", expected.join(", "))
            }
            UnknownField { .. } => "remove this field".into(),
            MissingField { field } => format!("add `{field}: ...` here"),
            UnknownVariant { expected, .. } if !expected.is_empty() => {
                format!("use one of: {}", expected.join(", "))
            }
            UnknownVariant { .. } => return None,
            UnsupportedFormat { supported, .. } => {
                format!("write `format_version: {supported}`, or upgrade skillquiz")
            }
            UnknownTopic {
                suggestion: Some(s),
                ..
            } => format!("did you mean `{s}`? Otherwise add it to this bank's `topics`"),
            UnknownTopic { .. } => {
                "add the topic to this bank's `topics: [...]` with its title and step, or use one from `skillquiz list`".into()
            }
            UnknownArea { area, .. } => format!(
                "add `areas: [(id: \"{area}\", title: \"...\")]` to the bank, or use an existing area"
            ),
            DuplicateId { .. } | DuplicateTopic { .. } => {
                "give each one its own id; ids never change once published".into()
            }
            BadId { .. } => {
                "use lower-case letters, digits, `_`, `-` and `.` (for example `maths.det_2x2`)".into()
            }
            AnswerOutOfRange { choices, .. } => format!(
                "the first choice is 0, so the last is {}",
                choices.saturating_sub(1)
            ),
            NoCorrectChoice => "list the right choices in `answers: [...]`, counted from 0".into(),
            RepeatedAnswer { .. } => "list each right choice once".into(),
            BadWeights(_) => "give one weight per choice, such as `weights: [0.5, 0.5, -1.0]`, or leave them out for even marks".into(),
            NegativeTolerance { .. } => "a tolerance is a distance: use 0 or more".into(),
            NotFinite { .. } => "write an ordinary number such as 0.5".into(),
            EmptyPrompt => "write the question the learner should answer".into(),
            TooFewChoices { .. } => "add choices, or use TrueFalse or ShortText".into(),
            TooManyChoices { .. } => {
                "split the question, or ask for a short answer (ShortText) instead".into()
            }
            EmptyChoice { .. } => "write the choice's text or remove it".into(),
            DuplicateChoice { .. } => "make every choice different".into(),
            NoAcceptedAnswer => "list at least one answer in `accepted: [...]`".into(),
            NotHttps { .. } => "link to the https:// address of the page".into(),
            BadStep { .. } => "use a step from `skillquiz roadmap`".into(),
            BadParams { .. } => {
                "use 0 < a ≤ 10, -10 ≤ b ≤ 10 and c from 0 up to (not including) 1, or drop `params`".into()
            }
            ControlCharacter { .. } => {
                "remove it: terminal control characters could garble a learner's screen".into()
            }
            EmptyField { .. } => "fill it in".into(),
            BadSteps { .. } => "list each of the seven steps once".into(),
            MissingExplanation => {
                "add `explanation: \"...\"` saying why the answer is right and the tempting one wrong".into()
            }
            IdNotNamespaced { area, .. } => format!("start the id with `{area}.`"),
            FewQuestions { .. } => {
                "a topic needs at least 3 questions for a fair verdict; add more".into()
            }
            DuplicatePrompt { .. } => "reword one of them or remove the duplicate".into(),
            SimilarPrompt { .. } => {
                "if they test the same thing, keep the better one; otherwise make the difference plain".into()
            }
            LongRightChoice { .. } => {
                "learners guess the longest choice; make the distractors as detailed".into()
            }
            AboveChoice { .. } => {
                "such choices test reading, not knowledge; write a real distractor".into()
            }
            UnknownRelated { .. } => {
                "check the id (`skillquiz list` shows the loaded banks); a bank that refers to another bank's question needs that bank loaded".into()
            }
            RelatedToItself => "remove its own id from `related`".into(),
            GivesAway { other, .. } | SameData { other, .. } => format!(
                "if one answers the other, add `related: [\"{other}\"]` so no quiz asks both; if they repeat each other, rewrite one"
            ),
            TrueFalseBalance { .. } => {
                "always answering the majority scores well: keep between 40% and 60% true, rewriting statements as their negation where it reads naturally".into()
            }
            KeyLengthCue { .. } => {
                "guessers pick by length: vary which choice is longest, and make distractors as detailed as the key".into()
            }
            MultiSelectFirstChoices { .. } => {
                "place the right choices anywhere in the list (exports to an LMS may keep the file's order)".into()
            }
            MultiSelectSameCount { .. } => {
                "vary how many choices are right (from one up to all but one) and how many are wrong".into()
            }
            FixedOrderKeys { .. } => "vary the keyed position of fixed-order questions".into(),
        })
    }

    pub fn severity(&self) -> Severity {
        use Problem::*;
        match self {
            MissingExplanation
            | IdNotNamespaced { .. }
            | FewQuestions { .. }
            | DuplicatePrompt { .. }
            | SimilarPrompt { .. }
            | LongRightChoice { .. }
            | AboveChoice { .. }
            | UnknownRelated { .. }
            | RelatedToItself
            | GivesAway { .. }
            | SameData { .. }
            | TrueFalseBalance { .. }
            | KeyLengthCue { .. }
            | MultiSelectFirstChoices { .. }
            | MultiSelectSameCount { .. }
            | FixedOrderKeys { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// Every error found while loading banks (never just the first), plus any warnings.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} error(s) in the question banks", self.errors().count())]
pub struct BankErrors {
    pub diagnostics: Vec<Diagnostic>,
}

impl BankErrors {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
}
