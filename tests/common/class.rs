//! A class set up for load: a deck of basic cards assigned to it and its
//! learners logged in, straight through the store (no password hashing),
//! for the load benchmark and the fault test.

use chrono::{DateTime, Utc};
use recall::store::{Access, Login, Role};

fn at() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .unwrap()
        .to_utc()
}

/// A class of `learners` on `db` (a file or a URL) with a deck of `cards`
/// basic cards, each learner allowed all of them today and logged in:
/// (name, login cookie, form token) each. Runs on a thread of its own
/// (PostgreSQL's client blocks on a runtime of its own).
pub fn logged_in(db: &str, learners: usize, cards: usize) -> Vec<(String, String, String)> {
    let db = db.to_string();
    std::thread::spawn(move || {
        let (mut store, _) = recall::store::open_for_use(
            std::path::Path::new(&db),
            Access::ReadWrite,
            None,
            at(),
        )
        .unwrap();
        let mut text = String::from(
            "[deck]\nid = \"load\"\ntitle = \"Load\"\nversion = 1\n\n[[areas]]\nid = \"a\"\nname = \"A\"\n",
        );
        for i in 0..cards {
            text.push_str(&format!(
                "\n[[cards]]\nid = \"c{i}\"\narea = \"a\"\nkind = \"basic\"\nfront = \"Front {i}\"\nback = \"Back {i}\"\n"
            ));
        }
        let deck = recall::deck::check(std::path::Path::new("load.toml"), &text)
            .deck
            .unwrap();
        store.install_deck(&deck, at()).unwrap();
        let teacher = store
            .add_account("teacher", Role::Instructor, None, at())
            .unwrap()
            .unwrap();
        let class = store
            .add_class(teacher.user.id, "Load", at())
            .unwrap()
            .unwrap();
        store.assign_deck(class.id, &"load".into()).unwrap();
        (0..learners)
            .map(|n| {
                let name = format!("learner{n}");
                let user = store
                    .add_account(&name, Role::Learner, None, at())
                    .unwrap()
                    .unwrap()
                    .user;
                store
                    .set(
                        &user,
                        recall::store::Setting::NewPerDay(u32::try_from(cards).unwrap()),
                    )
                    .unwrap();
                store.add_member(class.id, user.id, at()).unwrap();
                let secret = recall::accounts::new_secret();
                let csrf = recall::web::new_token();
                store
                    .add_login(&Login {
                        token_hash: recall::accounts::secret_hash(&secret),
                        user: user.id,
                        csrf: csrf.clone(),
                        created: at(),
                        expires: at() + chrono::Duration::days(1),
                    })
                    .unwrap();
                (name, secret, csrf)
            })
            .collect()
    })
    .join()
    .unwrap()
}
