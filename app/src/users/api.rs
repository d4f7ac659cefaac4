//! Server functions for reading users and their posts.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{posts::model::AuthorPostPage, shared::error::AppError, users::model::UserPage};

/// Page `page` of the users, by name, with their post counts.
#[server(endpoint = "list_users", input = JsonRead)]
pub async fn list_users(page: i64) -> Result<UserPage, AppError> {
    use crate::{
        server_only::state::db,
        server_only::totals::known_totals,
        shared::pagination::Pager,
        users::{model::USERS_PER_PAGE, repo},
    };
    let db = db()?;
    let total = match known_totals() {
        Some(totals) => totals.users,
        None => repo::count_users(&db).await?,
    };
    let pager = Pager::new(page, USERS_PER_PAGE, total)?;
    let users = repo::list_user_summaries(&db, USERS_PER_PAGE, pager.offset()).await?;
    Ok(UserPage { users, pager })
}

/// Page `page` of one user's posts, newest first.
#[server(endpoint = "list_user_posts", input = JsonRead)]
pub async fn list_user_posts(username: String, page: i64) -> Result<AuthorPostPage, AppError> {
    use crate::{
        posts::repo as posts,
        server_only::state::db,
        shared::pagination::{PER_PAGE, Pager},
        users::repo as users,
    };
    let db = db()?;
    let user = users::find_user_by_username(&db, &username)
        .await?
        .ok_or(AppError::NotFound)?;
    let pager = Pager::new(
        page,
        PER_PAGE,
        posts::count_posts_by_author(&db, user.id).await?,
    )?;
    let page_posts =
        posts::list_posts_by_author(&db, user.id, PER_PAGE, pager.offset(), pager.total).await?;
    let fediverse = crate::federation::api::fediverse_of(&db, user.id, &user.username).await?;
    Ok(AuthorPostPage {
        author: user.into(),
        posts: page_posts,
        pager,
        fediverse,
    })
}
