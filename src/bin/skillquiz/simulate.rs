//! `skillquiz simulate`: flags → a simulation config, a progress bar, the figures.

use super::{Failure, load};
use crate::cli::BankArgs;
use clap::{Args, ValueEnum};
use serde::Serialize;
use skillquiz::irt::{self, Grid, Method, Selector};
use skillquiz::{SimBank, SimConfig, SimReport, Simulees};
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimMethod {
    /// Maximum information at the current estimate (adaptive).
    Cat,
    /// Uniformly random items (the non-adaptive baseline).
    Random,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Item bank as CSV with columns a,b[,c,d][,topic] (instead of question banks).
    #[arg(long, value_name = "FILE")]
    pub items_csv: Option<PathBuf>,
    /// Only this area's questions when simulating on question banks (repeatable).
    #[arg(long = "area", value_name = "AREA")]
    pub areas: Vec<String>,
    /// True abilities as CSV with a `theta` column (else drawn from N(0, 1)).
    #[arg(long, value_name = "FILE")]
    pub thetas_csv: Option<PathBuf>,
    /// Uniform numbers as CSV (simulee,u1..uL): the answer at position k is right when
    /// P(θ, item) ≥ u_k. Else drawn from --seed.
    #[arg(long, value_name = "FILE")]
    pub uniforms_csv: Option<PathBuf>,
    /// Number of simulees (with --thetas-csv: the first N rows). Default 1000 or every row.
    #[arg(long, value_name = "N")]
    pub simulees: Option<usize>,
    /// Seed for abilities, answers and random choices.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// Test length (with --stop-se: the most items a test may have).
    #[arg(long, default_value_t = 20, value_name = "L")]
    pub length: usize,
    /// Variable length: stop when the standard error is ≤ X.
    #[arg(long, value_name = "X")]
    pub stop_se: Option<f64>,
    /// Also report the figures after these many items, e.g. 10,20,40.
    #[arg(long, value_delimiter = ',', value_name = "L1,L2,..")]
    pub report_at: Vec<usize>,
    /// How items are chosen.
    #[arg(long, value_enum, default_value_t = SimMethod::Cat)]
    pub method: SimMethod,
    /// Randomesque exposure control (choose among the --top-k most informative items).
    #[arg(long, value_enum, default_value_t = OnOff::Off)]
    pub exposure: OnOff,
    /// How many best items exposure control chooses among.
    #[arg(long, default_value_t = 5, value_name = "K")]
    pub top_k: usize,
    /// Balance each test across topics.
    #[arg(long, value_enum, default_value_t = OnOff::Off)]
    pub balance: OnOff,
    /// With --items-csv and no topic column: split the items into K topics (item i in
    /// topic i mod K), to measure content balancing.
    #[arg(long, value_name = "K")]
    pub topics: Option<usize>,
    /// Ability at which the first item is chosen.
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "THETA",
        allow_negative_numbers = true
    )]
    pub start: f64,
    /// Worker threads (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Simulate learners through K default quizzes each (of --length questions), with the
    /// real learner model and history, against the same sessions without history, one
    /// quiz as long as all K, and per-topic scores. --simulees sets the learners.
    #[arg(long, value_name = "K")]
    pub sessions: Option<usize>,
    /// With --sessions: growth of every true area ability between sessions (logits).
    #[arg(
        long,
        default_value_t = 0.0,
        value_name = "G",
        allow_negative_numbers = true
    )]
    pub growth: f64,
    /// With --sessions: days between sessions.
    #[arg(long, default_value_t = 7.0, value_name = "D")]
    pub days: f64,
    /// Print the figures as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub bank: BankArgs,
}

fn input(e: impl std::fmt::Display) -> Failure {
    Failure::Usage(e.to_string())
}

fn sim_bank(args: &SimulateArgs) -> Result<(SimBank, String), Failure> {
    if let Some(path) = &args.items_csv {
        if !args.bank.banks.is_empty() || !args.areas.is_empty() {
            return Err(input(
                "--items-csv cannot be combined with --bank or --area",
            ));
        }
        let name = path.display().to_string();
        let text = skillquiz::read_text(path).map_err(input)?;
        let t = skillquiz::parse_items(&name, &text).map_err(input)?;
        let (topics, n_topics) = match args.topics {
            Some(0) => return Err(input("--topics must be at least 1")),
            Some(k) if t.topic_names.len() > 1 => {
                return Err(input(format!(
                    "--topics {k}: {name} already has a topic column"
                )));
            }
            Some(k) => ((0..t.items.len()).map(|i| i % k).collect(), k),
            None => (t.topics, t.topic_names.len()),
        };
        return Ok((
            SimBank {
                items: t.items,
                topics,
                n_topics,
            },
            name,
        ));
    }
    if args.topics.is_some() {
        return Err(input("--topics only applies to --items-csv"));
    }
    let catalog = load(&args.bank)?;
    for a in &args.areas {
        if catalog.area(a).is_none() {
            let known: Vec<&str> = catalog.areas.iter().map(|a| a.id.as_str()).collect();
            return Err(input(format!(
                "unknown area `{a}` (known areas: {})",
                known.join(", ")
            )));
        }
    }
    let mut names: Vec<&str> = Vec::new();
    let mut bank = SimBank {
        items: Vec::new(),
        topics: Vec::new(),
        n_topics: 0,
    };
    for q in catalog.questions.iter().filter(|q| {
        q.kind.is_graded() && (args.areas.is_empty() || args.areas.iter().any(|a| *a == q.area))
    }) {
        let t = match names.iter().position(|n| *n == q.topic) {
            Some(t) => t,
            None => {
                names.push(&q.topic);
                names.len() - 1
            }
        };
        bank.items.push(irt::item_of(q));
        bank.topics.push(t);
    }
    bank.n_topics = names.len();
    Ok((bank, "question banks".into()))
}

/// The most simulees one run takes (each costs memory for its test).
const MAX_SIMULEES: usize = 10_000_000;

fn simulees(args: &SimulateArgs) -> Result<Simulees, Failure> {
    if let Some(n) = args.simulees.filter(|&n| n > MAX_SIMULEES) {
        return Err(input(format!(
            "--simulees {n} is more than {MAX_SIMULEES}; run several simulations with other --seed values instead"
        )));
    }
    let mut thetas = match &args.thetas_csv {
        Some(path) => {
            let name = path.display().to_string();
            let text = skillquiz::read_text(path).map_err(input)?;
            let rows = skillquiz::parse_thetas(&name, &text).map_err(input)?;
            if let Some(n) = args.simulees.filter(|&n| n > rows.len()) {
                return Err(input(format!(
                    "--simulees {n}: {name} has only {} rows",
                    rows.len()
                )));
            }
            rows.into_iter().map(|(_, t)| t).collect()
        }
        None => skillquiz::draw_thetas(args.simulees.unwrap_or(1000), args.seed),
    };
    if let Some(n) = args.simulees {
        thetas.truncate(n);
    }
    let uniforms = match &args.uniforms_csv {
        Some(path) => {
            let name = path.display().to_string();
            let text = skillquiz::read_text(path).map_err(input)?;
            let rows = skillquiz::parse_uniforms_first(&name, &text, args.length).map_err(input)?;
            if rows.len() < thetas.len() {
                return Err(input(format!(
                    "{name}: {} rows of uniforms for {} simulees",
                    rows.len(),
                    thetas.len()
                )));
            }
            let need = args.length;
            if let Some((id, us)) = rows.iter().find(|(_, us)| us.len() < need) {
                return Err(input(format!(
                    "{name}: simulee {id} has {} uniforms but tests may run to {need} items",
                    us.len()
                )));
            }
            Some(rows.into_iter().map(|(_, us)| us).collect())
        }
        None => None,
    };
    Ok(Simulees { thetas, uniforms })
}

#[derive(Serialize)]
struct JsonReport<'a> {
    bank: &'a str,
    method: &'static str,
    exposure_top_k: usize,
    balance: bool,
    seed: u64,
    start: f64,
    threads: usize,
    #[serde(flatten)]
    report: &'a SimReport,
    wall_seconds: f64,
}

pub fn run(args: SimulateArgs) -> Result<std::process::ExitCode, Failure> {
    if let Some(k) = args.sessions {
        return sessions(&args, k);
    }
    if args.top_k == 0 {
        return Err(input("--top-k must be at least 1"));
    }
    let (bank, bank_name) = sim_bank(&args)?;
    let people = simulees(&args)?;
    let mut report_at = args.report_at.clone();
    if report_at.is_empty() && args.stop_se.is_none() {
        report_at.push(args.length);
    }
    report_at.sort_unstable();
    report_at.dedup();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let cfg = SimConfig {
        selector: Selector {
            method: match args.method {
                SimMethod::Cat => Method::MaxInfo,
                SimMethod::Random => Method::Random,
            },
            top_k: if args.exposure == OnOff::On {
                args.top_k
            } else {
                1
            },
            balance: args.balance == OnOff::On,
        },
        max_items: args.length,
        se_target: args.stop_se,
        report_at,
        seed: args.seed,
        start: args.start,
        grid: Grid::default(),
        threads,
    };
    let bar = if io::stderr().is_terminal() {
        indicatif::ProgressBar::new(people.thetas.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let report = skillquiz::simulate(&bank, &people, &cfg, &|done| bar.set_position(done as u64))
        .map_err(input)?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let method = match args.method {
        SimMethod::Cat => "cat",
        SimMethod::Random => "random",
    };
    let mut out = io::stdout().lock();
    if args.json {
        let doc = JsonReport {
            bank: &bank_name,
            method,
            exposure_top_k: cfg.selector.top_k,
            balance: cfg.selector.balance,
            seed: args.seed,
            start: args.start,
            threads,
            report: &report,
            wall_seconds: wall,
        };
        crate::write_json(&mut out, &doc)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let onoff = |b: bool| if b { "on" } else { "off" };
    writeln!(
        out,
        "{} simulees, {} items ({}), method {method}, exposure control {}, content balancing {}, seed {}",
        report.simulees,
        report.bank_items,
        super::render::clean(&bank_name),
        if cfg.selector.top_k > 1 {
            format!("top {}", cfg.selector.top_k)
        } else {
            "off".into()
        },
        onoff(cfg.selector.balance),
        args.seed
    )?;
    if !report.at_length.is_empty() {
        writeln!(out, "\n  length    RMSE     bias  mean SE")?;
        for r in &report.at_length {
            writeln!(
                out,
                "  {:>6}  {:.4}  {:+.4}   {:.4}",
                r.length, r.rmse, r.bias, r.mean_se
            )?;
        }
    }
    if let Some(v) = &report.variable {
        writeln!(
            out,
            "\n  stop at SE ≤ {} (at most {} items): mean length {:.2} (median {}), {:.1}% reached the target\n  RMSE {:.4}, bias {:+.4}, mean SE {:.4}",
            v.se_target,
            v.max_items,
            v.mean_length,
            v.median_length,
            v.pct_reached,
            v.rmse,
            v.bias,
            v.mean_se
        )?;
    }
    writeln!(
        out,
        "\n  mean test length {:.2}; most-exposed item seen by {:.1}% of simulees",
        report.mean_length,
        100.0 * report.max_exposure
    )?;
    writeln!(out, "  wall time {:.3} s ({threads} threads)", wall)?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// The upper bound on learners × sessions × questions, to keep a mistyped flag from
/// running for hours.
const MAX_SESSION_WORK: usize = 50_000_000;

fn sessions(args: &SimulateArgs, k: usize) -> Result<std::process::ExitCode, Failure> {
    if args.items_csv.is_some() || args.thetas_csv.is_some() || args.uniforms_csv.is_some() {
        return Err(input(
            "--sessions simulates learners on question banks; it takes no CSV inputs",
        ));
    }
    if !(args.growth.is_finite() && args.days.is_finite() && args.days >= 0.0) {
        return Err(input("--growth must be a number and --days a number ≥ 0"));
    }
    let learners = args.simulees.unwrap_or(1000);
    if learners.saturating_mul(k).saturating_mul(args.length) > MAX_SESSION_WORK {
        return Err(input(format!(
            "--simulees × --sessions × --length is more than {MAX_SESSION_WORK} answers"
        )));
    }
    let mut cat = load(&args.bank)?;
    if !args.areas.is_empty() {
        for a in &args.areas {
            if cat.area(a).is_none() {
                return Err(input(format!("unknown area `{a}`")));
            }
        }
        cat.areas.retain(|a| args.areas.contains(&a.id));
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let cfg = skillquiz::SessionsConfig {
        learners,
        sessions: k,
        count: args.length,
        growth: args.growth,
        days_between: args.days,
        seed: args.seed,
        threads,
    };
    let bar = if io::stderr().is_terminal() {
        indicatif::ProgressBar::new(learners as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let r = skillquiz::simulate_sessions(&cat, &cfg, &|done| bar.set_position(done as u64))
        .map_err(input)?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut out = io::stdout().lock();
    if args.json {
        #[derive(Serialize)]
        struct Doc<'a> {
            seed: u64,
            threads: usize,
            #[serde(flatten)]
            report: &'a skillquiz::SessionsReport,
            wall_seconds: f64,
        }
        crate::write_json(
            &mut out,
            &Doc {
                seed: args.seed,
                threads,
                report: &r,
                wall_seconds: wall,
            },
        )?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let pct = |x: f64| format!("{:5.1}%", 100.0 * x);
    writeln!(
        out,
        "{} learners, {} sessions of {} questions, {} days apart, growth {:+} per session, seed {}",
        r.learners, r.sessions, r.count, r.days_between, r.growth, args.seed
    )?;
    writeln!(
        out,
        "\n  most likely level right    with history          each quiz alone     per-topic scores"
    )?;
    writeln!(
        out,
        "  session  asked      areas  topics settled     areas  topics          topics"
    )?;
    for (s, (h, a)) in r.with_history.iter().zip(&r.alone).enumerate() {
        writeln!(
            out,
            "  {:>7}  {:>5.1}     {}  {}  {}    {}  {}          {}",
            s + 1,
            h.questions,
            pct(h.area_accuracy),
            pct(h.topic_accuracy),
            pct(h.topic_settled),
            pct(a.area_accuracy),
            pct(a.topic_accuracy),
            pct(r.scores_topic_accuracy[s])
        )?;
    }
    writeln!(
        out,
        "\n  one quiz of {} questions ({:.1} asked): areas {}, topics {}, topics settled {}",
        r.count * r.sessions,
        r.long.questions,
        pct(r.long.area_accuracy),
        pct(r.long.topic_accuracy),
        pct(r.long.topic_settled)
    )?;
    let last = r.with_history.last().expect("at least one session");
    writeln!(
        out,
        "\n  calibration after session {} (areas and topics): said → right (verdicts)",
        r.sessions
    )?;
    for b in &last.calibration {
        writeln!(
            out,
            "    {:>3.0}–{:<3.0}%  {}  →  {}  ({})",
            100.0 * b.lo,
            100.0 * b.lo + 10.0,
            pct(b.said),
            pct(b.right),
            b.count
        )?;
    }
    writeln!(
        out,
        "  settled verdicts right: {}\n  wall time {:.2} s ({threads} threads)",
        pct(last.settled_right),
        wall
    )?;
    Ok(std::process::ExitCode::SUCCESS)
}
