//! skillquiz: a skill self-assessment engine for the road to Machine Learning Engineer.
//!
//! Question banks written in RON are loaded (and so validated) into a [`Catalog`]; a
//! [`Quiz`] picks questions and grades answers; a [`Scorecard`] sums one attempt up per
//! topic and area; a [`LearnerModel`] combines every attempt into a verdict per area and
//! topic with how sure it is; [`recommend`] turns weak spots into next steps on the
//! seven-step roadmap. [`history`] keeps every answer in SQLite.
//!
//! ```
//! use skillquiz::{Answer, Catalog, Learner, Quiz, QuizSpec, Scorecard, recommend};
//!
//! let catalog = Catalog::builtin().expect("the built-in banks are valid");
//! let spec = QuizSpec { areas: vec!["maths".into()], count: 3, ..QuizSpec::default() };
//! let mut quiz = Quiz::new(&catalog, &spec, 7).expect("maths has questions");
//! while let Some(item) = quiz.current() {
//!     let _ = item.question.prompt.len(); // show it to someone, read their answer
//!     quiz.answer(Answer::Skip, 0.0); // "don't know" scores 0
//! }
//! let scorecard = Scorecard::new(&catalog, quiz.responses());
//! assert_eq!(scorecard.questions_answered(), 3);
//! assert_eq!(scorecard.overall(), Some(0.0));
//! // Every maths topic missed: the plan starts at roadmap step 1, foundations.
//! let learner = Learner::from_responses(&catalog, quiz.responses(), 0);
//! let plan = recommend(&catalog, &learner);
//! assert_eq!(plan[0].step, 1);
//! ```

mod analyze;
mod bank;
pub mod cbm;
mod error;
pub mod evidence;
pub mod history;
pub mod interop;
pub mod irt;
pub mod learner;
mod plan;
mod quiz;
mod report;
pub mod review;
mod sim;
mod teach;
mod text;

pub use analyze::{
    ALPHA_SATISFACTORY, ALPHA_UNSATISFACTORY, Added, AlphaReading, AnalyzeError, ChoiceCount,
    ClassAnalysis, DISCRIMINATION_LOW, Duplicate, FACILITY_HIGH, FACILITY_LOW, Flag, ItemAnalysis,
    ItemStats, MARK_UNITS, MIN_DISCRIMINATION_RESULTS, SMALL_CLASS, SavedAnswer, SavedAttempt,
    SavedResult, TestStats, analyze, correlation, covariance, cronbach_alpha, mark_units,
    max_covariance, mean, read_result, standard_error, variance,
};
pub use bank::MIN_QUESTIONS_PER_TOPIC;
pub use bank::raw;
pub use bank::{
    Area, BUILTIN_BANKS, BUILTIN_ROADMAP, BankErrors, BankInfo, Catalog, CatalogBuilder, Choice,
    Diagnostic, Difficulty, ItemParams, Kind, Locator, MAX_FILE_BYTES, Marks, Origin, Problem,
    Question, Resource, ResourceKind, Severity, Source, Step, Tolerance, Topic, lint, valid_id,
};
pub use error::{Error, Result};
pub use evidence::{Answer, AttemptSpec, Response};
pub use interop::gift::{Exported as GiftExport, export_gift, import_gift};
pub use interop::moodle_xml::{MoodleXmlExport, export_moodle_xml, import_moodle_xml};
pub use interop::{
    ImportOptions as GiftImportOptions, Imported as GiftImport, Issue as GiftIssue,
    IssueKind as GiftIssueKind, Unsupported as GiftUnsupported, bank_to_ron,
};
pub use learner::Learner;
pub use learner::level::{
    DEVELOPING, DEVELOPING_THETA, LEVEL_CUTS, Level, MIN_AREA_EVIDENCE, MIN_TOPIC_EVIDENCE, STRONG,
    STRONG_THETA, level_of_theta, settled,
};
pub use learner::model::{Evidence, LearnerModel, Verdict};
pub use learner::scorecard::{Scorecard, Stat, area_ability};
pub use plan::Link;
pub use plan::{PlanEntry, Recommendation, recommend};
pub use quiz::{
    AdaptiveSpec, AnswerError, Graded, Item, Prior, Quiz, QuizError, QuizSpec, RECENT_ATTEMPTS,
    describe_answer, describe_key, grade, hint, in_shown_order, letter, parse_answer,
};
pub use quiz::{MAX_PRETEST, PRETEST_EVERY};
pub use report::{
    AreaResult, AttemptFacts, AttemptRef, BankRef, Ended, LearnerResult, LevelProbabilities,
    Missed, Mode, QuestionResult, QuizResult, RESULT_FORMAT_VERSION, ResultError, ReviewDue,
    TopicResult, VerdictResult,
};
pub use sim::calibration::{draw_calibration_items, simulate_adaptive, simulate_full_forms};
pub use sim::csv::{
    CsvError, ItemTable, parse_items, parse_thetas, parse_uniforms, parse_uniforms_first, read_text,
};
pub use sim::sessions::{
    CalibrationBin, Figures, SessionsConfig, SessionsError, SessionsReport, simulate_sessions,
};
pub use sim::{
    LengthStats, SimBank, SimConfig, SimError, SimReport, Simulees, VariableStats, draw_thetas,
    simulate,
};
pub use teach::calibrate as calibration;
pub use teach::ron_edit;
pub use teach::{
    AreaCount, BankStats, KindCount, StepCount, TemplateError, TopicStats, bank_stats,
    bank_template, title_from_id, write_atomic,
};
pub use text::{fold_text, is_unsafe_char};
