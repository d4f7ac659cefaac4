//! Server functions for signing up, logging in and out, and asking who is logged in.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{shared::error::AppError, users::model::User};

/// The logged-in user, if any.
#[server(endpoint = "current_user", input = JsonRead)]
pub async fn get_current_user() -> Result<Option<User>, AppError> {
    use crate::{auth::session::current_user, server_only::state::db};
    current_user(&db()?).await
}

/// Creates an account, then sends the visitor to the log-in page. Sign-ups are counted per
/// client address.
#[server(endpoint = "register")]
pub async fn register(
    username: String,
    email: String,
    password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::{
        auth::{model::validate_registration, password::hash_password, session::current_user},
        flash::{FlashKind, cookie::set_flash},
        server_only::client::current_client_key,
        server_only::rate_limit::{SIGNUP, hit},
        server_only::state::{db, work},
        users::{
            model::{NewUser, normalize_username},
            repo::{UserRecord, insert_user},
        },
    };
    let db = db()?;
    if current_user(&db).await?.is_some() {
        leptos_axum::redirect("/");
        return Ok(());
    }
    let user = NewUser {
        username: normalize_username(&username),
        email: email.trim().to_owned(),
        password,
    };
    validate_registration(&user, &confirm_password)?;
    hit(&db, SIGNUP, &current_client_key().await).await?;
    let password_hash = hash_password(&work()?.hashing, user.password.clone()).await?;
    insert_user(
        &db,
        &UserRecord {
            username: &user.username,
            email: &user.email,
            password_hash: &password_hash,
        },
    )
    .await?;
    set_flash(
        FlashKind::Success,
        "Your account has been created! You are now able to log in",
    );
    leptos_axum::redirect("/login");
    Ok(())
}

/// Checks email and password; on success starts a new session and goes to `next` (a path on
/// this site) or home. Wrong email and wrong password get the same answer, in the same time.
/// Every attempt is counted before the password is checked, so a burst of guesses cannot get
/// past the limits by arriving together: first against the client (so a client over its limit
/// uses up no account's attempts), then against the account from that client, then against
/// the account from anywhere, or, from a browser that logged in to the account before, against
/// that browser alone (so guesses from elsewhere cannot lock the owner out). The account is the
/// one the email matches, whatever its case. A success trusts this browser from then on.
#[server(endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    remember: Option<bool>,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        auth::{
            device::{trust_this_device, trusted_device},
            model::{safe_next, validate_login},
            password::{hash_password, needs_rehash, verify_password},
            repo::find_credentials_by_email,
            session::{Verified, start_session},
        },
        server_only::client::current_client_key,
        server_only::rate_limit::{
            LOGIN_ACCOUNT, LOGIN_ACCOUNT_CLIENT, LOGIN_CLIENT, LOGIN_DEVICE, hit, refund, reset,
        },
        server_only::state::{db, work},
        users::identity::identity_key,
    };
    use leptos::server_fn::ServerFn;
    let db = &db()?;
    let email = email.trim().to_owned();
    validate_login(&email, &password)?;
    let client = current_client_key().await;
    hit(db, LOGIN_CLIENT, &client).await?;
    let credentials = find_credentials_by_email(db, &email).await?;
    let account = match &credentials {
        Some(credentials) => format!("user {}", credentials.user_id),
        None => format!("email {}", identity_key(&email)),
    };
    let account_from_client = format!("{account} from {client}");
    hit(db, LOGIN_ACCOUNT_CLIENT, &account_from_client).await?;
    let device = credentials
        .as_ref()
        .and_then(|credentials| trusted_device(credentials.user_id));
    match &device {
        Some(device) => hit(db, LOGIN_DEVICE, &device.id).await?,
        None => hit(db, LOGIN_ACCOUNT, &account).await?,
    }
    let stored = match &credentials {
        Some(credentials) => credentials.password_hash.clone(),
        None => dummy_hash().await?,
    };
    let verified = verify_password(&work()?.hashing, password.clone(), stored.clone()).await?;
    let Some(credentials) = credentials.filter(|_| verified) else {
        return Err(AppError::LoginFailed);
    };
    let rehash = if needs_rehash(&stored) {
        Some(hash_password(&work()?.hashing, password).await?)
    } else {
        None
    };
    let verified = Verified {
        hash: &stored,
        rehash: rehash.as_deref(),
    };
    if !start_session(db, credentials.user_id, remember.unwrap_or(false), verified).await? {
        return Err(AppError::LoginFailed);
    }
    reset(db, LOGIN_ACCOUNT_CLIENT, &account_from_client).await?;
    match &device {
        Some(device) => reset(db, LOGIN_DEVICE, &device.id).await?,
        None => refund(db, LOGIN_ACCOUNT, &account).await?,
    }
    refund(db, LOGIN_CLIENT, &client).await?;
    trust_this_device(credentials.user_id, device, <Login as ServerFn>::PATH);
    leptos_axum::redirect(safe_next(next.as_deref()).unwrap_or("/"));
    Ok(())
}

/// A real argon2id hash to check unknown emails against, so they take as long as known ones.
#[cfg(feature = "ssr")]
async fn dummy_hash() -> Result<String, AppError> {
    use crate::{
        auth::password::hash_password,
        server_only::{random::new_token, state::app_state},
    };
    let state = app_state()?;
    let hash = state
        .dummy_hash
        .get_or_try_init(|| hash_password(&state.work.hashing, new_token()))
        .await?;
    Ok(hash.clone())
}

/// Ends the session on the server and in the browser, then goes home.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::{auth::session::end_session, server_only::state::db};
    end_session(&db()?).await?;
    leptos_axum::redirect("/");
    Ok(())
}
