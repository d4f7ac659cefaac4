//! SQL for the import: what the target holds already, and writing the checked rows with their
//! ids in one transaction, moving Postgres' id sequences past them.

use sqlx::QueryBuilder;

use crate::{
    import::{
        check::{Existing, ExistingPost},
        pictures::Picture,
        source::{FlaskPost, FlaskUser},
    },
    posts::repo::{bind_rendering, rendering_of},
    server_only::db::{Db, DbError, begin_write},
    users::identity::identity_key,
    with_pool,
};

/// Users per insert statement (7 values each, under SQLite's bind limit).
const USER_BATCH: usize = 1_000;
/// Posts per insert statement (5 values each).
const POST_BATCH: usize = 2_000;

/// The users and posts in `db`, as the import's check needs them.
pub async fn existing(db: &Db) -> Result<Existing, DbError> {
    type UserRow = (i64, String, String);
    type PostRow = (i64, i64, String);
    let (users, posts): (Vec<UserRow>, Vec<PostRow>) = with_pool!(db, |pool| {
        let users = sqlx::query_as("select id, username, email from users")
            .fetch_all(pool)
            .await?;
        let posts = sqlx::query_as("select id, user_id, title from posts")
            .fetch_all(pool)
            .await?;
        (users, posts)
    });
    let mut existing = Existing::default();
    for (id, username, email) in users {
        existing.add_user(id, &username, &email);
    }
    existing.posts = posts
        .into_iter()
        .map(|(id, user_id, title)| (id, ExistingPost { user_id, title }))
        .collect();
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
                "insert into users \
                 (id, username, email, image_file, password, username_key, email_key) ",
            );
            query.push_values(batch, |mut row, user| {
                row.push_bind(user.id)
                    .push_bind(&user.username)
                    .push_bind(&user.email)
                    .push_bind(&user.image_file)
                    .push_bind(&user.password)
                    .push_bind(identity_key(&user.username))
                    .push_bind(identity_key(&user.email));
            });
            query.build().execute(&mut *tx).await?;
        }
        for batch in posts.chunks(POST_BATCH) {
            let mut query = QueryBuilder::<Backend>::new(
                "insert into posts (id, title, date_posted, content, user_id, content_html, \
                 excerpt_html, excerpt_more, summary, rendered_by) ",
            );
            query.push_values(batch, |mut row, post| {
                bind_rendering!(
                    row.push_bind(post.id)
                        .push_bind(&post.title)
                        .push_bind(post.date_posted)
                        .push_bind(&post.content)
                        .push_bind(post.user_id),
                    push_bind,
                    rendering_of(&post.content)
                );
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
