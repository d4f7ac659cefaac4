//! The home page (newest posts) and a single post's page.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::{
        error_page::ErrorPage, page_links::PageLinks, page_title::PageTitle, share_tags::ShareTags,
    },
    posts::{
        api::{get_post, list_posts},
        components::{PostCard, PostList},
        edit::AuthorControls,
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
        match id {
            Some(id) => get_post(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading post…"</p> }>
            {move || Suspend::new(async move {
                match post.await {
                    Ok(post) => view! {
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
