//! SQL for tags: finding a tag by any spelling, and listing the tags in use.

use crate::{
    posts::tagging::tag_key,
    server_only::db::{Db, DbError},
    tags::model::TagCount,
    with_pool,
};

/// A tag as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TagRecord {
    /// Primary key.
    pub id: i64,
    /// As first written.
    pub name: String,
    /// Its key.
    pub key: String,
    /// Published posts carrying it.
    pub posts: i64,
}

impl TagRecord {
    /// The tag's page.
    pub fn url(&self) -> String {
        crate::posts::model::tag_url(&self.key)
    }
}

impl From<TagRecord> for TagCount {
    fn from(tag: TagRecord) -> Self {
        Self {
            name: tag.name,
            key: tag.key,
            posts: tag.posts,
        }
    }
}

/// The tag written `spelling` (any case or width), if a published post carries it: a tag only
/// drafts carry is not public, so it is not found.
pub async fn find_public_tag(db: &Db, spelling: &str) -> Result<Option<TagRecord>, DbError> {
    let sql = "select id, name, key, posts from tags where key = $1 and posts > 0";
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(tag_key(spelling))
        .fetch_optional(pool)
        .await)?)
}

/// How many tags published posts carry.
pub async fn count_public_tags(db: &Db) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select count(*) from tags where posts > 0"
    )
    .fetch_one(pool)
    .await)?)
}

/// The tags published posts carry, the most used first (ties by key), `limit` from `offset`.
pub async fn list_public_tags(db: &Db, limit: i64, offset: i64) -> Result<Vec<TagCount>, DbError> {
    let sql = "select id, name, key, posts from tags where posts > 0 \
               order by posts desc, key limit $1 offset $2";
    let tags: Vec<TagRecord> = with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)?;
    Ok(tags.into_iter().map(TagCount::from).collect())
}

/// Keys of the tags published posts carry, by id, `limit` from `offset` (for the sitemap).
pub async fn public_tag_keys(db: &Db, limit: i64, offset: i64) -> Result<Vec<String>, DbError> {
    let sql = "select key from tags where posts > 0 order by id limit $1 offset $2";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)?)
}
