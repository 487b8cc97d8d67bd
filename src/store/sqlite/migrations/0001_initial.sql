-- The first schema: users and their settings, installed decks with their
-- areas and cards, each user's card state, and the append-only review log.
-- Times are UTC RFC 3339 text; study days are 'YYYY-MM-DD' text; the
-- E-Factor is an integer in hundredths.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    new_per_day     INTEGER NOT NULL DEFAULT 10 CHECK (new_per_day >= 0),
    reviews_per_day INTEGER NOT NULL DEFAULT 100 CHECK (reviews_per_day >= 0),
    rollover_hour   INTEGER NOT NULL DEFAULT 4 CHECK (rollover_hour BETWEEN 0 AND 23)
) STRICT;

CREATE TABLE decks (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    version      INTEGER NOT NULL,
    description  TEXT,
    installed_at TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE areas (
    deck_id  TEXT NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    id       TEXT NOT NULL,
    name     TEXT NOT NULL,
    weight   REAL,
    position INTEGER NOT NULL,
    PRIMARY KEY (deck_id, id)
) STRICT;

-- A card's whole definition is kept as JSON in `content`, so the database
-- alone can run a drill; `retired_at` is set when a card leaves its deck
-- file, and its history stays.
CREATE TABLE cards (
    deck_id    TEXT NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    area_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    content    TEXT NOT NULL,
    position   INTEGER NOT NULL,
    retired_at TEXT,
    PRIMARY KEY (deck_id, id)
) STRICT;

-- A cache of the review log: `recall check --repair` rebuilds it.
CREATE TABLE card_state (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deck_id     TEXT NOT NULL,
    card_id     TEXT NOT NULL,
    repetitions INTEGER NOT NULL,
    ease        INTEGER NOT NULL,
    interval    INTEGER NOT NULL,
    due         TEXT NOT NULL,
    lapses      INTEGER NOT NULL,
    last_review TEXT NOT NULL,
    PRIMARY KEY (user_id, deck_id, card_id),
    FOREIGN KEY (deck_id, card_id) REFERENCES cards (deck_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX card_state_due ON card_state (user_id, due);

-- One row per answer, never updated by a review; the truth every other
-- figure is derived from. The state before and after is kept so a history
-- can be read without replaying it. `reviewed_at` (fixed-width UTC with
-- milliseconds, so text order is time order) is unique per user: it orders
-- the replay and identifies a review across export and import.
CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deck_id         TEXT NOT NULL,
    card_id         TEXT NOT NULL,
    reviewed_at     TEXT NOT NULL,
    study_day       TEXT NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('drill', 'drill-repeat', 'quiz', 'exam')),
    quality         INTEGER NOT NULL CHECK (quality BETWEEN 0 AND 5),
    response_ms     INTEGER,
    before_reps     INTEGER NOT NULL,
    before_ease     INTEGER NOT NULL,
    before_interval INTEGER NOT NULL,
    before_due      TEXT,
    before_lapses   INTEGER NOT NULL,
    after_reps      INTEGER NOT NULL,
    after_ease      INTEGER NOT NULL,
    after_interval  INTEGER NOT NULL,
    after_due       TEXT,
    after_lapses    INTEGER NOT NULL,
    FOREIGN KEY (deck_id, card_id) REFERENCES cards (deck_id, id) ON DELETE CASCADE
) STRICT;

CREATE UNIQUE INDEX reviews_by_time ON reviews (user_id, reviewed_at);
CREATE INDEX reviews_by_card ON reviews (user_id, deck_id, card_id, reviewed_at);
CREATE INDEX reviews_by_day ON reviews (user_id, study_day);
