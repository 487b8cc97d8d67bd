//! The frame of every page (title, navigation, the style sheet and the
//! key script, both served by the binary) and the static files.

use axum::http::header;
use axum::response::IntoResponse;
use maud::{DOCTYPE, Markup, html};

/// The style sheet.
const CSS: &str = include_str!("assets/app.css");

/// The key script: Space, 1-4, letters and `?`; every page works
/// without it.
const JS: &str = include_str!("assets/app.js");

/// What a page's navigation shows: the learner's pages, and on a class
/// server who is logged in, their role's pages and a way out.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// Whether this is a class server.
    pub class: bool,
    /// Who is logged in (a class server only).
    pub user: Option<String>,
    /// Their role (a class server only).
    pub role: Option<crate::store::Role>,
    /// Their forms' token.
    pub token: String,
}

/// A whole page: `title`, the navigation with `active` marked, `content`.
pub fn page(nav: &Nav, title: &str, active: &str, content: Markup) -> Markup {
    let mut links = vec![];
    if !nav.class || nav.user.is_some() {
        links.extend([
            ("/", "Today"),
            ("/drill", "Drill"),
            ("/quiz", "Quiz"),
            ("/exam", "Exam"),
            ("/report", "Report"),
            ("/decks", "Decks"),
        ]);
    }
    if nav.user.is_some() {
        links.push(("/classes", "Classes"));
    }
    if nav.role == Some(crate::store::Role::Admin) {
        links.push(("/admin", "Accounts"));
    }
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · recall" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header {
                    nav aria-label="Main" {
                        ul {
                            @for (href, name) in links {
                                li {
                                    @if href == active {
                                        a href=(href) aria-current="page" { (name) }
                                    } @else {
                                        a href=(href) { (name) }
                                    }
                                }
                            }
                            @if let Some(user) = &nav.user {
                                li.who {
                                    a href="/account" aria-current=[(active == "/account").then_some("page")] { (user) }
                                }
                                li {
                                    form.inline method="post" action="/logout" {
                                        (token(&nav.token))
                                        button.link type="submit" { "Log out" }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main { (content) }
                div #keys-help hidden role="dialog" aria-label="Keys" {
                    h2 { "Keys" }
                    ul {
                        li { kbd { "Space" } " shows the answer, or goes on" }
                        li { kbd { "1" } "–" kbd { "4" } " grade: Again, Hard, Good, Easy" }
                        li { kbd { "a" } ", " kbd { "b" } ", " kbd { "c" } "… pick an option; "
                             kbd { "t" } " / " kbd { "f" } " true or false" }
                        li { kbd { "?" } " shows or hides these keys" }
                    }
                }
            }
        }
    }
}

/// The hidden field every form carries.
pub fn token(token: &str) -> Markup {
    html! { input type="hidden" name="token" value=(token); }
}

/// `GET /static/app.css`.
pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

/// `GET /static/app.js`.
pub async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}
