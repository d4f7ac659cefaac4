//! The user list and one user's posts.

use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::{error_page::ErrorPage, page_links::PageLinks, page_title::PageTitle},
    federation::components::FediverseHandle,
    live::{
        follow::{follow_changes, follow_list, new_posts_bar},
        model::Change,
    },
    posts::{components::PostList, pages::post_ids},
    shared::codec::resource,
    shared::pagination::parse_page,
    users::{
        api::{list_user_posts, list_users},
        model::avatar_url,
    },
};

/// `/users`: everyone who writes here, with how much they wrote, twenty per page; live: the
/// list and its counts follow new users and posts.
#[component]
pub fn UsersPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.with(|q| parse_page(q.get_str("page")));
    let users = resource(page, list_users);
    follow_changes(move |changes| {
        let counted = |change: &Change| !matches!(change, Change::Edited { .. });
        if changes.iter().any(counted) {
            users.refetch();
        }
    });
    view! {
        <PageTitle text="Users"/>
        <h1>"Users"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(page) if page.users.is_empty() => view! { <p class="empty">"No users yet."</p> }.into_any(),
                    Ok(page) => view! {
                        <ul class="user-list">
                            {page.users.into_iter().map(|user| view! {
                                <li class="user-row">
                                    <img class="avatar small" src=avatar_url(&user.image_file) alt="" width="40" height="40"/>
                                    <a class="author" href=format!("/user/{}", user.username)>{user.username.clone()}</a>
                                    <span class="post-count">
                                        {if user.post_count == 1 { "1 post".to_owned() } else { format!("{} posts", user.post_count) }}
                                    </span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <PageLinks pager=page.pager base="/users"/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/user/:username`: that user's posts, newest first, five per page; live, with their new
/// posts offered above them.
#[component]
pub fn UserPostsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let source = move || {
        (
            params.with(|p| p.get("username").unwrap_or_default()),
            query.with(|q| parse_page(q.get_str("page"))),
        )
    };
    let page = resource(source, |(username, page)| list_user_posts(username, page));
    let listed = move || {
        page.with(|page| {
            page.as_ref()
                .and_then(|page| page.as_ref().ok())
                .map(|page| (page.author.id, post_ids(Some(&page.posts))))
        })
    };
    let waiting = follow_list(
        move || query.with_untracked(|q| parse_page(q.get_str("page"))) == 1,
        move || listed().map(|(_, ids)| ids).unwrap_or_default(),
        move |author, _| listed().is_some_and(|(id, _)| id == author),
        move || page.refetch(),
    );
    let refresh = move || page.refetch();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading posts…"</p> }>
            {move || {
                let waiting = waiting.clone();
                Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let name = page.author.username.clone();
                        let feed = format!("{}/feed.xml", page.author.page_url());
                        view! {
                            <PageTitle text=format!("Posts by {name}")/>
                            <Link rel="alternate" type_="application/atom+xml" title=format!("Quire: posts by {name}") href=feed.clone()/>
                            <header class="profile">
                                <img class="avatar" src=page.author.avatar_url() alt="" width="64" height="64"/>
                                <h1>{format!("Posts by {name} ({})", page.pager.total)}</h1>
                                <a class="feed-link" href=feed rel="external">"Atom feed"</a>
                            </header>
                            {page.fediverse.map(|fediverse| view! { <FediverseHandle fediverse/> })}
                            {new_posts_bar(waiting, refresh)}
                            <PostList posts=page.posts/>
                            <PageLinks pager=page.pager base=page.author.page_url()/>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })
            }}
        </Transition>
    }
}
