-- Head-to-head matches. A duel's rounds and answers are enough to rebuild its state.
CREATE TABLE duels (
    duel_id           INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL,
    message_id        INTEGER,             -- the challenge
    thread_id         INTEGER,             -- where rounds are played (NULL: the channel)
    challenger_id     INTEGER NOT NULL,
    opponent_id       INTEGER NOT NULL,
    rounds            INTEGER NOT NULL,
    round_seconds     REAL NOT NULL,
    topic             TEXT,
    level             TEXT,
    items             TEXT NOT NULL DEFAULT '[]',   -- JSON list of item ids, one per round
    state             TEXT NOT NULL CHECK (state IN ('pending', 'active', 'finished', 'declined',
                                                     'expired', 'abandoned', 'cancelled')),
    current_round     INTEGER NOT NULL DEFAULT 0,
    round_started_at  REAL,
    created_at        REAL NOT NULL,
    expires_at        REAL NOT NULL,
    finished_at       REAL,
    forfeited_by      INTEGER,
    outcome           TEXT,
    winner_id         INTEGER,
    challenger_score  INTEGER NOT NULL DEFAULT 0,
    opponent_score    INTEGER NOT NULL DEFAULT 0,
    challenger_change REAL,
    opponent_change   REAL
);
CREATE INDEX duels_by_state ON duels (guild_id, state);
CREATE INDEX duels_by_player ON duels (guild_id, challenger_id, opponent_id);

CREATE TABLE duel_answers (
    duel_id   INTEGER NOT NULL REFERENCES duels (duel_id) ON DELETE CASCADE,
    round     INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    reply     TEXT NOT NULL,
    correct   INTEGER NOT NULL,
    seconds   REAL NOT NULL,
    points    INTEGER NOT NULL,
    PRIMARY KEY (duel_id, round, user_id)
) WITHOUT ROWID;

-- Glicko-2 ratings per server.
CREATE TABLE ratings (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    rating          REAL NOT NULL,
    rd              REAL NOT NULL,
    volatility      REAL NOT NULL,
    wins            INTEGER NOT NULL DEFAULT 0,
    losses          INTEGER NOT NULL DEFAULT 0,
    draws           INTEGER NOT NULL DEFAULT 0,
    last_played_at  REAL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
