-- Mock exam attempts and their questions. Exam answers also go to the
-- review log (mode 'exam'); these tables keep what only an exam has: the
-- question as asked, the answer as given, the score and the time taken.

CREATE TABLE exams (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deck_id     TEXT NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    started_at  TEXT NOT NULL,
    ended_at    TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    pass_mark   INTEGER NOT NULL,
    questions   INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    timed_out   INTEGER NOT NULL CHECK (timed_out IN (0, 1))
) STRICT;

CREATE INDEX exams_by_user ON exams (user_id, started_at);

CREATE TABLE exam_answers (
    exam_id   INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    card_id   TEXT NOT NULL,
    area_id   TEXT NOT NULL,
    area_name TEXT NOT NULL,
    question  TEXT NOT NULL,
    solution  TEXT NOT NULL,
    given     TEXT,
    correct   INTEGER NOT NULL CHECK (correct IN (0, 1)),
    PRIMARY KEY (exam_id, position)
) STRICT;
