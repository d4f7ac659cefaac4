//! Server functions for reading and writing posts, drafts and scheduled posts.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{
    posts::model::{Drafts, Intent, OwnPost, Post, PostPage},
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

/// The published post with this id, with its author; a draft is `NotFound` here, for everyone
/// (this answer is kept and shared), and its author reads it through [`get_own_draft`].
#[server(endpoint = "get_post", input = JsonRead)]
pub async fn get_post(id: i64) -> Result<Post, AppError> {
    use crate::{posts::repo, server_only::state::db};
    repo::find_post(&db()?, id).await?.ok_or(AppError::NotFound)
}

/// The logged-in user's own draft or scheduled post with this id; anyone else's, or none, is
/// `NotFound`, by the same single query.
#[server(endpoint = "get_own_draft", input = JsonRead)]
pub async fn get_own_draft(id: i64) -> Result<OwnPost, AppError> {
    use crate::{
        auth::session::current_user, posts::model::PostStatus, posts::repo, server_only::state::db,
    };
    let db = db()?;
    let viewer = current_user(&db).await?.map(|user| user.id);
    match repo::find_post_for(&db, id, viewer).await? {
        Some(post) if post.status != PostStatus::Published => Ok(OwnPost::of(post)),
        _ => Err(AppError::NotFound),
    }
}

/// Most drafts and scheduled posts the drafts page lists.
pub const DRAFTS_SHOWN: i64 = 200;

/// The logged-in user's drafts and scheduled posts, the newest written first.
#[server(endpoint = "list_drafts", input = JsonRead)]
pub async fn list_drafts() -> Result<Drafts, AppError> {
    use crate::{auth::session::current_user, posts::repo, server_only::state::db};
    let db = db()?;
    let user = current_user(&db).await?.ok_or(AppError::Unauthorized)?;
    let posts = repo::list_unpublished(&db, user.id, DRAFTS_SHOWN).await?;
    Ok(Drafts {
        posts: posts.into_iter().map(OwnPost::of).collect(),
    })
}

/// The post with this id, if the logged-in user wrote it: `NotFound` if there is no such post
/// (or it is someone else's draft), `Unauthorized` for visitors (with a flash asking them to log in), `Forbidden` for anyone else.
#[server(endpoint = "editable_post", input = JsonRead)]
pub async fn get_editable_post(id: i64) -> Result<OwnPost, AppError> {
    use crate::server_only::state::db;
    Ok(OwnPost::of(ssr::editable_post(&db()?, id, true).await?))
}

/// Writes a new post as the logged-in user: "Post" publishes it now and goes home, where it is
/// first; with "Publish at" it is scheduled instead; "Save draft" keeps it as a draft. `tags` is
/// the "Tags" field, `publish_offset` the browser's time-zone offset in minutes east of UTC at
/// that moment (0 without JavaScript: the form then says it uses UTC).
#[server(endpoint = "create_post")]
pub async fn create_post(
    title: String,
    content: String,
    #[server(default)] tags: String,
    #[server(default)] publish_at: String,
    #[server(default)] publish_offset: i64,
    #[server(default)] intent: Intent,
    #[server(default)] picture_error: String,
) -> Result<(), AppError> {
    use crate::{
        auth::session::require_user,
        flash::{FlashKind, cookie::set_flash},
        posts::model::PostStatus,
        posts::repo,
        server_only::state::db,
    };
    let db = db()?;
    let user = require_user(&db).await?;
    let submitted = ssr::Submitted::read(
        title,
        content,
        &tags,
        &publish_at,
        publish_offset,
        intent,
        &picture_error,
    )?;
    let id = repo::insert_post_as(
        &db,
        user.id,
        &submitted.post,
        submitted.standing,
        &submitted.tags,
    )
    .await?;
    match submitted.standing.status {
        PostStatus::Published => {
            set_flash(FlashKind::Success, "Your post has been created!");
            leptos_axum::redirect("/");
        }
        PostStatus::Scheduled => {
            set_flash(FlashKind::Success, "Your post has been scheduled.");
            leptos_axum::redirect("/drafts");
        }
        PostStatus::Draft => {
            set_flash(FlashKind::Success, "Your draft has been saved.");
            leptos_axum::redirect(&format!("/post/{id}/update"));
        }
    }
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
    let html = markdown::render(&content);
    Ok(match markdown::pictures_without_alt(&content) {
        0 => html,
        missing => format!(
            "<p class=\"preview-warning\" role=\"note\">{}</p>{html}",
            crate::pictures::model::missing_alt_note(missing)
        ),
    })
}

/// Changes a post; only its author may. A published post stays published ("Update"); a draft
/// or scheduled post is published ("Publish"), scheduled (with "Publish at") or kept as a draft
/// ("Save draft", which also cancels a schedule).
// A script-free form posts its fields flat, so the function takes them one by one.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "update_post")]
pub async fn update_post(
    id: i64,
    title: String,
    content: String,
    #[server(default)] tags: String,
    #[server(default)] publish_at: String,
    #[server(default)] publish_offset: i64,
    #[server(default)] intent: Intent,
    #[server(default)] picture_error: String,
) -> Result<(), AppError> {
    use crate::{
        flash::{FlashKind, cookie::set_flash},
        posts::model::PostStatus,
        posts::repo::{self, Standing},
        server_only::state::db,
    };
    let db = db()?;
    let before = ssr::editable_post(&db, id, false).await?;
    let mut submitted = ssr::Submitted::read(
        title,
        content,
        &tags,
        &publish_at,
        publish_offset,
        intent,
        &picture_error,
    )?;
    if before.status == PostStatus::Published {
        submitted.standing = Standing::PUBLISHED;
    }
    if !repo::revise_post(
        &db,
        id,
        &submitted.post,
        submitted.standing,
        &submitted.tags,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    let (message, next) = match (before.status, submitted.standing.status) {
        (PostStatus::Published, _) => ("Your post has been updated!", format!("/post/{id}")),
        (_, PostStatus::Published) => ("Your post has been published!", format!("/post/{id}")),
        (_, PostStatus::Scheduled) => ("Your post has been scheduled.", "/drafts".to_owned()),
        (_, PostStatus::Draft) => ("Your draft has been saved.", format!("/post/{id}/update")),
    };
    set_flash(FlashKind::Success, message);
    leptos_axum::redirect(&next);
    Ok(())
}

/// Deletes a post; only its author may. A post already deleted (say, in another tab) is `NotFound`.
#[server(endpoint = "delete_post")]
pub async fn delete_post(id: i64) -> Result<(), AppError> {
    use crate::{
        flash::{FlashKind, cookie::set_flash},
        posts::model::PostStatus,
        posts::repo,
        server_only::state::db,
    };
    let db = db()?;
    let post = ssr::editable_post(&db, id, false).await?;
    if !repo::delete_post(&db, id).await? {
        return Err(AppError::NotFound);
    }
    set_flash(FlashKind::Success, "Your post has been deleted!");
    // A deleted draft leaves its author among their other drafts.
    let next = if post.status == PostStatus::Published {
        "/"
    } else {
        "/drafts"
    };
    leptos_axum::redirect(next);
    Ok(())
}

/// The author check every change to a post goes through, and the reading of a submitted post.
#[cfg(feature = "ssr")]
mod ssr {
    use crate::{
        auth::session::current_user,
        flash::{FlashKind, cookie::set_flash},
        pictures::model::UploadError,
        posts::{
            model::{Intent, NewPost, Post, PostStatus},
            repo::{self, Standing},
            schedule::parse_publish_at,
            tagging::{TagInput, parse_tags},
        },
        server_only::clock::now,
        server_only::db::Db,
        shared::error::{AppError, FieldErrors},
    };

    /// The post if the logged-in user wrote it. `flash_login` adds the "please log in" flash
    /// for a page that is about to send a visitor to the log-in form. Someone else's draft is
    /// `NotFound`, as a post that does not exist, found by the same query.
    pub async fn editable_post(db: &Db, id: i64, flash_login: bool) -> Result<Post, AppError> {
        let user = current_user(db).await?;
        let post = repo::find_post_for(db, id, user.as_ref().map(|user| user.id))
            .await?
            .ok_or(AppError::NotFound)?;
        let Some(user) = user else {
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

    /// A post form's fields, checked: every problem under its own field.
    pub struct Submitted {
        /// Title and content.
        pub post: NewPost,
        /// Published now, scheduled or a draft.
        pub standing: Standing,
        /// The tags, each once.
        pub tags: Vec<TagInput>,
    }

    impl Submitted {
        /// Reads the fields of a post form whose `intent` is the button pressed.
        pub fn read(
            title: String,
            content: String,
            tags: &str,
            publish_at: &str,
            publish_offset: i64,
            intent: Intent,
            picture_error: &str,
        ) -> Result<Self, AppError> {
            let post = NewPost {
                title: title.trim().to_owned(),
                content,
            };
            let mut errors = match post.validate() {
                Ok(()) => FieldErrors::default(),
                Err(AppError::Invalid(errors)) => errors,
                Err(other) => return Err(other),
            };
            let tags = parse_tags(tags).unwrap_or_else(|message| {
                errors.add("tags", message);
                Vec::new()
            });
            let standing = match intent {
                Intent::Draft => Standing::DRAFT,
                Intent::Publish => match parse_publish_at(publish_at, publish_offset, now()) {
                    Ok(Some(at)) => Standing::scheduled(at),
                    Ok(None) => Standing::PUBLISHED,
                    Err(message) => {
                        errors.add("publish_at", message);
                        Standing::PUBLISHED
                    }
                },
            };
            if let Some(refused) = UploadError::from_code(picture_error) {
                errors.add("picture", refused.message());
            }
            errors.into_result()?;
            debug_assert!(
                standing.status != PostStatus::Scheduled || standing.publish_at.is_some()
            );
            Ok(Self {
                post,
                standing,
                tags,
            })
        }
    }
}
