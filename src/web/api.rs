//! The class server's side of offline sync, for a learner's own recall
//! (`recall sync --server URL`): a device token, got once with the
//! learner's name and password, then a sync that takes the device's log
//! and gives back the server's. The token is a login of its own, kept as a
//! digest, sent as `Authorization: Bearer`; these routes take no cookie,
//! so no other site's page can use them.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::{Credentials, credentials, new_login};
use super::{App, WebError};
use crate::accounts::secret_hash;
use crate::store::history::{self, Format};

/// How long a device token lasts.
pub const DEVICE_DAYS: i64 = 90;

/// The largest log a sync may send: about 100,000 reviews.
pub const SYNC_LIMIT: usize = 32 * 1024 * 1024;

/// `POST /api/devices` (form: name, password): a device token, as text.
/// Throttled as logins are.
pub async fn device(
    State(app): State<App>,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    body: Bytes,
) -> Response {
    device_token(app, headers, peer, body)
        .await
        .unwrap_or_else(WebError::plain)
}

async fn device_token(
    app: App,
    headers: HeaderMap,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    body: Bytes,
) -> Result<Response, WebError> {
    let fields: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (name, password) = (field("name").trim().to_string(), field("password"));
    let peer = peer.map(|c| (c.0).0);
    let Credentials::Match(user) = credentials(&app, &headers, peer, &name, password).await? else {
        return Err(WebError::new(
            StatusCode::UNAUTHORIZED,
            "that name and password do not match an account",
        ));
    };
    let secret = new_login(&app, user, chrono::Duration::days(DEVICE_DAYS)).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{secret}\n"),
    )
        .into_response())
}

/// `POST /api/sync` (`Authorization: Bearer TOKEN`; the body, the
/// device's log as JSON lines): the device's reviews merged into the
/// learner's log here, and the whole log here sent back, as JSON lines.
/// Reviews of cards not installed here are left out and counted.
pub async fn sync(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    merge(app, headers, body)
        .await
        .unwrap_or_else(WebError::plain)
}

async fn merge(app: App, headers: HeaderMap, body: Bytes) -> Result<Response, WebError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| crate::accounts::is_secret(t))
        .ok_or_else(|| {
            WebError::new(
                StatusCode::UNAUTHORIZED,
                "a sync needs a device token (recall sync --server URL --device-token)",
            )
        })?
        .to_string();
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| WebError::bad_request("the log sent is not UTF-8"))?;
    let now = app.now().utc();
    app.admin(move |store, _| {
        let (_, account) = store.login(&secret_hash(&token), now)?.ok_or_else(|| {
            WebError::new(
                StatusCode::UNAUTHORIZED,
                "this device token is unknown or expired: get a new one",
            )
        })?;
        let user = account.user.id;
        let rows =
            history::parse(std::path::Path::new("the log sent"), &text).map_err(|problems| {
                let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
                let more = problems.len().saturating_sub(shown.len());
                WebError::bad_request(if more > 0 {
                    format!("{}; and {more} more", shown.join("; "))
                } else {
                    shown.join("; ")
                })
            })?;
        let rows = rows.into_iter().map(|(_, row)| row).collect();
        let (report, skipped) = crate::review::merge(store, user, rows)?;
        let log =
            history::write(&store.history(user)?, Format::Jsonl).map_err(WebError::internal)?;
        Ok((
            [
                (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
                (
                    header::HeaderName::from_static("x-recall-sync"),
                    format!(
                        "added={} present={} skipped={skipped}",
                        report.added, report.present
                    ),
                ),
            ],
            log,
        )
            .into_response())
    })
    .await
}
