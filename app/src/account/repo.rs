//! SQL for uploaded profile pictures.

use crate::{
    server_only::db::{Db, DbError},
    with_pool,
};

/// A stored picture.
#[derive(sqlx::FromRow)]
pub struct Avatar {
    /// MIME type.
    pub content_type: String,
    /// Encoded image.
    pub data: Vec<u8>,
}

/// Stores a picture under `name`, makes it the user's picture and deletes the picture it
/// replaces (`old`), in one transaction.
pub async fn replace_avatar(
    db: &Db,
    user_id: i64,
    name: &str,
    content_type: &str,
    data: &[u8],
    old: Option<&str>,
) -> Result<(), DbError> {
    with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        sqlx::query("insert into avatars (name, content_type, data) values ($1, $2, $3)")
            .bind(name)
            .bind(content_type)
            .bind(data)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update users set image_file = $1 where id = $2")
            .bind(name)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if let Some(old) = old {
            sqlx::query("delete from avatars where name = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Stores a picture under `name`.
pub async fn insert_avatar(
    db: &Db,
    name: &str,
    content_type: &str,
    data: &[u8],
) -> Result<(), DbError> {
    let sql = "insert into avatars (name, content_type, data) values ($1, $2, $3)";
    with_pool!(db, |pool| sqlx::query(sql)
        .bind(name)
        .bind(content_type)
        .bind(data)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The picture stored under `name`.
pub async fn find_avatar(db: &Db, name: &str) -> Result<Option<Avatar>, DbError> {
    let sql = "select content_type, data from avatars where name = $1";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Avatar>(sql)
        .bind(name)
        .fetch_optional(pool)
        .await)?)
}
