-- The class server: accounts (a role and a password hash for each user
-- who logs in), their web logins, invitations, classes with their
-- members and decks, and who owns a deck published through the server.
-- A secret given to a browser (a login cookie, an invitation link) is
-- stored only as its SHA-256, so a copy of the database opens nothing.

CREATE TABLE accounts (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('learner', 'instructor', 'admin')),
    -- An Argon2id hash as a PHC string; NULL until the user sets one
    -- through an invitation.
    password   TEXT,
    changed_at TEXT NOT NULL
) STRICT;

CREATE TABLE logins (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The token every form of this login carries.
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;

CREATE INDEX logins_by_user ON logins (user_id);

CREATE TABLE classes (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    instructor_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    UNIQUE (instructor_id, name)
) STRICT;

CREATE TABLE class_members (
    class_id  INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    joined_at TEXT NOT NULL,
    PRIMARY KEY (class_id, user_id)
) STRICT;

CREATE INDEX class_members_by_user ON class_members (user_id);

CREATE TABLE class_decks (
    class_id INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    deck_id  TEXT NOT NULL REFERENCES decks (id) ON DELETE CASCADE,
    PRIMARY KEY (class_id, deck_id)
) STRICT;

CREATE TABLE deck_owners (
    deck_id TEXT PRIMARY KEY REFERENCES decks (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE
) STRICT;

-- An invitation: to set up the first administrator, to set the password
-- of an account an administrator made, or to join a class. Single use
-- (`used_at`), and expiring.
CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('learner', 'instructor', 'admin')),
    class_id   INTEGER REFERENCES classes (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
