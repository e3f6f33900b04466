//! The validated model: what the rest of the crate works with.
//!
//! Every type here is `#[non_exhaustive]`, so code outside the crate can read it but only
//! [`super::CatalogBuilder`] can make one: a value of these types has passed validation.
//! They are serialisable so that the build can keep the checked catalog of the shipped
//! banks (`super::snapshot`); deserialising checks nothing, so the crate deserialises
//! only what its own build wrote.

pub use super::raw::{Difficulty, ResourceKind, Tolerance};
use foldhash::HashMap;
use serde::{Deserialize, Serialize};

/// Text of the catalog: borrowed from the binary for the built-in banks (see
/// `super::snapshot`), owned for a bank read from a file.
pub type Text = std::borrow::Cow<'static, str>;

/// How the texts of the built-in catalog are kept (see `super::snapshot`): while the build
/// encodes it, each distinct text is written once to a pool of texts and the catalog holds
/// where it is (offset and length); while the program decodes it, each text is borrowed
/// from that pool, which is compiled into the binary as a `&'static str`, so its UTF-8 was
/// checked once by the compiler instead of text by text at every start. Outside those two
/// calls ([`pool::write`], [`pool::read`]) a text is (de)serialised as a string.
pub(crate) mod pool {
    use super::Text;
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::cell::{Cell, RefCell};

    /// A pool being written: its texts, and where each is.
    struct Writing {
        texts: String,
        seen: foldhash::HashMap<String, (u32, u32)>,
    }

    thread_local! {
        static WRITING: RefCell<Option<Writing>> = const { RefCell::new(None) };
        static READING: Cell<Option<&'static str>> = const { Cell::new(None) };
    }

    /// Turns the pool off when dropped, even if what ran in it panicked.
    struct Off;

    impl Drop for Off {
        fn drop(&mut self) {
            WRITING.with_borrow_mut(|w| *w = None);
            READING.set(None);
        }
    }

    /// Runs `f` (which serialises) with texts written to a new pool; gives its result and
    /// the pool.
    #[allow(dead_code, reason = "build.rs writes the pool, the program reads it")]
    pub fn write<T>(f: impl FnOnce() -> T) -> (T, String) {
        let _off = Off;
        WRITING.with_borrow_mut(|w| {
            *w = Some(Writing {
                texts: String::new(),
                seen: Default::default(),
            })
        });
        let out = f();
        let texts = WRITING.with_borrow_mut(|w| w.take().map(|w| w.texts).unwrap_or_default());
        (out, texts)
    }

    /// Runs `f` (which deserialises) with texts borrowed from `texts`.
    pub fn read<T>(texts: &'static str, f: impl FnOnce() -> T) -> T {
        let _off = Off;
        READING.set(Some(texts));
        f()
    }

    /// Where `text` is in the pool being written (added if new), or `None` when no pool
    /// is being written.
    fn place(text: &str) -> Option<(u32, u32)> {
        WRITING.with_borrow_mut(|w| {
            let Writing { texts, seen } = w.as_mut()?;
            Some(*seen.entry(text.to_string()).or_insert_with(|| {
                let at = texts.len() as u32;
                texts.push_str(text);
                (at, text.len() as u32)
            }))
        })
    }

    /// A text as it is serialised.
    pub struct Out<'a>(pub &'a Text);

    impl Serialize for Out<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match place(&self.0[..]) {
                Some(span) => span.serialize(s),
                None => s.serialize_str(&self.0[..]),
            }
        }
    }

    /// A text as it is deserialised: borrowed from the pool, or from what is deserialised
    /// (which lives as long as the program: the binary's catalog); no copy is made.
    pub struct In(pub Text);

    impl<'de: 'static> Deserialize<'de> for In {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            match READING.get() {
                Some(texts) => {
                    let (at, len) = <(u32, u32)>::deserialize(d)?;
                    let (at, len) = (at as usize, len as usize);
                    at.checked_add(len)
                        .and_then(|end| texts.get(at..end))
                        .map(|t| In(Text::Borrowed(t)))
                        .ok_or_else(|| D::Error::custom("a text outside the pool of texts"))
                }
                None => <&'de str>::deserialize(d).map(|t| In(Text::Borrowed(t))),
            }
        }
    }

    pub fn serialize<S: Serializer>(t: &Text, s: S) -> Result<S::Ok, S::Error> {
        Out(t).serialize(s)
    }

    pub fn deserialize<'de: 'static, D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        In::deserialize(d).map(|t| t.0)
    }

    /// As the functions above, for a text that may be absent.
    pub mod opt {
        use super::{In, Out, Text};
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        pub fn serialize<S: Serializer>(t: &Option<Text>, s: S) -> Result<S::Ok, S::Error> {
            t.as_ref().map(Out).serialize(s)
        }

        pub fn deserialize<'de: 'static, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<Text>, D::Error> {
            Option::<In>::deserialize(d).map(|t| t.map(|t| t.0))
        }
    }
}

/// Where something was written: a file (or built-in bank) and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Origin {
    #[serde(with = "pool")]
    pub file: Text,
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
#[non_exhaustive]
pub struct Resource {
    #[serde(with = "pool")]
    pub title: Text,
    /// Always an `https://` URL.
    #[serde(with = "pool")]
    pub url: Text,
    pub kind: ResourceKind,
}

/// One of the seven roadmap steps.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
#[non_exhaustive]
pub struct Step {
    /// 1 to 7.
    pub number: u8,
    #[serde(with = "pool")]
    pub title: Text,
    #[serde(with = "pool")]
    pub summary: Text,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Area {
    pub id: String,
    pub title: String,
    /// Practice areas hold self-rating items; they are reported but never graded.
    pub self_rated: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
#[non_exhaustive]
pub struct Topic {
    /// Namespaced by its area: `maths.linear_algebra`.
    pub id: String,
    #[serde(with = "pool")]
    pub title: Text,
    pub area: String,
    /// The roadmap step (1 to 7) this topic belongs to.
    pub step: u8,
    pub resources: Vec<Resource>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
#[non_exhaustive]
pub struct Choice {
    #[serde(with = "pool")]
    pub text: Text,
    #[serde(with = "pool::opt")]
    pub feedback: Option<Text>,
    /// Boxed: few choices have one, and a choice is kept for every choice of every
    /// question (104 bytes a choice unboxed, 56 boxed).
    pub resource: Option<Box<Resource>>,
}

/// What kind of answer a question takes, with its key. Indices are always in range.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub enum Kind {
    /// Exactly one right choice.
    SingleChoice {
        choices: Vec<Choice>,
        answer: usize,
        fixed_order: bool,
    },
    /// One or more right choices, sorted and distinct; partial credit by `marks`.
    MultipleSelect {
        choices: Vec<Choice>,
        answers: Vec<usize>,
        marks: Marks,
        fixed_order: bool,
    },
    TrueFalse {
        answer: bool,
    },
    /// A finite answer and a non-negative tolerance.
    Numeric {
        answer: f64,
        tolerance: Tolerance,
        unit: Option<String>,
    },
    /// Accepted answers, already folded (see [`crate::fold_text`]); at least one.
    ShortText {
        accepted: Vec<String>,
        display: Vec<String>,
    },
    /// A 1–5 self-rating of a practice; not graded.
    SelfRating,
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::SingleChoice { .. } => "single_choice",
            Kind::MultipleSelect { .. } => "multiple_select",
            Kind::TrueFalse { .. } => "true_false",
            Kind::Numeric { .. } => "numeric",
            Kind::ShortText { .. } => "short_text",
            Kind::SelfRating => "self_rating",
        }
    }

    /// The choices of a choice question, in the file's order.
    pub fn choices(&self) -> Option<&[Choice]> {
        match self {
            Kind::SingleChoice { choices, .. } | Kind::MultipleSelect { choices, .. } => {
                Some(choices)
            }
            _ => None,
        }
    }

    pub fn is_graded(&self) -> bool {
        !matches!(self, Kind::SelfRating)
    }
}

/// How a multiple-select question's picks add up to its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Marks {
    /// With k right of n choices, each right pick earns 1/k and each wrong pick costs
    /// 1/(n − k).
    Even,
    /// One weight per choice, in [−1, 1]; the positive ones are the right choices and add
    /// up to 1 (Moodle's multiple-answer fractions).
    Weighted(Vec<f64>),
}

impl Marks {
    /// The share of the mark choice `index` gives when picked, for a question with
    /// `choices` choices of which `right` are right; `is_right` says whether this one is.
    pub fn weight(&self, index: usize, choices: usize, right: usize, is_right: bool) -> f64 {
        match self {
            Marks::Weighted(w) => w.get(index).copied().unwrap_or(0.0),
            Marks::Even if is_right => 1.0 / right.max(1) as f64,
            Marks::Even if choices > right => -1.0 / (choices - right) as f64,
            Marks::Even => 0.0,
        }
    }
}

/// Item parameters of the three-parameter logistic model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ItemParams {
    /// Discrimination, > 0.
    pub a: f64,
    /// Difficulty on the ability scale, finite.
    pub b: f64,
    /// Guessing floor, in [0, 1).
    pub c: f64,
}

/// The largest discrimination a bank may give.
pub const MAX_DISCRIMINATION: f64 = 10.0;
/// The largest difficulty, in absolute value, a bank may give (logits).
pub const MAX_DIFFICULTY: f64 = 10.0;
/// The most choices a question may have: one per letter the prompt can take.
pub const MAX_CHOICES: usize = 26;

impl ItemParams {
    /// Builds parameters, or `None` when they are outside their valid ranges:
    /// 0 < a ≤ [`MAX_DISCRIMINATION`], |b| ≤ [`MAX_DIFFICULTY`], 0 ≤ c < 1. (Calibrated
    /// items lie well inside; values far outside make every likelihood on the ability grid
    /// vanish, and the estimate with it.)
    pub fn new(a: f64, b: f64, c: f64) -> Option<Self> {
        let ok = a.is_finite()
            && a > 0.0
            && a <= MAX_DISCRIMINATION
            && b.is_finite()
            && b.abs() <= MAX_DIFFICULTY
            && (0.0..1.0).contains(&c);
        ok.then_some(ItemParams { a, b, c })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
#[non_exhaustive]
pub struct Question {
    /// Unique across every loaded bank.
    #[serde(with = "pool")]
    pub id: Text,
    #[serde(with = "pool")]
    pub topic: Text,
    #[serde(with = "pool")]
    pub area: Text,
    pub difficulty: Difficulty,
    #[serde(with = "pool")]
    pub prompt: Text,
    #[serde(with = "pool::opt")]
    pub code: Option<Text>,
    pub kind: Kind,
    #[serde(with = "pool")]
    pub explanation: Text,
    /// Item parameters written in the bank, if any.
    pub params: Option<ItemParams>,
    /// `status: Pretest` in the bank: asked now and then in adaptive quizzes, never scored.
    pub pretest: bool,
    pub resources: Vec<Resource>,
    pub tags: Vec<String>,
    /// Related question ids as this question's bank declares them (see
    /// [`Catalog::related`] for the symmetric relation over every loaded bank).
    pub related: Vec<String>,
    pub origin: Origin,
    /// Index into [`Catalog::banks`].
    pub bank: usize,
}

/// A loaded bank's metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BankInfo {
    pub name: String,
    pub version: String,
    pub author: String,
    pub licence: String,
    pub description: String,
    /// The file it came from, or `question_banks/NAME.ron (built in)`.
    pub file: String,
    pub builtin: bool,
}

/// The roadmap and every loaded bank, checked together: every question's topic exists,
/// every id is unique, every index is in range.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
#[non_exhaustive]
pub struct Catalog {
    pub steps: Vec<Step>,
    pub areas: Vec<Area>,
    pub topics: Vec<Topic>,
    pub questions: Vec<Question>,
    pub banks: Vec<BankInfo>,
    #[serde(skip)]
    pub(crate) topic_index: HashMap<String, usize>,
    #[serde(skip)]
    pub(crate) area_index: HashMap<String, usize>,
    #[serde(skip)]
    pub(crate) question_index: HashMap<Text, usize>,
    /// For each question (same index), the questions it must not share a quiz with: the
    /// `related` lists of both sides, resolved to indices, without itself or duplicates.
    pub(crate) related: Vec<Vec<usize>>,
}

impl Catalog {
    /// Rebuilds the indexes by id (which are not serialised) from the lists, whose ids
    /// are unique.
    pub(crate) fn reindex(&mut self) {
        fn index<T, K: Clone + Eq + std::hash::Hash>(
            items: &[T],
            id: impl Fn(&T) -> &K,
        ) -> HashMap<K, usize> {
            items
                .iter()
                .enumerate()
                .map(|(i, t)| (id(t).clone(), i))
                .collect()
        }
        self.topic_index = index(&self.topics, |t| &t.id);
        self.area_index = index(&self.areas, |a| &a.id);
        self.question_index = index(&self.questions, |q| &q.id);
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topic_index.get(id).map(|&i| &self.topics[i])
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.area_index.get(id).map(|&i| &self.areas[i])
    }

    /// Indices of the questions that must not be asked in the same quiz as question
    /// `index` (one answers the other, or both test the same fact). Symmetric.
    pub fn related(&self, index: usize) -> &[usize] {
        self.related.get(index).map_or(&[], Vec::as_slice)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.question_index.get(id).map(|&i| &self.questions[i])
    }

    /// The step with this number; steps are always 1 to 7.
    pub fn step(&self, number: u8) -> Option<&Step> {
        self.steps.iter().find(|s| s.number == number)
    }

    pub fn topics_of<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a Topic> + 'a {
        self.topics.iter().filter(move |t| t.area == area)
    }

    pub fn questions_in_topic<'a>(
        &'a self,
        topic: &'a str,
    ) -> impl Iterator<Item = &'a Question> + 'a {
        self.questions.iter().filter(move |q| q.topic == topic)
    }
}
