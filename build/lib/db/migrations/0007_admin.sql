-- Question banks a server imported; the original file is kept so export gives it back as is.
CREATE TABLE custom_banks (
    guild_id     INTEGER NOT NULL,
    name         TEXT NOT NULL,                 -- the file name without extension
    filename     TEXT NOT NULL,
    source       TEXT NOT NULL,                 -- the YAML text
    item_count   INTEGER NOT NULL,
    imported_by  INTEGER NOT NULL,
    imported_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, name)
) WITHOUT ROWID;

-- Items a server switched off (after a report, say).
CREATE TABLE disabled_items (
    guild_id     INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    disabled_by  INTEGER NOT NULL,
    disabled_at  REAL NOT NULL,
    PRIMARY KEY (guild_id, item_id)
) WITHOUT ROWID;

CREATE TABLE reports (
    report_id    INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    user_id      INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    created_at   REAL NOT NULL,
    resolved_by  INTEGER,
    resolved_at  REAL,
    resolution   TEXT                           -- resolved | disabled
);
CREATE INDEX reports_open ON reports (guild_id, resolved_at);
