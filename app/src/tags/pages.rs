//! A tag's page (its posts, newest first) and the list of tags in use.

use leptos::prelude::*;
use leptos_meta::Link;
use leptos_router::{
    components::Redirect,
    hooks::{use_params_map, use_query_map},
};

use crate::{
    components::{error_page::ErrorPage, page_links::PageLinks, page_title::PageTitle},
    live::{
        follow::{follow_changes, follow_list, new_posts_bar},
        model::Change,
    },
    posts::{components::PostList, pages::post_ids},
    shared::codec::resource,
    shared::pagination::parse_page,
    tags::api::{list_tag_posts, list_tags},
};

/// `/tag/:name`: the posts carrying a tag, newest first, five per page; live, with new posts
/// carrying the tag offered above them. Any other spelling of the tag is sent to its page
/// under its key.
#[component]
pub fn TagPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let source = move || {
        (
            params.with(|p| p.get("name").unwrap_or_default()),
            query.with(|q| parse_page(q.get_str("page"))),
        )
    };
    let page = resource(source, |(name, page)| list_tag_posts(name, page));
    let listed = move || {
        page.with(|page| {
            page.as_ref()
                .and_then(|page| page.as_ref().ok())
                .map(|page| (page.tag.key.clone(), post_ids(Some(&page.posts))))
        })
    };
    let waiting = follow_list(
        move || query.with_untracked(|q| parse_page(q.get_str("page"))) == 1,
        move || listed().map(|(_, ids)| ids).unwrap_or_default(),
        move |_, tags| listed().is_some_and(|(key, _)| tags.contains(&key)),
        move || page.refetch(),
    );
    let refresh = move || page.refetch();
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading posts…"</p> }>
            {move || {
                let waiting = waiting.clone();
                Suspend::new(async move {
                let asked = params.with_untracked(|p| p.get("name").unwrap_or_default());
                match page.await {
                    Ok(page) if page.tag.key != asked => {
                        let number = page.pager.page;
                        let path = if number > 1 {
                            format!("{}?page={number}", page.tag.url())
                        } else {
                            page.tag.url()
                        };
                        view! { <Redirect path/> }.into_any()
                    }
                    Ok(page) => {
                        let name = page.tag.name.clone();
                        let feed = format!("{}/feed.xml", page.tag.url());
                        let count = if page.tag.posts == 1 {
                            "1 post".to_owned()
                        } else {
                            format!("{} posts", page.tag.posts)
                        };
                        view! {
                            <PageTitle text=format!("Posts tagged {name}")/>
                            <Link rel="alternate" type_="application/atom+xml" title=format!("Quire: posts tagged {name}") href=feed.clone()/>
                            <header class="profile">
                                <h1>{format!("Posts tagged {name}")}</h1>
                                <span class="post-count">{count}</span>
                                <a class="feed-link" href=feed rel="external">"Atom feed"</a>
                                <a class="feed-link" href=format!("/search?tag={}", crate::search::model::encode_query_value(&page.tag.key))>"Search these posts"</a>
                            </header>
                            {new_posts_bar(waiting, refresh)}
                            <PostList posts=page.posts/>
                            <PageLinks pager=page.pager base=page.tag.url()/>
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

/// `/tags`: the tags in use, the most used first, with their counts; live: the counts follow
/// posts as they are published and deleted.
#[component]
pub fn TagsPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.with(|q| parse_page(q.get_str("page")));
    let tags = resource(page, list_tags);
    follow_changes(move |changes| {
        let counted = |change: &Change| !matches!(change, Change::Users);
        if changes.iter().any(counted) {
            tags.refetch();
        }
    });
    view! {
        <PageTitle text="Tags"/>
        <h1>"Tags"</h1>
        <Transition fallback=|| view! { <p class="loading">"Loading tags…"</p> }>
            {move || Suspend::new(async move {
                match tags.await {
                    Ok(list) if list.tags.is_empty() => view! { <p class="empty">"No tags yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="tag-list">
                            {list.tags.into_iter().map(|tag| view! {
                                <li class="tag-row">
                                    <a href=tag.url() rel="tag">{tag.name.clone()}</a>
                                    <span class="post-count">
                                        {if tag.posts == 1 { "1 post".to_owned() } else { format!("{} posts", tag.posts) }}
                                    </span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <PageLinks pager=list.pager base="/tags"/>
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}
