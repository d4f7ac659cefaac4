//! SQL for the import: what the target holds already, and writing the checked rows with their
//! ids in one transaction, moving Postgres' id sequences past them.

use std::collections::HashSet;

use sqlx::QueryBuilder;

use crate::{
    db::{Db, DbError, begin_write},
    import::{
        check::Existing,
        pictures::Picture,
        source::{FlaskPost, FlaskUser},
    },
    with_pool,
};

/// Users per insert statement (5 values each, under SQLite's bind limit).
const USER_BATCH: usize = 1_000;
/// Posts per insert statement (5 values each).
const POST_BATCH: usize = 2_000;

/// Ids, lower-cased names and emails of the users, and ids of the posts, in `db`.
pub async fn existing(db: &Db) -> Result<Existing, DbError> {
    let (users, post_ids): (Vec<(i64, String, String)>, Vec<i64>) = with_pool!(db, |pool| {
        let users = sqlx::query_as("select id, lower(username), lower(email) from users")
            .fetch_all(pool)
            .await?;
        let posts = sqlx::query_scalar("select id from posts")
            .fetch_all(pool)
            .await?;
        (users, posts)
    });
    let mut existing = Existing {
        post_ids: post_ids.into_iter().collect::<HashSet<_>>(),
        ..Existing::default()
    };
    for (id, username, email) in users {
        existing.user_ids.insert(id);
        existing.usernames.insert(username);
        existing.emails.insert(email);
    }
    Ok(existing)
}

/// Writes `users`, their `pictures` and `posts`, ids kept, in one transaction; `progress` hears
/// how many posts each batch wrote.
pub async fn write(
    db: &Db,
    users: &[FlaskUser],
    pictures: &[Picture],
    posts: &[FlaskPost],
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<(), DbError> {
    let is_postgres = matches!(db, Db::Postgres(_));
    with_pool!(db, |pool, Backend| {
        let mut tx = begin_write(pool).await?;
        for picture in pictures {
            sqlx::query("insert into avatars (name, content_type, data) values ($1, $2, $3)")
                .bind(&picture.name)
                .bind(picture.content_type)
                .bind(&picture.data)
                .execute(&mut *tx)
                .await?;
        }
        for batch in users.chunks(USER_BATCH) {
            let mut query = QueryBuilder::<Backend>::new(
                "insert into users (id, username, email, image_file, password) ",
            );
            query.push_values(batch, |mut row, user| {
                row.push_bind(user.id)
                    .push_bind(&user.username)
                    .push_bind(&user.email)
                    .push_bind(&user.image_file)
                    .push_bind(&user.password);
            });
            query.build().execute(&mut *tx).await?;
        }
        for batch in posts.chunks(POST_BATCH) {
            let mut query = QueryBuilder::<Backend>::new(
                "insert into posts (id, title, date_posted, content, user_id) ",
            );
            query.push_values(batch, |mut row, post| {
                row.push_bind(post.id)
                    .push_bind(&post.title)
                    .push_bind(post.date_posted)
                    .push_bind(&post.content)
                    .push_bind(post.user_id);
            });
            query.build().execute(&mut *tx).await?;
            progress(batch.len() as u64);
        }
        if is_postgres {
            for table in ["users", "posts"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "select setval(pg_get_serial_sequence('{table}', 'id'), \
                     coalesce((select max(id) from {table}), 0) + 1, false)"
                )))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
    });
    Ok(())
}
