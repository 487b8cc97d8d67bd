-- Drill sessions, for the streak of days with a finished drill.

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('drill')),
    study_day  TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at   TEXT NOT NULL,
    cards      INTEGER NOT NULL,
    finished   INTEGER NOT NULL CHECK (finished IN (0, 1))
) STRICT;

CREATE INDEX sessions_by_day ON sessions (user_id, finished, study_day);
