//! SQL for sessions and stored password hashes.

use chrono::{DateTime, Utc};

use crate::{
    server_only::db::{Db, DbError},
    users::{identity::identity_key, model::User},
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

/// The account with this email, regardless of case (by its identity key), with its password
/// hash.
pub async fn find_credentials_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<Credentials>, DbError> {
    let sql = "select id as user_id, password as password_hash from users where email_key = $1";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Credentials>(
        sql
    )
    .bind(identity_key(email))
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

/// The reset identity of the account with this email, regardless of case (by its identity
/// key). Mail goes to the identity's own `email`, never to the address as it was typed.
pub async fn find_reset_identity_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<ResetIdentity>, DbError> {
    let sql = "select id as user_id, password as password_hash, email from users \
               where email_key = $1";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, ResetIdentity>(
        sql
    )
    .bind(identity_key(email))
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
        let mut tx = crate::server_only::db::begin_write(pool).await?;
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

/// Which sessions a new session replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacing<'a> {
    /// A log-in: the session the browser came with, if any. The session starts only while the
    /// user's password hash is still `verified`, the one the password was checked against; a
    /// `rehash` (a stronger hash of the same password) then replaces it.
    LogIn {
        /// The browser's previous session.
        old: Option<&'a str>,
        /// The hash the password was verified against.
        verified: &'a str,
        /// A new hash of the same password, to store instead.
        rehash: Option<&'a str>,
    },
    /// Every session of the user, setting this new password hash (a password change).
    AllOfUserWithPassword(&'a str),
}

/// Stores a session under the hash of its token, in one transaction with deleting what it
/// replaces (and, for a password change, setting the new hash) and every expired session.
/// False, with nothing stored, when a log-in's password changed since it was verified: a
/// password change or reset racing the log-in ends every session, and this one must not
/// outlive it.
pub async fn store_session(
    db: &Db,
    replacing: Replacing<'_>,
    id: &str,
    user_id: i64,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<bool, DbError> {
    // Postgres locks the row, so a password change waits for this log-in and then ends its
    // session; SQLite's `begin immediate` already holds the only write lock.
    let still_verified = if matches!(db, Db::Postgres(_)) {
        "select 1 from users where id = $1 and password = $2 for share"
    } else {
        "select 1 from users where id = $1 and password = $2"
    };
    with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        match replacing {
            Replacing::LogIn {
                old,
                verified,
                rehash,
            } => {
                let unchanged = match rehash {
                    Some(rehash) => {
                        sqlx::query(
                            "update users set password = $1 where id = $2 and password = $3",
                        )
                        .bind(rehash)
                        .bind(user_id)
                        .bind(verified)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected()
                            == 1
                    }
                    None => sqlx::query_scalar::<_, i32>(sqlx::AssertSqlSafe(still_verified))
                        .bind(user_id)
                        .bind(verified)
                        .fetch_optional(&mut *tx)
                        .await?
                        .is_some(),
                };
                if !unchanged {
                    tx.rollback().await?;
                    return Ok(false);
                }
                if let Some(old) = old {
                    sqlx::query("delete from sessions where id = $1")
                        .bind(old)
                        .execute(&mut *tx)
                        .await?;
                }
            }
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
    Ok(true)
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
