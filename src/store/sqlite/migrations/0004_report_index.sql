-- Reports read each user's drill and quiz answers day by day, first answer
-- first. This index holds every column they need in that order, so the
-- report never touches the table; it replaces the plain (user, day) index,
-- which is its prefix.

CREATE INDEX reviews_by_day_card ON reviews (
    user_id, study_day, deck_id, card_id, reviewed_at, mode, quality, before_reps, before_interval
);
DROP INDEX reviews_by_day;
