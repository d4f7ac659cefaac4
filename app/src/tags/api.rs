//! Server functions for reading tags and their posts.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{
    shared::error::AppError,
    tags::model::{TagList, TagPostPage},
};

/// Page `page` of the published posts carrying the tag written `name` (any spelling), newest
/// first; a tag no published post carries is `NotFound`.
#[server(endpoint = "list_tag_posts", input = JsonRead)]
pub async fn list_tag_posts(name: String, page: i64) -> Result<TagPostPage, AppError> {
    use crate::{
        posts::repo as posts,
        server_only::state::db,
        shared::pagination::{PER_PAGE, Pager},
        tags::repo as tags,
    };
    let db = db()?;
    let tag = tags::find_public_tag(&db, &name)
        .await?
        .ok_or(AppError::NotFound)?;
    let pager = Pager::new(page, PER_PAGE, tag.posts)?;
    let page_posts =
        posts::list_posts_tagged(&db, tag.id, PER_PAGE, pager.offset(), pager.total).await?;
    Ok(TagPostPage {
        tag: tag.into(),
        posts: page_posts,
        pager,
    })
}

/// Page `page` of the tags in use, the most used first.
#[server(endpoint = "list_tags", input = JsonRead)]
pub async fn list_tags(page: i64) -> Result<TagList, AppError> {
    use crate::{
        server_only::state::db, shared::pagination::Pager, tags::model::TAGS_PER_PAGE,
        tags::repo as tags,
    };
    let db = db()?;
    let pager = Pager::new(page, TAGS_PER_PAGE, tags::count_public_tags(&db).await?)?;
    let tags = tags::list_public_tags(&db, TAGS_PER_PAGE, pager.offset()).await?;
    Ok(TagList { tags, pager })
}
