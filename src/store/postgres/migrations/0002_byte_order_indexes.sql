-- Times and modes are compared byte by byte (COLLATE "C"), as SQLite
-- compares them, whatever the database's own collation. The indexes that
-- read a learner's log in time order are built in that order too, so that
-- a learner's latest review, a card's log and a report's first answer of
-- each day are read from them rather than sorted, under any collation.

DROP INDEX reviews_by_time;
CREATE INDEX reviews_by_time ON reviews (user_id, reviewed_at COLLATE "C");

DROP INDEX reviews_by_card;
CREATE INDEX reviews_by_card ON reviews (user_id, deck_id, card_id, reviewed_at COLLATE "C");

DROP INDEX reviews_by_day_card;
CREATE INDEX reviews_by_day_card ON reviews (
    user_id, study_day, deck_id, card_id, reviewed_at COLLATE "C", mode COLLATE "C", quality,
    before_reps, before_interval
);
