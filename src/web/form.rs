//! Reading a posted form: its fields, checked for the server's token, with
//! one clear sentence for anything malformed.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

use super::{Token, WebError};

/// The fields of a posted form (`application/x-www-form-urlencoded`),
/// in order; a field may repeat (the options ticked in a choice).
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pairs: Vec<(String, String)>,
}

impl Fields {
    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The presentation a form answers (`id`).
    pub fn id(&self) -> Result<u64, WebError> {
        self.number("id", 1, u64::MAX)
    }

    /// Field `name` as a whole number from `min` to `max`.
    pub fn number(&self, name: &str, min: u64, max: u64) -> Result<u64, WebError> {
        let raw = self
            .get(name)
            .ok_or_else(|| WebError::bad_request(format!("the form has no {name}")))?;
        raw.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                WebError::bad_request(format!(
                    "{name} must be a whole number from {min} to {max}, not {}",
                    crate::text::quoted(raw)
                ))
            })
    }

    /// Field `name` as a whole number from `min` to `max`, or `None` when
    /// it is absent or empty.
    pub fn optional(&self, name: &str, min: u64, max: u64) -> Result<Option<u64>, WebError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(_) => self.number(name, min, max).map(Some),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Fields, WebError> {
        let expected = request.extensions().get::<Token>().cloned();
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebError::new(StatusCode::PAYLOAD_TOO_LARGE, "the form is too large")
            } else {
                WebError::bad_request("the form could not be read")
            }
        })?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        let fields = Fields { pairs };
        let given = fields.get("token").unwrap_or("");
        match expected {
            Some(Token(token)) if same(given.as_bytes(), token.as_bytes()) => Ok(fields),
            _ => Err(WebError::forbidden(
                "the form is not from this recall (its token is missing or out of date): \
                 reload the page and try again",
            )),
        }
    }
}

/// Whether two secrets are equal, in a time that does not depend on
/// where they differ.
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}
