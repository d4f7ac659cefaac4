//! Server functions for resetting a forgotten password.

use leptos::prelude::*;

use crate::error::AppError;

/// The flash every reset request gets, whether or not the account exists.
pub const REQUEST_SENT: &str = "If an account exists for that email, an email has been sent with instructions to reset your password.";
/// The flash for a bad, expired, tampered or used token.
pub const INVALID_TOKEN: &str = "That is an invalid or expired token";

/// Emails a reset link to the account with this address, if there is one; the answer is the
/// same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::{
        auth::{repo::find_credentials_by_email, session::current_user},
        components::flash::{FlashKind, cookie::set_flash},
        error::FieldErrors,
        posts::repo::now,
        reset::token::issue_token,
        state::{app_state, with_status},
        users::model::email_error,
    };
    with_status(async {
        let state = app_state()?;
        if current_user(&state.db).await?.is_some() {
            leptos_axum::redirect("/");
            return Ok(());
        }
        let email = email.trim().to_owned();
        if let Some(message) = email_error(&email) {
            return Err(AppError::Invalid(FieldErrors::single("email", message)));
        }
        ssr::throttle("reset-request", 5).await?;
        if let Some(account) = find_credentials_by_email(&state.db, &email).await? {
            let token = issue_token(&state.secret, account.user_id, &account.password_hash, now());
            let link = format!("{}/reset_password/{token}", state.settings.public_url.trim_end_matches('/'));
            let body = format!(
                "To reset your password, visit the following link:\n\n{link}\n\n\
                 The link works for 30 minutes, once.\n\
                 If you did not make this request, simply ignore this email and no changes will be made.\n"
            );
            match state.mailer.send(&email, "Password Reset Request", body).await {
                Ok(Some(path)) => tracing::info!(path = %path.display(), "password reset email written to the outbox"),
                Ok(None) => tracing::info!("password reset email sent"),
                Err(error) => {
                    tracing::error!(%error, "password reset email could not be sent");
                    set_flash(
                        FlashKind::Danger,
                        "We could not send the email right now. Please try again in a few minutes.",
                    );
                    leptos_axum::redirect("/reset_password");
                    return Ok(());
                }
            }
        }
        set_flash(FlashKind::Info, REQUEST_SENT);
        leptos_axum::redirect("/login");
        Ok(())
    }
    .await)
}

/// Whether a reset token is still good; if not, the flash says so (the page then goes back to
/// the request form).
#[server(endpoint = "check_reset_token")]
pub async fn check_reset_token(token: String) -> Result<bool, AppError> {
    use crate::state::{db, with_status};
    with_status(
        async {
            ssr::throttle("reset-token", 30).await?;
            Ok(ssr::token_user(&db()?, &token).await?.is_some())
        }
        .await,
    )
}

/// Sets a new password with a valid token, then sends the user to log in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(
    token: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{
            model::validate_new_password,
            password::hash_password,
            repo::{delete_sessions_for_user, update_password_hash},
        },
        components::flash::{FlashKind, cookie::set_flash},
        error::FieldErrors,
        state::{db, with_status},
    };
    with_status(
        async {
            let db = db()?;
            ssr::throttle("reset-token", 30).await?;
            let Some(user_id) = ssr::token_user(&db, &token).await? else {
                leptos_axum::redirect("/reset_password");
                return Ok(());
            };
            let errors = validate_new_password(&password, &confirm_password);
            let mut renamed = FieldErrors::default();
            for (field, message) in errors.iter() {
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
            update_password_hash(&db, user_id, &hash_password(password).await?).await?;
            delete_sessions_for_user(&db, user_id).await?;
            set_flash(
                FlashKind::Success,
                "Your password has been updated! You are now able to log in",
            );
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::{
        auth::{repo::find_password_hash, throttle::Throttle},
        components::flash::{FlashKind, cookie::set_flash},
        db::Db,
        error::AppError,
        posts::repo::now,
        reset::{api::INVALID_TOKEN, token::parse_token},
        state::app_state,
    };

    /// Counts this request against the client's allowance for `purpose`.
    pub async fn throttle(purpose: &str, limit: u32) -> Result<(), AppError> {
        let throttle: std::sync::Arc<Throttle> = app_state()?.throttle;
        let key = format!("{purpose}:{}", crate::auth::api::client_key().await);
        throttle
            .check(&[(&key, limit)])
            .map_err(|retry_after_secs| AppError::TooManyAttempts { retry_after_secs })?;
        throttle.record_failure(&[&key]);
        Ok(())
    }

    /// The user a valid token belongs to; for anything else, the invalid-token flash and `None`.
    pub async fn token_user(db: &Db, token: &str) -> Result<Option<i64>, AppError> {
        let secret = app_state()?.secret;
        let valid = match parse_token(token) {
            Some(parsed) => match find_password_hash(db, parsed.user_id).await? {
                Some(hash) if parsed.is_valid(&secret, &hash, now()) => Some(parsed.user_id),
                _ => None,
            },
            None => None,
        };
        if valid.is_none() {
            set_flash(FlashKind::Danger, INVALID_TOKEN);
        }
        Ok(valid)
    }
}
