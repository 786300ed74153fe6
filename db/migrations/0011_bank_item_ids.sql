-- Which imported bank owns each item id of a server, so two imports cannot both take one id:
-- the primary key refuses the second in its own write, however the imports interleave.
-- Banks imported before this table get their rows when their server's catalog is next built
-- (the ids live in the YAML text, which SQL cannot read); the bank imported first keeps an id.
CREATE TABLE custom_bank_items (
    guild_id   INTEGER NOT NULL,
    item_id    TEXT NOT NULL,
    bank_name  TEXT NOT NULL,
    PRIMARY KEY (guild_id, item_id)
) WITHOUT ROWID;

CREATE INDEX custom_bank_items_by_bank ON custom_bank_items (guild_id, bank_name);
