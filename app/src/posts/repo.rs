//! SQL for posts: one statement per function, written once for both backends, authors joined in.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use crate::{
    clock::now,
    db::{Db, DbError},
    posts::model::{NewPost, Post},
    users::model::Author,
    with_pool,
};

/// A post joined with its author, as one result row.
#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    title: String,
    date_posted: DateTime<Utc>,
    content: String,
    author_id: i64,
    author_username: String,
    author_image_file: String,
}

impl From<PostRow> for Post {
    fn from(row: PostRow) -> Self {
        Self {
            id: row.id,
            title: row.title,
            date_posted: row.date_posted,
            content: row.content,
            author: Author {
                id: row.author_id,
                username: row.author_username,
                image_file: row.author_image_file,
            },
        }
    }
}

/// Posts joined with their authors; each query appends its own `where` and `order by`.
macro_rules! post_with_author {
    () => {
        "select p.id, p.title, p.date_posted, p.content, \
     u.id as author_id, u.username as author_username, u.image_file as author_image_file \
     from posts p join users u on u.id = p.user_id"
    };
}

/// A post row ready to insert in bulk.
pub struct PostRecord<'a> {
    /// Title.
    pub title: &'a str,
    /// Body text.
    pub content: &'a str,
    /// When it was posted.
    pub date_posted: DateTime<Utc>,
    /// The author's id.
    pub user_id: i64,
}

/// Inserts a post by `user_id`, dated now; returns its id.
pub async fn insert_post(db: &Db, user_id: i64, post: &NewPost) -> Result<i64, DbError> {
    let sql = "insert into posts (title, content, date_posted, user_id) values ($1, $2, $3, $4) returning id";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(&post.title)
        .bind(&post.content)
        .bind(now())
        .bind(user_id)
        .fetch_one(pool)
        .await)?)
}

/// Inserts many posts in one statement (the caller keeps batches under the bind limit).
pub async fn insert_posts(db: &Db, posts: &[PostRecord<'_>]) -> Result<u64, DbError> {
    if posts.is_empty() {
        return Ok(0);
    }
    let done = with_pool!(db, |pool, Backend| {
        let mut query = QueryBuilder::<Backend>::new(
            "insert into posts (title, content, date_posted, user_id) ",
        );
        query.push_values(posts, |mut row, post| {
            row.push_bind(post.title)
                .push_bind(post.content)
                .push_bind(post.date_posted)
                .push_bind(post.user_id);
        });
        query.build().execute(pool).await?.rows_affected()
    });
    Ok(done)
}

/// One page of all posts, newest first, with their authors.
///
/// The page's ids come from the date index first, so deep pages do not join every skipped row.
pub async fn list_posts_page(db: &Db, limit: i64, offset: i64) -> Result<Vec<Post>, DbError> {
    let sql = concat!(
        post_with_author!(),
        " where p.id in \
         (select id from posts order by date_posted desc, id desc limit $1 offset $2) \
         order by p.date_posted desc, p.id desc"
    );
    let rows = with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// One page of one author's posts, newest first.
pub async fn list_posts_by_author(
    db: &Db,
    user_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Post>, DbError> {
    let sql = concat!(
        post_with_author!(),
        " where p.id in \
         (select id from posts where user_id = $1 order by date_posted desc, id desc limit $2 offset $3) \
         order by p.date_posted desc, p.id desc"
    );
    let rows = with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
        .bind(user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// The post with this id, with its author.
pub async fn find_post(db: &Db, id: i64) -> Result<Option<Post>, DbError> {
    let sql = concat!(post_with_author!(), " where p.id = $1");
    let row = with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    Ok(row.map(Post::from))
}

/// Changes a post's title and content; `false` when it no longer exists.
pub async fn update_post(db: &Db, id: i64, post: &NewPost) -> Result<bool, DbError> {
    let sql = "update posts set title = $1, content = $2 where id = $3";
    Ok(with_pool!(db, |pool| sqlx::query(sql)
        .bind(&post.title)
        .bind(&post.content)
        .bind(id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() > 0))?)
}

/// Deletes a post; `false` when it was already gone.
pub async fn delete_post(db: &Db, id: i64) -> Result<bool, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query(
        "delete from posts where id = $1"
    )
    .bind(id)
    .execute(pool)
    .await
    .map(|done| done.rows_affected() > 0))?)
}

/// How many posts there are.
pub async fn count_posts(db: &Db) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select count(*) from posts"
    )
    .fetch_one(pool)
    .await)?)
}

/// How many posts this user has written.
pub async fn count_posts_by_author(db: &Db, user_id: i64) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select count(*) from posts where user_id = $1"
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)?)
}
