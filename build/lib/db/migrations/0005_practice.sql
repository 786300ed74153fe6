-- Spaced-repetition cards: one per member and question, fed by every answer the member gives
-- (daily, duel or practice). The columns are the fields of an fsrs.Card; times are Unix
-- seconds (UTC). due_at is a column of its own so "what is due now" is an index range.
CREATE TABLE practice_cards (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    item_id         TEXT NOT NULL,
    state           INTEGER NOT NULL CHECK (state IN (1, 2, 3)),  -- learning, review, relearning
    step            INTEGER,                -- learning or relearning step; NULL in review
    stability       REAL,
    difficulty      REAL,
    due_at          REAL NOT NULL,
    last_review_at  REAL,
    reviews         INTEGER NOT NULL DEFAULT 0,
    lapses          INTEGER NOT NULL DEFAULT 0,   -- answers rated Again
    PRIMARY KEY (guild_id, user_id, item_id)
) WITHOUT ROWID;
CREATE INDEX practice_cards_due ON practice_cards (guild_id, user_id, due_at);

-- One /quiz or /review run. Its answers are the rows of `answers` with context 'practice' and
-- context_id = session_id, so the session itself only keeps where the member is.
-- AUTOINCREMENT: old sessions are deleted, and a reused id would inherit their answers.
CREATE TABLE practice_sessions (
    session_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('quiz', 'review')),
    item_ids    TEXT NOT NULL,              -- JSON list, in the order they are asked
    current     INTEGER NOT NULL DEFAULT 0, -- index of the question on screen
    answered    INTEGER NOT NULL DEFAULT 0, -- questions answered so far (current or current + 1)
    shown_at    REAL NOT NULL,              -- when the current question appeared
    started_at  REAL NOT NULL,
    ended_at    REAL
);
CREATE INDEX practice_sessions_by_member ON practice_sessions (guild_id, user_id, started_at);
