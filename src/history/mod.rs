//! The history store: every attempt and every answer, in one SQLite file.
//!
//! The only module that knows SQL. Settings follow what a history that two terminals write
//! at once needs: WAL (readers never block the writer), `synchronous = FULL` (a committed
//! answer survives a power cut), a busy timeout, and one transaction per answer, so an
//! interruption of any kind loses at most the question on screen. Inserts are idempotent
//! by attempt id and position, so importing the same export twice changes nothing.
//!
//! A file that is not a database, is corrupt, is locked past the timeout, or has a newer
//! schema is an error naming the file; it is never overwritten or recreated.

mod schema;

pub use schema::LATEST as SCHEMA_VERSION;

use crate::evidence::{Answer, AttemptSpec, BankRef, Ended, Mode, Response};
use crate::learner::model::{Evidence, HALF_LIFE_DAYS, REFERENCE_TIME, Total, reference_weight};
use crate::review::{Card, Grade};
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database's file name inside the data directory.
pub const FILE_NAME: &str = "history.sqlite3";

/// How long a write waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the history could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    #[error("cannot use the data directory {dir}: {reason}")]
    DataDir { dir: PathBuf, reason: String },
    #[error("{path} is not a skillquiz history database, or it is corrupt ({reason})")]
    Corrupt { path: PathBuf, reason: String },
    #[error("{path} is locked by another program for longer than {}s", BUSY_TIMEOUT.as_secs())]
    Locked { path: PathBuf },
    #[error("{path} has schema version {found}, newer than this skillquiz knows ({supported})")]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("{path}: {operation} failed: {reason}")]
    Sql {
        path: PathBuf,
        operation: &'static str,
        reason: String,
    },
    #[error("no attempt with an id starting `{0}`")]
    NoSuchAttempt(String),
    #[error("`{prefix}` matches {count} attempts; give more of the id")]
    Ambiguous { prefix: String, count: usize },
}

pub type Result<T, E = HistoryError> = std::result::Result<T, E>;

/// One attempt's row.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptInfo {
    pub id: String,
    /// Unix time, seconds.
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub skillquiz_version: String,
    pub mode: Mode,
    pub seed: u64,
    pub spec: AttemptSpec,
    pub banks: Vec<BankRef>,
    /// `None` while running, or when the process was killed.
    pub ended: Option<Ended>,
}

impl AttemptInfo {
    /// True when the attempt can be resumed: it did not run to its end.
    pub fn unfinished(&self) -> bool {
        self.ended != Some(Ended::Completed)
    }
}

/// One answer as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub response: Response,
    pub bank: String,
    pub bank_version: String,
    /// Unix time, seconds.
    pub answered_at: i64,
}

/// An attempt with its answers in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub info: AttemptInfo,
    pub responses: Vec<Recorded>,
}

/// A line of `history`: the attempt and its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptSummary {
    pub info: AttemptInfo,
    /// Graded answers (skips included).
    pub graded: usize,
    /// Sum of their scores.
    pub score_sum: f64,
}

/// One review, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    /// Unix seconds.
    pub at: i64,
    pub grade: Grade,
    pub answer: Answer,
    pub score: f64,
    pub seconds: f64,
    pub interval_days: f64,
}

/// The history database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Adaptive => "adaptive",
        Mode::Fixed => "fixed",
    }
}

fn ended_str(e: Ended) -> &'static str {
    match e {
        Ended::Completed => "completed",
        Ended::Quit => "quit",
        Ended::Interrupted => "interrupted",
        Ended::InputEnded => "input_ended",
    }
}

fn parse_ended(s: &str) -> Option<Ended> {
    Some(match s {
        "completed" => Ended::Completed,
        "quit" => Ended::Quit,
        "interrupted" => Ended::Interrupted,
        "input_ended" => Ended::InputEnded,
        _ => return None,
    })
}

impl Store {
    /// Opens (creating if needed) the history in data directory `dir`, which is created
    /// when missing.
    pub fn open_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| HistoryError::DataDir {
            dir: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        Store::open(&dir.join(FILE_NAME))
    }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_at_version(path, schema::LATEST)
    }

    /// Opens the database and upgrades it only as far as `version` (tests of upgrades).
    #[doc(hidden)]
    pub fn open_at_version(path: &Path, version: u32) -> Result<Store> {
        let path = path.to_path_buf();
        let conn = Connection::open(&path).map_err(|e| open_error(&path, e))?;
        let store = Store { conn, path };
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| store.err("setting the busy timeout", e))?;
        let found: u32 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store.err("reading the schema version", e))?;
        if found > schema::LATEST {
            return Err(HistoryError::TooNew {
                path: store.path.clone(),
                found,
                supported: schema::LATEST,
            });
        }
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| store.err("switching to WAL", e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(HistoryError::DataDir {
                dir: store.path.parent().unwrap_or(Path::new(".")).to_path_buf(),
                reason: format!("the database cannot use WAL here (journal mode {mode})"),
            });
        }
        store
            .conn
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(|e| store.err("setting durability", e))?;
        store.migrate(found, version)?;
        if version >= 3 {
            store.check_totals()?;
        }
        Ok(store)
    }

    /// The model constants the totals were computed with.
    fn totals_key() -> String {
        format!("half-life {HALF_LIFE_DAYS} days, reference {REFERENCE_TIME}")
    }

    /// Rebuilds the evidence totals when they were made with other model constants (or
    /// never, right after the upgrade that added them).
    fn check_totals(&self) -> Result<()> {
        let key: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'totals'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err("reading the evidence totals", e))?;
        if key.as_deref() == Some(Store::totals_key().as_str()) {
            return Ok(());
        }
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| self.err("rebuilding the evidence totals", e))?;
        rebuild_totals(&tx).map_err(|e| self.err("rebuilding the evidence totals", e))?;
        tx.commit()
            .map_err(|e| self.err("rebuilding the evidence totals", e))
    }

    /// The learner model's evidence in summed form: every graded answer, per question and
    /// outcome.
    pub fn totals(&self) -> Result<Vec<Total>> {
        let mut st = self
            .conn
            .prepare("SELECT question_id, correct, answers, weight FROM evidence_totals WHERE answers > 0")
            .map_err(|e| self.err("reading the evidence totals", e))?;
        let rows = st
            .query_map([], |r| {
                Ok(Total {
                    question: r.get(0)?,
                    correct: r.get(1)?,
                    answers: r.get::<_, i64>(2)? as usize,
                    weight: r.get(3)?,
                })
            })
            .map_err(|e| self.err("reading the evidence totals", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err("reading the evidence totals", e))
    }

    /// The totals without the answers of attempts that started at or after `started_at`:
    /// the evidence an attempt that started then began with.
    pub fn totals_before(&self, started_at: i64) -> Result<Vec<Total>> {
        let mut totals = self.totals()?;
        let mut st = self
            .conn
            .prepare(
                "SELECT r.question_id, r.correct, r.answered_at FROM responses r
                 JOIN attempts a ON a.id = r.attempt_id
                 WHERE r.graded AND a.started_at >= ?1",
            )
            .map_err(|e| self.err("reading the evidence", e))?;
        let later = st
            .query_map([started_at], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err("reading the evidence", e))?;
        subtract_answers(&mut totals, &later);
        Ok(totals)
    }

    /// Applies the missing upgrade steps up to `to`, one transaction each. The version is
    /// read again inside each write transaction, so two programs opening a new or old
    /// file at the same moment never apply a step twice.
    fn migrate(&self, from: u32, to: u32) -> Result<()> {
        if from >= to {
            return Ok(());
        }
        loop {
            let step = |conn: &Connection| -> rusqlite::Result<bool> {
                conn.execute_batch("BEGIN IMMEDIATE")?;
                let now: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                if now >= to {
                    conn.execute_batch("COMMIT")?;
                    return Ok(false);
                }
                conn.execute_batch(schema::MIGRATIONS[now as usize])?;
                conn.execute_batch(&format!("PRAGMA user_version = {}; COMMIT;", now + 1))?;
                Ok(true)
            };
            match step(&self.conn) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    return Err(self.err("upgrading the schema", e));
                }
            }
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err("reading the schema version", e))
    }

    fn err(&self, operation: &'static str, e: rusqlite::Error) -> HistoryError {
        classify(&self.path, operation, e)
    }

    /// Records the start of an attempt (no answers yet). An attempt with the same id
    /// already there is left as it is.
    pub fn begin(&self, info: &AttemptInfo) -> Result<()> {
        insert_attempt(&self.conn, info, "INSERT OR IGNORE")
            .map_err(|e| self.err("recording the attempt", e))?;
        Ok(())
    }

    /// Records answer number `seq` (0-based) of attempt `id`, committed at once. Recording
    /// the same position twice keeps the first.
    pub fn record(&self, id: &str, seq: usize, r: &Recorded) -> Result<()> {
        let fail = |e| self.err("recording an answer", e);
        let tx = self.conn.unchecked_transaction().map_err(fail)?;
        if insert_response(&tx, id, seq, r, "INSERT OR IGNORE").map_err(fail)? == 1 {
            add_total(&tx, r).map_err(fail)?;
            add_card(&tx, r).map_err(fail)?;
        }
        tx.commit().map_err(fail)
    }

    /// Marks attempt `id` as ended, how and when.
    pub fn finish(&self, id: &str, ended: Ended, at: i64) -> Result<()> {
        self.conn
            .execute(
                "UPDATE attempts SET ended = ?2, ended_at = ?3 WHERE id = ?1",
                params![id, ended_str(ended), at],
            )
            .map_err(|e| self.err("recording the end of the attempt", e))?;
        Ok(())
    }

    /// Marks attempt `id` as running again (it is being resumed).
    pub fn reopen(&self, id: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE attempts SET ended = NULL, ended_at = NULL WHERE id = ?1",
                params![id],
            )
            .map_err(|e| self.err("reopening the attempt", e))?;
        Ok(())
    }

    fn info_from_row(&self, r: &rusqlite::Row) -> rusqlite::Result<AttemptInfo> {
        let spec: String = r.get(6)?;
        let banks: String = r.get(7)?;
        let mode: String = r.get(4)?;
        let ended: Option<String> = r.get(8)?;
        let bad = |what: &str, e: String| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("{what}: {e}").into(),
            )
        };
        Ok(AttemptInfo {
            id: r.get(0)?,
            started_at: r.get(1)?,
            ended_at: r.get(2)?,
            skillquiz_version: r.get(3)?,
            mode: if mode == "fixed" {
                Mode::Fixed
            } else {
                Mode::Adaptive
            },
            seed: r.get::<_, i64>(5)? as u64,
            spec: serde_json::from_str(&spec).map_err(|e| bad("spec", e.to_string()))?,
            banks: serde_json::from_str(&banks).map_err(|e| bad("banks", e.to_string()))?,
            ended: ended.as_deref().and_then(parse_ended),
        })
    }

    const INFO_COLUMNS: &'static str =
        "id, started_at, ended_at, skillquiz_version, mode, seed, spec, banks, ended";

    /// Every attempt with its totals, oldest first.
    pub fn attempts(&self) -> Result<Vec<AttemptSummary>> {
        let sql = format!(
            "SELECT {}, (SELECT COUNT(*) FROM responses r WHERE r.attempt_id = a.id AND r.graded),
                    (SELECT TOTAL(score) FROM responses r WHERE r.attempt_id = a.id AND r.graded)
             FROM attempts a ORDER BY started_at, id",
            Store::INFO_COLUMNS
        );
        let mut st = self
            .conn
            .prepare(&sql)
            .map_err(|e| self.err("listing attempts", e))?;
        let rows = st
            .query_map([], |r| {
                Ok(AttemptSummary {
                    info: self.info_from_row(r)?,
                    graded: r.get::<_, i64>(9)? as usize,
                    score_sum: r.get(10)?,
                })
            })
            .map_err(|e| self.err("listing attempts", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err("listing attempts", e))
    }

    /// Every attempt's id, start and end (Unix seconds), oldest first: cheaper than
    /// [`Store::attempts`].
    pub fn attempt_times(&self) -> Result<Vec<(String, i64, Option<i64>)>> {
        let mut st = self
            .conn
            .prepare("SELECT id, started_at, ended_at FROM attempts ORDER BY started_at, id")
            .map_err(|e| self.err("listing attempts", e))?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err("listing attempts", e))
    }

    /// The attempt whose id is `id` or starts with it.
    pub fn attempt(&self, id: &str) -> Result<Attempt> {
        let pattern = format!("{}%", id.replace(['%', '_'], ""));
        let sql = format!(
            "SELECT {} FROM attempts WHERE id LIKE ?1 LIMIT 2",
            Store::INFO_COLUMNS
        );
        let mut st = self
            .conn
            .prepare(&sql)
            .map_err(|e| self.err("finding the attempt", e))?;
        let found: Vec<AttemptInfo> = st
            .query_map([&pattern], |r| self.info_from_row(r))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err("finding the attempt", e))?;
        match found.len() {
            0 => Err(HistoryError::NoSuchAttempt(id.to_string())),
            1 => {
                let info = found.into_iter().next().expect("one");
                let responses = self.responses(&info.id)?;
                Ok(Attempt { info, responses })
            }
            _ => {
                let count: usize = self
                    .conn
                    .query_row(
                        "SELECT COUNT(*) FROM attempts WHERE id LIKE ?1",
                        [&pattern],
                        |r| r.get::<_, i64>(0),
                    )
                    .map_err(|e| self.err("finding the attempt", e))?
                    as usize;
                Err(HistoryError::Ambiguous {
                    prefix: id.to_string(),
                    count,
                })
            }
        }
    }

    /// The answers of attempt `id`, in the order given.
    pub fn responses(&self, id: &str) -> Result<Vec<Recorded>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT question_id, topic, area, bank, bank_version, answer, score, correct,
                        graded, seconds, answered_at, choice_order, certainty
                 FROM responses WHERE attempt_id = ?1 ORDER BY seq",
            )
            .map_err(|e| self.err("reading answers", e))?;
        let rows = st
            .query_map([id], |r| {
                let answer: String = r.get(5)?;
                let order: String = r.get(11)?;
                let conv = |e: serde_json::Error| {
                    rusqlite::Error::FromSqlConversionFailure(
                        5,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                };
                Ok(Recorded {
                    response: Response {
                        id: r.get(0)?,
                        topic: r.get(1)?,
                        area: r.get(2)?,
                        answer: serde_json::from_str::<Answer>(&answer).map_err(conv)?,
                        score: r.get(6)?,
                        correct: r.get(7)?,
                        graded: r.get(8)?,
                        order: serde_json::from_str(&order).map_err(conv)?,
                        seconds: r.get(9)?,
                        certainty: r.get(12)?,
                    },
                    bank: r.get(3)?,
                    bank_version: r.get(4)?,
                    answered_at: r.get(10)?,
                })
            })
            .map_err(|e| self.err("reading answers", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err("reading answers", e))
    }

    /// Every graded answer of attempts that started before `before` (all when `None`),
    /// oldest first: the learner model's evidence.
    pub fn evidence(&self, before: Option<i64>) -> Result<Vec<Evidence>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT r.question_id, r.correct, r.answered_at FROM responses r
                 JOIN attempts a ON a.id = r.attempt_id
                 WHERE r.graded AND a.started_at < ?1
                 ORDER BY r.answered_at, a.started_at, r.attempt_id, r.seq",
            )
            .map_err(|e| self.err("reading the evidence", e))?;
        let rows = st
            .query_map([before.unwrap_or(i64::MAX)], |r| {
                Ok(Evidence {
                    question: r.get(0)?,
                    correct: r.get(1)?,
                    at: r.get(2)?,
                })
            })
            .map_err(|e| self.err("reading the evidence", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err("reading the evidence", e))
    }

    /// The questions asked in the last `attempts` attempts that started before `before`.
    pub fn recent_questions(
        &self,
        attempts: usize,
        before: Option<i64>,
    ) -> Result<HashSet<String>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT DISTINCT question_id FROM responses WHERE attempt_id IN
                 (SELECT id FROM attempts WHERE started_at < ?1
                  ORDER BY started_at DESC, id DESC LIMIT ?2)",
            )
            .map_err(|e| self.err("reading recent questions", e))?;
        let rows = st
            .query_map(params![before.unwrap_or(i64::MAX), attempts as i64], |r| {
                r.get::<_, String>(0)
            })
            .map_err(|e| self.err("reading recent questions", e))?;
        rows.collect::<rusqlite::Result<HashSet<_>>>()
            .map_err(|e| self.err("reading recent questions", e))
    }

    /// The responses of the last `attempts` attempts, oldest first.
    pub fn recent_responses(&self, attempts: usize) -> Result<Vec<Response>> {
        let ids: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT id FROM attempts ORDER BY started_at DESC, id DESC LIMIT ?1")
                .map_err(|e| self.err("reading recent attempts", e))?;
            st.query_map([attempts as i64], |r| r.get(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<String>>>())
                .map_err(|e| self.err("reading recent attempts", e))?
        };
        let mut out = Vec::new();
        for id in ids.iter().rev() {
            out.extend(self.responses(id)?.into_iter().map(|r| r.response));
        }
        Ok(out)
    }

    /// The graded answers `(question, correct, answered_at)` of attempt `id`, in order.
    pub fn graded_answers(&self, id: &str) -> Result<Vec<(String, bool, i64)>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT question_id, correct, answered_at FROM responses
                 WHERE attempt_id = ?1 AND graded ORDER BY seq",
            )
            .map_err(|e| self.err("reading answers", e))?;
        st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err("reading answers", e))
    }

    /// How many attempts there are.
    pub fn attempt_count(&self) -> Result<usize> {
        self.conn
            .query_row("SELECT COUNT(*) FROM attempts", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.err("counting attempts", e))
    }

    /// Review cards due at `now`, the longest overdue first, at most `limit`.
    pub fn due_cards(&self, now: i64, limit: usize) -> Result<Vec<Card>> {
        let mut st = self
            .conn
            .prepare(
                "SELECT question_id, created_at, due_at, stability, difficulty, last_review,
                        reviews, lapses
                 FROM review_cards WHERE due_at <= ?1 ORDER BY due_at, question_id LIMIT ?2",
            )
            .map_err(|e| self.err("reading the review schedule", e))?;
        st.query_map(params![now, limit.min(i64::MAX as usize) as i64], |r| {
            let stability: Option<f64> = r.get(3)?;
            let difficulty: Option<f64> = r.get(4)?;
            Ok(Card {
                question: r.get(0)?,
                created_at: r.get(1)?,
                due_at: r.get(2)?,
                memory: stability.zip(difficulty).map(|(s, d)| (s as f32, d as f32)),
                last_review: r.get(5)?,
                reviews: r.get(6)?,
                lapses: r.get(7)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        .map_err(|e| self.err("reading the review schedule", e))
    }

    /// How many cards are due at `now`, and when the next one after it is due (with how
    /// many are due within a day of it).
    pub fn review_counts(&self, now: i64) -> Result<(usize, Option<(i64, usize)>)> {
        let fail = |e| self.err("reading the review schedule", e);
        let due: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM review_cards WHERE due_at <= ?1",
                [now],
                |r| r.get(0),
            )
            .map_err(fail)?;
        let next: Option<i64> = self
            .conn
            .query_row(
                "SELECT MIN(due_at) FROM review_cards WHERE due_at > ?1",
                [now],
                |r| r.get(0),
            )
            .map_err(fail)?;
        let next = match next {
            Some(t) => {
                let n: i64 = self
                    .conn
                    .query_row(
                        "SELECT COUNT(*) FROM review_cards WHERE due_at > ?1 AND due_at < ?2",
                        [now, t + 86_400],
                        |r| r.get(0),
                    )
                    .map_err(fail)?;
                Some((t, n as usize))
            }
            None => None,
        };
        Ok((due as usize, next))
    }

    /// Saves a review: the card's new schedule and the log entry, in one transaction.
    pub fn save_review(&self, card: &Card, review: &ReviewRecord) -> Result<()> {
        let fail = |e| self.err("recording a review", e);
        let tx = self.conn.unchecked_transaction().map_err(fail)?;
        tx.execute(
            "UPDATE review_cards SET due_at = ?2, stability = ?3, difficulty = ?4,
                    last_review = ?5, reviews = ?6, lapses = ?7
             WHERE question_id = ?1",
            params![
                card.question,
                card.due_at,
                card.memory.map(|m| f64::from(m.0)),
                card.memory.map(|m| f64::from(m.1)),
                card.last_review,
                card.reviews,
                card.lapses
            ],
        )
        .map_err(fail)?;
        tx.execute(
            "INSERT INTO review_log
             (question_id, reviewed_at, grade, answer, score, seconds, interval_days)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                card.question,
                review.at,
                review.grade.as_str(),
                serde_json::to_string(&review.answer).expect("an answer serializes"),
                review.score,
                review.seconds,
                review.interval_days
            ],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// How many reviews are logged (for tests and `history`).
    pub fn review_log_len(&self) -> Result<usize> {
        self.conn
            .query_row("SELECT COUNT(*) FROM review_log", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .map_err(|e| self.err("reading the review log", e))
    }

    /// The latest attempt that did not run to its end, if any.
    pub fn latest_unfinished(&self) -> Result<Option<AttemptInfo>> {
        let sql = format!(
            "SELECT {} FROM attempts WHERE ended IS NULL OR ended != 'completed'
             ORDER BY started_at DESC, id DESC LIMIT 1",
            Store::INFO_COLUMNS
        );
        self.conn
            .query_row(&sql, [], |r| self.info_from_row(r))
            .optional()
            .map_err(|e| self.err("finding an unfinished attempt", e))
    }

    /// Deletes attempt `id` (or the one its prefix names) with its answers; returns the
    /// full id.
    pub fn forget(&self, id: &str) -> Result<String> {
        let full = self.attempt(id)?.info.id;
        let fail = |e| self.err("forgetting the attempt", e);
        let tx = self.conn.unchecked_transaction().map_err(fail)?;
        tx.execute("DELETE FROM attempts WHERE id = ?1", [&full])
            .map_err(fail)?;
        rebuild_totals(&tx).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(full)
    }

    /// Adds a whole attempt (from an export) in one transaction; returns false, changing
    /// nothing, when an attempt with its id is already there.
    pub fn import(&mut self, a: &Attempt) -> Result<bool> {
        let exists: bool = self
            .conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM attempts WHERE id = ?1)",
                [&a.info.id],
                |r| r.get(0),
            )
            .map_err(|e| self.err("importing", e))?;
        if exists {
            return Ok(false);
        }
        let path = self.path.clone();
        let fail = |e| classify(&path, "importing", e);
        let tx = self.conn.transaction().map_err(fail)?;
        insert_attempt(&tx, &a.info, "INSERT").map_err(fail)?;
        for (seq, r) in a.responses.iter().enumerate() {
            insert_response(&tx, &a.info.id, seq, r, "INSERT").map_err(fail)?;
            add_total(&tx, r).map_err(fail)?;
            add_card(&tx, r).map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        Ok(true)
    }
}

/// A graded answer not fully right puts its question up for review the next day (a
/// card already spaced out further comes back then).
fn add_card(conn: &Connection, r: &Recorded) -> rusqlite::Result<()> {
    if !r.response.graded || r.response.correct {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO review_cards (question_id, created_at, due_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (question_id) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)",
        params![
            r.response.id,
            r.answered_at,
            r.answered_at + crate::review::FIRST_DELAY
        ],
    )?;
    Ok(())
}

/// Adds a graded answer to the evidence totals.
fn add_total(conn: &Connection, r: &Recorded) -> rusqlite::Result<()> {
    if !r.response.graded {
        return Ok(());
    }
    conn.execute(
        "INSERT INTO evidence_totals (question_id, correct, answers, weight) VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (question_id, correct)
         DO UPDATE SET answers = answers + 1, weight = weight + excluded.weight",
        params![
            r.response.id,
            r.response.correct,
            reference_weight(r.answered_at)
        ],
    )?;
    Ok(())
}

/// Recomputes the evidence totals from every graded answer.
fn rebuild_totals(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM evidence_totals", [])?;
    let mut sums: std::collections::BTreeMap<(String, bool), (i64, f64)> = Default::default();
    {
        let mut st =
            conn.prepare("SELECT question_id, correct, answered_at FROM responses WHERE graded")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let s = sums.entry((r.get(0)?, r.get(1)?)).or_default();
            s.0 += 1;
            s.1 += reference_weight(r.get(2)?);
        }
    }
    for ((q, correct), (n, w)) in sums {
        conn.execute(
            "INSERT INTO evidence_totals (question_id, correct, answers, weight) VALUES (?1, ?2, ?3, ?4)",
            params![q, correct, n, w],
        )?;
    }
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('totals', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [Store::totals_key()],
    )?;
    Ok(())
}

/// Adds the answers `(question, correct, answered_at)` to `totals`.
pub fn add_answers(totals: &mut Vec<Total>, answers: &[(String, bool, i64)]) {
    for (q, correct, at) in answers {
        match totals
            .iter_mut()
            .find(|t| t.question == *q && t.correct == *correct)
        {
            Some(t) => {
                t.answers += 1;
                t.weight += reference_weight(*at);
            }
            None => totals.push(Total {
                question: q.clone(),
                correct: *correct,
                answers: 1,
                weight: reference_weight(*at),
            }),
        }
    }
}

/// Takes the answers `(question, correct, answered_at)` out of `totals`.
pub fn subtract_answers(totals: &mut Vec<Total>, answers: &[(String, bool, i64)]) {
    for (q, correct, at) in answers {
        if let Some(t) = totals
            .iter_mut()
            .find(|t| t.question == *q && t.correct == *correct)
        {
            t.answers = t.answers.saturating_sub(1);
            t.weight = (t.weight - reference_weight(*at)).max(0.0);
        }
    }
    totals.retain(|t| t.answers > 0);
}

fn insert_attempt(conn: &Connection, info: &AttemptInfo, verb: &str) -> rusqlite::Result<usize> {
    let spec = serde_json::to_string(&info.spec).expect("a spec serializes");
    let banks = serde_json::to_string(&info.banks).expect("bank refs serialize");
    conn.execute(
        &format!(
            "{verb} INTO attempts
             (id, started_at, ended_at, skillquiz_version, mode, seed, spec, banks, ended)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ),
        params![
            info.id,
            info.started_at,
            info.ended_at,
            info.skillquiz_version,
            mode_str(info.mode),
            info.seed as i64,
            spec,
            banks,
            info.ended.map(ended_str),
        ],
    )
}

fn insert_response(
    conn: &Connection,
    id: &str,
    seq: usize,
    r: &Recorded,
    verb: &str,
) -> rusqlite::Result<usize> {
    let resp = &r.response;
    conn.execute(
        &format!(
            "{verb} INTO responses
             (attempt_id, seq, question_id, topic, area, bank, bank_version, answer, score,
              correct, graded, seconds, answered_at, choice_order, certainty)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ),
        params![
            id,
            seq as i64,
            resp.id,
            resp.topic,
            resp.area,
            r.bank,
            r.bank_version,
            serde_json::to_string(&resp.answer).expect("an answer serializes"),
            resp.score,
            resp.correct,
            resp.graded,
            resp.seconds,
            r.answered_at,
            serde_json::to_string(&resp.order).expect("an order serializes"),
            resp.certainty,
        ],
    )
}

fn open_error(path: &Path, e: rusqlite::Error) -> HistoryError {
    match e.sqlite_error_code() {
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::PermissionDenied) => HistoryError::DataDir {
            dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            reason: format!("cannot open {} for writing ({e})", path.display()),
        },
        _ => classify(path, "opening", e),
    }
}

fn classify(path: &Path, operation: &'static str, e: rusqlite::Error) -> HistoryError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => HistoryError::Corrupt {
            path,
            reason: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            HistoryError::Locked { path }
        }
        Some(ErrorCode::ReadOnly)
        | Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied) => HistoryError::DataDir {
            dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            reason: format!("{} cannot be written ({e})", path.display()),
        },
        _ => HistoryError::Sql {
            path,
            operation,
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(id: &str, started_at: i64) -> AttemptInfo {
        AttemptInfo {
            id: id.into(),
            started_at,
            ended_at: None,
            skillquiz_version: "0.1.0".into(),
            mode: Mode::Adaptive,
            seed: u64::MAX - 3,
            spec: AttemptSpec {
                areas: vec!["maths".into()],
                count: 5,
                ..AttemptSpec::default()
            },
            banks: vec![BankRef {
                name: "maths".into(),
                version: "1.0".into(),
            }],
            ended: None,
        }
    }

    fn answer(id: &str, correct: bool, at: i64) -> Recorded {
        Recorded {
            response: Response {
                id: id.into(),
                topic: "maths.probability".into(),
                area: "maths".into(),
                answer: Answer::Choices(vec![2, 0]),
                score: if correct { 1.0 } else { 0.5 },
                correct,
                graded: true,
                order: vec![2, 0, 1],
                seconds: 3.5,
                certainty: None,
            },
            bank: "maths".into(),
            bank_version: "1.0".into(),
            answered_at: at,
        }
    }

    #[test]
    fn attempts_and_answers_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_dir(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        store.begin(&info("aaaa1111", 100)).unwrap();
        store
            .record("aaaa1111", 0, &answer("q1", true, 110))
            .unwrap();
        store
            .record("aaaa1111", 1, &answer("q2", false, 120))
            .unwrap();
        // The same position twice keeps the first.
        store
            .record("aaaa1111", 1, &answer("q9", true, 130))
            .unwrap();
        store.finish("aaaa1111", Ended::Quit, 140).unwrap();
        let a = store.attempt("aaaa").unwrap();
        assert_eq!(a.info.seed, u64::MAX - 3);
        assert_eq!(a.info.ended, Some(Ended::Quit));
        assert_eq!(a.info.ended_at, Some(140));
        assert_eq!(
            a.responses,
            vec![answer("q1", true, 110), answer("q2", false, 120)]
        );
        assert_eq!(store.latest_unfinished().unwrap().unwrap().id, "aaaa1111");
        let ev = store.evidence(None).unwrap();
        assert_eq!(ev.len(), 2);
        let totals = store.totals().unwrap();
        assert_eq!(totals.len(), 2);
        assert!(store.totals_before(100).unwrap().is_empty());
        assert!(ev[0].correct && !ev[1].correct && ev[1].at == 120);
        assert!(store.evidence(Some(100)).unwrap().is_empty());
        assert_eq!(store.recent_questions(1, None).unwrap().len(), 2);
        // Import is idempotent by id.
        let mut other = Store::open(&dir.path().join("other.sqlite3")).unwrap();
        assert!(other.import(&a).unwrap());
        assert!(!other.import(&a).unwrap());
        assert_eq!(other.attempt("aaaa1111").unwrap(), a);
        assert_eq!(store.forget("aa").unwrap(), "aaaa1111");
        assert!(matches!(
            store.attempt("aa"),
            Err(HistoryError::NoSuchAttempt(_))
        ));
    }

    #[test]
    fn upgrades_from_every_earlier_version_keep_the_data() {
        for from in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(FILE_NAME);
            {
                let old = Store::open_at_version(&path, from).unwrap();
                assert_eq!(old.schema_version().unwrap(), from);
                if from >= 1 {
                    // Rows as a build of that version wrote them (the tables of step 1).
                    old.conn
                        .execute_batch(
                            "INSERT INTO attempts VALUES ('old', 5, NULL, '0.1.0', 'adaptive', 1,
                               '{\"areas\":[],\"topics\":[],\"count\":5}', '[]', NULL);
                             INSERT INTO responses VALUES ('old', 0, 'q1', 'maths.probability',
                               'maths', 'maths', '1.0', '\"skip\"', 0.0, 0, 1, 2.0, 6, '[]');",
                        )
                        .unwrap();
                }
                if from >= 4 {
                    // A build of version 4 made a review card for each miss.
                    old.conn
                        .execute_batch(
                            "INSERT INTO review_cards (question_id, created_at, due_at)
                             VALUES ('q1', 6, 86406)",
                        )
                        .unwrap();
                }
                if from >= 3 {
                    // A build of version 3 kept the evidence totals with each answer.
                    old.conn
                        .execute(
                            "INSERT INTO evidence_totals VALUES ('q1', 0, 1, ?1)",
                            [reference_weight(6)],
                        )
                        .unwrap();
                }
            }
            let store = Store::open(&path).unwrap();
            assert_eq!(
                store.schema_version().unwrap(),
                SCHEMA_VERSION,
                "from {from}"
            );
            if from >= 1 {
                assert_eq!(store.attempt("old").unwrap().responses.len(), 1);
                // The evidence totals are built from the answers already there.
                let t = store.totals().unwrap();
                assert_eq!(t.len(), 1);
                assert_eq!(
                    (t[0].question.as_str(), t[0].correct, t[0].answers),
                    ("q1", false, 1)
                );
                // The missed question is up for review a day after it was missed.
                let cards = store.due_cards(i64::MAX, 10).unwrap();
                assert_eq!(cards.len(), 1);
                assert_eq!(
                    (cards[0].question.as_str(), cards[0].due_at),
                    ("q1", 6 + 86_400)
                );
            }
            store.begin(&info("new", 7)).unwrap();
            assert_eq!(
                store.attempt_count().unwrap(),
                if from >= 1 { 2 } else { 1 }
            );
        }
    }

    #[test]
    fn newer_and_corrupt_files_are_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let newer = dir.path().join("newer.sqlite3");
        {
            let c = Connection::open(&newer).unwrap();
            c.execute_batch("CREATE TABLE t(x); PRAGMA user_version = 99;")
                .unwrap();
        }
        let before = std::fs::read(&newer).unwrap();
        assert!(matches!(
            Store::open(&newer),
            Err(HistoryError::TooNew { found: 99, .. })
        ));
        assert_eq!(std::fs::read(&newer).unwrap(), before);
        let junk = dir.path().join("junk.sqlite3");
        std::fs::write(&junk, vec![0x5a; 8192]).unwrap();
        assert!(matches!(
            Store::open(&junk),
            Err(HistoryError::Corrupt { .. })
        ));
        assert_eq!(std::fs::read(&junk).unwrap(), vec![0x5a; 8192]);
    }
}
