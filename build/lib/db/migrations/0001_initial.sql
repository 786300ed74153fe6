-- Servers the bot has seen, with the settings an admin changed (defaults live in code).
CREATE TABLE guilds (
    guild_id    INTEGER PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    joined_at   REAL NOT NULL
);

CREATE TABLE guild_settings (
    guild_id    INTEGER NOT NULL REFERENCES guilds (guild_id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,          -- JSON
    updated_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, key)
) WITHOUT ROWID;

-- Display names as last seen, so boards can name members without privileged intents.
CREATE TABLE members (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    display_name  TEXT NOT NULL,
    seen_at       REAL NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Every graded answer, whatever asked the question. Times are Unix seconds (UTC).
CREATE TABLE answers (
    answer_id    INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    context      TEXT NOT NULL CHECK (context IN ('daily', 'duel', 'practice')),
    context_id   INTEGER,               -- the daily post or duel it belongs to, if any
    reply        TEXT NOT NULL,
    correct      INTEGER NOT NULL CHECK (correct IN (0, 1)),
    score        REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
    points       INTEGER NOT NULL DEFAULT 0,
    answered_at  REAL NOT NULL
);

CREATE INDEX answers_by_member ON answers (guild_id, user_id, answered_at);
CREATE INDEX answers_by_time ON answers (guild_id, answered_at);
