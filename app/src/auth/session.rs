//! Server-side sessions: starting, rotating and ending one, and who the current request belongs
//! to. The cookie holds a random token; the database keeps only the token's SHA-256.

use chrono::Duration;
use sha2::{Digest, Sha256};

use crate::{
    auth::repo,
    server_only::clock::now,
    server_only::cookies,
    server_only::db::{Db, DbError},
    server_only::random::new_token,
    server_only::totals::{Totals, read_totals_and_session_user},
    server_only::visitor_seen::note_logged_in_user,
    shared::error::AppError,
    users::model::User,
};

/// How long a "Remember Me" session lasts.
pub const REMEMBER_FOR: Duration = Duration::days(30);
/// How long any other session lasts on the server (its cookie ends with the browser session).
pub const SESSION_FOR: Duration = Duration::hours(24);

/// The id a token is stored under: its SHA-256, hex-encoded.
pub fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session cookie for `token`; with `lasting`, a persistent cookie kept that long.
fn session_cookie(token: String, lasting: Option<Duration>) -> cookie::Cookie<'static> {
    let mut cookie = cookies::build(cookies::SESSION, token, cookies::secure());
    if let Some(lasting) = lasting {
        cookie.set_max_age(cookie::time::Duration::seconds(
            lasting.num_seconds().max(0),
        ));
    }
    cookie
}

/// The session token of the current request, if it sent one.
fn request_token() -> Option<String> {
    cookies::from_request().session
}

/// The user the page cache found for the session of the request it hands on to be rendered, so
/// that the page does not look the session up a second time.
#[derive(Debug, Clone)]
pub struct SessionUser(pub User);

/// The user the page cache found for the request being rendered, if it looked.
fn found_for_request() -> Option<User> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionUser>().cloned())
        .map(|SessionUser(user)| user)
}

/// The logged-in user of the current request, if any. Finding one tells the page cache that
/// this render is not for everyone.
pub async fn current_user(db: &Db) -> Result<Option<User>, AppError> {
    let user = match (found_for_request(), request_token()) {
        (Some(user), _) => Some(user),
        (None, Some(token)) => find_user_by_token(db, &token).await?,
        (None, None) => None,
    };
    if user.is_some() {
        note_logged_in_user();
    }
    Ok(user)
}

/// The user whose unexpired session has this token.
pub async fn find_user_by_token(db: &Db, token: &str) -> Result<Option<User>, DbError> {
    repo::find_session_user(db, &token_id(token), now()).await
}

/// The totals, and the user whose unexpired session has this token, in one read.
pub async fn totals_and_user_by_token(
    db: &Db,
    token: &str,
) -> Result<(Totals, Option<User>), DbError> {
    read_totals_and_session_user(db, &token_id(token), now()).await
}

/// The session token in these request headers, for handlers outside Leptos.
pub fn token_from_headers(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    cookies::read(headers, secure).session
}

/// The user whose session these request headers carry, for handlers outside Leptos.
pub async fn user_from_headers(
    db: &Db,
    headers: &http::HeaderMap,
    secure: bool,
) -> Result<Option<User>, DbError> {
    match token_from_headers(headers, secure) {
        Some(token) => find_user_by_token(db, &token).await,
        None => Ok(None),
    }
}

/// The logged-in user, or [`AppError::Unauthorized`].
pub async fn require_user(db: &Db) -> Result<User, AppError> {
    current_user(db).await?.ok_or(AppError::Unauthorized)
}

/// How a log-in's password was checked: the hash it matched, and a stronger hash of the same
/// password to store instead, if the old one is due for one.
pub struct Verified<'a> {
    /// The stored hash the password matched.
    pub hash: &'a str,
    /// Its replacement, for a hash of an older scheme or cost.
    pub rehash: Option<&'a str>,
}

/// Starts a new session for `user_id`, replacing any session the request came with, so a
/// session id is never carried across a log-in. Only while the password is still the one
/// `verified` was checked against: false, with no session, when it changed meanwhile.
pub async fn start_session(
    db: &Db,
    user_id: i64,
    remember: bool,
    verified: Verified<'_>,
) -> Result<bool, AppError> {
    let created_at = now();
    let lifetime = if remember { REMEMBER_FOR } else { SESSION_FOR };
    let token = new_token();
    let old = request_token().map(|old| token_id(&old));
    let started = repo::store_session(
        db,
        repo::Replacing::LogIn {
            old: old.as_deref(),
            verified: verified.hash,
            rehash: verified.rehash,
        },
        &token_id(&token),
        user_id,
        created_at,
        created_at + lifetime,
    )
    .await?;
    if started {
        set_session_cookie(token, remember.then_some(lifetime));
    }
    Ok(started)
}

/// Changes the password of `user_id` to `new_hash` and, in the same transaction, ends every
/// session of the user, the request's own included; this browser gets a fresh session that ends
/// when the old one would have.
pub async fn change_password_and_restart_sessions(
    db: &Db,
    user_id: i64,
    new_hash: &str,
) -> Result<(), AppError> {
    let current = request_token().map(|token| token_id(&token));
    let created_at = now();
    let expires_at = match &current {
        Some(id) => repo::find_session_expiry(db, id).await?,
        None => None,
    }
    .unwrap_or(created_at + SESSION_FOR);
    let token = new_token();
    repo::store_session(
        db,
        repo::Replacing::AllOfUserWithPassword(new_hash),
        &token_id(&token),
        user_id,
        created_at,
        expires_at,
    )
    .await?;
    let remaining = expires_at - created_at;
    set_session_cookie(token, (remaining > SESSION_FOR).then_some(remaining));
    Ok(())
}

fn set_session_cookie(token: String, lasting: Option<Duration>) {
    cookies::set(&session_cookie(token, lasting));
}

/// Deletes the request's session on the server and clears its cookie.
pub async fn end_session(db: &Db) -> Result<(), AppError> {
    if let Some(token) = request_token() {
        repo::delete_session(db, &token_id(&token)).await?;
    }
    cookies::set(&cookies::removal(cookies::SESSION, cookies::secure()));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_id_is_not_the_token() {
        let token = new_token();
        assert_ne!(token_id(&token), token);
        assert_eq!(token_id(&token).len(), 64);
    }
}
