//! The totals row the database keeps: the change stamp that every write to posts or users
//! moves, and the numbers of posts and users; read once per cacheable request and handed on to
//! the page it renders.

use chrono::{DateTime, Utc};

use crate::{
    server_only::db::{Db, DbError},
    shared::error::AppError,
    users::model::User,
    with_pool,
};

/// The kept totals as one read saw them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Totals {
    /// Moves with every write to posts or users, on every instance sharing the database.
    pub stamp: i64,
    /// How many posts there are.
    pub posts: i64,
    /// How many users there are.
    pub users: i64,
}

/// Reads the stamp and the totals in one statement.
pub async fn read_totals(db: &Db) -> Result<Totals, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_as::<_, Totals>(
        "select stamp, posts, users from totals where id = 1"
    )
    .fetch_one(pool)
    .await)?)
}

/// The totals and the user of an unexpired session, as one statement read them.
#[derive(sqlx::FromRow)]
struct TotalsAndUser {
    stamp: i64,
    posts: i64,
    users: i64,
    id: Option<i64>,
    username: Option<String>,
    email: Option<String>,
    image_file: Option<String>,
}

/// Reads the stamp and the totals and, in the same statement, the user whose session id is
/// `session_id`, when that session has not expired by `now`: one trip to the database for a
/// logged-in visitor's kept page.
pub async fn read_totals_and_session_user(
    db: &Db,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<(Totals, Option<User>), DbError> {
    let sql = "select t.stamp, t.posts, t.users, u.id, u.username, u.email, u.image_file \
               from totals t \
               left join sessions s on s.id = $1 and s.expires_at > $2 \
               left join users u on u.id = s.user_id \
               where t.id = 1";
    let row = with_pool!(db, |pool| sqlx::query_as::<_, TotalsAndUser>(sql)
        .bind(session_id)
        .bind(now)
        .fetch_one(pool)
        .await)?;
    let totals = Totals {
        stamp: row.stamp,
        posts: row.posts,
        users: row.users,
    };
    let user = match (row.id, row.username, row.email, row.image_file) {
        (Some(id), Some(username), Some(email), Some(image_file)) => Some(User {
            id,
            username,
            email,
            image_file,
        }),
        _ => None,
    };
    Ok((totals, user))
}

/// What the page cache's read of the totals gave, handed to the page it renders.
#[derive(Debug, Clone)]
pub struct TotalsRead(pub Result<Totals, AppError>);

/// What the page cache's read gave for the request being served, if it read anything.
fn read_for_request() -> Option<TotalsRead> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<TotalsRead>().cloned())
}

/// The totals read for the request being rendered, when the page cache read them first: a page
/// then needs no query of its own to count.
pub fn known_totals() -> Option<Totals> {
    read_for_request().and_then(|TotalsRead(result)| result.ok())
}

/// The error of the page cache's read, when it failed for the request being served.
pub fn failed_read() -> Option<AppError> {
    read_for_request().and_then(|TotalsRead(result)| result.err())
}
