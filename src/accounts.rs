//! The rules of accounts on a class server, for every front end (the web
//! app and the administrator's commands): how a password is hashed and
//! checked, what a secret is and what is kept of it, what an invitation
//! does and how long it lasts.
//!
//! Passwords are hashed with Argon2id ([`hash_password`]); a secret given
//! to someone (a login cookie, an invitation link) is 256 random bits,
//! and the database keeps only its SHA-256 ([`secret_hash`]).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::store::{Account, Accounts, ClassId, Invite, Role, StoreError, UserId};

/// How long an invitation works.
pub const INVITE_DAYS: i64 = 7;

/// How long the first administrator's setup link works.
pub const SETUP_DAYS: i64 = 1;

/// The shortest password accepted.
pub const SHORTEST_PASSWORD: usize = 10;

/// The longest password accepted (hashing a huge one is work for
/// nothing).
pub const LONGEST_PASSWORD: usize = 1024;

/// The Argon2id hasher: 19 MiB of memory, 2 passes, 1 lane (OWASP's
/// recommended minimum for Argon2id), version 0x13.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A password's Argon2id hash, as a PHC string with its own random salt;
/// `None` only if hashing itself fails.
pub fn hash_password(password: &str) -> Option<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).ok()?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .ok()
        .map(|h| h.to_string())
}

/// Whether `password` is the one `hash` was made from.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash no password matches, checked against when an account does not
/// exist or has no password yet, so that a wrong name takes as long as a
/// wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_secret()).unwrap_or_default())
}

/// Why a new password is refused, if it is.
pub fn check_password(password: &str) -> Result<(), String> {
    let length = password.chars().count();
    if length < SHORTEST_PASSWORD {
        return Err(format!(
            "a password must have at least {SHORTEST_PASSWORD} characters"
        ));
    }
    if length > LONGEST_PASSWORD {
        return Err(format!(
            "a password must have at most {LONGEST_PASSWORD} characters"
        ));
    }
    Ok(())
}

/// A fresh secret for a cookie or a link: 256 random bits as 64 hex
/// digits.
pub fn new_secret() -> String {
    format!(
        "{:032x}{:032x}",
        rand::random::<u128>(),
        rand::random::<u128>()
    )
}

/// Whether `s` has the shape of a secret [`new_secret`] makes.
pub fn is_secret(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What the database keeps of a secret: its SHA-256, in hex.
pub fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// What an invitation is for.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    /// The first administrator of a new server.
    Setup,
    /// A learner joining a class.
    Join(ClassId),
    /// The owner of an account an administrator made, choosing their
    /// password.
    Password(UserId, Role),
}

/// Records an invitation for `purpose`, made by `by` at `now`: the secret
/// of its link (`/join/SECRET`), which nothing keeps.
pub fn invite(
    store: &mut (impl Accounts + ?Sized),
    purpose: Purpose,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let secret = new_secret();
    let (role, class, user, days) = match purpose {
        Purpose::Setup => (Role::Admin, None, None, SETUP_DAYS),
        Purpose::Join(class) => (Role::Learner, Some(class), None, INVITE_DAYS),
        Purpose::Password(user, role) => (role, None, Some(user), INVITE_DAYS),
    };
    store.add_invite(&Invite {
        token_hash: secret_hash(&secret),
        role,
        class,
        user,
        created_by: by,
        created: now,
        expires: now + chrono::Duration::days(days),
    })?;
    Ok(secret)
}

/// Makes an account without a password, and the invitation its owner
/// sets one with: the account and the link's secret. A name that already
/// has an account is [`StoreError::UserName`].
pub fn add_account(
    store: &mut (impl Accounts + ?Sized),
    name: &str,
    role: Role,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(Account, String), StoreError> {
    let account = store
        .add_account(name, role, None, now)?
        .ok_or_else(|| StoreError::UserName(format!("{name:?} already has an account")))?;
    let secret = invite(store, Purpose::Password(account.user.id, role), by, now)?;
    Ok((account, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery "));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(decoy_hash(), ""));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn secrets_are_long_random_and_kept_as_digests() {
        let (a, b) = (new_secret(), new_secret());
        assert!(is_secret(&a) && is_secret(&b) && a != b);
        assert_eq!(
            secret_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(check_password("short").is_err());
        assert!(check_password("long enough now").is_ok());
        assert!(check_password(&"x".repeat(1025)).is_err());
    }
}
