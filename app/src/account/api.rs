//! Server functions for the logged-in user's own account.

use leptos::prelude::*;

use crate::{error::AppError, users::model::User};

/// The logged-in user. Anyone else gets `Unauthorized` and a flash asking them to log in.
#[server(endpoint = "account")]
pub async fn get_account() -> Result<User, AppError> {
    use crate::{
        auth::session::current_user,
        components::flash::{FlashKind, cookie::set_flash},
        state::db,
    };
    match current_user(&db()?).await? {
        Some(user) => Ok(user),
        None => {
            set_flash(FlashKind::Info, "Please log in to access this page.");
            Err(AppError::Unauthorized)
        }
    }
}

/// Changes the logged-in user's username and email.
#[server(endpoint = "update_account")]
pub async fn update_account(username: String, email: String) -> Result<(), AppError> {
    use crate::{
        auth::session::require_user,
        components::flash::{FlashKind, cookie::set_flash},
        error::FieldErrors,
        state::{db, with_status},
        users::{
            model::{email_error, username_error},
            repo::update_user,
        },
    };
    with_status(
        async {
            let db = db()?;
            let user = require_user(&db).await?;
            let (username, email) = (username.trim(), email.trim());
            let mut errors = FieldErrors::default();
            if let Some(message) = username_error(username) {
                errors.add("username", message);
            }
            if let Some(message) = email_error(email) {
                errors.add("email", message);
            }
            errors.into_result()?;
            update_user(&db, user.id, username, email)
                .await?
                .ok_or(AppError::Unauthorized)?;
            set_flash(FlashKind::Success, "Your account has been updated!");
            leptos_axum::redirect("/account");
            Ok(())
        }
        .await,
    )
}

/// Changes the logged-in user's password, given the current one.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{
            model::validate_new_password,
            password::{hash_password, verify_password},
            repo::{find_password_hash, update_password_hash},
            session::require_user,
        },
        components::flash::{FlashKind, cookie::set_flash},
        state::{db, with_status},
    };
    with_status(
        async {
            let db = db()?;
            let user = require_user(&db).await?;
            let mut errors = validate_new_password(&new_password, &confirm_password);
            let stored = find_password_hash(&db, user.id)
                .await?
                .ok_or(AppError::Unauthorized)?;
            if !verify_password(current_password, stored).await? {
                errors.add("current_password", "Your current password is incorrect.");
            }
            errors.into_result()?;
            update_password_hash(&db, user.id, &hash_password(new_password).await?).await?;
            set_flash(FlashKind::Success, "Your password has been changed.");
            leptos_axum::redirect("/account");
            Ok(())
        }
        .await,
    )
}
