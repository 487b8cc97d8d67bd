//! What the class server keeps beyond a learner's study: accounts with
//! their role and password hash, web logins, invitations, classes with
//! their members and decks, and who owns a published deck.
//!
//! The store keeps what it is given: passwords arrive hashed and secrets
//! (login cookies, invitation links) as their digests; who may do what is
//! the web front end's rule, checked on every request.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use super::{StoreError, User};
use crate::model::{CardKey, DeckId, UserId};

/// What an account may do on the class server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Studies: their own drills, quizzes, exams and report.
    Learner,
    /// Also teaches: their own classes and decks, and the reports of the
    /// learners in those classes.
    Instructor,
    /// Also manages accounts.
    Admin,
}

impl Role {
    /// Every role, least first.
    pub const ALL: [Role; 3] = [Role::Learner, Role::Instructor, Role::Admin];

    /// The role as stored and typed.
    pub fn name(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Instructor => "instructor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may teach (create classes, publish decks).
    pub fn teaches(self) -> bool {
        self >= Role::Instructor
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| format!("{s:?} is not a role: learner, instructor or admin"))
    }
}

/// A user who can log in to the class server.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The user.
    pub user: User,
    /// What they may do.
    pub role: Role,
    /// Their password's Argon2id hash (a PHC string); `None` until they
    /// set one through an invitation.
    pub password: Option<String>,
}

/// A web login: the digest of the cookie that proves it, and the token
/// its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// SHA-256 of the cookie's value, in hex.
    pub token_hash: String,
    /// Whose login it is.
    pub user: UserId,
    /// The token every form of this login carries.
    pub csrf: String,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires: DateTime<Utc>,
}

/// A class's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClassId(pub i64);

impl fmt::Display for ClassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// Its number.
    pub id: ClassId,
    /// Its name, unique among its instructor's classes.
    pub name: String,
    /// Who teaches it.
    pub instructor: UserId,
    /// Their name.
    pub instructor_name: String,
}

/// An invitation, as made and as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// SHA-256 of the link's secret, in hex.
    pub token_hash: String,
    /// The role of the account it makes.
    pub role: Role,
    /// The class it joins, if any.
    pub class: Option<ClassId>,
    /// The existing account whose password it sets (one an administrator
    /// made); `None` to make a new account.
    pub user: Option<UserId>,
    /// Who made it (none for the first administrator's).
    pub created_by: Option<UserId>,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it stops working.
    pub expires: DateTime<Utc>,
}

/// Who takes up an invitation.
#[derive(Debug, Clone, Copy)]
pub enum Redeemer<'a> {
    /// Someone new: the account's name and password hash (for an
    /// invitation naming an existing account, its name is kept).
    New {
        /// The name chosen.
        name: &'a str,
        /// The password's hash.
        password: &'a str,
    },
    /// A learner already logged in, joining the invitation's class.
    Existing(UserId),
}

/// A member of a class, with when they last answered anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The learner.
    pub user: User,
    /// Their latest review of any kind, if any.
    pub last_review: Option<DateTime<Utc>>,
}

/// A card as a group of learners answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCard {
    /// The card.
    pub card: CardKey,
    /// Its area's name.
    pub area_name: String,
    /// Its prompt.
    pub prompt: String,
    /// Answers below 3 (Again, or a wrong quiz or exam answer).
    pub failed: u32,
    /// Every answer.
    pub answers: u32,
    /// How many of the learners failed it at least once.
    pub learners: u32,
}

/// Accounts, logins and invitations.
pub trait Accounts {
    /// A user's account, if they have one.
    fn account(&self, user: UserId) -> Result<Option<Account>, StoreError>;

    /// The account of the user with this name, if any.
    fn account_named(&self, name: &str) -> Result<Option<Account>, StoreError>;

    /// Every account, by name.
    fn accounts(&self) -> Result<Vec<Account>, StoreError>;

    /// Whether any administrator exists.
    fn has_admin(&self) -> Result<bool, StoreError>;

    /// Makes a user with an account (or an account for the existing user
    /// of that name who has none); `None` if that name already has one.
    fn add_account(
        &mut self,
        name: &str,
        role: Role,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError>;

    /// Replaces a user's password hash and ends every login they have.
    fn set_password(
        &mut self,
        user: UserId,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Changes a user's role.
    fn set_role(&mut self, user: UserId, role: Role, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Records a login.
    fn add_login(&mut self, login: &Login) -> Result<(), StoreError>;

    /// The login with this digest, with its account, if it has not expired
    /// at `now`.
    fn login(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Login, Account)>, StoreError>;

    /// Ends one login.
    fn end_login(&mut self, token_hash: &str) -> Result<(), StoreError>;

    /// Ends every login of a user; how many there were.
    fn end_logins(&mut self, user: UserId) -> Result<usize, StoreError>;

    /// Records an invitation.
    fn add_invite(&mut self, invite: &Invite) -> Result<(), StoreError>;

    /// The invitation with this digest, if it is unused and has not
    /// expired at `now`.
    fn invite(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Invite>, StoreError>;

    /// Takes up an invitation, in one transaction: it must be unused and
    /// unexpired at `now`; it makes or completes the account, or (for a
    /// learner logged in) joins its class, and is used up. The account;
    /// `None` if the invitation is gone, used or expired. A name already
    /// taken is [`StoreError::UserName`].
    fn redeem_invite(
        &mut self,
        token_hash: &str,
        who: Redeemer<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError>;
}

/// Classes, their members and decks, and deck owners.
pub trait Classes {
    /// Makes a class; `None` if its instructor has one of that name.
    fn add_class(
        &mut self,
        instructor: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Class>, StoreError>;

    /// One class.
    fn class(&self, id: ClassId) -> Result<Option<Class>, StoreError>;

    /// Every class, by instructor and name.
    fn classes(&self) -> Result<Vec<Class>, StoreError>;

    /// The classes a user teaches.
    fn classes_taught(&self, instructor: UserId) -> Result<Vec<Class>, StoreError>;

    /// The classes a user belongs to.
    fn classes_joined(&self, learner: UserId) -> Result<Vec<Class>, StoreError>;

    /// A class's members, by name.
    fn members(&self, class: ClassId) -> Result<Vec<Member>, StoreError>;

    /// Adds a member; whether they were not one already.
    fn add_member(
        &mut self,
        class: ClassId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Removes a member (their history stays theirs); whether they were
    /// one.
    fn remove_member(&mut self, class: ClassId, user: UserId) -> Result<bool, StoreError>;

    /// Assigns an installed deck to a class; whether it was not already.
    fn assign_deck(&mut self, class: ClassId, deck: &DeckId) -> Result<bool, StoreError>;

    /// The decks assigned to a class, by id.
    fn class_decks(&self, class: ClassId) -> Result<Vec<DeckId>, StoreError>;

    /// Who owns a deck published through the server, if anyone.
    fn deck_owner(&self, deck: &DeckId) -> Result<Option<UserId>, StoreError>;

    /// Records who owns a deck.
    fn set_deck_owner(&mut self, deck: &DeckId, owner: UserId) -> Result<(), StoreError>;

    /// The cards `users` failed most from `since` on (in the decks given,
    /// or every deck): most failures first; at most `limit`.
    fn failed_cards(
        &self,
        users: &[UserId],
        decks: &[DeckId],
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<FailedCard>, StoreError>;
}
