-- An exam attempt gets an id of its own when it starts, so that an answer
-- saved whose reply was lost, given again, finds its attempt rather than
-- starting another. Attempts from before (and copies of finished ones)
-- have none.

ALTER TABLE exams ADD COLUMN uid TEXT;
CREATE UNIQUE INDEX exams_by_uid ON exams (uid) WHERE uid IS NOT NULL;
