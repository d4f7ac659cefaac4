//! Server functions for reading posts.

use leptos::prelude::*;

use crate::{
    error::AppError,
    posts::model::{Post, PostPage},
};

/// Page `page` (from 1) of all posts, newest first; a page that does not exist is `NotFound`.
#[server]
pub async fn list_posts(page: i64) -> Result<PostPage, AppError> {
    use crate::{
        pagination::{PER_PAGE, Pager},
        posts::repo,
        state::{db, with_status},
    };
    with_status(
        async {
            let db = db()?;
            let pager = Pager::new(page, PER_PAGE, repo::count_posts(&db).await?)?;
            let posts = repo::list_posts_page(&db, PER_PAGE, pager.offset()).await?;
            Ok(PostPage { posts, pager })
        }
        .await,
    )
}

/// The post with this id, with its author.
#[server]
pub async fn get_post(id: i64) -> Result<Post, AppError> {
    use crate::{
        posts::repo,
        state::{db, with_status},
    };
    with_status(async { repo::find_post(&db()?, id).await?.ok_or(AppError::NotFound) }.await)
}
