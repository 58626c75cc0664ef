//! Who is calling: the account behind `Authorization: Bearer <token>`, and the language
//! refusals are worded in.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::archive::accounts::{Account, Role};
use crate::archive::Archive;
use crate::lang::Lang;
use crate::messages::web::{refusal, Refusal};

use super::{secrets, App};

/// A refusal, as JSON `{"error": "…"}` with its status.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(r: Refusal, lang: Lang) -> ApiError {
        let status = match r {
            Refusal::Unauthorized => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
            Refusal::BadPeriod | Refusal::NoFile => StatusCode::BAD_REQUEST,
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            message: refusal(r, lang).to_string(),
        }
    }

    /// A refusal with its own sentence.
    pub(crate) fn with(status: StatusCode, message: String) -> ApiError {
        ApiError { status, message }
    }

    /// The status and sentence, for a page that shows them.
    pub(crate) fn parts(self) -> (StatusCode, String) {
        (self.status, self.message)
    }

    /// Something failed inside: told to the server's log, never to the caller.
    pub(crate) fn internal(e: impl std::fmt::Display, lang: Lang) -> ApiError {
        eprintln!("tongbao serve: {e}");
        ApiError::new(Refusal::Internal, lang)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(serde_json::json!({ "error": self.message })),
        )
            .into_response()
    }
}

/// The language a request asks for: `?lang=en`, else `Accept-Language` starting with
/// English, else Chinese.
pub(crate) fn lang_of(parts: &Parts) -> Lang {
    let query = parts.uri.query().unwrap_or("");
    for pair in query.split('&') {
        match pair {
            "lang=en" => return Lang::En,
            "lang=zh" => return Lang::Zh,
            _ => {}
        }
    }
    // The language a visitor switched to on the pages (`pages::LANG_COOKIE`).
    let switched = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| match kv.trim() {
            "tb_lang=en" => Some(Lang::En),
            "tb_lang=zh" => Some(Lang::Zh),
            _ => None,
        });
    if let Some(lang) = switched {
        return lang;
    }
    let accept = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

/// The language of the request, for handlers that need no account.
pub(crate) struct Wanted(pub(crate) Lang);

impl<S: Send + Sync> FromRequestParts<S> for Wanted {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Wanted(lang_of(parts)))
    }
}

/// An authenticated caller.
pub(crate) struct Caller {
    pub(crate) account: Account,
    pub(crate) lang: Lang,
}

impl Caller {
    /// Refuses anyone but the clerk.
    pub(crate) fn clerk_only(&self) -> Result<(), ApiError> {
        match self.account.role {
            Role::Clerk => Ok(()),
            Role::County => Err(ApiError::new(Refusal::Forbidden, self.lang)),
        }
    }

    /// The unit a county account sends for; `None` for the clerk, who sends for any.
    pub(crate) fn own_unit(&self) -> Option<&str> {
        match self.account.role {
            Role::Clerk => None,
            // A county account always has its unit (the table's CHECK); one without
            // would match no return.
            Role::County => Some(self.account.unit_code.as_deref().unwrap_or("")),
        }
    }
}

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let lang = lang_of(parts);
        let unauthorized = || ApiError::new(Refusal::Unauthorized, lang);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .ok_or_else(unauthorized)?;
        let Some((id, secret)) =
            secrets::split_token(&token).map(|(i, s)| (i.to_string(), s.to_string()))
        else {
            return Err(unauthorized());
        };
        let archive_path = app.cfg.archive_path();
        // The account and its token's hash, read afresh on every request: a revocation
        // or a new token takes effect at once, whatever was verified before.
        let found = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let archive = Archive::open_for_reading(&archive_path)?;
            Ok(archive.account_by_token_id(&id)?)
        })
        .await
        .map_err(|e| ApiError::internal(e, lang))?
        .map_err(|e| ApiError::internal(e, lang))?;
        let Some((account, hash)) = found.filter(|(a, _)| a.revoked_at.is_none()) else {
            return Err(unauthorized());
        };
        let key = VerifiedTokens::key(&token);
        if !app.verified.holds(&key, &hash) {
            // A turn at argon2 (bounded memory), then the secret is verified on the
            // blocking pool.
            let _turn = app
                .hashing
                .acquire()
                .await
                .map_err(|e| ApiError::internal(e, lang))?;
            let checked = hash.clone();
            let matches = tokio::task::spawn_blocking(move || secrets::verify(&secret, &checked))
                .await
                .map_err(|e| ApiError::internal(e, lang))?;
            if !matches {
                return Err(unauthorized());
            }
            app.verified.remember(key, hash);
        }
        Ok(Caller { account, lang })
    }
}

/// Marks every cookie a response sets `Secure` (served over HTTPS: the browser then never
/// sends the session over plain HTTP). The pages set `HttpOnly; SameSite=Strict` on each.
pub(crate) async fn secure_cookies(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return response;
    }
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        let secured = match cookie.to_str() {
            Ok(text) if !text.to_ascii_lowercase().contains("; secure") => {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(cookie)
            }
            _ => cookie,
        };
        headers.append(header::SET_COOKIE, secured);
    }
    response
}

/// API tokens already verified against their stored argon2 hash, so that a county's
/// program sending again is not made to wait for argon2 (tens of milliseconds of a core
/// and 19 MiB each time). Keyed by the token's sha256 (the token itself is not kept);
/// a hit counts only while the archive still holds the very hash it was verified
/// against, and the account is read afresh on every request, so a revocation or a new
/// token ends it at once. Forgotten whole when full.
#[derive(Default)]
pub(crate) struct VerifiedTokens {
    by_digest: std::sync::Mutex<std::collections::HashMap<[u8; 32], String>>,
}

impl VerifiedTokens {
    /// The most tokens remembered (a province's counties and clerks many times over).
    const MAX: usize = 4096;

    fn key(token: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(token.as_bytes()).into()
    }

    /// Whether the token of `key` was verified against `hash`.
    fn holds(&self, key: &[u8; 32], hash: &str) -> bool {
        self.by_digest
            .lock()
            .is_ok_and(|m| m.get(key).is_some_and(|h| h == hash))
    }

    fn remember(&self, key: [u8; 32], hash: String) {
        if let Ok(mut m) = self.by_digest.lock() {
            if m.len() >= Self::MAX {
                m.clear();
            }
            m.insert(key, hash);
        }
    }
}
