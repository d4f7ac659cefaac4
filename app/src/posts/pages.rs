//! The home page (newest posts) and a single post's page.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use crate::{
    components::{
        error_page::ErrorPage, page_links::PageLinks, page_title::PageTitle, share_tags::ShareTags,
    },
    live::{
        follow::{follow_changes, follow_list, new_posts_bar},
        model::Change,
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

/// `/` and `/home`: the newest posts, five per page; live, with new posts offered above them.
#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.with(|q| parse_page(q.get_str("page")));
    let posts = resource(page, list_posts);
    let waiting = follow_list(
        move || query.with_untracked(|q| parse_page(q.get_str("page"))) == 1,
        move || {
            posts.with(|page| {
                post_ids(
                    page.as_ref()
                        .and_then(|page| page.as_ref().ok())
                        .map(|page| &page.posts),
                )
            })
        },
        |_, _| true,
        move || posts.refetch(),
    );
    view! {
        <PageTitle text="Home"/>
        {new_posts_bar(waiting, move || posts.refetch())}
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

/// The ids of the posts a list shows (none while it loads or failed).
pub(crate) fn post_ids(posts: Option<&Vec<crate::posts::model::Post>>) -> Vec<i64> {
    posts.map_or_else(Vec::new, |posts| posts.iter().map(|post| post.id).collect())
}

/// `/post/:id`: one post in full; live: an edit shows in place, and a deletion is said above
/// the text, which stays.
#[component]
pub fn PostPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get_str("id").and_then(|id| id.parse::<i64>().ok()));
    let post = resource(id, read_shown);
    let deleted = RwSignal::new(false);
    // Another post's page, reached from this one, starts undeleted.
    Effect::new(move |_| {
        id();
        deleted.set(false);
    });
    let location = use_location();
    follow_changes(move |changes| {
        let shown = untrack(id);
        // The location moves as soon as the reader leaves (the author who deleted the post, on
        // the way home): the page they are leaving tells them nothing more.
        let here = location.pathname.with_untracked(|path| {
            path.strip_prefix("/post/")
                .and_then(|id| id.parse::<i64>().ok())
        });
        if here.is_none() || here != shown {
            return;
        }
        for change in changes {
            match change {
                Change::Edited { post: edited }
                    if Some(edited) == shown && !deleted.get_untracked() =>
                {
                    leptos::task::spawn_local(async move {
                        let fresh = read_shown(Some(edited)).await;
                        // Showing the same post again would rebuild the page under the reader,
                        // closing an open Delete dialog: this tab's own edit comes back too.
                        if post.try_with_untracked(|shown| shown.as_ref() != Some(&fresh))
                            == Some(true)
                        {
                            post.set(Some(fresh));
                        }
                    })
                }
                Change::Deleted { post: gone } if Some(gone) == shown => deleted.set(true),
                Change::Missed if !deleted.get_untracked() => post.refetch(),
                _ => {}
            }
        }
    });
    view! {
        {move || deleted.get().then(|| view! {
            <p class="flash flash-info post-deleted" role="status">"This post was deleted."</p>
        })}
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

/// Reads the post `id` as its page shows it: public, or the reader's own draft.
async fn read_shown(id: Option<i64>) -> Result<Shown, AppError> {
    let Some(id) = id else {
        return Err(AppError::NotFound);
    };
    // A draft is never in the public read's shared answer: its author reads it apart.
    match get_post(id).await {
        Ok(post) => Ok(Shown::Public(post)),
        Err(AppError::NotFound) => get_own_draft(id).await.map(Shown::Own),
        Err(error) => Err(error),
    }
}

/// A post's page shows a published post, or its author's own draft or scheduled post.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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
