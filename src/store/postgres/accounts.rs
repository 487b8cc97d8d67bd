//! Accounts, logins, invitations and classes.
//!
//! Names and ids are ordered `COLLATE "C"`, byte by byte, as SQLite
//! orders them, whatever the database's own collation.

use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::{GenericClient, Row, Transaction};

use super::users::{USER_COLUMNS, user_row};
use super::{PgStore, TxError, bad, time_of, timestamp};
use crate::model::{CardId, CardKey, DeckId, UserId};
use crate::store::{
    Account, Accounts, Class, ClassId, Classes, FailedCard, Invite, Login, Member, Redeemer, Role,
    StoreError, check_user_name,
};

/// The user columns, each prefixed `u.`.
fn user_columns() -> String {
    let user: Vec<String> = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect();
    user.join(", ")
}

/// The columns an account is read from: the user's, then role and
/// password.
fn account_columns() -> String {
    format!("{}, a.role, a.password", user_columns())
}

/// A stored role.
fn role_of(text: &str) -> Result<Role, StoreError> {
    text.parse().map_err(|_| bad("a role", text))
}

/// An account from a row of [`account_columns`].
fn account_row(row: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        user: user_row(row)?,
        role: role_of(row.get::<_, &str>(5))?,
        password: row.get(6),
    })
}

/// The columns a class is read from (`c` a class, `u` its instructor).
const CLASS_COLUMNS: &str = "c.id, c.name, c.instructor_id, u.name";

/// A class from a row of [`CLASS_COLUMNS`].
fn class_row(row: &Row) -> Class {
    Class {
        id: ClassId(row.get(0)),
        name: row.get(1),
        instructor: UserId(row.get(2)),
        instructor_name: row.get(3),
    }
}

/// The columns an invitation is read from.
const INVITE_COLUMNS: &str =
    "token_hash, role, class_id, user_id, created_by, created_at, expires_at";

/// An invitation from a row of [`INVITE_COLUMNS`].
fn invite_row(row: &Row) -> Result<Invite, StoreError> {
    Ok(Invite {
        token_hash: row.get(0),
        role: role_of(row.get::<_, &str>(1))?,
        class: row.get::<_, Option<i64>>(2).map(ClassId),
        user: row.get::<_, Option<i64>>(3).map(UserId),
        created_by: row.get::<_, Option<i64>>(4).map(UserId),
        created: time_of(row.get::<_, &str>(5))?,
        expires: time_of(row.get::<_, &str>(6))?,
    })
}

/// The account found by `filter` (an SQL condition on `a` and `u` with
/// one parameter, `$1`), on the connection or inside a transaction.
fn account_where(
    db: &mut impl GenericClient,
    filter: &str,
    param: &(dyn ToSql + Sync),
) -> Result<Option<Account>, TxError> {
    let sql = format!(
        "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id WHERE {filter}",
        account_columns()
    );
    let row = db.query_opt(sql.as_str(), &[param])?;
    Ok(row.as_ref().map(account_row).transpose()?)
}

/// The account of `user` inside a transaction.
fn account_in(tx: &mut Transaction<'_>, user: UserId) -> Result<Option<Account>, TxError> {
    account_where(tx, "a.user_id = $1", &user.0)
}

/// The invitation with this digest, unused and unexpired at `now`.
fn open_invite(
    db: &mut impl GenericClient,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Invite>, TxError> {
    let sql = format!(
        "SELECT {INVITE_COLUMNS} FROM invites
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
    );
    let row = db.query_opt(sql.as_str(), &[&token_hash, &timestamp(now)])?;
    Ok(row.as_ref().map(invite_row).transpose()?)
}

impl Accounts for PgStore {
    fn account(&self, user: UserId) -> Result<Option<Account>, StoreError> {
        account_where(&mut *self.db(), "a.user_id = $1", &user.0).map_err(self.tx_err())
    }

    fn account_named(&self, name: &str) -> Result<Option<Account>, StoreError> {
        account_where(&mut *self.db(), "u.name = $1", &name).map_err(self.tx_err())
    }

    fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let sql = format!(
            "SELECT {} FROM accounts a JOIN users u ON u.id = a.user_id
             ORDER BY u.name COLLATE \"C\"",
            account_columns()
        );
        let rows = self.db().query(sql.as_str(), &[]).map_err(self.err())?;
        rows.iter().map(account_row).collect()
    }

    fn has_admin(&self) -> Result<bool, StoreError> {
        let row = self
            .db()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM accounts WHERE role = 'admin')",
                &[],
            )
            .map_err(self.err())?;
        Ok(row.get(0))
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
            account_in(tx, user)
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
                "UPDATE accounts SET password = $2, changed_at = $3 WHERE user_id = $1",
                &[&user.0, &password, &timestamp(now)],
            )?;
            if n == 0 {
                return Err(StoreError::NoSuchUser(user).into());
            }
            tx.execute("DELETE FROM logins WHERE user_id = $1", &[&user.0])?;
            Ok(())
        })
    }

    fn set_role(&mut self, user: UserId, role: Role, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE accounts SET role = $2, changed_at = $3 WHERE user_id = $1",
                &[&user.0, &role.name(), &timestamp(now)],
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
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &login.token_hash,
                    &login.user.0,
                    &login.csrf,
                    &timestamp(login.created),
                    &timestamp(login.expires),
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
             WHERE l.token_hash = $1 AND l.expires_at > $2",
            account_columns()
        );
        let row = self
            .db()
            .query_opt(sql.as_str(), &[&token_hash, &timestamp(now)])
            .map_err(self.err())?;
        let Some(r) = row else {
            return Ok(None);
        };
        let account = account_row(&r)?;
        let login = Login {
            token_hash: r.get(7),
            user: account.user.id,
            csrf: r.get(8),
            created: time_of(r.get::<_, &str>(9))?,
            expires: time_of(r.get::<_, &str>(10))?,
        };
        Ok(Some((login, account)))
    }

    fn end_login(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM logins WHERE token_hash = $1", &[&token_hash])?;
            Ok(())
        })
    }

    fn end_logins(&mut self, user: UserId) -> Result<usize, StoreError> {
        self.write(|tx| {
            let n = tx.execute("DELETE FROM logins WHERE user_id = $1", &[&user.0])?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        })
    }

    fn add_invite(&mut self, invite: &Invite) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO invites (token_hash, role, class_id, user_id, created_by, created_at,
                    expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &invite.token_hash,
                    &invite.role.name(),
                    &invite.class.map(|c| c.0),
                    &invite.user.map(|u| u.0),
                    &invite.created_by.map(|u| u.0),
                    &timestamp(invite.created),
                    &timestamp(invite.expires),
                ],
            )?;
            Ok(())
        })
    }

    fn invite(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Invite>, StoreError> {
        open_invite(&mut *self.db(), token_hash, now).map_err(self.tx_err())
    }

    fn redeem_invite(
        &mut self,
        token_hash: &str,
        who: Redeemer<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, StoreError> {
        self.write(|tx| {
            let Some(invite) = open_invite(tx, token_hash, now)? else {
                return Ok(None);
            };
            let user = match (who, invite.user) {
                (Redeemer::New { password, .. }, Some(user)) => {
                    let n = tx.execute(
                        "UPDATE accounts SET password = $2, changed_at = $3 WHERE user_id = $1",
                        &[&user.0, &password, &timestamp(now)],
                    )?;
                    if n == 0 {
                        return Ok(None);
                    }
                    tx.execute("DELETE FROM logins WHERE user_id = $1", &[&user.0])?;
                    user
                }
                (Redeemer::New { name, password }, None) => {
                    // A new account takes a new name: the history of a
                    // learner of the terminal is not anyone's to claim.
                    let taken: bool = tx
                        .query_one(
                            "SELECT EXISTS (SELECT 1 FROM users WHERE name = $1)",
                            &[&name],
                        )?
                        .get(0);
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
                    "INSERT INTO class_members (class_id, user_id, joined_at) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                    &[&class.0, &user.0, &timestamp(now)],
                )?;
            }
            tx.execute(
                "UPDATE invites SET used_at = $2 WHERE token_hash = $1",
                &[&token_hash, &timestamp(now)],
            )?;
            account_in(tx, user)
        })
    }
}

/// Makes the user `name` (unless they exist) and their account (unless
/// they have one): the user, or `None` if the account exists.
fn new_account(
    tx: &mut Transaction<'_>,
    name: &str,
    role: Role,
    password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, TxError> {
    check_user_name(name).map_err(StoreError::UserName)?;
    super::users::insert(tx, name, now)?;
    let user = UserId(
        tx.query_one("SELECT id FROM users WHERE name = $1", &[&name])?
            .get(0),
    );
    let added = tx.execute(
        "INSERT INTO accounts (user_id, role, password, changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
        &[&user.0, &role.name(), &password, &timestamp(now)],
    )?;
    Ok((added == 1).then_some(user))
}

impl PgStore {
    /// The classes `filter` (an SQL condition on `c`, with `$1` for `arg`
    /// when given) selects, by instructor and name.
    fn class_list(&self, filter: &str, arg: Option<i64>) -> Result<Vec<Class>, StoreError> {
        let sql = format!(
            "SELECT {CLASS_COLUMNS} FROM classes c JOIN users u ON u.id = c.instructor_id
             {filter} ORDER BY u.name COLLATE \"C\", c.name COLLATE \"C\""
        );
        let rows = match &arg {
            Some(a) => self.db().query(sql.as_str(), &[a]),
            None => self.db().query(sql.as_str(), &[]),
        }
        .map_err(self.err())?;
        Ok(rows.iter().map(class_row).collect())
    }
}

impl Classes for PgStore {
    fn add_class(
        &mut self,
        instructor: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Class>, StoreError> {
        let id = self.write(|tx| {
            let row = tx.query_opt(
                "INSERT INTO classes (name, instructor_id, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING
                 RETURNING id",
                &[&name, &instructor.0, &timestamp(now)],
            )?;
            Ok(row.map(|r| ClassId(r.get(0))))
        })?;
        match id {
            Some(id) => self.class(id),
            None => Ok(None),
        }
    }

    fn class(&self, id: ClassId) -> Result<Option<Class>, StoreError> {
        Ok(self
            .class_list("WHERE c.id = $1", Some(id.0))?
            .into_iter()
            .next())
    }

    fn classes(&self) -> Result<Vec<Class>, StoreError> {
        self.class_list("", None)
    }

    fn classes_taught(&self, instructor: UserId) -> Result<Vec<Class>, StoreError> {
        self.class_list("WHERE c.instructor_id = $1", Some(instructor.0))
    }

    fn classes_joined(&self, learner: UserId) -> Result<Vec<Class>, StoreError> {
        self.class_list(
            "WHERE c.id IN (SELECT class_id FROM class_members WHERE user_id = $1)",
            Some(learner.0),
        )
    }

    fn members(&self, class: ClassId) -> Result<Vec<Member>, StoreError> {
        let sql = format!(
            "SELECT {}, (SELECT MAX(r.reviewed_at COLLATE \"C\") FROM reviews r
                         WHERE r.user_id = u.id)
             FROM class_members m JOIN users u ON u.id = m.user_id
             WHERE m.class_id = $1 ORDER BY u.name COLLATE \"C\"",
            user_columns()
        );
        let rows = self
            .db()
            .query(sql.as_str(), &[&class.0])
            .map_err(self.err())?;
        rows.iter()
            .map(|r| -> Result<Member, StoreError> {
                let last: Option<&str> = r.get(5);
                Ok(Member {
                    user: user_row(r)?,
                    last_review: last.map(time_of).transpose()?,
                })
            })
            .collect()
    }

    fn add_member(
        &mut self,
        class: ClassId,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "INSERT INTO class_members (class_id, user_id, joined_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&class.0, &user.0, &timestamp(now)],
            )? == 1)
        })
    }

    fn remove_member(&mut self, class: ClassId, user: UserId) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "DELETE FROM class_members WHERE class_id = $1 AND user_id = $2",
                &[&class.0, &user.0],
            )? == 1)
        })
    }

    fn assign_deck(&mut self, class: ClassId, deck: &DeckId) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "INSERT INTO class_decks (class_id, deck_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&class.0, &deck.as_str()],
            )? == 1)
        })
    }

    fn class_decks(&self, class: ClassId) -> Result<Vec<DeckId>, StoreError> {
        let rows = self
            .db()
            .query(
                "SELECT deck_id FROM class_decks WHERE class_id = $1
                 ORDER BY deck_id COLLATE \"C\"",
                &[&class.0],
            )
            .map_err(self.err())?;
        Ok(rows
            .iter()
            .map(|r| DeckId::from(r.get::<_, String>(0)))
            .collect())
    }

    fn deck_owner(&self, deck: &DeckId) -> Result<Option<UserId>, StoreError> {
        let row = self
            .db()
            .query_opt(
                "SELECT user_id FROM deck_owners WHERE deck_id = $1",
                &[&deck.as_str()],
            )
            .map_err(self.err())?;
        Ok(row.map(|r| UserId(r.get(0))))
    }

    fn set_deck_owner(&mut self, deck: &DeckId, owner: UserId) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO deck_owners (deck_id, user_id) VALUES ($1, $2)
                 ON CONFLICT (deck_id) DO UPDATE SET user_id = excluded.user_id",
                &[&deck.as_str(), &owner.0],
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
        let since = timestamp(since);
        let ids: Vec<i64> = users.iter().map(|u| u.0).collect();
        let decks: Vec<&str> = decks.iter().map(DeckId::as_str).collect();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut db = self.db();
        // Counted in one statement: (failed, answers, learners who failed)
        // per card, most failed first, then most learners, then by key in
        // byte order.
        let rows = db
            .query(
                "SELECT deck_id, card_id, COUNT(*) FILTER (WHERE quality < 3), COUNT(*),
                    COUNT(DISTINCT user_id) FILTER (WHERE quality < 3)
                 FROM reviews
                 WHERE user_id = ANY($1) AND reviewed_at >= $2
                   AND (cardinality($3::TEXT[]) = 0 OR deck_id = ANY($3))
                 GROUP BY deck_id, card_id
                 HAVING COUNT(*) FILTER (WHERE quality < 3) > 0
                 ORDER BY 3 DESC, 5 DESC, deck_id COLLATE \"C\", card_id COLLATE \"C\"
                 LIMIT $4",
                &[&ids, &since, &decks, &limit],
            )
            .map_err(&err)?;
        let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        let worst: Vec<(CardKey, (u32, u32, u32))> = rows
            .iter()
            .map(|r| {
                let key = CardKey {
                    deck: DeckId::from(r.get::<_, String>(0)),
                    card: CardId::from(r.get::<_, String>(1)),
                };
                (key, (n(r.get(2)), n(r.get(3)), n(r.get(4))))
            })
            .collect();
        let named = db
            .prepare(
                "SELECT c.content, a.name FROM cards c
                 JOIN areas a ON a.deck_id = c.deck_id AND a.id = c.area_id
                 WHERE c.deck_id = $1 AND c.id = $2",
            )
            .map_err(&err)?;
        let mut out = Vec::with_capacity(worst.len());
        for (card, (failed, answers, learners)) in worst {
            let r = db
                .query_one(&named, &[&card.deck.as_str(), &card.card.as_str()])
                .map_err(&err)?;
            let json: &str = r.get(0);
            let area_name: String = r.get(1);
            let prompt = super::card_json(json)
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
