//! Server functions for the logged-in user's own account.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{shared::error::AppError, users::model::User};

/// The logged-in user. Anyone else gets `Unauthorized` and a flash asking them to log in.
#[server(endpoint = "account", input = JsonRead)]
pub async fn get_account() -> Result<User, AppError> {
    use crate::{
        auth::session::current_user,
        flash::{FlashKind, cookie::set_flash},
        server_only::state::db,
    };
    match current_user(&db()?).await? {
        Some(user) => Ok(user),
        None => {
            set_flash(FlashKind::Info, "Please log in to access this page.");
            Err(AppError::Unauthorized)
        }
    }
}

/// Changes the logged-in user's username and email. A new email needs the current password:
/// otherwise a stolen session could move the account's email and then reset its password.
#[server(endpoint = "update_account")]
pub async fn update_account(
    username: String,
    email: String,
    #[server(default)] current_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::session::require_user,
        flash::{FlashKind, cookie::set_flash},
        server_only::state::db,
        shared::error::FieldErrors,
        shared::messages,
        users::{
            model::{email_error, normalize_username, username_error},
            repo::update_user,
        },
    };
    let db = db()?;
    let user = require_user(&db).await?;
    let (username, email) = (normalize_username(&username), email.trim().to_owned());
    let mut errors = FieldErrors::default();
    if let Some(message) = username_error(&username) {
        errors.add("username", message);
    }
    if let Some(message) = email_error(&email) {
        errors.add("email", message);
    }
    let email_changes = email != user.email;
    if email_changes && current_password.is_empty() {
        errors.add("current_password", messages::CURRENT_PASSWORD_REQUIRED);
    }
    errors.into_result()?;
    if email_changes && !ssr::password_matches(&db, user.id, current_password).await? {
        return Err(AppError::Invalid(FieldErrors::single(
            "current_password",
            messages::CURRENT_PASSWORD_INCORRECT,
        )));
    }
    update_user(&db, user.id, &username, &email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    set_flash(FlashKind::Success, "Your account has been updated!");
    leptos_axum::redirect("/account");
    Ok(())
}

/// Changes the logged-in user's password, given the current one. Every other session of the
/// user ends, and this browser gets a fresh session token.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{
            model::validate_new_password,
            password::hash_password,
            session::{change_password_and_restart_sessions, require_user},
        },
        flash::{FlashKind, cookie::set_flash},
        server_only::state::{db, work},
        shared::messages,
    };
    let db = db()?;
    let user = require_user(&db).await?;
    let mut errors = validate_new_password(&new_password, &confirm_password);
    if !ssr::password_matches(&db, user.id, current_password).await? {
        errors.add("current_password", messages::CURRENT_PASSWORD_INCORRECT);
    }
    errors.into_result()?;
    let hash = hash_password(&work()?.hashing, new_password).await?;
    change_password_and_restart_sessions(&db, user.id, &hash).await?;
    set_flash(FlashKind::Success, "Your password has been changed.");
    leptos_axum::redirect("/account");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::{
        auth::{password::verify_password, repo::find_password_hash},
        server_only::db::Db,
        server_only::rate_limit::{PASSWORD_CHECK, hit},
        server_only::state::work,
        shared::error::AppError,
    };

    /// Whether `password` is the user's current one; checks are counted per account, so a
    /// stolen session cannot guess it at length.
    pub async fn password_matches(
        db: &Db,
        user_id: i64,
        password: String,
    ) -> Result<bool, AppError> {
        hit(db, PASSWORD_CHECK, &user_id.to_string()).await?;
        let stored = find_password_hash(db, user_id)
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(verify_password(&work()?.hashing, password, stored).await?)
    }
}
