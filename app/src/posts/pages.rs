//! The home page (newest posts) and a single post's page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::{
        error_page::ErrorPage, page_links::PageLinks, page_title::PageTitle, share_tags::ShareTags,
    },
    posts::{
        api::{get_own_draft, get_post, list_posts},
        components::{PostCard, PostList},
        edit::AuthorControls,
        model::{OwnPost, PostStatus},
    },
    shared::codec::resource,
    shared::error::AppError,
    shared::pagination::parse_page,
};

/// `/` and `/home`: the newest posts, five per page.
#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.with(|q| parse_page(q.get_str("page")));
    let posts = resource(page, list_posts);
    view! {
        <PageTitle text="Home"/>
        <Transition fallback=|| view! { <p class="loading">"Loading posts…"</p> }>
            {move || Suspend::new(async move {
                match posts.await {
                    Ok(page) => view! {
                        <h1 class="visually-hidden">"Latest posts"</h1>
                        <PostList posts=page.posts/>
                        <PageLinks pager=page.pager base="/"/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/post/:id`: one post in full.
#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get_str("id").and_then(|id| id.parse::<i64>().ok()));
    let post = resource(id, |id| async move {
        let Some(id) = id else {
            return Err(AppError::NotFound);
        };
        // A draft is never in the public read's shared answer: its author reads it apart.
        match get_post(id).await {
            Ok(post) => Ok(Shown::Public(post)),
            Err(AppError::NotFound) => get_own_draft(id).await.map(Shown::Own),
            Err(error) => Err(error),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading post…"</p> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(Shown::Own(own)) => view! {
                        <PageTitle text=own.post.title.clone()/>
                        <DraftNotice own=own.clone()/>
                        <PostCard post=own.post.clone() full_page=true/>
                        <AuthorControls post=own.post/>
                    }
                    .into_any(),
                    Ok(Shown::Public(post)) => view! {
                        <PageTitle text=post.title.clone()/>
                        <ShareTags title=post.title.clone() description=post.summary.clone() path=post.url()/>
                        <PostCard post=post.clone() full_page=true/>
                        <AuthorControls post/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A post's page shows a published post, or its author's own draft or scheduled post.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Shown {
    /// Public, as every visitor reads it.
    Public(crate::posts::model::Post),
    /// Not public: its author's.
    Own(OwnPost),
}

/// What the author of a draft or scheduled post reads above it: that only they see it, and when
/// it goes public.
#[component]
fn DraftNotice(own: OwnPost) -> impl IntoView {
    let text = match own.publish_at {
        Some(at) if own.status == PostStatus::Scheduled => format!(
            "Scheduled for {}: only you can see this post until then.",
            crate::shared::dates::minute(&at)
        ),
        _ => "Draft: only you can see this post.".to_owned(),
    };
    view! { <p class="flash flash-info draft-notice">{text}</p> }
}
