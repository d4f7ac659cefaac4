//! SQL for the export (authors and their posts a batch at a time, by id) and for the import
//! (everything an archive holds, written in one transaction).

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use crate::{
    export::import::ImportPlan,
    pictures::{links, repo::insert_picture_on},
    posts::repo::{Dated, insert_post_on},
    server_only::{
        clock::now,
        db::{Db, DbError, begin_write},
    },
    users::identity::identity_key,
    with_pool,
};

/// An author, as an export names them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportAuthor {
    /// Id.
    pub id: i64,
    /// Username.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Profile picture file (`default.jpg`, or a stored avatar's name).
    pub image_file: String,
}

/// A post, as an export writes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportPost {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Markdown.
    pub content: String,
    /// When it was posted.
    pub date_posted: DateTime<Utc>,
    /// When it was last edited.
    pub updated_at: Option<DateTime<Utc>>,
    /// `published`, `draft` or `scheduled`.
    pub status: String,
    /// When a scheduled post goes public.
    pub publish_at: Option<DateTime<Utc>>,
}

/// Up to `limit` authors with an id past `after`, by id: everyone, or only `only`.
pub async fn authors_after(
    db: &Db,
    only: Option<i64>,
    after: i64,
    limit: i64,
) -> Result<Vec<ExportAuthor>, DbError> {
    let sql = "select id, username, email, image_file from users \
               where id > $1 and ($2 is null or id = $2) order by id limit $3";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, ExportAuthor>(
        sql
    )
    .bind(after)
    .bind(only)
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// Up to `limit` of `user_id`'s posts (every status) with an id past `after`, by id.
pub async fn posts_after(
    db: &Db,
    user_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<ExportPost>, DbError> {
    let sql = "select id, title, content, date_posted, updated_at, status, publish_at from posts \
               where user_id = $1 and id > $2 order by id limit $3";
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, ExportPost>(sql)
        .bind(user_id)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// The hashes of the pictures the posts `ids` show, with each post's id, in one query.
pub async fn picture_hashes_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(with_pool!(db, |pool, Backend| {
        let mut query = QueryBuilder::<Backend>::new(
            "select pp.post_id, p.hash from post_pictures pp join pictures p on p.id = pp.picture_id \
             where pp.post_id in (",
        );
        let mut bound = query.separated(", ");
        for id in ids {
            bound.push_bind(*id);
        }
        query.push(") order by pp.post_id");
        query
            .build_query_as::<(i64, String)>()
            .fetch_all(pool)
            .await?
    }))
}

/// Who an archive's author becomes.
#[derive(Debug, Clone)]
pub enum AuthorTarget {
    /// A user who exists, by id.
    Existing(i64),
    /// A user to create.
    New {
        /// Username.
        username: String,
        /// Email address.
        email: String,
        /// A password hash no one knows the password of: they set one with "Forgot password".
        password_hash: String,
        /// Their profile picture: its file name, type and bytes.
        avatar: Option<(String, &'static str, Vec<u8>)>,
    },
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Users created.
    pub authors_created: usize,
    /// Posts written.
    pub posts: usize,
    /// Posts skipped: the author has a post with the same title and date already.
    pub skipped: usize,
    /// Pictures written (or found stored already).
    pub pictures: usize,
}

/// Writes `plan` with its authors as `targets` (one per author of the plan) in one transaction:
/// all of it, or nothing.
pub async fn write_import(
    db: &Db,
    plan: &ImportPlan,
    targets: &[AuthorTarget],
) -> Result<ImportReport, DbError> {
    let mut report = ImportReport::default();
    let at = now();
    let owners = picture_owners(plan);
    with_pool!(db, |pool| {
        let mut tx = begin_write(pool).await?;
        let mut ids = Vec::with_capacity(targets.len());
        for target in targets {
            let id = match target {
                AuthorTarget::Existing(id) => *id,
                AuthorTarget::New {
                    username,
                    email,
                    password_hash,
                    avatar,
                } => {
                    let image_file = avatar
                        .as_ref()
                        .map_or(crate::users::model::DEFAULT_IMAGE, |(name, _, _)| {
                            name.as_str()
                        });
                    if let Some((name, content_type, data)) = avatar {
                        sqlx::query(
                            "insert into avatars (name, content_type, data) values ($1, $2, $3)",
                        )
                        .bind(name)
                        .bind(*content_type)
                        .bind(data)
                        .execute(&mut *tx)
                        .await?;
                    }
                    report.authors_created += 1;
                    sqlx::query_scalar::<_, i64>(
                        "insert into users (username, email, image_file, password, username_key, \
                         email_key) values ($1, $2, $3, $4, $5, $6) returning id",
                    )
                    .bind(username)
                    .bind(email)
                    .bind(image_file)
                    .bind(password_hash)
                    .bind(identity_key(username))
                    .bind(identity_key(email))
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            ids.push(id);
        }
        for (picture, author) in plan.pictures.iter().zip(&owners) {
            insert_picture_on!(&mut *tx, ids[*author], picture, at);
            report.pictures += 1;
        }
        for planned in &plan.posts {
            let user_id = ids[planned.author];
            let present: Option<i64> = sqlx::query_scalar(
                "select id from posts where user_id = $1 and title = $2 and date_posted = $3",
            )
            .bind(user_id)
            .bind(&planned.post.title)
            .bind(planned.date)
            .fetch_optional(&mut *tx)
            .await?;
            if present.is_some() {
                report.skipped += 1;
                continue;
            }
            let dated = Dated {
                posted: planned.date,
                updated: planned.updated,
            };
            insert_post_on!(
                tx,
                user_id,
                &planned.post,
                planned.standing,
                dated,
                &planned.tags
            );
            report.posts += 1;
        }
        tx.commit().await?;
    });
    Ok(report)
}

/// For each picture of `plan`, the author of the first post that shows it: it counts in their
/// quota.
fn picture_owners(plan: &ImportPlan) -> Vec<usize> {
    let mut first_shown_by = std::collections::HashMap::new();
    for post in &plan.posts {
        for hash in links::hashes(&post.post.content) {
            first_shown_by.entry(hash).or_insert(post.author);
        }
    }
    plan.pictures
        .iter()
        .map(|picture| first_shown_by.get(&picture.hash).copied().unwrap_or(0))
        .collect()
}
