-- One daily-question schedule per server.
CREATE TABLE daily_schedules (
    guild_id      INTEGER PRIMARY KEY,
    channel_id    INTEGER NOT NULL,
    post_time     TEXT NOT NULL,              -- "HH:MM", local to timezone
    timezone      TEXT NOT NULL,              -- IANA name
    levels        TEXT NOT NULL DEFAULT '[]', -- JSON list; empty means every level
    topics        TEXT NOT NULL DEFAULT '[]', -- JSON list; empty means every topic
    role_id       INTEGER,                    -- pinged with each post
    reveal        TEXT NOT NULL DEFAULT 'at_close' CHECK (reveal IN ('at_close', 'immediate')),
    window_hours  REAL,                       -- NULL: the window closes at the next post
    paused        INTEGER NOT NULL DEFAULT 0,
    pause_reason  TEXT,
    next_post_at  REAL,                       -- Unix seconds of the next post
    updated_at    REAL NOT NULL
);

-- Every question posted; sequence counts a server's posts (streaks follow it).
CREATE TABLE daily_posts (
    post_id      INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER,
    item_id      TEXT NOT NULL,
    sequence     INTEGER NOT NULL,
    reveal       TEXT NOT NULL,
    posted_at    REAL NOT NULL,
    closes_at    REAL NOT NULL,
    revealed_at  REAL,
    UNIQUE (guild_id, sequence)
);
CREATE INDEX daily_posts_open ON daily_posts (revealed_at, closes_at);

-- One answer per member per post, whatever races happen.
CREATE UNIQUE INDEX answers_one_per_daily_post ON answers (context_id, user_id)
    WHERE context = 'daily';

CREATE TABLE daily_streaks (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    current        INTEGER NOT NULL,
    best           INTEGER NOT NULL,
    last_sequence  INTEGER NOT NULL,   -- the last post answered
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Items used in the server's current rotation; cleared when every eligible item was used.
CREATE TABLE daily_rotation (
    guild_id  INTEGER NOT NULL,
    item_id   TEXT NOT NULL,
    used_at   REAL NOT NULL,
    PRIMARY KEY (guild_id, item_id)
) WITHOUT ROWID;
