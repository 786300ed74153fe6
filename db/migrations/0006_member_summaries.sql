-- Running totals per member, updated in the same transaction as each answer, so a board reads
-- one indexed row per member instead of scanning every answer ever given. Only daily answers
-- earn points here, whatever other contexts log.
CREATE TABLE member_totals (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    points    INTEGER NOT NULL DEFAULT 0,
    answers   INTEGER NOT NULL DEFAULT 0,
    correct   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;
CREATE INDEX member_totals_by_points ON member_totals (guild_id, points);

-- The same per period of the server's calendar: "week:2026-03-16" (its Monday) or
-- "month:2026-03", in the server's daily-question time zone (UTC without one).
CREATE TABLE member_periods (
    guild_id  INTEGER NOT NULL,
    period    TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    points    INTEGER NOT NULL DEFAULT 0,
    answers   INTEGER NOT NULL DEFAULT 0,
    correct   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, period, user_id)
) WITHOUT ROWID;
CREATE INDEX member_periods_by_points ON member_periods (guild_id, period, points);

-- Answers per member per local day, for the activity chart of /stats.
CREATE TABLE member_days (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    day       TEXT NOT NULL,                -- YYYY-MM-DD
    answers   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id, day)
) WITHOUT ROWID;

CREATE TABLE member_topics (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    topic     TEXT NOT NULL,
    answers   INTEGER NOT NULL DEFAULT 0,
    correct   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, user_id, topic)
) WITHOUT ROWID;

-- Answers logged before this migration, bucketed by UTC date.
INSERT INTO member_totals (guild_id, user_id, points, answers, correct)
SELECT guild_id, user_id, sum(CASE WHEN context = 'daily' THEN points ELSE 0 END), count(*),
       sum(correct)
FROM answers GROUP BY guild_id, user_id;

INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct)
SELECT guild_id, 'week:' || date(answered_at, 'unixepoch', 'weekday 0', '-6 days'), user_id,
       sum(CASE WHEN context = 'daily' THEN points ELSE 0 END), count(*), sum(correct)
FROM answers GROUP BY 1, 2, 3;

INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct)
SELECT guild_id, 'month:' || strftime('%Y-%m', answered_at, 'unixepoch'), user_id,
       sum(CASE WHEN context = 'daily' THEN points ELSE 0 END), count(*), sum(correct)
FROM answers GROUP BY 1, 2, 3;

INSERT INTO member_days (guild_id, user_id, day, answers)
SELECT guild_id, user_id, date(answered_at, 'unixepoch'), count(*) FROM answers GROUP BY 1, 2, 3;

INSERT INTO member_topics (guild_id, user_id, topic, answers, correct)
SELECT guild_id, user_id, topic, count(*), sum(correct) FROM answers GROUP BY 1, 2, 3;
