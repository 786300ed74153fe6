-- The level an admin chose for an imported bank's Red trivia questions (`/bank import level:`),
-- kept so the questions keep it when the catalog is rebuilt from the stored YAML text.
ALTER TABLE custom_banks ADD COLUMN level TEXT NOT NULL DEFAULT 'intermediate';
