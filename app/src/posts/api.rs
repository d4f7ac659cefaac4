//! Server functions for reading posts.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{
    posts::model::{Post, PostPage},
    shared::error::AppError,
};

/// Page `page` (from 1) of all posts, newest first; a page that does not exist is `NotFound`.
#[server(endpoint = "list_posts", input = JsonRead)]
pub async fn list_posts(page: i64) -> Result<PostPage, AppError> {
    use crate::{
        posts::repo,
        server_only::state::db,
        server_only::totals::known_totals,
        shared::pagination::{PER_PAGE, Pager},
    };
    let db = db()?;
    let total = match known_totals() {
        Some(totals) => totals.posts,
        None => repo::count_posts(&db).await?,
    };
    let pager = Pager::new(page, PER_PAGE, total)?;
    let posts = repo::list_posts_page(&db, PER_PAGE, pager.offset(), pager.total).await?;
    Ok(PostPage { posts, pager })
}

/// The post with this id, with its author.
#[server(endpoint = "get_post", input = JsonRead)]
pub async fn get_post(id: i64) -> Result<Post, AppError> {
    use crate::{posts::repo, server_only::state::db};
    repo::find_post(&db()?, id).await?.ok_or(AppError::NotFound)
}

/// The post with this id, if the logged-in user wrote it: `NotFound` if there is no such post,
/// `Unauthorized` for visitors (with a flash asking them to log in), `Forbidden` for anyone else.
#[server(endpoint = "editable_post", input = JsonRead)]
pub async fn get_editable_post(id: i64) -> Result<Post, AppError> {
    use crate::server_only::state::db;
    ssr::editable_post(&db()?, id, true).await
}

/// Writes a new post as the logged-in user, then goes home, where it is first.
#[server(endpoint = "create_post")]
pub async fn create_post(title: String, content: String) -> Result<(), AppError> {
    use crate::{
        auth::session::require_user,
        flash::{FlashKind, cookie::set_flash},
        posts::{model::NewPost, repo},
        server_only::state::db,
    };
    let db = db()?;
    let user = require_user(&db).await?;
    let post = NewPost {
        title: title.trim().to_owned(),
        content,
    };
    post.validate()?;
    repo::insert_post(&db, user.id, &post).await?;
    set_flash(FlashKind::Success, "Your post has been created!");
    leptos_axum::redirect("/");
    Ok(())
}

/// The draft `content` rendered as it will be shown, for the post form's Preview; logged-in
/// users only.
#[server(endpoint = "preview_post")]
pub async fn preview_post(content: String) -> Result<String, AppError> {
    use crate::{
        auth::session::require_user,
        posts::{markdown, model::CONTENT_MAX},
        server_only::state::db,
        shared::error::FieldErrors,
        shared::messages,
    };
    require_user(&db()?).await?;
    if content.chars().count() > CONTENT_MAX {
        return Err(AppError::Invalid(FieldErrors::single(
            "content",
            messages::CONTENT_LENGTH,
        )));
    }
    Ok(markdown::render(&content))
}

/// Changes a post; only its author may.
#[server(endpoint = "update_post")]
pub async fn update_post(id: i64, title: String, content: String) -> Result<(), AppError> {
    use crate::{
        flash::{FlashKind, cookie::set_flash},
        posts::{model::NewPost, repo},
        server_only::state::db,
    };
    let db = db()?;
    ssr::editable_post(&db, id, false).await?;
    let post = NewPost {
        title: title.trim().to_owned(),
        content,
    };
    post.validate()?;
    if !repo::update_post(&db, id, &post).await? {
        return Err(AppError::NotFound);
    }
    set_flash(FlashKind::Success, "Your post has been updated!");
    leptos_axum::redirect(&format!("/post/{id}"));
    Ok(())
}

/// Deletes a post; only its author may. A post already deleted (say, in another tab) is `NotFound`.
#[server(endpoint = "delete_post")]
pub async fn delete_post(id: i64) -> Result<(), AppError> {
    use crate::{
        flash::{FlashKind, cookie::set_flash},
        posts::repo,
        server_only::state::db,
    };
    let db = db()?;
    ssr::editable_post(&db, id, false).await?;
    if !repo::delete_post(&db, id).await? {
        return Err(AppError::NotFound);
    }
    set_flash(FlashKind::Success, "Your post has been deleted!");
    leptos_axum::redirect("/");
    Ok(())
}

/// The author check every change to a post goes through.
#[cfg(feature = "ssr")]
mod ssr {
    use crate::{
        auth::session::current_user,
        flash::{FlashKind, cookie::set_flash},
        posts::{model::Post, repo},
        server_only::db::Db,
        shared::error::AppError,
    };

    /// The post if the logged-in user wrote it. `flash_login` adds the "please log in" flash
    /// for a page that is about to send a visitor to the log-in form.
    pub async fn editable_post(db: &Db, id: i64, flash_login: bool) -> Result<Post, AppError> {
        let post = repo::find_post(db, id).await?.ok_or(AppError::NotFound)?;
        let Some(user) = current_user(db).await? else {
            if flash_login {
                set_flash(FlashKind::Info, "Please log in to access this page.");
            }
            return Err(AppError::Unauthorized);
        };
        if post.author.id != user.id {
            return Err(AppError::Forbidden);
        }
        Ok(post)
    }
}
