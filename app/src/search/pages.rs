//! `/search?q=words[&tag=name]`: the search form and one page of results.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        error_page::ErrorPage, page_links::PageLinks, page_title::PageTitle,
        search_form::SearchForm,
    },
    posts::components::TagLinks,
    search::{
        api::search_posts,
        model::{CANDIDATES_MAX, Hit, encode_query_value},
    },
    shared::codec::resource,
    shared::pagination::parse_page,
};

/// The search page: the query in a form, then the hits, five per page.
#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let source = move || {
        query.with(|q| {
            (
                q.get("q").unwrap_or_default(),
                parse_page(q.get_str("page")),
                q.get("tag").unwrap_or_default(),
            )
        })
    };
    let results = resource(source, |(q, page, tag)| search_posts(q, page, tag));
    view! {
        <PageTitle text="Search"/>
        <h1>"Search"</h1>
        <SearchForm class="search-form">
            <label for="search-page-q" class="visually-hidden">"Search posts"</label>
            <input id="search-page-q" type="search" name="q" maxlength="200"
                value=move || query.with(|q| q.get("q").unwrap_or_default())/>
            <label for="search-page-tag">"Tag"</label>
            <input id="search-page-tag" type="text" name="tag" maxlength="200" placeholder="Any"
                value=move || query.with(|q| q.get("tag").unwrap_or_default())/>
            <button type="submit" class="button">"Search"</button>
        </SearchForm>
        <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(results) => {
                        let Some(pager) = results.pager else {
                            return ().into_any();
                        };
                        let mut base = format!("/search?q={}", encode_query_value(&results.query));
                        let (mut post, mut posts) = ("post".to_owned(), "posts".to_owned());
                        if !results.tag.is_empty() {
                            base.push_str(&format!("&tag={}", encode_query_value(&results.tag)));
                            post = format!("post tagged {}", results.tag);
                            posts = format!("posts tagged {}", results.tag);
                        }
                        let summary = match pager.total {
                            0 => format!("No {posts} match \u{201c}{}\u{201d}.", results.query),
                            1 => format!("1 {post} matches \u{201c}{}\u{201d}.", results.query),
                            n if n >= CANDIDATES_MAX => format!(
                                "{n}+ {posts} match \u{201c}{}\u{201d}; the newest {n} are ranked.",
                                results.query
                            ),
                            n => format!("{n} {posts} match \u{201c}{}\u{201d}.", results.query),
                        };
                        view! {
                            <p class="search-summary" role="status">{summary}</p>
                            <ol class="search-hits">
                                {results.hits.into_iter().map(|hit| view! { <SearchHit hit/> }).collect_view()}
                            </ol>
                            <PageLinks pager base/>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorPage error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One found post: title, author and date, and the snippet with the matched words marked.
#[component]
fn SearchHit(hit: Hit) -> impl IntoView {
    let snippet = hit
        .snippet
        .iter()
        .map(|piece| {
            if piece.matched {
                view! { <mark>{piece.text.clone()}</mark> }.into_any()
            } else {
                piece.text.clone().into_any()
            }
        })
        .collect_view();
    view! {
        <li class="search-hit">
            <h2 class="post-title"><a href=hit.url()>{hit.title.clone()}</a></h2>
            <div class="post-meta">
                <a class="author" href=hit.author.page_url()>{hit.author.username.clone()}</a>
                <time datetime=crate::shared::dates::machine_time(&hit.date_posted)>{crate::shared::dates::day(&hit.date_posted)}</time>
            </div>
            <TagLinks links=hit.tag_links.clone()/>
            <p class="snippet">{snippet}</p>
        </li>
    }
}
