-- The topic of each answered item, so per-topic stats need no join with the bank.
ALTER TABLE answers ADD COLUMN topic TEXT NOT NULL DEFAULT '';

-- Boards read one server's answers in a time range; this index covers them.
CREATE INDEX answers_board ON answers (guild_id, answered_at, context, user_id, points, correct);
