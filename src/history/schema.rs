//! The history database's schema, as numbered upgrade steps.
//!
//! `PRAGMA user_version` holds the number of steps applied. Opening a database applies the
//! missing steps in order, each in its own transaction; a database with a higher number
//! than [`LATEST`] was written by a newer skillquiz and is refused, untouched.

/// Upgrade step `i` (0-based) takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: attempts and their responses.
    "CREATE TABLE attempts (
        id                TEXT PRIMARY KEY,
        started_at        INTEGER NOT NULL,  -- Unix time, seconds (UTC)
        ended_at          INTEGER,           -- NULL while running, or when killed
        skillquiz_version TEXT NOT NULL,
        mode              TEXT NOT NULL,     -- adaptive | fixed
        seed              INTEGER NOT NULL,  -- the u64 seed's bits
        spec              TEXT NOT NULL,     -- JSON: areas, topics, count, target_se, bank_paths
        banks             TEXT NOT NULL,     -- JSON: [{name, version}]
        ended             TEXT               -- completed | quit | interrupted | input_ended; NULL: unfinished
    );
    CREATE TABLE responses (
        attempt_id   TEXT NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        seq          INTEGER NOT NULL,       -- 0-based position in the attempt
        question_id  TEXT NOT NULL,
        topic        TEXT NOT NULL,
        area         TEXT NOT NULL,
        bank         TEXT NOT NULL,
        bank_version TEXT NOT NULL,
        answer       TEXT NOT NULL,          -- JSON, as in `take --json`
        score        REAL NOT NULL,
        correct      INTEGER NOT NULL,
        graded       INTEGER NOT NULL,
        seconds      REAL NOT NULL,
        answered_at  INTEGER NOT NULL,       -- Unix time, seconds (UTC)
        choice_order TEXT NOT NULL,          -- JSON: display position -> file index
        PRIMARY KEY (attempt_id, seq)
    );",
    // 2: the look-ups `take` and `progress` make on every start.
    "CREATE INDEX responses_by_time ON responses (graded, answered_at);
     CREATE INDEX attempts_by_start ON attempts (started_at);",
    // 3: per question and outcome, the count and the summed reference weight of the graded
    // answers (the learner model's evidence, kept up to date with every answer, so that a
    // quiz starts without reading every answer); `meta` says which model constants the
    // weights were computed with. Filled from `responses` when opened.
    "CREATE TABLE evidence_totals (
        question_id TEXT NOT NULL,
        correct     INTEGER NOT NULL,
        answers     INTEGER NOT NULL,
        weight      REAL NOT NULL,           -- sum of 2^((answered_at - T0) / half-life)
        PRIMARY KEY (question_id, correct)
     ) WITHOUT ROWID;
     CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 4: spaced review (FSRS) of the questions missed or partly right: one card per
    // question, and a log of every review (reviews are not evidence of ability).
    "CREATE TABLE review_cards (
        question_id TEXT PRIMARY KEY,
        created_at  INTEGER NOT NULL,        -- when it was first missed
        due_at      INTEGER NOT NULL,        -- Unix seconds
        stability   REAL,                    -- FSRS memory state; NULL before the first review
        difficulty  REAL,
        last_review INTEGER,
        reviews     INTEGER NOT NULL DEFAULT 0,
        lapses      INTEGER NOT NULL DEFAULT 0
     ) WITHOUT ROWID;
     CREATE INDEX review_cards_by_due ON review_cards (due_at);
     CREATE TABLE review_log (
        question_id   TEXT NOT NULL,
        reviewed_at   INTEGER NOT NULL,
        grade         TEXT NOT NULL,         -- again | hard | good | easy
        answer        TEXT NOT NULL,         -- JSON, as in `take --json`
        score         REAL NOT NULL,
        seconds       REAL NOT NULL,
        interval_days REAL NOT NULL          -- until the next review
     );
     INSERT OR IGNORE INTO review_cards (question_id, created_at, due_at)
        SELECT question_id, MIN(answered_at), MIN(answered_at) + 86400 FROM responses
        WHERE graded AND NOT correct GROUP BY question_id;",
    // 5: how sure the learner said they were (certainty-based marking, 1-3; NULL when
    // not asked).
    "ALTER TABLE responses ADD COLUMN certainty INTEGER;",
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;
