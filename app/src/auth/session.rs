//! Server-side sessions: the cookie and its random token, starting and ending a session, and
//! who the current request belongs to. The database keeps only the token's SHA-256.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::Duration;
use cookie::{Cookie, SameSite};
use http::{HeaderValue, header, request::Parts};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sha2::{Digest, Sha256};

use crate::{
    auth::repo,
    db::{Db, DbError},
    error::AppError,
    posts::repo::now,
    state::AppState,
    users::model::User,
};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "quire_session";
/// How long a "Remember Me" session lasts.
pub const REMEMBER_FOR: Duration = Duration::days(30);
/// How long any other session lasts on the server (its cookie ends with the browser session).
pub const SESSION_FOR: Duration = Duration::hours(24);

/// A new random session token: 32 bytes from the OS, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// The id a token is stored under: its SHA-256, hex-encoded.
pub fn token_id(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value of a cookie on the current request.
pub fn request_cookie(name: &str) -> Option<String> {
    cookie_in(&use_context::<Parts>()?.headers, name)
}

/// Adds a `Set-Cookie` header to the current response.
pub fn set_cookie(cookie: &Cookie<'_>) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie.encoded().to_string()),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// Whether cookies must be marked `Secure` (set for https deployments).
fn secure_cookies() -> bool {
    use_context::<AppState>().is_some_and(|state| state.settings.secure_cookies)
}

fn session_cookie(token: String, remember: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure_cookies())
        .build();
    if remember {
        cookie.set_max_age(cookie::time::Duration::days(REMEMBER_FOR.num_days()));
    }
    cookie
}

/// The logged-in user of the current request, if any.
pub async fn current_user(db: &Db) -> Result<Option<User>, AppError> {
    match request_cookie(SESSION_COOKIE) {
        Some(token) => Ok(find_user_by_token(db, &token).await?),
        None => Ok(None),
    }
}

/// The user whose unexpired session has this token.
pub async fn find_user_by_token(db: &Db, token: &str) -> Result<Option<User>, DbError> {
    repo::find_session_user(db, &token_id(token), now()).await
}

/// The session token in these request headers, for handlers outside Leptos.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    cookie_in(headers, SESSION_COOKIE)
}

fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
}

/// The logged-in user, or [`AppError::Unauthorized`].
pub async fn require_user(db: &Db) -> Result<User, AppError> {
    current_user(db).await?.ok_or(AppError::Unauthorized)
}

/// Starts a new session for `user_id`, replacing any session the request came with, so a
/// session id is never carried across a log-in.
pub async fn start_session(db: &Db, user_id: i64, remember: bool) -> Result<(), AppError> {
    let created_at = now();
    if let Some(old) = request_cookie(SESSION_COOKIE) {
        repo::delete_session(db, &token_id(&old)).await?;
    }
    repo::delete_expired_sessions(db, created_at).await?;
    let token = new_token();
    let lifetime = if remember { REMEMBER_FOR } else { SESSION_FOR };
    repo::insert_session(
        db,
        &token_id(&token),
        user_id,
        created_at,
        created_at + lifetime,
    )
    .await?;
    set_cookie(&session_cookie(token, remember));
    Ok(())
}

/// Deletes the request's session on the server and clears its cookie.
pub async fn end_session(db: &Db) -> Result<(), AppError> {
    if let Some(token) = request_cookie(SESSION_COOKIE) {
        repo::delete_session(db, &token_id(&token)).await?;
    }
    let mut cookie = session_cookie(String::new(), false);
    cookie.make_removal();
    set_cookie(&cookie);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_characters_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_stored_id_is_not_the_token() {
        let token = new_token();
        assert_ne!(token_id(&token), token);
        assert_eq!(token_id(&token).len(), 64);
    }
}
