//! SQL for sessions and stored password hashes.

use chrono::{DateTime, Utc};

use crate::{
    db::{Db, DbError},
    users::model::User,
    with_pool,
};

/// The id and password hash of the account with an email, for checking a log-in.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    /// The user's id.
    pub user_id: i64,
    /// The encoded password hash.
    pub password_hash: String,
}

/// The account with this email, regardless of case, with its password hash.
pub async fn find_credentials_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<Credentials>, DbError> {
    let sql = "select id as user_id, password as password_hash from users \
               where lower(email) = lower($1)";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Credentials>(
        sql
    )
    .bind(email)
    .fetch_optional(pool)
    .await)?)
}

/// The password hash of this user.
pub async fn find_password_hash(db: &Db, user_id: i64) -> Result<Option<String>, DbError> {
    let sql = "select password from users where id = $1";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_optional(pool)
        .await)?)
}

/// What a password-reset token of a user is made from and checked against.
#[derive(sqlx::FromRow)]
pub struct ResetIdentity {
    /// The user's id.
    pub user_id: i64,
    /// The encoded password hash.
    pub password_hash: String,
    /// The email address.
    pub email: String,
}

/// The reset identity of the account with this email, regardless of case.
pub async fn find_reset_identity_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<ResetIdentity>, DbError> {
    let sql = "select id as user_id, password as password_hash, email from users \
               where lower(email) = lower($1)";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, ResetIdentity>(
        sql
    )
    .bind(email)
    .fetch_optional(pool)
    .await)?)
}

/// The reset identity of this user.
pub async fn find_reset_identity(db: &Db, user_id: i64) -> Result<Option<ResetIdentity>, DbError> {
    let sql = "select id as user_id, password as password_hash, email from users where id = $1";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, ResetIdentity>(
        sql
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?)
}

/// Sets a new password hash only if the stored one is still `old_hash`, and then ends every
/// session of the user, in one transaction. False when the password had already changed.
pub async fn replace_password_if_unchanged(
    db: &Db,
    user_id: i64,
    old_hash: &str,
    new_hash: &str,
) -> Result<bool, DbError> {
    let replaced = with_pool!(db, |pool| {
        let mut tx = crate::db::begin_write(pool).await?;
        let updated = sqlx::query("update users set password = $1 where id = $2 and password = $3")
            .bind(new_hash)
            .bind(user_id)
            .bind(old_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated == 1 {
            sqlx::query("delete from sessions where user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        updated == 1
    });
    Ok(replaced)
}

/// Replaces a user's password hash.
pub async fn update_password_hash(db: &Db, user_id: i64, hash: &str) -> Result<(), DbError> {
    let sql = "update users set password = $1 where id = $2";
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(hash)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Which sessions a new session replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacing<'a> {
    /// The session the browser came with, if any (a log-in).
    Browser(Option<&'a str>),
    /// Every session of the user, setting this new password hash (a password change).
    AllOfUserWithPassword(&'a str),
}

/// Stores a session under the hash of its token, in one transaction with deleting what it
/// replaces (and, for a password change, setting the new hash) and every expired session.
pub async fn store_session(
    db: &Db,
    replacing: Replacing<'_>,
    id: &str,
    user_id: i64,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    with_pool!(db, |pool| {
        let mut tx = crate::db::begin_write(pool).await?;
        match replacing {
            Replacing::Browser(Some(old)) => {
                sqlx::query("delete from sessions where id = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            Replacing::Browser(None) => {}
            Replacing::AllOfUserWithPassword(hash) => {
                sqlx::query("update users set password = $1 where id = $2")
                    .bind(hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("delete from sessions where user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query("delete from sessions where expires_at <= $1")
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into sessions (id, user_id, created_at, expires_at) values ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(user_id)
        .bind(created_at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// When the session with this id ends.
pub async fn find_session_expiry(db: &Db, id: &str) -> Result<Option<DateTime<Utc>>, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select expires_at from sessions where id = $1"
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?)
}

/// The user of an unexpired session.
pub async fn find_session_user(
    db: &Db,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<User>, DbError> {
    let sql = "select u.id, u.username, u.email, u.image_file from sessions s \
               join users u on u.id = s.user_id where s.id = $1 and s.expires_at > $2";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, User>(sql)
        .bind(id)
        .bind(now)
        .fetch_optional(pool)
        .await)?)
}

/// Deletes one session.
pub async fn delete_session(db: &Db, id: &str) -> Result<(), DbError> {
    with_pool!(db, |pool| sqlx::query("delete from sessions where id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Deletes every expired session.
pub async fn delete_expired_sessions(db: &Db, now: DateTime<Utc>) -> Result<u64, DbError> {
    let done = with_pool!(db, |pool| sqlx::query(
        "delete from sessions where expires_at <= $1"
    )
    .bind(now)
    .execute(pool)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(done)
}

/// How many sessions a user has.
pub async fn count_sessions_for_user(db: &Db, user_id: i64) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select count(*) from sessions where user_id = $1"
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)?)
}
