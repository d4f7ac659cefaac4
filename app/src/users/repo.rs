//! SQL for users: one statement per function, written once for both backends.

use sqlx::QueryBuilder;

use crate::{
    server_only::db::{Db, DbError, is_unique_violation, violated_constraint},
    users::{
        identity::identity_key,
        model::{User, UserSummary},
    },
    with_pool,
};

/// The columns of [`User`], as a literal so queries stay `&'static str`.
macro_rules! user_columns {
    () => {
        "id, username, email, image_file"
    };
}

/// A user row ready to insert: the password is already hashed.
pub struct UserRecord<'a> {
    /// Username.
    pub username: &'a str,
    /// Email address.
    pub email: &'a str,
    /// Encoded password hash (argon2id or bcrypt).
    pub password_hash: &'a str,
}

/// Inserts one user; a taken username or email becomes [`DbError::Taken`].
pub async fn insert_user(db: &Db, user: &UserRecord<'_>) -> Result<User, DbError> {
    let sql = concat!(
        "insert into users (username, email, password, username_key, email_key) \
         values ($1, $2, $3, $4, $5) returning ",
        user_columns!()
    );
    let inserted = with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .bind(user.username)
        .bind(user.email)
        .bind(user.password_hash)
        .bind(identity_key(user.username))
        .bind(identity_key(user.email))
        .fetch_one(pool)
        .await);
    match inserted {
        Ok(user) => Ok(user),
        Err(err) => Err(unique_error(db, err, user.username, None).await),
    }
}

/// Changes a user's username and email; a value another user has becomes [`DbError::Taken`].
pub async fn update_user(
    db: &Db,
    id: i64,
    username: &str,
    email: &str,
) -> Result<Option<User>, DbError> {
    let sql = concat!(
        "update users set username = $1, email = $2, username_key = $3, email_key = $4 \
         where id = $5 returning ",
        user_columns!()
    );
    let updated = with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .bind(username)
        .bind(email)
        .bind(identity_key(username))
        .bind(identity_key(email))
        .bind(id)
        .fetch_optional(pool)
        .await);
    match updated {
        Ok(user) => Ok(user),
        Err(err) => Err(unique_error(db, err, username, Some(id)).await),
    }
}

/// Turns a unique violation into [`DbError::Taken`] naming the field: from the constraint name
/// where the backend reports it (Postgres), otherwise by looking the username up (SQLite).
/// `own_id` is the user being changed, whose own username does not count as taken.
async fn unique_error(db: &Db, err: sqlx::Error, username: &str, own_id: Option<i64>) -> DbError {
    if !is_unique_violation(&err) {
        return err.into();
    }
    match violated_constraint(&err) {
        Some("users_username_key" | "users_username_identity_key") => DbError::Taken("username"),
        Some("users_email_key" | "users_email_identity_key") => DbError::Taken("email"),
        _ => match find_user_by_username(db, username).await {
            Ok(Some(holder)) if Some(holder.id) != own_id => DbError::Taken("username"),
            Ok(_) => DbError::Taken("email"),
            Err(lookup) => lookup,
        },
    }
}

/// Inserts many users in one statement (the caller keeps batches under the bind limit).
pub async fn insert_users(db: &Db, users: &[UserRecord<'_>]) -> Result<u64, DbError> {
    if users.is_empty() {
        return Ok(0);
    }
    let done = with_pool!(db, |pool, Backend| {
        let mut query = QueryBuilder::<Backend>::new(
            "insert into users (username, email, password, username_key, email_key) ",
        );
        query.push_values(users, |mut row, user| {
            row.push_bind(user.username)
                .push_bind(user.email)
                .push_bind(user.password_hash)
                .push_bind(identity_key(user.username))
                .push_bind(identity_key(user.email));
        });
        query.build().execute(pool).await?.rows_affected()
    });
    Ok(done)
}

/// Every user, oldest account first.
pub async fn all_users(db: &Db) -> Result<Vec<User>, DbError> {
    let sql = concat!("select ", user_columns!(), " from users order by id");
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .fetch_all(pool)
        .await)?)
}

/// The ids of every user, in order.
pub async fn list_user_ids(db: &Db) -> Result<Vec<i64>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select id from users order by id"
    )
    .fetch_all(pool)
    .await)?)
}

/// Usernames in id order, `limit` from `offset` (for the sitemap).
pub async fn usernames(db: &Db, limit: i64, offset: i64) -> Result<Vec<String>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select username from users order by id limit $1 offset $2"
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await)?)
}

/// The first user ever registered.
pub async fn first_user(db: &Db) -> Result<Option<User>, DbError> {
    let sql = concat!(
        "select ",
        user_columns!(),
        " from users order by id limit 1"
    );
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .fetch_optional(pool)
        .await)?)
}

/// The user with this id.
pub async fn find_user_by_id(db: &Db, id: i64) -> Result<Option<User>, DbError> {
    let sql = concat!("select ", user_columns!(), " from users where id = $1");
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

/// The user with this username, regardless of case (by its [`identity_key`]).
pub async fn find_user_by_username(db: &Db, username: &str) -> Result<Option<User>, DbError> {
    // No username has a NUL character, and Postgres refuses to compare text holding one.
    if username.contains('\0') {
        return Ok(None);
    }
    let sql = concat!(
        "select ",
        user_columns!(),
        " from users where username_key = $1"
    );
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .bind(identity_key(username))
        .fetch_optional(pool)
        .await)?)
}

/// The user with this email address, regardless of case (by its [`identity_key`]).
pub async fn find_user_by_email(db: &Db, email: &str) -> Result<Option<User>, DbError> {
    if email.contains('\0') {
        return Ok(None);
    }
    let sql = concat!(
        "select ",
        user_columns!(),
        " from users where email_key = $1"
    );
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .bind(identity_key(email))
        .fetch_optional(pool)
        .await)?)
}

/// How many users there are: the total the database keeps.
pub async fn count_users(db: &Db) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select users from totals where id = 1"
    )
    .fetch_one(pool)
    .await)?)
}

/// One page of users with their post counts (kept on the user, never counted), by name
/// regardless of case, in one query.
pub async fn list_user_summaries(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<Vec<UserSummary>, DbError> {
    let sql = "select id, username, image_file, post_count from users \
               order by lower(username) limit $1 offset $2";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, UserSummary>(
        sql
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await)?)
}

/// A user whose identity keys are not filled in yet.
#[derive(sqlx::FromRow)]
struct Unkeyed {
    id: i64,
    username: String,
    email: String,
}

/// Fills the identity keys of the users that have none (accounts written before the keys
/// existed); returns how many were filled. Two accounts whose keys collide keep the first
/// account's key only, and the other is logged, since it cannot log in until renamed.
pub async fn fill_identity_keys(db: &Db) -> Result<u64, DbError> {
    let unkeyed = with_pool!(db, |pool| sqlx::query_as::<_, Unkeyed>(
        "select id, username, email from users \
         where username_key is null or email_key is null order by id"
    )
    .fetch_all(pool)
    .await)?;
    let mut filled = 0;
    for user in unkeyed {
        let stored = with_pool!(db, |pool| sqlx::query(
            "update users set username_key = $1, email_key = $2 where id = $3"
        )
        .bind(identity_key(&user.username))
        .bind(identity_key(&user.email))
        .bind(user.id)
        .execute(pool)
        .await
        .map(|_| ()));
        match stored {
            Ok(()) => filled += 1,
            Err(error) if is_unique_violation(&error) => tracing::error!(
                user_id = user.id,
                username = %user.username,
                "this account's username or email matches another account's once case and \
                 Unicode forms are folded; it cannot log in until one of them is changed"
            ),
            Err(error) => return Err(error.into()),
        }
    }
    Ok(filled)
}
