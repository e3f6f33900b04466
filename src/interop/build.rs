//! Parsed questions (from either format) → bank questions: categories become topics,
//! names and id numbers become ids, Moodle's answers and fractions become skillquiz kinds.

use super::{Issue, IssueKind, Unsupported, fnv1a};
use crate::bank::raw::{Difficulty, RawChoice, RawKind, RawQuestion, RawTopic, Tolerance};
use crate::bank::{Catalog, valid_id};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::collections::BTreeMap;

/// What to import into.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The area every topic and id is namespaced by.
    pub area: String,
    /// The difficulty every imported question gets (neither format has one).
    pub difficulty: Difficulty,
    /// The roadmap step of new topics; `None` borrows the step of the area's first topic.
    pub step: Option<u8>,
}

/// Where a question was read: file, 1-based line, 1-based column when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: usize,
    pub col: Option<usize>,
}

/// The result of reading GIFT or Moodle XML files.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub questions: Vec<RawQuestion>,
    /// Where each of `questions` was read, in the same order.
    pub places: Vec<Place>,
    /// Topics the questions use that the catalog does not have yet.
    pub topics: Vec<RawTopic>,
    pub issues: Vec<Issue>,
    /// Questions skipped, per kind.
    pub skipped: BTreeMap<Unsupported, usize>,
    /// Questions dropped as invalid by [`Imported::drop_invalid`].
    pub invalid: usize,
}

impl Imported {
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.kind == IssueKind::Error)
    }

    /// Questions imported, per skillquiz kind (`single_choice`, ...).
    pub fn imported(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for q in &self.questions {
            *m.entry(kind_name(&q.kind)).or_insert(0) += 1;
        }
        m
    }

    /// Records an error against question `id` at the line it was read from (a bank check
    /// found it invalid) and, when `drop` is set, removes it. Returns whether `id` was one
    /// of the imported questions.
    pub fn reject(&mut self, id: &str, message: &str, drop: bool) -> bool {
        let Some(i) = self.questions.iter().position(|q| q.id == id) else {
            return false;
        };
        let p = self.places[i].clone();
        self.issues.push(Issue {
            file: p.file,
            line: p.line,
            col: p.col,
            kind: IssueKind::Error,
            message: format!("question `{id}`: {message}"),
        });
        if drop {
            self.questions.remove(i);
            self.places.remove(i);
            self.invalid += 1;
        }
        true
    }

    /// Drops the topics no remaining question uses.
    pub fn drop_unused_topics(&mut self) {
        let used: HashSet<&str> = self.questions.iter().map(|q| q.topic.as_str()).collect();
        self.topics.retain(|t| used.contains(t.id.as_str()));
    }
}

/// One answer of a choice or short-answer question.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub text: String,
    /// Moodle's fraction: 1 is the whole mark.
    pub weight: f64,
    pub feedback: String,
}

#[derive(Debug, Clone)]
pub(crate) struct NumAnswer {
    /// The text it was read from, for messages.
    pub text: String,
    pub value: f64,
    pub tolerance: f64,
    pub weight: f64,
    pub feedback: String,
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    Choice {
        single: bool,
        answers: Vec<Answer>,
        /// Moodle's `shuffleanswers` off.
        fixed_order: bool,
    },
    TrueFalse {
        answer: bool,
        feedback_true: String,
        feedback_false: String,
    },
    Short {
        answers: Vec<Answer>,
        case_sensitive: bool,
    },
    Numeric {
        answers: Vec<NumAnswer>,
        wrong_feedback: String,
        /// (unit, multiplier) as Moodle lists them; the first with multiplier 1 is the unit.
        units: Vec<(String, f64)>,
    },
}

/// A question as a format reader understood it, before it becomes a bank question.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub title: Option<String>,
    pub idnumber: Option<String>,
    pub tags: Vec<String>,
    pub prompt: String,
    pub code: Option<String>,
    pub general: String,
    pub body: Body,
    /// Images (or other things) the text conversion replaced, to be noted.
    pub images: Vec<String>,
}

/// Turns parsed questions into bank questions for `opts.area`.
pub(crate) struct Builder<'a> {
    cat: &'a Catalog,
    opts: &'a ImportOptions,
    pub out: Imported,
    ids: HashSet<String>,
    /// The next suffix to try per id base, so that de-duplicating n equal names is linear.
    next_suffix: HashMap<String, usize>,
    /// Topic ids made here, and the category path each was made from.
    topic_ids: HashMap<String, Vec<String>>,
    /// Category path → topic id.
    paths: HashMap<Vec<String>, String>,
    topic: Option<String>,
    warned_step: bool,
    /// Candidate ids tried, for the test that keeps de-duplication linear.
    #[cfg_attr(not(test), allow(dead_code))]
    probes: usize,
}

impl<'a> Builder<'a> {
    pub fn new(cat: &'a Catalog, opts: &'a ImportOptions) -> Self {
        Builder {
            cat,
            opts,
            out: Imported::default(),
            ids: HashSet::new(),
            next_suffix: HashMap::new(),
            topic_ids: HashMap::new(),
            paths: HashMap::new(),
            topic: None,
            warned_step: false,
            probes: 0,
        }
    }

    /// Makes room for `n` more questions (a file's block count: categories and malformed
    /// blocks make it a little high).
    pub fn reserve(&mut self, n: usize) {
        self.out.questions.reserve(n);
        self.out.places.reserve(n);
        self.ids.reserve(n);
    }

    /// Starts a new file: a category does not carry over.
    pub fn new_file(&mut self) {
        self.topic = None;
    }

    pub fn issue(&mut self, at: &Place, kind: IssueKind, message: String) {
        self.out.issues.push(Issue {
            file: at.file.clone(),
            line: at.line,
            col: at.col,
            kind,
            message,
        });
    }

    pub fn error(&mut self, at: &Place, message: String) {
        self.issue(at, IssueKind::Error, message);
    }

    pub fn skip(&mut self, at: &Place, what: Unsupported, why: String) {
        *self.out.skipped.entry(what).or_insert(0) += 1;
        let message = if why.is_empty() {
            format!("skillquiz has no {} questions", what.as_str())
        } else {
            why
        };
        self.issue(at, IssueKind::Skipped(what), message);
    }

    /// A category: `segments` is its path as Moodle splits it; a leading context such as
    /// `$course$` and Moodle's `top` are not topics. `id` is a topic id the file gives
    /// (Moodle XML's category `idnumber`, or the `[id:]` comment skillquiz writes in GIFT).
    pub fn category(&mut self, at: &Place, segments: &[String], id: Option<&str>) {
        let mut path: Vec<String> = segments
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if path
            .first()
            .is_some_and(|s| s.len() > 1 && s.starts_with('$') && s.ends_with('$'))
        {
            path.remove(0);
        }
        if path.first().is_some_and(|s| s == "top") {
            path.remove(0);
        }
        // A topic title is shown to learners: no control or invisible characters.
        if let Some(c) = path
            .iter()
            .flat_map(|s| s.chars())
            .find(|&c| crate::text::is_unsafe_char(c))
        {
            self.error(at, format!(
                "the category name contains a control or invisible character (U+{:04X}); it is left out of the topic title",
                c as u32
            ));
            for s in &mut path {
                s.retain(|c| !crate::text::is_unsafe_char(c));
            }
            path.retain(|s| !s.trim().is_empty());
        }
        let prefix = format!("{}.", self.opts.area);
        let own = |s: &str| valid_id(s) && s.starts_with(&prefix) && s.len() > prefix.len();
        if let Some(id) = id.map(str::trim).filter(|i| own(i)) {
            let title = path
                .last()
                .cloned()
                .unwrap_or_else(|| humanise(&id[prefix.len()..]));
            self.ensure_topic(at, id, &title);
            self.paths.insert(path, id.to_string());
            self.topic = Some(id.to_string());
            return;
        }
        if path.is_empty() {
            self.topic = None; // the top of the bank: questions go to `area.general`
            return;
        }
        if let Some(id) = self.paths.get(&path) {
            self.topic = Some(id.clone());
            return;
        }
        let (id, title) = if path.len() == 1 && own(&path[0]) {
            (path[0].clone(), humanise(&path[0][prefix.len()..]))
        } else {
            let joined = path.join("_");
            let s = slug(&joined, 50);
            let s = if s.is_empty() {
                format!("c{:08x}", fnv1a(&joined) as u32)
            } else {
                s
            };
            let base = format!("{prefix}{s}");
            // Two paths that make the same id (`A/B` and `A B`) stay two topics.
            let mut id = base.clone();
            let mut n = 2;
            while self.topic_ids.get(&id).is_some_and(|p| *p != path) {
                id = format!("{base}_{n}");
                n += 1;
            }
            (id, path.join(" / "))
        };
        self.ensure_topic(at, &id, &title);
        self.topic_ids.insert(id.clone(), path.clone());
        self.paths.insert(path, id.clone());
        self.topic = Some(id);
    }

    fn ensure_topic(&mut self, at: &Place, id: &str, title: &str) {
        if self.cat.topic(id).is_some() || self.topic_ids.contains_key(id) {
            return;
        }
        self.topic_ids
            .insert(id.to_string(), vec![title.to_string()]);
        let step = self
            .opts
            .step
            .or_else(|| self.cat.topics_of(&self.opts.area).next().map(|t| t.step));
        let step = match step {
            Some(s) => s,
            None => {
                if !self.warned_step {
                    self.warned_step = true;
                    let area = self.opts.area.clone();
                    self.error(at, format!(
                        "topic `{id}` is new and area `{area}` has no topic to take a roadmap step from; pass --step N (1 to 7)"
                    ));
                }
                1
            }
        };
        self.out.topics.push(RawTopic {
            id: id.into(),
            title: title.into(),
            step,
            resources: Vec::new(),
        });
    }

    fn current_topic(&mut self, at: &Place) -> String {
        if let Some(t) = &self.topic {
            return t.clone();
        }
        let id = format!("{}.general", self.opts.area);
        self.ensure_topic(at, &id, "General");
        self.topic_ids.entry(id.clone()).or_default();
        id
    }

    fn question_id(&mut self, idnumber: Option<&str>, title: Option<&str>, prompt: &str) -> String {
        let prefix = format!("{}.", self.opts.area);
        let own = |t: &str| valid_id(t) && t.starts_with(&prefix) && t.len() > prefix.len();
        let idnumber = idnumber.map(str::trim).filter(|t| !t.is_empty());
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        let base = match (idnumber, title) {
            (Some(t), _) | (None, Some(t)) if own(t) => t.to_string(),
            (Some(t), _) | (None, Some(t)) if !slug(t, 60).is_empty() => {
                format!("{prefix}{}", slug(t, 60))
            }
            _ => format!("{prefix}q_{:016x}", fnv1a(prompt)),
        };
        let taken =
            |id: &str, ids: &HashSet<String>| ids.contains(id) || self.cat.question(id).is_some();
        let mut id = base.clone();
        if taken(&id, &self.ids) {
            let n = self.next_suffix.entry(base.clone()).or_insert(2);
            loop {
                id = format!("{base}_{n}");
                *n += 1;
                if !(self.ids.contains(&id) || self.cat.question(&id).is_some()) {
                    break;
                }
            }
        }
        self.ids.insert(id.clone());
        id
    }

    /// Adds a parsed question, or reports why it cannot be added.
    pub fn add(&mut self, at: &Place, p: Parsed) {
        let mut notes: Vec<String> = Vec::new();
        let Some(kind) = self.kind(at, p.body, &mut notes) else {
            return;
        };
        if p.prompt.trim().is_empty() {
            self.error(at, "the question text is empty".into());
            return;
        }
        for img in &p.images {
            notes.push(format!(
                "image `{img}` is not kept; the text shows [image: ...] where it was"
            ));
        }
        let topic = self.current_topic(at);
        let id = self.question_id(p.idnumber.as_deref(), p.title.as_deref(), &p.prompt);
        for n in notes {
            self.issue(at, IssueKind::Note, format!("question `{id}`: {n}"));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in p.tags {
            let t = t.trim().to_string();
            if !t.is_empty() && !tags.contains(&t) {
                tags.push(t);
            }
        }
        self.out.questions.push(RawQuestion {
            id,
            topic,
            difficulty: self.opts.difficulty,
            prompt: p.prompt,
            code: p.code,
            kind,
            explanation: p.general,
            params: None,
            resources: Vec::new(),
            tags,
            related: Vec::new(),
            status: Default::default(),
        });
        self.out.places.push(at.clone());
    }

    fn kind(&mut self, at: &Place, body: Body, notes: &mut Vec<String>) -> Option<RawKind> {
        let fb = |f: &str| (!f.trim().is_empty()).then(|| f.to_string());
        Some(match body {
            Body::Choice {
                single,
                answers,
                fixed_order,
            } => {
                if let Some(i) = answers.iter().position(|a| a.text.is_empty()) {
                    self.error(at, format!("answer {} is empty", i + 1));
                    return None;
                }
                let choices: Vec<RawChoice> = answers
                    .iter()
                    .map(|a| RawChoice {
                        text: a.text.clone(),
                        feedback: fb(&a.feedback),
                        resource: None,
                    })
                    .collect();
                if single {
                    let right: Vec<usize> = (0..answers.len())
                        .filter(|&i| answers[i].weight >= 1.0 - 1e-9)
                        .collect();
                    if right.len() != 1 {
                        self.skip(at, Unsupported::Unrepresentable, format!(
                            "{} answers are fully right; a skillquiz single-choice question has exactly one",
                            right.len()
                        ));
                        return None;
                    }
                    for a in answers
                        .iter()
                        .filter(|a| a.weight > 0.0 && a.weight < 1.0 - 1e-9)
                    {
                        notes.push(format!(
                            "answer `{}` gave {}% credit in Moodle; here it counts as wrong",
                            a.text,
                            super::pct(a.weight * 100.0)
                        ));
                    }
                    for a in answers.iter().filter(|a| a.weight < 0.0) {
                        notes.push(format!(
                            "answer `{}` took away {}% in Moodle; here a wrong answer scores 0",
                            a.text,
                            super::pct(-a.weight * 100.0)
                        ));
                    }
                    RawKind::SingleChoice {
                        choices,
                        answer: right[0],
                        fixed_order,
                    }
                } else {
                    let right: Vec<usize> = (0..answers.len())
                        .filter(|&i| answers[i].weight > 0.0)
                        .collect();
                    if right.is_empty() {
                        self.error(at, "multiple-answer question with no answer of positive weight such as `~%50%`".into());
                        return None;
                    }
                    let sum: f64 = right.iter().map(|&i| answers[i].weight).sum();
                    if (sum - 1.0).abs() > 1e-4 {
                        self.error(at, format!(
                            "the positive weights add up to {}%, not 100% (Moodle refuses such a question too)",
                            super::pct(sum * 100.0)
                        ));
                        return None;
                    }
                    if let Some(a) = answers.iter().find(|a| a.weight < -1.0 || a.weight > 1.0) {
                        self.error(
                            at,
                            format!(
                                "answer `{}` weighs {}%; a weight is from -100% to 100%",
                                a.text,
                                super::pct(a.weight * 100.0)
                            ),
                        );
                        return None;
                    }
                    let n = answers.len();
                    let k = right.len();
                    let even = answers.iter().enumerate().all(|(i, a)| {
                        let e = crate::bank::Marks::Even.weight(i, n, k, right.contains(&i));
                        (a.weight - e).abs() < 0.00001
                    });
                    // Moodle writes fractions to 7 decimals: add the rounding back to the
                    // right choices so that the weights add up to 1 as the bank requires.
                    let mut weights: Vec<f64> = answers.iter().map(|a| a.weight).collect();
                    if !even {
                        let err = 1.0 - sum;
                        for &i in &right {
                            weights[i] += err / k as f64;
                        }
                    }
                    RawKind::MultipleSelect {
                        choices,
                        answers: right,
                        weights: if even { Vec::new() } else { weights },
                        fixed_order,
                    }
                }
            }
            Body::TrueFalse {
                answer,
                feedback_true,
                feedback_false,
            } => {
                if feedback_true.is_empty() && feedback_false.is_empty() {
                    RawKind::TrueFalse { answer }
                } else {
                    // Feedback for each side needs choices to hang on.
                    let choice = |text: &str, f: &str| RawChoice {
                        text: text.into(),
                        feedback: fb(f),
                        resource: None,
                    };
                    RawKind::SingleChoice {
                        choices: vec![
                            choice("True", &feedback_true),
                            choice("False", &feedback_false),
                        ],
                        answer: if answer { 0 } else { 1 },
                        fixed_order: true,
                    }
                }
            }
            Body::Short {
                answers,
                case_sensitive,
            } => {
                if let Some(a) = answers
                    .iter()
                    .find(|a| a.weight >= 1.0 - 1e-9 && has_wildcard(&a.text))
                {
                    let why = if a.text.trim() == "*" {
                        "it accepts any answer (`*`)".to_string()
                    } else {
                        format!("answer `{}` uses Moodle's `*` wildcard", a.text)
                    };
                    self.skip(
                        at,
                        Unsupported::Unrepresentable,
                        format!("{why}; skillquiz matches whole answers only"),
                    );
                    return None;
                }
                let mut accepted: Vec<String> = Vec::new();
                for a in answers
                    .iter()
                    .filter(|a| a.weight >= 1.0 - 1e-9 && !a.text.is_empty())
                {
                    // Moodle writes a literal `*` as `\*`.
                    let text = a.text.replace("\\*", "*");
                    if !accepted.contains(&text) {
                        accepted.push(text);
                    }
                }
                if accepted.is_empty() {
                    self.error(
                        at,
                        "short-answer question with no fully right answer".into(),
                    );
                    return None;
                }
                for a in answers.iter().filter(|a| a.weight < 1.0 - 1e-9) {
                    notes.push(format!(
                        "answer `{}` ({}% credit in Moodle) is not accepted here",
                        a.text,
                        super::pct(a.weight * 100.0)
                    ));
                }
                if case_sensitive {
                    notes.push("Moodle compared answers with case; skillquiz folds case".into());
                }
                if answers.iter().any(|a| !a.feedback.is_empty()) {
                    notes.push(
                        "feedback on short answers is not kept; put it in the general feedback"
                            .into(),
                    );
                }
                RawKind::ShortText { accepted }
            }
            Body::Numeric {
                answers,
                wrong_feedback,
                units,
            } => {
                if answers
                    .iter()
                    .any(|a| a.weight >= 1.0 - 1e-9 && a.text.trim() == "*")
                {
                    self.skip(
                        at,
                        Unsupported::Unrepresentable,
                        "it accepts any number (`*`); skillquiz needs a key".into(),
                    );
                    return None;
                }
                let mut right: Vec<&NumAnswer> =
                    answers.iter().filter(|a| a.weight >= 1.0 - 1e-9).collect();
                if right.is_empty() {
                    self.error(at, "numerical question with no fully right answer".into());
                    return None;
                }
                right.sort_by(|a, b| (a.value - a.tolerance).total_cmp(&(b.value - b.tolerance)));
                let (mut lo, mut hi) = (
                    right[0].value - right[0].tolerance,
                    right[0].value + right[0].tolerance,
                );
                for a in &right[1..] {
                    let (l, h) = (a.value - a.tolerance, a.value + a.tolerance);
                    if l > hi {
                        self.skip(at, Unsupported::Unrepresentable, "several separate right numbers; a skillquiz numeric question has one answer and a tolerance".into());
                        return None;
                    }
                    hi = hi.max(h);
                    lo = lo.min(l);
                }
                let (value, tolerance) = if right.len() == 1 {
                    (right[0].value, right[0].tolerance)
                } else {
                    let (lo, hi) = (tidy(lo), tidy(hi));
                    notes.push(format!(
                        "{} overlapping right answers were merged into the range {lo}..{hi}",
                        right.len()
                    ));
                    (tidy(lo / 2.0 + hi / 2.0), tidy(hi / 2.0 - lo / 2.0))
                };
                if !(value.is_finite() && tolerance.is_finite()) {
                    self.error(at, format!(
                        "the right answers span {lo:e}..{hi:e}, out of the range of numbers skillquiz can hold"
                    ));
                    return None;
                }
                for a in answers.iter().filter(|a| a.weight < 1.0 - 1e-9) {
                    notes.push(format!(
                        "answer {} ({}% credit in Moodle) is not kept",
                        a.text,
                        super::pct(a.weight * 100.0)
                    ));
                }
                if !wrong_feedback.is_empty() || answers.iter().any(|a| !a.feedback.is_empty()) {
                    notes.push(
                        "feedback on numerical answers is not kept; put it in the general feedback"
                            .into(),
                    );
                }
                let unit = units
                    .iter()
                    .find(|(_, m)| (*m - 1.0).abs() < 1e-12)
                    .map(|(u, _)| u.clone())
                    .filter(|u| !u.trim().is_empty());
                if units.len() > usize::from(unit.is_some()) {
                    notes.push(
                        "only the unit with multiplier 1 is kept; skillquiz does not convert units"
                            .into(),
                    );
                }
                RawKind::Numeric {
                    answer: value,
                    tolerance: Tolerance::Absolute(tolerance),
                    unit,
                }
            }
        })
    }
}

/// Whether a Moodle short answer uses the `*` wildcard (an unescaped `*`).
fn has_wildcard(text: &str) -> bool {
    let mut escaped = false;
    for c in text.chars() {
        match c {
            '*' if !escaped => return true,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    false
}

/// A short answer as Moodle matches it literally: `*` written `\*`.
pub(crate) fn escape_wildcard(text: &str) -> String {
    text.replace('*', "\\*")
}

pub(crate) fn kind_name(k: &RawKind) -> &'static str {
    match k {
        RawKind::SingleChoice {
            fixed_order: true,
            choices,
            ..
        } if choices.len() == 2 && choices[0].text == "True" && choices[1].text == "False" => {
            "true_false"
        }
        RawKind::SingleChoice { .. } => "single_choice",
        RawKind::MultipleSelect { .. } => "multiple_select",
        RawKind::TrueFalse { .. } => "true_false",
        RawKind::Numeric { .. } => "numeric",
        RawKind::ShortText { .. } => "short_text",
        RawKind::SelfRating => "self_rating",
    }
}

/// A category path as Moodle splits it: on `/`, with `//` standing for a `/` in a name.
pub(crate) fn category_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '/' && chars.peek() == Some(&'/') {
            chars.next();
            current.push('/');
        } else if c == '/' {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// `x` rounded to 12 significant digits, so that sums like 1.4 − 0.05 read as 1.35.
pub(crate) fn tidy(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 11 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    let y = (x * scale).round() / scale;
    // Subnormal or huge numbers: the scale itself is out of range; keep x as it is.
    if scale.is_finite() && scale != 0.0 && y.is_finite() {
        y
    } else {
        x
    }
}

/// Lower-case ASCII letters, digits and `_`, at most `max` characters.
pub(crate) fn slug(text: &str, max: usize) -> String {
    let mut s = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_');
    let mut s: String = s.chars().take(max).collect();
    while s.ends_with('_') {
        s.pop();
    }
    s
}

fn humanise(id_tail: &str) -> String {
    let words = id_tail.replace(['_', '-', '.'], " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_take_suffixes_in_linear_time() {
        let cat = crate::bank::CatalogBuilder::roadmap_only().build().unwrap();
        let opts = ImportOptions {
            area: "maths".into(),
            difficulty: Difficulty::Medium,
            step: None,
        };
        let mut b = Builder::new(&cat, &opts);
        let n = 5000;
        for _ in 0..n {
            b.question_id(None, Some("Same"), "p");
        }
        assert_eq!(b.ids.len(), n);
        assert!(b.ids.contains("maths.same_5000"));
        // One probe for the base and one per suffix: 2n − 1, where trying every suffix
        // from 2 each time would take n²/2.
        assert!(b.probes < 2 * n, "{} probes", b.probes);
    }

    #[test]
    fn categories_with_the_same_last_segment_stay_apart() {
        let cat = crate::bank::CatalogBuilder::roadmap_only().build().unwrap();
        let opts = ImportOptions {
            area: "maths".into(),
            difficulty: Difficulty::Medium,
            step: Some(1),
        };
        let mut b = Builder::new(&cat, &opts);
        let at = Place {
            file: "f".into(),
            line: 1,
            col: None,
        };
        let path = |s: &str| category_path(s);
        b.category(&at, &path("$course$/top/A/Basics"), None);
        let first = b.topic.clone().unwrap();
        b.category(&at, &path("$course$/top/B/Basics"), None);
        let second = b.topic.clone().unwrap();
        b.category(&at, &path("$course$/top/A/Basics"), None);
        assert_ne!(first, second);
        assert_eq!(b.topic.as_deref(), Some(first.as_str()));
        // `A/B` and `A B` make the same slug but are two categories.
        b.category(&at, &path("X/Y"), None);
        let xy = b.topic.clone().unwrap();
        b.category(&at, &path("X Y"), None);
        assert_ne!(b.topic.clone().unwrap(), xy);
        b.category(&at, &path("$course$/top"), None);
        assert_eq!(b.topic, None);
        // A control character in a name is an error at the category, and left out.
        b.category(&at, &path("Unit\u{7} 3"), None);
        assert_eq!(b.out.errors().count(), 1);
        assert_eq!(b.out.topics.last().unwrap().title, "Unit 3");
    }

    #[test]
    fn slugs_are_ids() {
        assert_eq!(slug("Grant's Tomb (1)", 60), "grant_s_tomb_1");
        assert_eq!(slug("Ünïcode", 60), "n_code");
        assert!(valid_id(&slug("A--b__c", 60)));
    }
}
