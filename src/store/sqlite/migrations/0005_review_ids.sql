-- A review's identity is its own id, not its time: two answers may share
-- a time (a frozen clock), and an answer keeps the time it was given even
-- when the clock once ran ahead. The id is what history import (and sync
-- between devices) recognises a review by; the log is replayed in the
-- order of time, then of recording.
ALTER TABLE reviews ADD COLUMN uid TEXT NOT NULL DEFAULT '';
UPDATE reviews SET uid = lower(hex(randomblob(16)));
DROP INDEX reviews_by_time;
CREATE UNIQUE INDEX reviews_by_uid ON reviews (uid);
CREATE INDEX reviews_by_time ON reviews (user_id, reviewed_at);

-- An exam is recorded when it starts and each answer as it is given; it is
-- scored only when it finishes (every question answered, or time up). One
-- that never finished (stopped, killed) is kept as abandoned.
ALTER TABLE exams ADD COLUMN finished INTEGER NOT NULL DEFAULT 1 CHECK (finished IN (0, 1));

-- A database that already has a deck or a history has had its first deck:
-- it is never given the built-in deck again, even if its owner removes it.
INSERT INTO meta (key, value)
SELECT 'first-deck-installed', COALESCE((SELECT MIN(installed_at) FROM decks), '')
WHERE EXISTS (SELECT 1 FROM decks) OR EXISTS (SELECT 1 FROM reviews);
