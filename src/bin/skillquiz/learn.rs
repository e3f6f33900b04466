//! The history at the edge: where the database lives, the clock, and the commands that
//! read the history (`progress`, `history`, `recommend` without `--from`).

use super::{Failure, load, load_with, read_text, stdout_theme, write_json};
use crate::cli::{self, DataArgs, HistoryCommand};
use crate::render;
use serde::Serialize;
use skillquiz::history::{Attempt, AttemptInfo, Recorded, Store};
use skillquiz::{
    AttemptFacts, AttemptRef, Catalog, Learner, LearnerModel, Level, QuestionResult, QuizResult,
};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Attempts whose responses the plan draws on (missed questions, self-ratings).
const PLAN_ATTEMPTS: usize = 5;

/// The time: the system clock, or `SKILLQUIZ_NOW` (RFC 3339, e.g. 2026-03-01T09:00:00Z,
/// or Unix seconds) for scripts and tests that need fixed dates.
pub struct Clock {
    fixed: Option<i64>,
}

impl Clock {
    pub fn from_env() -> Result<Clock, Failure> {
        let Some(v) = std::env::var_os("SKILLQUIZ_NOW") else {
            return Ok(Clock { fixed: None });
        };
        let v = v.to_string_lossy();
        let fixed = v
            .parse::<i64>()
            .ok()
            .or_else(|| v.parse::<jiff::Timestamp>().ok().map(|t| t.as_second()))
            .ok_or_else(|| {
                Failure::Usage(format!(
                    "SKILLQUIZ_NOW=`{}` is not a time: use RFC 3339 (2026-03-01T09:00:00Z) or Unix seconds",
                    render::clean(&v)
                ))
            })?;
        Ok(Clock { fixed: Some(fixed) })
    }

    /// Unix time, seconds.
    pub fn now(&self) -> i64 {
        self.fixed
            .unwrap_or_else(|| jiff::Timestamp::now().as_second())
    }
}

/// The data directory: `--data-dir`, `SKILLQUIZ_DATA_DIR`, or the platform's.
pub fn data_dir(data: &DataArgs) -> Result<PathBuf, Failure> {
    if let Some(d) = &data.data_dir {
        return Ok(d.clone());
    }
    directories::ProjectDirs::from("", "", "skillquiz")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            Failure::History(skillquiz::history::HistoryError::DataDir {
                dir: PathBuf::from("~"),
                reason: "there is no home directory to keep the history in".into(),
            })
        })
}

pub fn open_store(data: &DataArgs) -> Result<Store, Failure> {
    Ok(Store::open_dir(&data_dir(data)?)?)
}

/// A new attempt id: 32 random hex digits.
pub fn new_attempt_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// The first 8 characters of an id, as `history` shows it.
pub fn short_id(id: &str) -> &str {
    &id[..id.len().min(8)]
}

/// "3 hours ago", "2 days ago".
pub fn ago(seconds: i64) -> String {
    let s = seconds.max(0);
    let (n, unit) = if s < 120 {
        return "just now".into();
    } else if s < 7200 {
        (s / 60, "minutes")
    } else if s < 2 * 86400 {
        (s / 3600, "hours")
    } else {
        (s / 86400, "days")
    };
    format!("{n} {unit} ago")
}

/// A date as people read it (UTC): 2026-03-01 09:00.
pub fn date(unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|t| t.strftime("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| unix.to_string())
}

/// Everything the history knows, read at `now`.
pub fn learner(store: &Store, catalog: &Catalog, now: i64) -> Result<Learner, Failure> {
    let totals = store.totals()?;
    Ok(Learner {
        model: LearnerModel::from_totals(catalog, &totals, now),
        responses: store.recent_responses(PLAN_ATTEMPTS)?,
        attempts: store.attempt_count()?,
    })
}

/// What the history knows, as a result without a quiz of its own (for `recommend` and
/// the HTML progress page).
fn standing_result(cat: &Catalog, learner: &Learner) -> QuizResult {
    QuizResult::new(
        cat,
        &[],
        AttemptFacts {
            seed: 0,
            mode: skillquiz::Mode::Adaptive,
            ended: skillquiz::Ended::Completed,
            asked: 0,
        },
        learner,
    )
}

/// `recommend` without `--from`: the plan from the history.
pub fn recommend(args: cli::RecommendArgs, data: &DataArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args.bank)?;
    // The history, when the plan comes from it (and the HTML page shows its progress).
    let store = match &args.from {
        Some(_) => None,
        None => Some(open_store(data)?),
    };
    let result = match (&args.from, &store) {
        (Some(from), _) => {
            let name = from.display().to_string();
            let text = if from.as_os_str() == "-" {
                crate::read_bounded(io::stdin(), "the result on stdin")?
            } else {
                read_text(from)?
            };
            let saved =
                QuizResult::from_json(&name, &text).map_err(|e| Failure::Usage(e.to_string()))?;
            saved
                .rescore(&cat, &name)
                .map_err(|e| Failure::Usage(e.to_string()))?
        }
        (None, Some(store)) => {
            let now = Clock::from_env()?.now();
            let learner = learner(store, &cat, now)?;
            if learner.attempts == 0 {
                return Err(Failure::Usage(
                    "no quizzes in the history yet: take one with `skillquiz take`, or pass --from RESULT.json".into(),
                ));
            }
            let mut r = standing_result(&cat, &learner);
            let (due_now, next) = store.review_counts(skillquiz::review::end_of_day(now))?;
            r.review = Some(skillquiz::ReviewDue {
                due_now,
                next_due_at: next.map(|n| n.0),
            });
            r
        }
        (None, None) => unreachable!("the history is opened when there is no --from"),
    };
    if args.html.file.is_some() {
        let progress = match &store {
            Some(store) => Some(compute_progress(store, &cat, true)?),
            None => None,
        };
        crate::write_html(&args.html, Some(&result), progress.as_ref())?;
    }
    let mut out = io::stdout().lock();
    if args.json {
        write_json(&mut out, &result)?;
    } else if args.from.is_some() {
        crate::page(
            &mut out,
            &render::report(&stdout_theme(), &result, true, args.all, None),
        )?;
    } else {
        crate::page(
            &mut out,
            &render::standing(&stdout_theme(), &result, args.all),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The result of one stored attempt, with the verdicts as of its end.
fn attempt_result(store: &Store, catalog: &Catalog, a: &Attempt) -> Result<QuizResult, Failure> {
    let responses: Vec<skillquiz::Response> =
        a.responses.iter().map(|r| r.response.clone()).collect();
    let end = a
        .info
        .ended_at
        .or_else(|| a.responses.last().map(|r| r.answered_at))
        .unwrap_or(a.info.started_at);
    let evidence = store.evidence(Some(a.info.started_at + 1))?;
    let learner = Learner {
        model: LearnerModel::new(catalog, &evidence, end),
        responses: responses.clone(),
        attempts: 1,
    };
    let mut result = QuizResult::new(
        catalog,
        &responses,
        AttemptFacts {
            seed: a.info.seed,
            mode: a.info.mode,
            ended: a.info.ended.unwrap_or(skillquiz::Ended::Interrupted),
            asked: a.responses.len(),
        },
        &learner,
    );
    result.attempt = Some(AttemptRef {
        id: a.info.id.clone(),
        started_at: a.info.started_at,
        ended_at: a.info.ended_at,
        spec: a.info.spec.clone(),
    });
    result.banks = a.info.banks.clone();
    // Every stored answer, with the bank it came from, even if that bank is not loaded.
    result.questions = a
        .responses
        .iter()
        .map(|r| {
            let q = catalog.question(&r.response.id);
            QuestionResult {
                response: r.response.clone(),
                kind: q.map_or("unknown", |q| q.kind.name()).into(),
                difficulty: q.map_or("unknown", |q| q.difficulty.as_str()).into(),
                bank: r.bank.clone(),
                bank_version: r.bank_version.clone(),
                skipped: r.response.skipped(),
                answered_at: Some(r.answered_at),
            }
        })
        .collect();
    Ok(result)
}

#[derive(Serialize)]
struct ListEntry<'a> {
    id: &'a str,
    started_at: i64,
    ended_at: Option<i64>,
    mode: skillquiz::Mode,
    ended: Option<skillquiz::Ended>,
    areas: &'a [String],
    topics: &'a [String],
    graded: usize,
    score: Option<f64>,
}

pub fn history(args: cli::HistoryArgs, data: &DataArgs) -> Result<ExitCode, Failure> {
    let store = open_store(data)?;
    match args.command {
        None => {
            let list = store.attempts()?;
            let mut out = io::stdout().lock();
            if args.json {
                let entries: Vec<ListEntry> = list
                    .iter()
                    .map(|s| ListEntry {
                        id: &s.info.id,
                        started_at: s.info.started_at,
                        ended_at: s.info.ended_at,
                        mode: s.info.mode,
                        ended: s.info.ended,
                        areas: &s.info.spec.areas,
                        topics: &s.info.spec.topics,
                        graded: s.graded,
                        score: (s.graded > 0).then(|| s.score_sum / s.graded as f64),
                    })
                    .collect();
                write_json(&mut out, &entries)?;
            } else {
                write!(out, "{}", render::history_list(&stdout_theme(), &list))?;
            }
        }
        Some(HistoryCommand::Show {
            id,
            json,
            html,
            bank,
        }) => {
            let a = store.attempt(&id)?;
            let cat = load_for(&bank, &a.info)?;
            let result = attempt_result(&store, &cat, &a)?;
            crate::write_html(&html, Some(&result), None)?;
            let mut out = io::stdout().lock();
            if json {
                write_json(&mut out, &result)?;
            } else {
                crate::page(
                    &mut out,
                    &render::report(&stdout_theme(), &result, true, true, None),
                )?;
            }
        }
        Some(HistoryCommand::Export { out, force, bank }) => {
            let cat = load(&bank)?;
            let mut text = String::new();
            for s in store.attempts()? {
                let a = store.attempt(&s.info.id)?;
                let result = attempt_result(&store, &cat, &a)?;
                text.push_str(&serde_json::to_string(&result).expect("a result serializes"));
                text.push('\n');
            }
            match out {
                Some(path) => crate::teach::write_new(&path, text.as_bytes(), force)?,
                None => io::stdout().lock().write_all(text.as_bytes())?,
            }
        }
        Some(HistoryCommand::Import { file }) => {
            let mut store = store;
            let text = read_text(&file)?;
            let name = file.display().to_string();
            let (mut added, mut skipped) = (0, 0);
            let mut attempts = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let where_ = format!("{name}:{}", i + 1);
                let r = QuizResult::from_json(&where_, line)
                    .map_err(|e| Failure::Usage(e.to_string()))?;
                attempts.push(to_attempt(&where_, r)?);
            }
            // Every line is checked before anything is written.
            for a in &attempts {
                if store.import(a)? {
                    added += 1;
                } else {
                    skipped += 1;
                }
            }
            writeln!(
                io::stdout(),
                "imported {}; {skipped} already in the history",
                crate::render::count(added, "attempt", "attempts")
            )?;
        }
        Some(HistoryCommand::Forget { id }) => {
            let full = store.forget(&id)?;
            writeln!(io::stdout(), "forgot attempt {full} and its answers")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The catalog for an attempt: the banks given, else the ones it was taken with.
fn load_for(bank: &cli::BankArgs, info: &AttemptInfo) -> Result<Catalog, Failure> {
    if bank.banks.is_empty() {
        let paths: Vec<PathBuf> = info.spec.bank_paths.iter().map(Into::into).collect();
        load_with(&paths)
    } else {
        load(bank)
    }
}

/// An exported line back into an attempt.
fn to_attempt(where_: &str, r: QuizResult) -> Result<Attempt, Failure> {
    let Some(meta) = r.attempt else {
        return Err(Failure::Usage(format!(
            "{where_}: this result has no attempt id (it was taken with --no-history or before the history existed); only lines of `skillquiz history export` can be imported"
        )));
    };
    let responses = r
        .questions
        .into_iter()
        .map(|q| Recorded {
            answered_at: q.answered_at.unwrap_or(meta.started_at),
            response: q.response,
            bank: q.bank,
            bank_version: q.bank_version,
        })
        .collect();
    Ok(Attempt {
        info: AttemptInfo {
            id: meta.id,
            started_at: meta.started_at,
            ended_at: meta.ended_at,
            skillquiz_version: r.skillquiz_version,
            mode: r.mode,
            seed: r.seed,
            spec: meta.spec,
            banks: r.banks,
            ended: Some(r.ended),
        },
        responses,
    })
}

/// One area's ability after one attempt.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub attempt: String,
    /// Unix time, seconds: when the attempt ended (or its last answer).
    pub at: i64,
    pub theta: f64,
    pub se: f64,
    pub level: Level,
    pub probability: f64,
}

/// A change of ability between two points, and whether it is beyond noise:
/// |Δθ| > 1.96·√(SE₁² + SE₂²).
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub delta: f64,
    pub beyond_noise: bool,
}

impl Change {
    /// "+0.42 (real)", "-0.10 (noise)", or "–" when there is no change to tell.
    pub fn describe(c: Option<&Change>) -> String {
        match c {
            Some(c) => format!(
                "{:+.2} ({})",
                c.delta,
                if c.beyond_noise { "real" } else { "noise" }
            ),
            None => "–".into(),
        }
    }

    fn between(a: &Point, b: &Point) -> Change {
        let delta = b.theta - a.theta;
        Change {
            delta,
            beyond_noise: delta.abs() > 1.96 * (a.se * a.se + b.se * b.se).sqrt(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaProgress {
    pub area: String,
    pub title: String,
    /// After each attempt with answers in the history (attempts with none in this area
    /// included: the verdict moves with time alone).
    pub points: Vec<Point>,
    pub since_first: Option<Change>,
    pub since_previous: Option<Change>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicLevel {
    pub level: Level,
    pub probability: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicProgress {
    pub topic: String,
    pub title: String,
    pub area: String,
    pub step: u8,
    pub answered: usize,
    pub now: TopicLevel,
    /// Before the latest attempt; `None` with a single attempt.
    pub before: Option<TopicLevel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StepProgress {
    pub step: u8,
    pub title: String,
    /// Knowledge topics of this step.
    pub topics: usize,
    /// Of which most likely strong now.
    pub strong: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub attempts: usize,
    pub areas: Vec<AreaProgress>,
    pub topics: Vec<TopicProgress>,
    pub steps: Vec<StepProgress>,
}

/// Attempts shown in the text chart (they fit an 80-column line).
pub const CHART_POINTS: usize = 40;

/// The learner model after each attempt. With `all`, every attempt is replayed from its
/// answers (what `--json` gives); otherwise only the first attempt and the last
/// [`CHART_POINTS`] are computed, from the history's evidence totals, so the cost does not
/// grow with the length of the history.
pub fn compute_progress(store: &Store, catalog: &Catalog, all: bool) -> Result<Progress, Failure> {
    let attempts = store.attempt_times()?;
    let n = attempts.len();
    let mut cache = skillquiz::learner::model::LoglikCache::default();
    let layout = LearnerModel::empty(catalog, 0);
    let mut areas: Vec<AreaProgress> = layout
        .areas
        .iter()
        .map(|a| AreaProgress {
            area: a.area.clone(),
            title: catalog
                .area(&a.area)
                .map(|x| x.title.clone())
                .unwrap_or_default(),
            points: Vec::new(),
            since_first: None,
            since_previous: None,
        })
        .collect();
    // Which attempts get a point, and the evidence totals before the first of them.
    let shown: Vec<usize> = if all || n <= CHART_POINTS + 1 {
        (0..n).collect()
    } else {
        std::iter::once(0).chain(n - CHART_POINTS..n).collect()
    };
    let answers: Vec<Vec<(String, bool, i64)>> = shown
        .iter()
        .map(|&i| store.graded_answers(&attempts[i].0))
        .collect::<Result<_, _>>()?;
    let mut totals = if all || n <= CHART_POINTS + 1 {
        Vec::new()
    } else {
        // Everything before the charted run: all totals but its answers.
        let mut t = store.totals()?;
        for a in &answers[1..] {
            skillquiz::history::subtract_answers(&mut t, a);
        }
        t
    };
    let mut snapshots: Vec<(i64, LearnerModel)> = Vec::new();
    for (k, &i) in shown.iter().enumerate() {
        let (id, started_at, ended_at) = &attempts[i];
        let last = answers[k].iter().map(|a| a.2).max().unwrap_or(*started_at);
        let end = ended_at.unwrap_or(last).max(last);
        let model = if k == 0 && !all && shown.len() > 1 && shown[1] != 1 {
            // The first attempt on its own (nothing came before it).
            let mut first = Vec::new();
            skillquiz::history::add_answers(&mut first, &answers[0]);
            LearnerModel::from_totals_cached(catalog, &first, end, &mut cache)
        } else {
            skillquiz::history::add_answers(&mut totals, &answers[k]);
            LearnerModel::from_totals_cached(catalog, &totals, end, &mut cache)
        };
        for (ap, am) in areas.iter_mut().zip(&model.areas) {
            if am.answered() > 0 {
                let v = am.area_verdict();
                ap.points.push(Point {
                    attempt: id.clone(),
                    at: end,
                    theta: v.theta,
                    se: v.se,
                    level: v.level,
                    probability: v.probability,
                });
            }
        }
        if k + 2 >= shown.len() {
            snapshots.push((end, model));
        }
    }
    let now_v: Option<Vec<skillquiz::learner::model::AreaVerdicts>> = snapshots
        .last()
        .map(|(_, m)| m.areas.iter().map(|a| a.verdicts()).collect());
    let before: Option<Vec<skillquiz::learner::model::AreaVerdicts>> =
        (snapshots.len() == 2).then(|| snapshots[0].1.areas.iter().map(|a| a.verdicts()).collect());
    areas.retain(|a| !a.points.is_empty());
    for a in &mut areas {
        let p = &a.points;
        if p.len() >= 2 {
            a.since_first = Some(Change::between(&p[0], &p[p.len() - 1]));
            a.since_previous = Some(Change::between(&p[p.len() - 2], &p[p.len() - 1]));
        }
    }
    let mut topics = Vec::new();
    let mut steps: Vec<StepProgress> = catalog
        .steps
        .iter()
        .map(|s| StepProgress {
            step: s.number,
            title: s.title.to_string(),
            topics: 0,
            strong: 0,
        })
        .collect();
    if let Some(now_v) = &now_v {
        for (ai, am) in layout.areas.iter().enumerate() {
            for (ti, t) in am.topics.iter().enumerate() {
                let v = now_v[ai].topics[ti];
                let topic = catalog.topic(t);
                let step = topic.map_or(0, |x| x.step);
                if let Some(sp) = steps.iter_mut().find(|s| s.step == step) {
                    sp.topics += 1;
                    sp.strong +=
                        usize::from(now_v[ai].area.answered > 0 && v.level == Level::Strong);
                }
                if now_v[ai].area.answered == 0 {
                    continue;
                }
                topics.push(TopicProgress {
                    topic: t.clone(),
                    title: topic.map(|x| x.title.to_string()).unwrap_or_default(),
                    area: am.area.clone(),
                    step,
                    answered: v.answered,
                    now: TopicLevel {
                        level: v.level,
                        probability: v.probability,
                    },
                    before: before.as_ref().and_then(|b| {
                        let bv = b[ai].topics[ti];
                        (b[ai].area.answered > 0).then_some(TopicLevel {
                            level: bv.level,
                            probability: bv.probability,
                        })
                    }),
                });
            }
        }
    }
    steps.retain(|s| s.topics > 0);
    Ok(Progress {
        attempts: n,
        areas,
        topics,
        steps,
    })
}

pub fn progress(args: cli::ProgressArgs, data: &DataArgs) -> Result<ExitCode, Failure> {
    let cat = load(&args.bank)?;
    let store = open_store(data)?;
    let p = compute_progress(&store, &cat, args.json || args.html.file.is_some())?;
    if args.html.file.is_some() {
        let learner = learner(&store, &cat, Clock::from_env()?.now())?;
        let standing = (learner.attempts > 0).then(|| standing_result(&cat, &learner));
        crate::write_html(&args.html, standing.as_ref(), Some(&p))?;
    }
    let mut out = io::stdout().lock();
    if args.json {
        write_json(&mut out, &p)?;
    } else {
        crate::page(&mut out, &render::progress(&stdout_theme(), &p))?;
    }
    Ok(ExitCode::SUCCESS)
}
