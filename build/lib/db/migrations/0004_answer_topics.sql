-- The topic of each answered item, so per-topic stats need no join with the bank.
ALTER TABLE answers ADD COLUMN topic TEXT NOT NULL DEFAULT '';
