//! Loading is validation: sources become a [`Catalog`] or the full list of what is wrong.

use super::builtin::{BUILTIN_CATALOG, BUILTIN_SNAPSHOT, BUILTIN_TEXTS};
use super::diagnostic::{BankErrors, Diagnostic, Problem, Severity};
use super::model::*;
use super::outline::{Node, outline, outline_light};
use super::raw::{self, FORMAT_VERSION, RawBank, RawKind, RawResource, RawRoadmap};
use super::snapshot::{Snapshot, SnapshotValue, decode_catalog};
use super::source::{BUILTIN_BANKS, BUILTIN_ROADMAP, Locator, MAX_NESTING, Source, ron_files};
use crate::text::fold_text;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::path::Path;

/// How built-in files are read (see `super::snapshot`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum FromBuild {
    /// The catalog checked at build time when only the built-in files are loaded, else
    /// each built-in file as the build parsed it.
    #[default]
    Catalog,
    /// Each built-in file as the build parsed it, checked now.
    #[cfg_attr(not(test), allow(dead_code, reason = "only tests ask for it"))]
    Parsed,
    /// Each built-in file from its text.
    Nothing,
}

/// Collects the roadmap and banks to load, then checks them all together.
///
/// A bank file whose `name` matches a built-in bank replaces it, and a file named
/// `roadmap.ron` replaces the built-in roadmap, so the shipped files can be edited and
/// checked in place (`skillquiz validate question_banks`).
#[derive(Debug, Clone, Default)]
pub struct CatalogBuilder {
    roadmaps: Vec<Source>,
    banks: Vec<Source>,
    /// Banks given already parsed (see [`CatalogBuilder::add_parsed`]), checked after
    /// `banks`.
    parsed: Vec<(Source, RawBank)>,
    unreadable: Vec<Diagnostic>,
    /// What of the build's snapshots to use (other than all of them only to test that
    /// each way reads the same).
    from_build: FromBuild,
}

impl CatalogBuilder {
    /// The built-in roadmap and banks.
    pub fn builtin() -> Self {
        let mut b = Self::roadmap_only();
        b.banks = BUILTIN_BANKS
            .iter()
            .map(|(f, t)| Source::builtin(f, t))
            .collect();
        b
    }

    /// The built-in roadmap and no banks.
    pub fn roadmap_only() -> Self {
        CatalogBuilder {
            roadmaps: vec![Source::builtin(BUILTIN_ROADMAP.0, BUILTIN_ROADMAP.1)],
            banks: Vec::new(),
            parsed: Vec::new(),
            unreadable: Vec::new(),
            from_build: FromBuild::Catalog,
        }
    }

    /// Adds a bank (or roadmap, when named `roadmap.ron`) from text.
    pub fn add_source(&mut self, source: Source) -> &mut Self {
        let is_roadmap = Path::new(&source.name)
            .file_name()
            .is_some_and(|n| n == "roadmap.ron");
        if is_roadmap {
            self.roadmaps.push(source);
        } else {
            self.banks.push(source);
        }
        self
    }

    /// Adds a bank that is not written yet (one an import is about to write as `name`),
    /// as its file would read: it is checked like a file's bank, after the files, and
    /// its diagnostics name `name` and are placed at its start. Checking what will be
    /// written saves parsing the text it will be written as; a test checks that the
    /// text reads back as this value.
    pub fn add_parsed(&mut self, name: String, bank: RawBank) -> &mut Self {
        let source = Source {
            name,
            text: Cow::Borrowed(""),
            builtin: false,
        };
        self.parsed.push((source, bank));
        self
    }

    /// Adds a bank file, or every `.ron` file under a folder. Unreadable files are
    /// reported when [`build`](Self::build) runs, with everything else.
    pub fn add_path(&mut self, path: &Path) -> &mut Self {
        self.add_paths(&[path])
    }

    /// Adds each path as [`add_path`](Self::add_path) does, in order, reading the files
    /// on every core (at 1,000,000 questions, 355 MB in 100 files, reading them one by
    /// one took 0.3-0.6 s).
    pub fn add_paths<P: AsRef<Path>>(&mut self, paths: &[P]) -> &mut Self {
        let files: Vec<Result<std::path::PathBuf, Box<Diagnostic>>> = paths
            .iter()
            .flat_map(|p| match ron_files(p.as_ref()) {
                Ok(files) => files.into_iter().map(Ok).collect(),
                Err(d) => vec![Err(d)],
            })
            .collect();
        let read =
            |f: Result<std::path::PathBuf, Box<Diagnostic>>| f.and_then(|f| Source::read(&f));
        // Without two files to read, no thread is started (that would slow a quiz's start).
        let read: Vec<Result<Source, Box<Diagnostic>>> = if files.len() < 2 {
            files.into_iter().map(read).collect()
        } else {
            files.into_par_iter().map(read).collect()
        };
        for r in read {
            match r {
                Ok(s) => {
                    self.add_source(s);
                }
                Err(d) => self.unreadable.push(*d),
            }
        }
        self
    }

    /// The names of the files added from disk (not built in).
    pub fn added_files(&self) -> Vec<String> {
        self.roadmaps
            .iter()
            .chain(&self.banks)
            .filter(|s| !s.builtin)
            .map(|s| s.name.clone())
            .chain(self.unreadable.iter().map(|d| d.file.clone()))
            .collect()
    }

    /// Parses and checks everything; returns the catalog or every error found.
    ///
    /// Positions come from each file's light outline (where its questions and topics and
    /// their ids are); only the files with a diagnostic are checked again with their whole
    /// outline, so that each diagnostic points where it did before, while a valid
    /// collection never holds an outline larger than its text.
    pub fn build(&self) -> Result<Catalog, BankErrors> {
        if let Some(cat) = self.checked_at_build() {
            return Ok(cat);
        }
        self.build_with(&[], Vec::new(), Vec::new)
    }

    /// As [`build`](Self::build), for a builder used once: the banks given parsed
    /// ([`add_parsed`](Self::add_parsed)) are moved into the catalog, not copied (an
    /// import checks 100,000 questions it is about to write). Only when a file with text
    /// has a diagnostic, placed in a second pass with the file's whole outline, are those
    /// banks needed again: `again` makes them, as they were added.
    pub fn build_once(
        mut self,
        again: impl FnOnce() -> Vec<RawBank>,
    ) -> Result<Catalog, BankErrors> {
        if let Some(cat) = self.checked_at_build() {
            return Ok(cat);
        }
        let (sources, banks): (Vec<Source>, Vec<RawBank>) =
            std::mem::take(&mut self.parsed).into_iter().unzip();
        self.build_with(&sources, banks, again)
    }

    /// Checks the files and the banks given parsed (those of `self`, or `given` with
    /// `banks`, owned), placing the diagnostics of the files that have some in a second
    /// pass, with their whole outlines.
    fn build_with(
        &self,
        given: &[Source],
        banks: Vec<RawBank>,
        again: impl FnOnce() -> Vec<RawBank>,
    ) -> Result<Catalog, BankErrors> {
        let read = self.read(given, banks);
        let read_diags = read.diags.len();
        // Each file's lines are indexed once; the roadmap is file 0.
        let files: Vec<&Source> = read.files.clone();
        let locators: Vec<Locator> = files.iter().map(|s| Locator::new(&s.text)).collect();
        let (mut cat, mut diags) = check(read, &locators, &[]);
        let placed: foldhash::HashSet<&str> = diags[read_diags..]
            .iter()
            .map(|d| d.file.as_str())
            .collect();
        // The whole outline of each file that has a diagnostic; a bank given parsed has
        // no text, so none, and checking again would place nothing differently.
        let full: Vec<Option<Node>> = files
            .iter()
            .map(|s| {
                placed
                    .contains(s.name.as_str())
                    .then(|| outline(&s.text, MAX_NESTING))
                    .flatten()
            })
            .collect();
        if full.iter().any(Option::is_some) {
            // The first check consumed what was read: read again, and place this time.
            let banks = if given.is_empty() {
                Vec::new()
            } else {
                again()
            };
            // A caller whose `again` fails keeps the first pass's diagnostics, placed by
            // the light outlines; in tests, that is a bug in the caller.
            debug_assert_eq!(banks.len(), given.len(), "`again` made other banks");
            if banks.len() == given.len() {
                (cat, diags) = check(self.read(given, banks), &locators, &full);
            }
        }
        if diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(BankErrors { diagnostics: diags });
        }
        Ok(cat)
    }

    /// The catalog the build checked, when this builder holds just the shipped files.
    fn checked_at_build(&self) -> Option<Catalog> {
        let shipped = |s: &Source, (_, text): &(&str, &'static str)| {
            s.builtin && std::ptr::eq(s.text.as_ref(), *text)
        };
        let only_shipped = self.from_build == FromBuild::Catalog
            && self.unreadable.is_empty()
            && self.parsed.is_empty()
            && self.roadmaps.len() == 1
            && shipped(&self.roadmaps[0], &BUILTIN_ROADMAP)
            && self.banks.len() == BUILTIN_BANKS.len()
            && self
                .banks
                .iter()
                .zip(BUILTIN_BANKS)
                .all(|(s, b)| shipped(s, b));
        if !only_shipped {
            return None;
        }
        let mut cat = decode_catalog(BUILTIN_CATALOG, BUILTIN_TEXTS)?;
        cat.reindex();
        Some(cat)
    }

    /// Parses the roadmap and banks (built-in ones from the build's snapshot), with the
    /// diagnostics of reading them and each file's light outline.
    fn read<'a>(&'a self, given: &'a [Source], banks: Vec<RawBank>) -> Read<'a> {
        let mut cx = Checker::new(self.unreadable.clone());
        let mut snapshot = (self.from_build != FromBuild::Nothing
            && self.roadmaps.iter().chain(&self.banks).any(|s| s.builtin))
        .then(|| rmp_serde::from_slice::<Snapshot<'static>>(BUILTIN_SNAPSHOT).ok())
        .flatten();
        let mut lights: HashMap<String, Node> = HashMap::new();
        let mut from_snapshot = |src: &Source| -> Option<SnapshotValue> {
            let files = &mut snapshot.as_mut()?.files;
            let k = files.iter().position(|f| {
                src.builtin && f.len == src.text.len() && src.name == Source::builtin_name(&f.name)
            })?;
            let f = files.swap_remove(k);
            lights.insert(src.name.clone(), f.light);
            Some(f.value)
        };
        // The last roadmap given wins: the built-in one comes first.
        let roadmap_src = self
            .roadmaps
            .last()
            .expect("a builder always has a roadmap");
        let roadmap = match from_snapshot(roadmap_src) {
            Some(SnapshotValue::Roadmap(r)) => Some(r),
            _ => cx.parse::<RawRoadmap>(roadmap_src),
        };
        let from_build: Vec<Option<RawBank>> = self
            .banks
            .iter()
            .map(|src| match from_snapshot(src) {
                Some(SnapshotValue::Bank(b)) => Some(b),
                _ => None,
            })
            .collect();
        // The others are parsed on every core, each with its own diagnostics, which are
        // kept in the files' order.
        #[allow(clippy::type_complexity)]
        let read_here: Vec<(Option<RawBank>, Option<Node>, Vec<Diagnostic>)> = self
            .banks
            .par_iter()
            .zip(&from_build)
            .map(|(src, built)| {
                let mut own = Checker::new(Vec::new());
                if built.is_some() {
                    return (None, None, own.diags);
                }
                // The outline first: it counts the questions, so that their list is made
                // that long at once (at most one per 64 bytes of text, whatever it says).
                let light = outline_light(&src.text, MAX_NESTING);
                let expected = light
                    .as_ref()
                    .map_or(0, |l| l.list("questions").len().min(src.text.len() / 64));
                let bank = raw::with_questions_expected(expected, || own.parse::<RawBank>(src));
                let light = bank.as_ref().and(light);
                (bank, light, own.diags)
            })
            .collect();
        let mut parsed: Vec<(&Source, Cow<RawBank>)> = Vec::new();
        for ((src, built), (bank, light, diags)) in self.banks.iter().zip(from_build).zip(read_here)
        {
            cx.diags.extend(diags);
            if let Some(light) = light {
                lights.insert(src.name.clone(), light);
            }
            if let Some(bank) = built.or(bank) {
                parsed.push((src, Cow::Owned(bank)));
            }
        }
        parsed.extend(
            self.parsed
                .iter()
                .map(|(src, bank)| (src, Cow::Borrowed(bank))),
        );
        parsed.extend(given.iter().zip(banks).map(|(src, b)| (src, Cow::Owned(b))));
        // A bank from disk replaces the built-in bank of the same name.
        let overridden: foldhash::HashSet<String> = parsed
            .iter()
            .filter(|(s, _)| !s.builtin)
            .map(|(_, b)| b.name.clone())
            .collect();
        parsed.retain(|(s, b)| !s.builtin || !overridden.contains(&b.name));
        let files: Vec<&Source> = std::iter::once(roadmap_src)
            .chain(parsed.iter().map(|(s, _)| *s))
            .collect();
        let outlines = files
            .iter()
            .map(|s| match lights.remove(&s.name) {
                Some(light) => Some(light),
                None => outline_light(&s.text, MAX_NESTING),
            })
            .collect();
        Read {
            roadmap: roadmap.map(|r| (roadmap_src, r)),
            parsed,
            files,
            outlines,
            diags: cx.diags,
        }
    }
}

/// What [`CatalogBuilder::read`] read: the roadmap and banks parsed, the files in check
/// order (the roadmap's, then each parsed bank's), their light outlines in that order,
/// and the diagnostics of reading.
struct Read<'a> {
    roadmap: Option<(&'a Source, RawRoadmap)>,
    /// Borrowed for a bank given parsed, owned for one parsed here.
    parsed: Vec<(&'a Source, Cow<'a, RawBank>)>,
    files: Vec<&'a Source>,
    outlines: Vec<Option<Node<'a>>>,
    diags: Vec<Diagnostic>,
}

/// Checks what was read, consuming it: each bank's raw questions are dropped as they are
/// checked, so that the raw form and the model are not both held whole. A file is placed
/// with its entry in `full` (its whole outline) when there is one, else with its light
/// outline; file k of `locators` is file k of `read.files`.
fn check(read: Read, locators: &[Locator], full: &[Option<Node>]) -> (Catalog, Vec<Diagnostic>) {
    let Read {
        roadmap,
        mut parsed,
        outlines,
        diags,
        ..
    } = read;
    let outline_of = |k: usize| match full.get(k) {
        Some(Some(node)) => Some(node),
        _ => outlines[k].as_ref(),
    };
    let mut cx = Checker::new(diags);
    // Each id is hashed into tables made big enough at once, rather than grown by
    // doubling (every id hashed again at each step).
    let total: usize = parsed.iter().map(|(_, b)| b.questions.len()).sum();
    cx.seen_ids.reserve(total);
    let mut cat = Catalog {
        steps: Vec::new(),
        areas: Vec::new(),
        topics: Vec::new(),
        questions: Vec::with_capacity(total),
        banks: Vec::new(),
        topic_index: HashMap::new(),
        area_index: HashMap::new(),
        question_index: HashMap::with_capacity(total),
        related: Vec::new(),
    };
    if let Some((src, r)) = &roadmap {
        cx.roadmap(src, r, &locators[0], outline_of(0), &mut cat);
    }
    let places: Vec<(&Locator, Option<&Node>)> = (1..locators.len())
        .map(|k| (&locators[k], outline_of(k)))
        .collect();
    let mut bank_names: HashMap<String, String> = HashMap::new();
    for ((src, bank), &(loc, root)) in parsed.iter().zip(&places) {
        if let Some(first) = bank_names.get(&bank.name) {
            let at = root.and_then(|r| r.field_at("name")).unwrap_or(0);
            cx.push(
                src,
                loc,
                at,
                None,
                Problem::DuplicateId {
                    id: bank.name.clone(),
                    first: first.clone(),
                },
            );
        }
        bank_names.insert(bank.name.clone(), src.name.clone());
        cx.bank_header(src, loc, root, bank, &mut cat);
    }
    let bank_index: HashMap<&str, usize> = cat
        .banks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.file.as_str(), i))
        .collect();
    // Questions after every bank's topics, so a topic may be used before the bank that
    // defines it.
    let mut questions = Vec::new();
    for ((src, bank), &(loc, root)) in parsed.iter_mut().zip(&places) {
        if let Some(&i) = bank_index.get(src.name.as_str()) {
            questions.push((*src, bank, loc, root, i));
        }
    }
    for (src, bank, loc, root, i) in questions {
        cx.questions(src, loc, root, bank, i, &mut cat);
    }
    cat.related = related_index(&cat);
    (cat, cx.diags)
}

impl Catalog {
    /// The built-in roadmap and banks. They are checked by the test suite, so this only
    /// fails on a build whose shipped files were broken.
    pub fn builtin() -> Result<Catalog, BankErrors> {
        CatalogBuilder::builtin().build()
    }
}

/// Where a question's parts are in its file, from the file's outline: a question that
/// cannot be placed (no outline) is placed at `start` throughout.
struct Spots<'n> {
    node: Option<&'n Node<'n>>,
    /// The question's id value (what its diagnostics point at).
    start: usize,
}

impl Spots<'_> {
    /// Where field `name` of the question is written, or the question's start.
    fn field(&self, name: &str) -> usize {
        self.node
            .and_then(|n| n.field_at(name))
            .unwrap_or(self.start)
    }

    /// The `kind: Variant(...)` value.
    fn kind(&self) -> Option<&Node<'_>> {
        self.node.and_then(|n| n.field("kind"))
    }

    /// Where field `name` inside the kind is written, or the `kind` field.
    fn kind_field(&self, name: &str) -> usize {
        self.kind()
            .and_then(|k| k.field_at(name))
            .unwrap_or_else(|| self.field("kind"))
    }
}

/// Element `i` of list field `list` of `node`.
fn element<'n>(node: Option<&'n Node<'n>>, list: &str, i: usize) -> Option<&'n Node<'n>> {
    node.and_then(|n| n.list(list).get(i))
}

/// Where the value of field `name` of `node` starts (0 without one).
fn value_at(node: Option<&Node>, name: &str) -> usize {
    node.and_then(|n| n.field(name)).map_or(0, |v| v.start)
}

/// Where the URL of resource `k` of `node` is written, or `fallback`.
fn resource_at(node: Option<&Node>, k: usize, fallback: usize) -> usize {
    element(node, "resources", k)
        .and_then(|r| r.field("url"))
        .map_or(fallback, |u| u.start)
}

struct Checker {
    diags: Vec<Diagnostic>,
    /// Every question id seen so far, valid question or not, with where it was first
    /// written (an index into `seen_files`, a line and a column): a duplicate is reported
    /// even when the first copy has errors of its own.
    seen_ids: HashMap<String, (usize, usize, usize)>,
    /// The files of `seen_ids`, in the order they were checked.
    seen_files: Vec<String>,
}

impl Checker {
    /// A checker that adds to `diags`.
    fn new(diags: Vec<Diagnostic>) -> Checker {
        Checker {
            diags,
            seen_ids: HashMap::new(),
            seen_files: Vec::new(),
        }
    }

    fn push(
        &mut self,
        src: &Source,
        loc: &Locator,
        offset: usize,
        question: Option<&str>,
        problem: Problem,
    ) {
        let (line, col) = loc.position(offset);
        self.diags.push(Diagnostic {
            severity: problem.severity(),
            file: src.name.clone(),
            line,
            col,
            question: question.map(str::to_string),
            problem,
        });
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, src: &Source) -> Option<T> {
        match ron_options().from_str::<T>(&src.text) {
            Ok(v) => {
                self.check_version(src);
                Some(v)
            }
            Err(e) => {
                let problem = match e.code {
                    ron::Error::NoSuchStructField {
                        expected, found, ..
                    } => Problem::UnknownField {
                        field: found,
                        expected: expected.iter().map(|s| s.to_string()).collect(),
                    },
                    ron::Error::MissingStructField { field, .. } => Problem::MissingField {
                        field: field.to_string(),
                    },
                    ron::Error::NoSuchEnumVariant {
                        expected, found, ..
                    } => Problem::UnknownVariant {
                        found,
                        expected: expected.iter().map(|s| s.to_string()).collect(),
                    },
                    ron::Error::ExceededRecursionLimit => {
                        Problem::Syntax(format!("nested more than {MAX_NESTING} levels deep"))
                    }
                    other => Problem::Syntax(other.to_string()),
                };
                self.diags.push(Diagnostic {
                    severity: Severity::Error,
                    file: src.name.clone(),
                    line: e.span.start.line,
                    col: e.span.start.col,
                    question: None,
                    problem,
                });
                None
            }
        }
    }

    /// A wrong `format_version` is reported even when the rest parses.
    fn check_version(&mut self, src: &Source) {
        let loc = Locator::new(&src.text);
        let Some(at) = loc.find_field("format_version", 0, src.text.len()) else {
            return;
        };
        let rest = src.text[at + "format_version".len()..]
            .trim_start()
            .trim_start_matches(':')
            .trim_start();
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(found) = digits.parse::<u32>()
            && found != FORMAT_VERSION
        {
            self.push(
                src,
                &loc,
                at,
                None,
                Problem::UnsupportedFormat {
                    found,
                    supported: FORMAT_VERSION,
                },
            );
        }
    }

    fn text(
        &mut self,
        src: &Source,
        loc: &Locator,
        at: usize,
        q: Option<&str>,
        field: &'static str,
        text: &str,
    ) {
        let bad = crate::text::first_unsafe_char(text);
        if let Some(c) = bad {
            self.push(
                src,
                loc,
                at,
                q,
                Problem::ControlCharacter {
                    field,
                    code: c as u32,
                },
            );
        }
    }

    fn resource(
        &mut self,
        src: &Source,
        loc: &Locator,
        at: usize,
        q: Option<&str>,
        r: &RawResource,
    ) -> Resource {
        // A real https URL with a host, parsed as browsers do (the url crate), and no
        // control or invisible character anywhere in it (an OSC 8 or 52 sequence, say).
        self.text(src, loc, at, q, "resource url", &r.url);
        let https = !r.url.contains(char::is_whitespace)
            && url::Url::parse(&r.url).is_ok_and(|u| {
                u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty())
            });
        if !https {
            self.push(src, loc, at, q, Problem::NotHttps { url: r.url.clone() });
        }
        if r.title.trim().is_empty() {
            self.push(
                src,
                loc,
                at,
                q,
                Problem::EmptyField {
                    field: "resource title",
                },
            );
        }
        self.text(src, loc, at, q, "resource title", &r.title);
        Resource {
            title: r.title.clone().into(),
            url: r.url.clone().into(),
            kind: r.kind,
        }
    }

    fn topic(
        &mut self,
        src: &Source,
        loc: &Locator,
        t: &raw::RawTopic,
        node: Option<&Node>,
        cat: &mut Catalog,
    ) {
        let at = value_at(node, "id");
        if !valid_id(&t.id) || !t.id.contains('.') {
            self.push(src, loc, at, None, Problem::BadId { id: t.id.clone() });
            return;
        }
        if !(1..=7).contains(&t.step) {
            self.push(src, loc, at, None, Problem::BadStep { step: t.step });
        }
        self.text(src, loc, at, None, "topic title", &t.title);
        let area = t.id.split('.').next().unwrap_or_default().to_string();
        if !cat.area_index.contains_key(&area) {
            self.push(
                src,
                loc,
                at,
                None,
                Problem::UnknownArea {
                    topic: t.id.clone(),
                    area: area.clone(),
                },
            );
        }
        if let Some(first) = cat.topic(&t.id) {
            let first = first.origin.to_string();
            self.push(
                src,
                loc,
                at,
                None,
                Problem::DuplicateTopic {
                    id: t.id.clone(),
                    first,
                },
            );
            return;
        }
        let resources = t
            .resources
            .iter()
            .enumerate()
            .map(|(k, r)| self.resource(src, loc, resource_at(node, k, at), None, r))
            .collect();
        let (line, col) = loc.position(at);
        cat.topic_index.insert(t.id.clone(), cat.topics.len());
        cat.topics.push(Topic {
            id: t.id.clone(),
            title: t.title.clone().into(),
            area,
            step: t.step,
            resources,
            origin: Origin {
                file: src.name.clone().into(),
                line,
                col,
            },
        });
    }

    fn area(
        &mut self,
        src: &Source,
        loc: &Locator,
        a: &raw::RawArea,
        node: Option<&Node>,
        cat: &mut Catalog,
    ) {
        let at = value_at(node, "id");
        if !valid_id(&a.id) || a.id.contains('.') {
            self.push(src, loc, at, None, Problem::BadId { id: a.id.clone() });
            return;
        }
        self.text(src, loc, at, None, "area title", &a.title);
        if cat.area_index.contains_key(&a.id) {
            return; // Several files of one teacher may each declare their area.
        }
        cat.area_index.insert(a.id.clone(), cat.areas.len());
        cat.areas.push(Area {
            id: a.id.clone(),
            title: a.title.clone(),
            self_rated: a.self_rated,
        });
    }

    fn roadmap(
        &mut self,
        src: &Source,
        r: &RawRoadmap,
        loc: &Locator,
        root: Option<&Node>,
        cat: &mut Catalog,
    ) {
        let mut numbers: Vec<u8> = r.steps.iter().map(|s| s.number).collect();
        numbers.sort_unstable();
        if numbers != [1, 2, 3, 4, 5, 6, 7] {
            let at = loc.find_field("steps", 0, src.text.len()).unwrap_or(0);
            self.push(
                src,
                loc,
                at,
                None,
                Problem::BadSteps {
                    detail: format!("found {numbers:?}"),
                },
            );
        }
        for (i, s) in r.steps.iter().enumerate() {
            let node = element(root, "steps", i);
            let at = value_at(node, "title");
            self.text(src, loc, at, None, "step title", &s.title);
            self.text(src, loc, at, None, "step summary", &s.summary);
            let resources = s
                .resources
                .iter()
                .enumerate()
                .map(|(k, res)| self.resource(src, loc, resource_at(node, k, at), None, res))
                .collect();
            cat.steps.push(Step {
                number: s.number,
                title: s.title.clone().into(),
                summary: s.summary.clone().into(),
                resources,
            });
        }
        cat.steps.sort_by_key(|s| s.number);
        for (i, a) in r.areas.iter().enumerate() {
            self.area(src, loc, a, element(root, "areas", i), cat);
        }
        for (i, t) in r.topics.iter().enumerate() {
            self.topic(src, loc, t, element(root, "topics", i), cat);
        }
    }

    fn bank_header(
        &mut self,
        src: &Source,
        loc: &Locator,
        root: Option<&Node>,
        b: &RawBank,
        cat: &mut Catalog,
    ) {
        for (field, value) in [("name", &b.name), ("version", &b.version)] {
            if value.trim().is_empty() {
                let at = root.and_then(|r| r.field_at(field)).unwrap_or(0);
                let field = if field == "name" { "name" } else { "version" };
                self.push(src, loc, at, None, Problem::EmptyField { field });
            }
        }
        for (field, value) in [
            ("bank name", &b.name),
            ("bank version", &b.version),
            ("author", &b.author),
            ("licence", &b.licence),
            ("description", &b.description),
        ] {
            self.text(src, loc, 0, None, field, value);
        }
        for (i, a) in b.areas.iter().enumerate() {
            self.area(src, loc, a, element(root, "areas", i), cat);
        }
        for (i, t) in b.topics.iter().enumerate() {
            self.topic(src, loc, t, element(root, "topics", i), cat);
        }
        cat.banks.push(BankInfo {
            name: b.name.clone(),
            version: b.version.clone(),
            author: b.author.clone(),
            licence: b.licence.clone(),
            description: b.description.clone(),
            file: src.name.clone(),
            builtin: src.builtin,
        });
    }

    fn questions(
        &mut self,
        src: &Source,
        loc: &Locator,
        root: Option<&Node>,
        b: &mut Cow<RawBank>,
        bank: usize,
        cat: &mut Catalog,
    ) {
        let questions_at = root.and_then(|r| r.field_at("questions")).unwrap_or(0);
        let mut check_one = |cx: &mut Checker, i: usize, q: raw::RawQuestion| {
            let node = element(root, "questions", i);
            let spots = Spots {
                node,
                start: node
                    .and_then(|n| n.field("id"))
                    .or(node)
                    .map_or(questions_at, |n| n.start),
            };
            if let Some(question) = cx.question(src, loc, q, &spots, bank, cat) {
                cat.question_index
                    .insert(question.id.clone(), cat.questions.len());
                cat.questions.push(question);
            }
        };
        match b {
            // A raw question read here (from a file or the build's snapshot) gives its
            // texts to the checked one: they are moved, not copied.
            Cow::Owned(b) => {
                for (i, q) in std::mem::take(&mut b.questions).into_iter().enumerate() {
                    check_one(self, i, q);
                }
            }
            // A bank given already parsed ([`CatalogBuilder::add_parsed`]) stays the
            // builder's, which may check it again: its questions are copied.
            Cow::Borrowed(b) => {
                for (i, q) in b.questions.iter().enumerate() {
                    check_one(self, i, q.clone());
                }
            }
        }
    }

    fn question(
        &mut self,
        src: &Source,
        loc: &Locator,
        mut q: raw::RawQuestion,
        spots: &Spots,
        bank: usize,
        cat: &Catalog,
    ) -> Option<Question> {
        let start = spots.start;
        let before = self.diags.len();
        let id = Some(q.id.as_str());
        let (line, col) = loc.position(start);
        // One hash of the id: the entry is looked up with the key it is inserted with.
        let first_seen = match self.seen_ids.entry(q.id.clone()) {
            Entry::Occupied(seen) => Some(*seen.get()),
            Entry::Vacant(new) => {
                if self.seen_files.last() != Some(&src.name) {
                    self.seen_files.push(src.name.clone());
                }
                new.insert((self.seen_files.len() - 1, line, col));
                None
            }
        };
        let field_at = |f: &str| spots.field(f);
        if !valid_id(&q.id) {
            self.push(src, loc, start, id, Problem::BadId { id: q.id.clone() });
        } else if let Some((file, line, col)) = first_seen {
            let first = format!("{}:{line}:{col}", self.seen_files[file]);
            self.push(
                src,
                loc,
                start,
                id,
                Problem::DuplicateId {
                    id: q.id.clone(),
                    first,
                },
            );
        }
        let topic = cat.topic(&q.topic);
        if topic.is_none() {
            let suggestion = cat
                .topics
                .iter()
                .map(|t| (strsim::jaro_winkler(&t.id, &q.topic), &t.id))
                .filter(|(s, _)| *s > 0.85)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, id)| id.clone());
            self.push(
                src,
                loc,
                field_at("topic"),
                id,
                Problem::UnknownTopic {
                    topic: q.topic.clone(),
                    suggestion,
                },
            );
        }
        if q.prompt.trim().is_empty() {
            self.push(src, loc, field_at("prompt"), id, Problem::EmptyPrompt);
        }
        self.text(src, loc, field_at("prompt"), id, "prompt", &q.prompt);
        if let Some(code) = &q.code {
            self.text(src, loc, field_at("code"), id, "code", code);
        }
        self.text(
            src,
            loc,
            field_at("explanation"),
            id,
            "explanation",
            &q.explanation,
        );
        for t in &q.tags {
            self.text(src, loc, field_at("tags"), id, "tag", t);
        }
        let kind = self.kind(src, loc, id, &mut q.kind, spots);
        let params = q.params.and_then(|p| {
            let made = ItemParams::new(p.a, p.b, p.c);
            if made.is_none() {
                self.push(
                    src,
                    loc,
                    field_at("params"),
                    id,
                    Problem::BadParams {
                        reason: format!("a = {}, b = {}, c = {}", p.a, p.b, p.c),
                    },
                );
            }
            made
        });
        let resources = q
            .resources
            .iter()
            .enumerate()
            .map(|(k, r)| self.resource(src, loc, resource_at(spots.node, k, start), id, r))
            .collect();
        let has_errors = self.diags[before..]
            .iter()
            .any(|d| d.severity == Severity::Error);
        if has_errors {
            return None;
        }
        Some(Question {
            area: topic?.area.clone().into(),
            id: q.id.into(),
            topic: q.topic.into(),
            difficulty: q.difficulty,
            prompt: q.prompt.into(),
            code: q.code.map(Text::from),
            kind: kind?,
            explanation: q.explanation.into(),
            params,
            pretest: q.status == raw::Status::Pretest,
            resources,
            tags: q.tags,
            related: q.related,
            origin: Origin {
                file: src.name.clone().into(),
                line,
                col,
            },
            bank,
        })
    }

    fn choices(
        &mut self,
        src: &Source,
        loc: &Locator,
        id: Option<&str>,
        spots: &Spots,
        raw: &mut [raw::RawChoice],
    ) -> Vec<Choice> {
        let at = spots.kind_field("choices");
        let list = spots.kind().and_then(|k| k.field("choices"));
        if raw.len() < 2 {
            self.push(
                src,
                loc,
                at,
                id,
                Problem::TooFewChoices { count: raw.len() },
            );
        }
        if raw.len() > crate::bank::model::MAX_CHOICES {
            self.push(
                src,
                loc,
                at,
                id,
                Problem::TooManyChoices { count: raw.len() },
            );
        }
        // The folded texts so far, each with its latest index: a list for a question of at
        // most MAX_CHOICES choices (quicker than a map), a map beyond (already an error,
        // but any length is read).
        let small = raw.len() <= crate::bank::model::MAX_CHOICES;
        let mut seen_list: Vec<(String, usize)> =
            Vec::with_capacity(if small { raw.len() } else { 0 });
        let mut seen_map: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::with_capacity(raw.len());
        for (i, c) in raw.iter_mut().enumerate() {
            let node = list.and_then(|l| l.items.get(i));
            let c_at = value_at(node, "text").max(at);
            let folded = fold_text(&c.text);
            // The earlier index of the same text, which this one replaces.
            let first = if !small {
                seen_map.insert(folded, i)
            } else if let Some(e) = seen_list.iter_mut().find(|(t, _)| *t == folded) {
                Some(std::mem::replace(&mut e.1, i))
            } else {
                seen_list.push((folded, i));
                None
            };
            if c.text.trim().is_empty() {
                self.push(src, loc, c_at, id, Problem::EmptyChoice { index: i });
            } else if let Some(first) = first {
                self.push(
                    src,
                    loc,
                    c_at,
                    id,
                    Problem::DuplicateChoice { first, second: i },
                );
            }
            self.text(src, loc, c_at, id, "choice", &c.text);
            if let Some(f) = &c.feedback {
                self.text(src, loc, c_at, id, "choice feedback", f);
            }
            let resource = c.resource.as_ref().map(|r| {
                self.resource(
                    src,
                    loc,
                    value_at(node.and_then(|n| n.field("resource")), "url").max(c_at),
                    id,
                    r,
                )
            });
            out.push(Choice {
                text: std::mem::take(&mut c.text).into(),
                feedback: c.feedback.take().map(Text::from),
                resource: resource.map(Box::new),
            });
        }
        out
    }

    fn kind(
        &mut self,
        src: &Source,
        loc: &Locator,
        id: Option<&str>,
        kind: &mut RawKind,
        spots: &Spots,
    ) -> Option<Kind> {
        let field_at = |f: &str| spots.kind_field(f);
        let before = self.diags.len();
        let kind = match kind {
            RawKind::SingleChoice {
                choices,
                answer,
                fixed_order,
            } => {
                let choices = self.choices(src, loc, id, spots, choices);
                if *answer >= choices.len() {
                    self.push(
                        src,
                        loc,
                        field_at("answer"),
                        id,
                        Problem::AnswerOutOfRange {
                            index: *answer,
                            choices: choices.len(),
                        },
                    );
                }
                Kind::SingleChoice {
                    choices,
                    answer: *answer,
                    fixed_order: *fixed_order,
                }
            }
            RawKind::MultipleSelect {
                choices,
                answers,
                weights,
                fixed_order,
            } => {
                let choices = self.choices(src, loc, id, spots, choices);
                let at = field_at("answers");
                if answers.is_empty() {
                    self.push(src, loc, at, id, Problem::NoCorrectChoice);
                }
                let mut sorted = answers.clone();
                sorted.sort_unstable();
                for w in sorted.windows(2).filter(|w| w[0] == w[1]) {
                    self.push(src, loc, at, id, Problem::RepeatedAnswer { index: w[0] });
                }
                sorted.dedup();
                for &a in sorted.iter().filter(|&&a| a >= choices.len()) {
                    self.push(
                        src,
                        loc,
                        at,
                        id,
                        Problem::AnswerOutOfRange {
                            index: a,
                            choices: choices.len(),
                        },
                    );
                }
                let marks = if weights.is_empty() {
                    Marks::Even
                } else {
                    let at = field_at("weights");
                    if let Some(p) = weights_problem(weights, &sorted, choices.len()) {
                        self.push(src, loc, at, id, p);
                    }
                    Marks::Weighted(weights.clone())
                };
                Kind::MultipleSelect {
                    choices,
                    answers: sorted,
                    marks,
                    fixed_order: *fixed_order,
                }
            }
            RawKind::TrueFalse { answer } => Kind::TrueFalse { answer: *answer },
            RawKind::Numeric {
                answer,
                tolerance,
                unit,
            } => {
                if !answer.is_finite() {
                    self.push(
                        src,
                        loc,
                        field_at("answer"),
                        id,
                        Problem::NotFinite {
                            field: "answer",
                            value: *answer,
                        },
                    );
                }
                let t = match tolerance {
                    raw::Tolerance::Absolute(t) | raw::Tolerance::Relative(t) => *t,
                };
                if t.is_nan() || t.is_infinite() {
                    self.push(
                        src,
                        loc,
                        field_at("tolerance"),
                        id,
                        Problem::NotFinite {
                            field: "tolerance",
                            value: t,
                        },
                    );
                } else if t < 0.0 {
                    self.push(
                        src,
                        loc,
                        field_at("tolerance"),
                        id,
                        Problem::NegativeTolerance { value: t },
                    );
                }
                if let Some(u) = unit {
                    self.text(src, loc, field_at("unit"), id, "unit", u);
                }
                Kind::Numeric {
                    answer: *answer,
                    tolerance: *tolerance,
                    unit: unit.clone(),
                }
            }
            RawKind::ShortText { accepted } => {
                let at = field_at("accepted");
                let display: Vec<String> = std::mem::take(accepted)
                    .into_iter()
                    .filter(|a| !a.trim().is_empty())
                    .collect();
                if display.is_empty() {
                    self.push(src, loc, at, id, Problem::NoAcceptedAnswer);
                }
                for a in &display {
                    self.text(src, loc, at, id, "accepted answer", a);
                }
                Kind::ShortText {
                    accepted: display.iter().map(|a| fold_text(a)).collect(),
                    display,
                }
            }
            RawKind::SelfRating => Kind::SelfRating,
        };
        let ok = !self.diags[before..]
            .iter()
            .any(|d| d.severity == Severity::Error);
        ok.then_some(kind)
    }
}

/// The symmetric related-question relation over the loaded questions. Ids that name no
/// loaded question are left out here and reported by the lints (a bank may refer to a
/// question of another bank that is not loaded).
fn related_index(cat: &Catalog) -> Vec<Vec<usize>> {
    let mut related = vec![Vec::new(); cat.questions.len()];
    for (i, q) in cat.questions.iter().enumerate() {
        for id in &q.related {
            if let Some(&j) = cat.question_index.get(id.as_str())
                && j != i
            {
                related[i].push(j);
                related[j].push(i);
            }
        }
    }
    for r in &mut related {
        r.sort_unstable();
        r.dedup();
    }
    related
}

/// The RON options every bank and roadmap is read with (`build.rs` reads the shipped
/// files with them too).
pub(crate) fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
}

/// Ids use lower-case ASCII letters, digits, `_`, `-` and `.`, up to 100 characters.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
        && !id.starts_with('.')
        && !id.ends_with('.')
}

/// What is wrong with a multiple-select question's `weights`, if anything: one per
/// choice, each finite and in [−1, 1], positive exactly for the `answers` (sorted), the
/// positive ones adding up to 1 (to within Moodle's rounding of 7 decimals).
fn weights_problem(weights: &[f64], answers: &[usize], choices: usize) -> Option<Problem> {
    if weights.len() != choices {
        return Some(Problem::BadWeights(format!(
            "{} weights for {choices} choices; give one per choice",
            weights.len()
        )));
    }
    if let Some((i, w)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !w.is_finite() || w.abs() > 1.0)
    {
        return Some(Problem::BadWeights(format!(
            "weight {i} is {w}; a weight is a fraction from -1 to 1"
        )));
    }
    let positive: Vec<usize> = (0..choices).filter(|&i| weights[i] > 0.0).collect();
    if positive != answers {
        return Some(Problem::BadWeights(format!(
            "the choices with a positive weight are {positive:?} but `answers` lists {answers:?}; they must be the same"
        )));
    }
    let sum: f64 = positive.iter().map(|&i| weights[i]).sum();
    if (sum - 1.0).abs() > 1e-6 {
        return Some(Problem::BadWeights(format!(
            "the positive weights add up to {sum}, not 1"
        )));
    }
    None
}

#[cfg(test)]
mod snapshot_tests {
    use super::*;

    fn reads(from_build: FromBuild, extra: &[&str]) -> Result<Catalog, BankErrors> {
        let mut b = CatalogBuilder::builtin();
        b.from_build = from_build;
        for p in extra {
            b.add_path(Path::new(env!("CARGO_MANIFEST_DIR")).join(p).as_path());
        }
        b.build()
    }

    /// What matters of a catalog, in a fixed order (its indexes are hash maps).
    fn shown(c: &Catalog) -> String {
        fn sorted<K: Ord + std::fmt::Debug>(m: &HashMap<K, usize>) -> String {
            let mut v: Vec<_> = m.iter().collect();
            v.sort();
            format!("{v:?}")
        }
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{}\n{}",
            c.steps,
            c.areas,
            c.topics,
            c.questions,
            c.banks,
            c.related,
            sorted(&c.topic_index),
            sorted(&c.area_index),
            sorted(&c.question_index)
        )
    }

    #[test]
    fn the_snapshots_read_as_the_text() {
        let snap: Snapshot = rmp_serde::from_slice(BUILTIN_SNAPSHOT).expect("it decodes");
        // Every shipped file is in it: none is read from its text at start.
        assert_eq!(snap.files.len(), BUILTIN_BANKS.len() + 1);
        // The shipped files load, so the build kept their catalog, and starts from it.
        let b = CatalogBuilder::builtin();
        assert!(b.checked_at_build().is_some());
        let text = shown(&reads(FromBuild::Nothing, &[]).unwrap());
        assert_eq!(shown(&reads(FromBuild::Parsed, &[]).unwrap()), text);
        assert_eq!(shown(&b.build().unwrap()), text);
    }

    #[test]
    fn the_checked_catalog_is_used_only_for_the_files_it_was_made_from() {
        use super::super::snapshot::encode_catalog;
        let cat = reads(FromBuild::Nothing, &[]).unwrap();
        // (Decoded strings borrow from the bytes, which live as long as the program.)
        let leak = |bytes: Vec<u8>| -> &'static [u8] { Box::leak(bytes.into_boxed_slice()) };
        let (bytes, texts) = encode_catalog(&cat);
        let texts: &'static str = texts.leak();
        let mut back = decode_catalog(leak(bytes.clone()), texts).expect("it decodes");
        back.reindex();
        assert_eq!(shown(&back), shown(&cat));
        // The build writes nothing when the shipped files do not load.
        assert!(decode_catalog(&[], "").is_none());
        // A catalog made from other texts (a stale build) is not used.
        let (_, body) = postcard::take_from_bytes::<Vec<(String, usize)>>(&bytes).unwrap();
        let mut other = postcard::to_allocvec(&[("maths.ron", 1usize)]).unwrap();
        other.extend(body);
        assert!(decode_catalog(leak(other), texts).is_none());
        // A text outside the pool is refused, not a panic.
        assert!(decode_catalog(leak(bytes.clone()), "").is_none());
        // Nor is it when another bank is loaded beside the shipped ones.
        let mut b = CatalogBuilder::builtin();
        b.add_path(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good"));
        assert!(b.checked_at_build().is_none());
        assert!(b.build().unwrap().questions.len() > cat.questions.len());
    }

    #[test]
    fn a_builder_used_once_moves_its_banks_and_makes_them_again_only_to_place() {
        let fixture = |file: &str| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            std::fs::read_to_string(path).unwrap()
        };
        let bank = |file: &str| -> RawBank { ron_options().from_str(&fixture(file)).unwrap() };
        // A good or a bad bank given parsed, beside a file with text, good or bad.
        for (given, file) in [
            ("tests/fixtures/good/kinds.ron", None),
            ("tests/fixtures/bad/many_errors.ron", None),
            (
                "tests/fixtures/good/kinds.ron",
                Some("tests/fixtures/bad/unknown_topic.ron"),
            ),
            (
                "tests/fixtures/bad/many_errors.ron",
                Some("tests/fixtures/bad/unknown_topic.ron"),
            ),
        ] {
            let builder = || {
                let mut b = CatalogBuilder::builtin();
                if let Some(f) = file {
                    b.add_source(Source {
                        name: f.into(),
                        text: fixture(f).into(),
                        builtin: false,
                    });
                }
                b.add_parsed("given.ron".into(), bank(given));
                b
            };
            let made_again = std::cell::Cell::new(0);
            let once = builder().build_once(|| {
                made_again.set(made_again.get() + 1);
                vec![bank(given)]
            });
            let what = |r: &Result<Catalog, BankErrors>| match r {
                Ok(c) => Ok(c.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>()),
                Err(e) => Err(e.diagnostics.clone()),
            };
            assert_eq!(what(&once), what(&builder().build()), "{given} {file:?}");
            // Only a file with text has lines to place in a second pass.
            assert_eq!(
                made_again.get(),
                usize::from(file.is_some()),
                "{given} {file:?}"
            );
        }
    }

    #[test]
    fn a_bank_given_parsed_is_checked_as_its_text() {
        for (file, good) in [
            ("tests/fixtures/good/kinds.ron", true),
            ("tests/fixtures/bad/many_errors.ron", false),
            ("tests/fixtures/bad/unknown_topic.ron", false),
        ] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let text = std::fs::read_to_string(&path).unwrap();
            let mut by_text = CatalogBuilder::builtin();
            by_text.add_source(Source {
                name: "bank.ron".into(),
                text: text.clone().into(),
                builtin: false,
            });
            let raw: RawBank = ron_options().from_str(&text).unwrap();
            let mut parsed = CatalogBuilder::builtin();
            parsed.add_parsed("bank.ron".into(), raw);
            // Never the catalog of the shipped files alone.
            assert!(parsed.checked_at_build().is_none());
            match (by_text.build(), parsed.build()) {
                (Ok(a), Ok(b)) => {
                    assert!(good, "{file}");
                    let ids =
                        |c: &Catalog| c.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
                    assert_eq!(ids(&a), ids(&b));
                    // Placed at the start of a text not written yet.
                    let q = b
                        .questions
                        .iter()
                        .find(|q| q.origin.file == "bank.ron")
                        .unwrap();
                    assert_eq!((q.origin.line, q.origin.col), (1, 1));
                }
                (Err(a), Err(b)) => {
                    assert!(!good, "{file}");
                    let what = |e: &BankErrors| {
                        e.diagnostics
                            .iter()
                            .map(|d| (d.file.clone(), d.question.clone(), d.problem.to_string()))
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(what(&a), what(&b), "{file}");
                }
                (a, b) => panic!("{file}: {:?} against {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    #[test]
    fn duplicate_ids_point_at_the_first_copy_whichever_file_it_is_in() {
        // A copy in a later file, or later in the same file, is reported against the
        // first copy, even when another file's copy comes between.
        let bank = |name: &str, ids: &[&str]| {
            let mut text = format!(
                "(format_version: 1, name: \"{name}\", version: \"1\", areas: [(id: \"{name}\", title: \"T\")], topics: [(id: \"{name}.t\", title: \"T\", step: 2)], questions: [\n"
            );
            for id in ids {
                text.push_str(&format!(
                    "(id: \"{id}\", topic: \"{name}.t\", difficulty: Easy, prompt: \"Is {id} here?\", kind: TrueFalse(answer: true), explanation: \"It is.\"),\n"
                ));
            }
            text.push_str("])");
            Source {
                name: format!("{name}.ron"),
                text: text.into(),
                builtin: false,
            }
        };
        let mut b = CatalogBuilder::roadmap_only();
        b.add_source(bank("aa", &["aa.x", "aa.y"]));
        b.add_source(bank(
            "bb",
            &["bb.z", "aa.x", "bb.z", "aa.x", "Bad Id", "aa.y"],
        ));
        b.add_source(bank("cc", &["bb.z"]));
        let diags = b.build().expect_err("duplicates are errors").diagnostics;
        let dups: Vec<(String, usize, String)> = diags
            .iter()
            .filter_map(|d| match &d.problem {
                Problem::DuplicateId { first, .. } => Some((d.file.clone(), d.line, first.clone())),
                _ => None,
            })
            .collect();
        let expected = [
            ("bb.ron", 3, "aa.ron:2:6"),
            ("bb.ron", 4, "bb.ron:2:6"),
            ("bb.ron", 5, "aa.ron:2:6"),
            ("bb.ron", 7, "aa.ron:3:6"),
            ("cc.ron", 2, "bb.ron:2:6"),
        ];
        let expected: Vec<(String, usize, String)> = expected
            .iter()
            .map(|(f, l, first)| (f.to_string(), *l, first.to_string()))
            .collect();
        assert_eq!(dups, expected);
        // The malformed id is reported as such, once.
        assert_eq!(
            diags
                .iter()
                .filter(|d| matches!(d.problem, Problem::BadId { .. }))
                .count(),
            1
        );
    }

    #[test]
    fn a_repeated_choice_points_at_its_latest_copy_however_many_choices() {
        // Up to MAX_CHOICES the copies are found in a list, beyond in a map: the same
        // findings either way.
        let dups = |n: usize| -> Vec<(usize, usize)> {
            let mut texts: Vec<String> =
                vec!["a".into(), "B ".into(), "A".into(), "b".into(), "a".into()];
            texts.extend((texts.len()..n).map(|i| format!("c{i}")));
            let choices: Vec<String> = texts.iter().map(|t| format!("(text: \"{t}\")")).collect();
            let text = format!(
                "(format_version: 1, name: \"dc\", version: \"1\", areas: [(id: \"dc\", title: \"T\")], topics: [(id: \"dc.t\", title: \"T\", step: 2)], questions: [(id: \"dc.q\", topic: \"dc.t\", difficulty: Easy, prompt: \"Which?\", kind: SingleChoice(choices: [{}], answer: 0), explanation: \"E.\")])",
                choices.join(", ")
            );
            let mut b = CatalogBuilder::roadmap_only();
            b.add_source(Source {
                name: "dc.ron".into(),
                text: text.into(),
                builtin: false,
            });
            let diags = b
                .build()
                .expect_err("repeated choices are errors")
                .diagnostics;
            diags
                .iter()
                .filter_map(|d| match d.problem {
                    Problem::DuplicateChoice { first, second } => Some((first, second)),
                    _ => None,
                })
                .collect()
        };
        let expected = vec![(0, 2), (1, 3), (2, 4)];
        assert_eq!(dups(5), expected);
        assert_eq!(dups(crate::bank::model::MAX_CHOICES + 4), expected);
    }

    /// Columns were counted from the start of the line for every question, so a bank
    /// written on one line cost the square of its length; they are counted on from the
    /// last position now. 5,000 questions with escaped choices on one line (about 1 MB).
    #[test]
    fn a_bank_on_one_line_is_placed_in_one_pass() {
        let mut text = String::from(
            r#"(format_version: 1, name: "one_line", version: "1", areas: [(id: "ol", title: "One line")], topics: [(id: "ol.t", title: "T", step: 2)], questions: ["#,
        );
        for i in 0..5000 {
            text.push_str(&format!(
                r#"(id: "ol.t.q{i}", topic: "ol.t", difficulty: Easy, prompt: "Which call prints greeting {i}?", kind: SingleChoice(choices: [(text: "print(\"hi {i}\")"), (text: "echo(\"hi {i}\")")], answer: 0), explanation: "print is Python's."),"#
            ));
        }
        text.push_str("])");
        let mut b = CatalogBuilder::roadmap_only();
        b.add_source(Source {
            name: "one_line.ron".into(),
            text: text.clone().into(),
            builtin: false,
        });
        super::super::source::COLUMN_BYTES.with(|c| c.set(0));
        let cat = b.build().expect("the bank loads");
        assert_eq!(cat.questions.len(), 5000);
        assert_eq!(cat.questions[4999].origin.line, 1);
        let scanned = super::super::source::COLUMN_BYTES.with(|c| c.get());
        let roadmap = BUILTIN_ROADMAP.1.len();
        assert!(
            scanned <= 2 * (text.len() + roadmap),
            "{scanned} bytes scanned for columns in {} bytes",
            text.len() + roadmap
        );
    }

    #[test]
    fn diagnostics_are_placed_as_from_the_text() {
        for bad in [
            "tests/fixtures/bad",
            "tests/fixtures/bad/duplicate_id.ron",
            "tests/fixtures/bad/many_errors.ron",
        ] {
            let (fast, slow) = (
                reads(FromBuild::Catalog, &[bad]),
                reads(FromBuild::Nothing, &[bad]),
            );
            let (fast, slow) = (fast.unwrap_err(), slow.unwrap_err());
            assert!(!fast.diagnostics.is_empty());
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "{bad}");
        }
    }
}
