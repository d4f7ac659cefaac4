//! `/drafts`: the logged-in author's drafts and scheduled posts.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::{
    components::{error_page::ErrorPage, page_title::PageTitle},
    posts::{
        api::list_drafts,
        model::{OwnPost, PostStatus},
    },
    shared::codec::resource,
    shared::dates::{machine_time, minute},
    shared::error::AppError,
};

/// `/drafts`: what the author has not published yet, the newest written first, each with where
/// it stands and a link to go on editing it. Visitors are sent to log in.
#[component]
pub fn DraftsPage() -> impl IntoView {
    let drafts = resource(|| (), |_| list_drafts());
    view! {
        <PageTitle text="Drafts"/>
        <h1>"Drafts"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading drafts…"</p> }>
            {move || Suspend::new(async move {
                match drafts.await {
                    Ok(drafts) if drafts.posts.is_empty() => view! {
                        <p class="empty">"No drafts. " <a href="/post/new">"Write a post"</a></p>
                    }
                    .into_any(),
                    Ok(drafts) => view! {
                        <ul class="draft-list">
                            {drafts.posts.into_iter().map(|own| view! { <DraftRow own/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/drafts"/> }.into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One draft: its title (to its own page), where it stands, and Edit.
#[component]
fn DraftRow(own: OwnPost) -> impl IntoView {
    let OwnPost {
        post,
        status,
        publish_at,
        ..
    } = own;
    let standing = match (status, publish_at) {
        (PostStatus::Scheduled, Some(at)) => view! {
            <span class="draft-status">"Scheduled for " <time datetime=machine_time(&at)>{minute(&at)}</time></span>
        }
        .into_any(),
        _ => view! { <span class="draft-status">"Draft"</span> }.into_any(),
    };
    view! {
        <li class="draft-row">
            <a class="draft-title" href=post.url()>{post.title.clone()}</a>
            {standing}
            <a class="button secondary small" href=format!("/post/{}/update", post.id)>"Edit"<span class="visually-hidden">" \u{201c}"{post.title.clone()}"\u{201d}"</span></a>
        </li>
    }
}
