//! Server functions for resetting a forgotten password.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::shared::error::AppError;

/// The flash every reset request gets, whether or not the account exists.
#[cfg(feature = "ssr")]
pub const REQUEST_SENT: &str = "If an account exists for that email, an email has been sent with instructions to reset your password.";
/// The flash for a bad, expired, tampered or used token.
#[cfg(feature = "ssr")]
pub const INVALID_TOKEN: &str = "That is an invalid or expired token";

/// Queues a reset link for the account with this address, if there is one. The answer, and
/// the work done before it, are the same either way: the mail queue looks the account up later.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::{
        auth::session::current_user,
        flash::{FlashKind, cookie::set_flash},
        mail::queue::enqueue_password_reset,
        server_only::client::current_client_key,
        server_only::rate_limit::{RESET_REQUEST, hit},
        server_only::state::app_state,
        shared::error::FieldErrors,
        users::model::email_error,
    };
    let state = app_state()?;
    if current_user(&state.db).await?.is_some() {
        leptos_axum::redirect("/");
        return Ok(());
    }
    let email = email.trim().to_owned();
    if let Some(message) = email_error(&email) {
        return Err(AppError::Invalid(FieldErrors::single("email", message)));
    }
    hit(&state.db, RESET_REQUEST, &current_client_key().await).await?;
    enqueue_password_reset(&state.db, &email).await?;
    state.mail_wakeup.notify_one();
    set_flash(FlashKind::Info, REQUEST_SENT);
    leptos_axum::redirect("/login");
    Ok(())
}

/// Whether a reset token is still good; if not, the flash says so (the page then goes back to
/// the request form).
#[server(endpoint = "check_reset_token", input = JsonRead)]
pub async fn check_reset_token(token: String) -> Result<bool, AppError> {
    use crate::server_only::state::db;
    let db = db()?;
    ssr::count_token_check(&db).await?;
    Ok(ssr::token_user(&db, &token).await?.is_some())
}

/// Sets a new password with a valid token, then sends the user to log in. The password is
/// replaced only if it is still the one the token was made from, so of two uses of one link
/// at the same moment, one succeeds and the other is told the token is invalid.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{
            model::validate_new_password, password::hash_password,
            repo::replace_password_if_unchanged,
        },
        flash::{FlashKind, cookie::set_flash},
        server_only::state::{db, work},
        shared::error::FieldErrors,
    };
    let db = db()?;
    ssr::count_token_check(&db).await?;
    let Some((user_id, old_hash)) = ssr::token_user(&db, &token).await? else {
        leptos_axum::redirect("/reset_password");
        return Ok(());
    };
    let mut renamed = FieldErrors::default();
    for (field, message) in validate_new_password(&password, &confirm_password).iter() {
        renamed.add(
            if field == "new_password" {
                "password"
            } else {
                field
            },
            message,
        );
    }
    renamed.into_result()?;
    let new_hash = hash_password(&work()?.hashing, password).await?;
    if !replace_password_if_unchanged(&db, user_id, &old_hash, &new_hash).await? {
        ssr::flash_invalid_token();
        leptos_axum::redirect("/reset_password");
        return Ok(());
    }
    set_flash(
        FlashKind::Success,
        "Your password has been updated! You are now able to log in",
    );
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::{
        auth::repo::find_reset_identity,
        flash::{FlashKind, cookie::set_flash},
        reset::{api::INVALID_TOKEN, token::parse_token},
        server_only::client::current_client_key,
        server_only::clock::now,
        server_only::db::Db,
        server_only::rate_limit::{RESET_TOKEN, hit},
        server_only::state::app_state,
        shared::error::AppError,
    };

    /// Counts a token check against the client's allowance.
    pub async fn count_token_check(db: &Db) -> Result<(), AppError> {
        hit(db, RESET_TOKEN, &current_client_key().await).await
    }

    /// Tells the user the token is no good.
    pub fn flash_invalid_token() {
        set_flash(FlashKind::Danger, INVALID_TOKEN);
    }

    /// The user a valid token belongs to, with the password hash it was made from; for anything
    /// else, the invalid-token flash and `None`.
    pub async fn token_user(db: &Db, token: &str) -> Result<Option<(i64, String)>, AppError> {
        let secret = app_state()?.secret;
        let valid = match parse_token(token) {
            Some(parsed) => match find_reset_identity(db, parsed.user_id).await? {
                Some(identity)
                    if parsed.is_valid(
                        &secret,
                        &identity.password_hash,
                        &identity.email,
                        now(),
                    ) =>
                {
                    Some((parsed.user_id, identity.password_hash))
                }
                _ => None,
            },
            None => None,
        };
        if valid.is_none() {
            flash_invalid_token();
        }
        Ok(valid)
    }
}
