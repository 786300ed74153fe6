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

-- The server-local date of each answer (its daily-question time zone, else UTC); the
-- summaries are keyed by it. Answers logged before this migration get their UTC date.
ALTER TABLE answers ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE answers SET day = date(answered_at, 'unixepoch');

-- SQLite keeps the summaries itself, in the transaction that logs the answer: one statement
-- from Python instead of five, and no way to log an answer and forget a summary.
CREATE TRIGGER answers_update_summaries AFTER INSERT ON answers BEGIN
    INSERT INTO member_totals (guild_id, user_id, points, answers, correct)
    VALUES (NEW.guild_id, NEW.user_id, CASE WHEN NEW.context = 'daily' THEN NEW.points ELSE 0 END,
            1, NEW.correct)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET points = points + excluded.points,
        answers = answers + 1, correct = correct + excluded.correct;
    INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct)
    VALUES (NEW.guild_id, 'week:' || date(NEW.day, 'weekday 0', '-6 days'), NEW.user_id,
            CASE WHEN NEW.context = 'daily' THEN NEW.points ELSE 0 END, 1, NEW.correct)
    ON CONFLICT (guild_id, period, user_id) DO UPDATE SET points = points + excluded.points,
        answers = answers + 1, correct = correct + excluded.correct;
    INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct)
    VALUES (NEW.guild_id, 'month:' || substr(NEW.day, 1, 7), NEW.user_id,
            CASE WHEN NEW.context = 'daily' THEN NEW.points ELSE 0 END, 1, NEW.correct)
    ON CONFLICT (guild_id, period, user_id) DO UPDATE SET points = points + excluded.points,
        answers = answers + 1, correct = correct + excluded.correct;
    INSERT INTO member_days (guild_id, user_id, day, answers)
    VALUES (NEW.guild_id, NEW.user_id, NEW.day, 1)
    ON CONFLICT (guild_id, user_id, day) DO UPDATE SET answers = answers + 1;
    INSERT INTO member_topics (guild_id, user_id, topic, answers, correct)
    VALUES (NEW.guild_id, NEW.user_id, NEW.topic, 1, NEW.correct)
    ON CONFLICT (guild_id, user_id, topic) DO UPDATE SET answers = answers + 1,
        correct = correct + excluded.correct;
END;

-- Summaries of the answers logged before this migration.
INSERT INTO member_totals (guild_id, user_id, points, answers, correct)
SELECT guild_id, user_id, sum(CASE WHEN context = 'daily' THEN points ELSE 0 END), count(*),
       sum(correct)
FROM answers GROUP BY guild_id, user_id;

INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct)
SELECT guild_id, 'week:' || date(day, 'weekday 0', '-6 days'), user_id,
       sum(CASE WHEN context = 'daily' THEN points ELSE 0 END), count(*), sum(correct)
FROM answers GROUP BY 1, 2, 3;

INSERT INTO member_periods (guild_id, period, user_id, points, answers, correct)
SELECT guild_id, 'month:' || substr(day, 1, 7), user_id,
       sum(CASE WHEN context = 'daily' THEN points ELSE 0 END), count(*), sum(correct)
FROM answers GROUP BY 1, 2, 3;

INSERT INTO member_days (guild_id, user_id, day, answers)
SELECT guild_id, user_id, day, count(*) FROM answers GROUP BY 1, 2, 3;

INSERT INTO member_topics (guild_id, user_id, topic, answers, correct)
SELECT guild_id, user_id, topic, count(*), sum(correct) FROM answers GROUP BY 1, 2, 3;
