//! Accounts, logins, invitations and classes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use super::users::{USER_COLUMNS, user_row};
use super::{SqliteStore, TxError, time_of, timestamp};
use crate::model::{CardKey, DeckId, UserId};
use crate::store::{
    Account, Accounts, Class, ClassId, Classes, FailedCard, Invite, Login, Member, Redeemer, Role,
    StoreError, check_user_name,
};

impl rusqlite::types::ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.name()))
    }
}

impl rusqlite::types::FromSql for Role {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
    }
}

impl rusqlite::types::ToSql for ClassId {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::from(self.0))
    }
}

impl rusqlite::types::FromSql for ClassId {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        i64::column_result(value).map(ClassId)
    }
}

/// The columns an account is read from: the user's, then role and
/// password.
fn account_columns() -> String {
    let user: Vec<String> = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
    format!("{}, a.role, a.password", user.join(", "))
}

fn account_row(row: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        user: user_row(row)?,
        role: row.get(5)?,
        password: row.get(6)?,
    })
}

const CLASS_COLUMNS: &str = "c.id, c.name, c.instructor_id, u.name";

fn class_row(row: &Row<'_>) -> rusqlite::Result<Class> {
    Ok(Class {
        id: row.get(0)?,
        name: row.get(1)?,
        instructor: row.get(2)?,
        instructor_name: row.get(3)?,
    })
}

fn invite_row(row: &Row<'_>) -> rusqlite::Result<Invite> {
    Ok(Invite {
        token_hash: row.get(0)?,
        role: row.get(1)?,
        class: row.get(2)?,
        user: row.get(3)?,
        created_by: row.get(4)?,
        created: time_of(&row.get::<_, String>(5)?)?,
        expires: time_of(&row.get::<_, String>(6)?)?,
    })
}

const INVITE_COLUMNS: &str =
    "token_hash, role, class_id, user_id, created_by, created_at, expires_at";

/// The account of `user` inside a transaction.
fn account_in(tx: &rusqlite::Transaction<'_>, user: UserId) -> rusqlite::Result<Option<Account>> {
    let sql = format!(
        "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.user_id = ?1",
        account_columns()
    );
    tx.query_row(&sql, [user], account_row).optional()
}

impl Accounts for SqliteStore {
    fn account(&self, user: UserId) -> Result<Option<Account>, StoreError> {
        let sql = format!(
            "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.user_id = ?1",
            account_columns()
        );
        self.conn
            .query_row(&sql, [user], account_row)
            .optional()
            .map_err(self.err())
    }

    fn account_named(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let sql = format!(
            "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.name = ?1",
            account_columns()
        );
        self.conn
            .query_row(&sql, [name], account_row)
            .optional()
            .map_err(self.err())
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let sql = format!(
            "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id ORDER BY u.name",
            account_columns()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        stmt.query_map([], account_row)
            .and_then(Iterator::collect)
            .map_err(self.err())
    }

    fn has_admin(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'admin')",
                [],
                |r| r.get(0),
            )
            .map_err(self.err())
    }

    fn add_account(
        &mut self,
        name: &str,
        role: Role,
        password: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError> {
        self.write(|tx| {
            let Some(user) = new_account(tx, name, role, password, now)? else {
                return Ok(None);
            };
            Ok(account_in(tx, user)?)
        })
    }

    fn set_password(
        &mut self,
        user: UserId,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE accounts SET password = ?2, changed_at = ?3 WHERE user_id = ?1",
                params![user, password, timestamp(now)],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchUser(user).into());
            }
            tx.execute("DELETE FROM logins WHERE user_id = ?1", [user])?;
            Ok(())
        })
    }

    fn set_role(&mut self, user: UserId, role: Role, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE accounts SET role = ?2, changed_at = ?3 WHERE user_id = ?1",
                params![user, role, timestamp(now)],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchUser(user).into());
            }
            Ok(())
        })
    }

    fn add_login(&mut self, login: &Login) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO logins (token_hash, user_id, csrf, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    login.token_hash,
                    login.user,
                    login.csrf,
                    timestamp(login.created),
                    timestamp(login.expires)
                ],
            )?;
            Ok(())
        })
    }

    fn login(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Login, Account)>, StoreError> {
        let sql = format!(
            "SELECT {}, l.token_hash, l.csrf, l.created_at, l.expires_at
             FROM logins l JOIN accounts a ON a.user_id = l.user_id JOIN users u ON u.id = l.user_id
             WHERE l.token_hash = ?1 AND l.expires_at > ?2",
            account_columns()
        );
        self.conn
            .query_row(&sql, params![token_hash, timestamp(now)], |r| {
                let account = account_row(r)?;
                let login = Login {
                    token_hash: r.get(7)?,
                    user: account.user.id,
                    csrf: r.get(8)?,
                    created: time_of(&r.get::<_, String>(9)?)?,
                    expires: time_of(&r.get::<_, String>(10)?)?,
                };
                Ok((login, account))
            })
            .optional()
            .map_err(self.err())
    }

    fn end_login(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM logins WHERE token_hash = ?1", [token_hash])?;
            Ok(())
        })
    }

    fn end_logins(&mut self, user: UserId) -> Result<usize, StoreError> {
        self.write(|tx| Ok(tx.execute("DELETE FROM logins WHERE user_id = ?1", [user])?))
    }

    fn add_invite(&mut self, invite: &Invite) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO invites (token_hash, role, class_id, user_id, created_by, created_at,
                    expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    invite.token_hash,
                    invite.role,
                    invite.class,
                    invite.user,
                    invite.created_by,
                    timestamp(invite.created),
                    timestamp(invite.expires)
                ],
            )?;
            Ok(())
        })
    }

    fn invite(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Invite>, StoreError> {
        let sql = format!(
            "SELECT {INVITE_COLUMNS} FROM invites
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2"
        );
        self.conn
            .query_row(&sql, params![token_hash, timestamp(now)], invite_row)
            .optional()
            .map_err(self.err())
    }

    fn redeem_invite(
        &mut self,
        token_hash: &str,
        who: Redeemer<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError> {
        self.write(|tx| {
            let sql = format!(
                "SELECT {INVITE_COLUMNS} FROM invites
                 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2"
            );
            let Some(invite) = tx
                .query_row(&sql, params![token_hash, timestamp(now)], invite_row)
                .optional()?
            else {
                return Ok(None);
            };
            let user = match (who, invite.user) {
                (Redeemer::New { password, .. }, Some(user)) => {
                    let n = tx.execute(
                        "UPDATE accounts SET password = ?2, changed_at = ?3 WHERE user_id = ?1",
                        params![user, password, timestamp(now)],
                    )?;
                    if n == 0 {
                        return Ok(None);
                    }
                    tx.execute("DELETE FROM logins WHERE user_id = ?1", [user])?;
                    user
                }
                (Redeemer::New { name, password }, None) => {
                    // A new account takes a new name: the history of a
                    // learner of the terminal is not anyone's to claim.
                    let taken: bool = tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
                        [name],
                        |r| r.get(0),
                    )?;
                    let made = if taken {
                        None
                    } else {
                        new_account(tx, name, invite.role, Some(password), now)?
                    };
                    match made {
                        Some(user) => user,
                        None => {
                            return Err(StoreError::UserName(format!(
                                "the name {name:?} is taken; choose another"
                            ))
                            .into());
                        }
                    }
                }
                (Redeemer::Existing(user), _) => {
                    if invite.class.is_none() || invite.user.is_some() {
                        return Ok(None);
                    }
                    user
                }
            };
            if let Some(class) = invite.class {
                tx.execute(
                    "INSERT INTO class_members (class_id, user_id, joined_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT DO NOTHING",
                    params![class, user, timestamp(now)],
                )?;
            }
            tx.execute(
                "UPDATE invites SET used_at = ?2 WHERE token_hash = ?1",
                params![token_hash, timestamp(now)],
            )?;
            Ok(account_in(tx, user)?)
        })
    }
}

/// Makes the user `name` (unless they exist) and their account (unless
/// they have one): the user, or `None` if the account exists.
fn new_account(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    role: Role,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, TxError> {
    check_user_name(name).map_err(StoreError::UserName)?;
    super::users::insert(tx, name, now)?;
    let user: UserId =
        tx.query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))?;
    let added = tx.execute(
        "INSERT INTO accounts (user_id, role, password, changed_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        params![user, role, password, timestamp(now)],
    )?;
    Ok((added == 1).then_some(user))
}

impl SqliteStore {
    fn class_list(&self, filter: &str, arg: Option<i64>) -> Result<Vec<Class>, StoreError> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN users u ON u.id = c.instructor_id
             {filter} ORDER BY u.name, c.name"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        let rows = match arg {
            Some(a) => stmt.query_map([a], class_row),
            None => stmt.query_map([], class_row),
        };
        rows.and_then(Iterator::collect).map_err(self.err())
    }
}

impl Classes for SqliteStore {
    fn add_class(
        &mut self,
        instructor: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Class>, StoreError> {
        let id = self.write(|tx| {
            let n = tx.execute(
                "INSERT INTO classes (name, instructor_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![name, instructor, timestamp(now)],
            )?;
            Ok((n == 1).then(|| ClassId(tx.last_insert_rowid())))
        })?;
        match id {
            Some(id) => self.class(id),
            None => Ok(None),
        }
    }

    fn class(&self, id: ClassId) -> Result<Option<Class>, StoreError> {
        Ok(self
            .class_list("WHERE c.id = ?1", Some(id.0))?
            .into_iter()
            .next())
    }

    fn classes(&self) -> Result<Vec<Class>, StoreError> {
        self.class_list("", None)
    }

    fn classes_taught(&self, instructor: UserId) -> Result<Vec<Class>, StoreError> {
        self.class_list("WHERE c.instructor_id = ?1", Some(instructor.0))
    }

    fn classes_joined(&self, learner: UserId) -> Result<Vec<Class>, StoreError> {
        self.class_list(
            "WHERE c.id IN (SELECT class_id FROM class_members WHERE user_id = ?1)",
            Some(learner.0),
        )
    }

    fn members(&self, class: ClassId) -> Result<Vec<Member>, StoreError> {
        let columns: Vec<String> = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
        let sql = format!(
            "SELECT {}, (SELECT MAX(r.reviewed_at) FROM reviews r WHERE r.user_id = u.id)
             FROM class_members m JOIN users u ON u.id = m.user_id
             WHERE m.class_id = ?1 ORDER BY u.name",
            columns.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(self.err())?;
        stmt.query_map([class], |r| {
            let last: Option<String> = r.get(5)?;
            Ok(Member {
                user: user_row(r)?,
                last_review: last.as_deref().map(time_of).transpose()?,
            })
        })
        .and_then(Iterator::collect)
        .map_err(self.err())
    }

    fn add_member(
        &mut self,
        class: ClassId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "INSERT INTO class_members (class_id, user_id, joined_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![class, user, timestamp(now)],
            )? == 1)
        })
    }

    fn remove_member(&mut self, class: ClassId, user: UserId) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM class_members WHERE class_id = ?1 AND user_id = ?2",
                params![class, user],
            )? == 1)
        })
    }

    fn assign_deck(&mut self, class: ClassId, deck: &DeckId) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "INSERT INTO class_decks (class_id, deck_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![class, deck],
            )? == 1)
        })
    }

    fn class_decks(&self, class: ClassId) -> Result<Vec<DeckId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT deck_id FROM class_decks WHERE class_id = ?1 ORDER BY deck_id")
            .map_err(self.err())?;
        stmt.query_map([class], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(self.err())
    }

    fn deck_owner(&self, deck: &DeckId) -> Result<Option<UserId>, StoreError> {
        self.conn
            .query_row(
                "SELECT user_id FROM deck_owners WHERE deck_id = ?1",
                [deck],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.err())
    }

    fn set_deck_owner(&mut self, deck: &DeckId, owner: UserId) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO deck_owners (deck_id, user_id) VALUES (?1, ?2)
                 ON CONFLICT (deck_id) DO UPDATE SET user_id = excluded.user_id",
                params![deck, owner],
            )?;
            Ok(())
        })
    }

    fn failed_cards(
        &self,
        users: &[UserId],
        decks: &[DeckId],
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<FailedCard>, StoreError> {
        let err = self.err();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deck_id, card_id, SUM(quality < 3), COUNT(*) FROM reviews
                 WHERE user_id = ?1 AND reviewed_at >= ?2
                 GROUP BY deck_id, card_id",
            )
            .map_err(&err)?;
        // (failed, answers, learners who failed) per card, counted per
        // learner in SQL.
        let mut tally: HashMap<CardKey, (u32, u32, u32)> = HashMap::new();
        for &user in users {
            let mut rows = stmt.query(params![user, timestamp(since)]).map_err(&err)?;
            while let Some(r) = rows.next().map_err(&err)? {
                let key = CardKey {
                    deck: r.get(0).map_err(&err)?,
                    card: r.get(1).map_err(&err)?,
                };
                if !decks.is_empty() && !decks.contains(&key.deck) {
                    continue;
                }
                let failed: u32 = r.get(2).map_err(&err)?;
                let answers: u32 = r.get(3).map_err(&err)?;
                let entry = tally.entry(key).or_default();
                entry.0 += failed;
                entry.1 += answers;
                entry.2 += u32::from(failed > 0);
            }
        }
        let mut worst: Vec<(CardKey, (u32, u32, u32))> =
            tally.into_iter().filter(|(_, t)| t.0 > 0).collect();
        worst.sort_by(|a, b| {
            b.1.0
                .cmp(&a.1.0)
                .then(b.1.2.cmp(&a.1.2))
                .then_with(|| a.0.cmp(&b.0))
        });
        worst.truncate(limit);
        let mut named = self
            .conn
            .prepare(
                "SELECT c.content, a.name FROM cards c
                 JOIN areas a ON a.deck_id = c.deck_id AND a.id = c.area_id
                 WHERE c.deck_id = ?1 AND c.id = ?2",
            )
            .map_err(&err)?;
        let mut out = Vec::with_capacity(worst.len());
        for (card, (failed, answers, learners)) in worst {
            let (json, area_name): (String, String) = named
                .query_row(params![card.deck, card.card], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(&err)?;
            let prompt = super::card_json(&json)
                .map(|c| c.content.prompt())
                .unwrap_or_else(|_| card.card.to_string());
            out.push(FailedCard {
                card,
                area_name,
                prompt,
                failed,
                answers,
                learners,
            });
        }
        Ok(out)
    }
}
