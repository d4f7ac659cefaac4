//! Atom feeds of the newest posts, the site's, each author's and each tag's, answered with an `ETag` so that
//! feed readers polling an unchanged feed get a 304.

use atom_syndication::{Category, Content, Entry, Feed, Link, Person};
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::{
    pictures::links,
    posts::{
        model::Post,
        repo::{self as posts, Scope},
    },
    server_only::state::AppState,
    shared::error::AppError,
    shared::xml_text::xml_safe,
    tags::repo as tags,
    users::repo as users,
};

/// How many posts a feed carries.
pub const FEED_LENGTH: i64 = 20;

/// `GET /feed.xml`: the newest posts of everyone.
pub async fn site_feed(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let site = state.settings.site_url();
    match posts::newest_posts(&state.db, Scope::All, FEED_LENGTH).await {
        Ok(newest) => {
            let feed = build(
                site,
                "Quire",
                &format!("{site}/feed.xml"),
                &format!("{site}/"),
                &newest,
            );
            answer(&feed, &headers)
        }
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `GET /user/{name}/feed.xml`: one author's newest posts; 404 for an unknown author.
pub async fn author_feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let site = state.settings.site_url();
    let author = match users::find_user_by_username(&state.db, &name).await {
        Ok(Some(author)) => author,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(error) => return AppError::from(error).into_response(),
    };
    match posts::newest_posts(&state.db, Scope::Author(author.id), FEED_LENGTH).await {
        Ok(newest) => {
            let page = format!("{site}/user/{}", author.username);
            let feed = build(
                site,
                &format!("Quire – posts by {}", author.username),
                &format!("{page}/feed.xml"),
                &page,
                &newest,
            );
            answer(&feed, &headers)
        }
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `GET /tag/{key}/feed.xml`: the newest posts carrying one tag, found by any spelling of it;
/// 404 for a tag no published post carries.
pub async fn tag_feed(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    let site = state.settings.site_url();
    let tag = match tags::find_public_tag(&state.db, &name).await {
        Ok(Some(tag)) => tag,
        Ok(None) => return AppError::NotFound.into_response(),
        Err(error) => return AppError::from(error).into_response(),
    };
    match posts::newest_posts(&state.db, Scope::Tag(tag.id), FEED_LENGTH).await {
        Ok(newest) => {
            let page = format!("{site}{}", tag.url());
            let feed = build(
                site,
                &format!("Quire – posts tagged {}", tag.name),
                &format!("{page}/feed.xml"),
                &page,
                &newest,
            );
            answer(&feed, &headers)
        }
        Err(error) => AppError::from(error).into_response(),
    }
}

/// The feed document: `self_url` is where it is served, `page_url` the HTML page it follows.
pub fn build(site: &str, title: &str, self_url: &str, page_url: &str, posts: &[Post]) -> String {
    let updated = posts
        .iter()
        .map(|post| post.date_posted)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let entries = posts.iter().map(|post| entry(site, post)).collect();
    let feed = Feed {
        title: xml_safe(title).as_ref().into(),
        id: self_url.to_owned(),
        updated: updated.fixed_offset(),
        links: vec![
            link(self_url, "self", "application/atom+xml"),
            link(page_url, "alternate", "text/html"),
        ],
        entries,
        ..Feed::default()
    };
    feed.to_string()
}

fn entry(site: &str, post: &Post) -> Entry {
    let url = format!("{site}{}", post.url());
    let date = post.date_posted.fixed_offset();
    Entry {
        title: xml_safe(&post.title).as_ref().into(),
        id: url.clone(),
        updated: date,
        published: Some(date),
        authors: vec![Person {
            name: xml_safe(&post.author.username).into_owned(),
            uri: Some(format!("{site}{}", post.author.page_url())),
            ..Person::default()
        }],
        links: vec![link(&url, "alternate", "text/html")],
        categories: post
            .tags
            .iter()
            .map(|tag| Category {
                term: xml_safe(&tag.key).into_owned(),
                label: Some(xml_safe(&tag.name).into_owned()),
                scheme: Some(format!("{site}/tags")),
            })
            .collect(),
        content: Some(Content {
            value: Some(xml_safe(&links::shown_small(&post.html, site)).into_owned()),
            content_type: Some("html".to_owned()),
            ..Content::default()
        }),
        ..Entry::default()
    }
}

fn link(href: &str, rel: &str, mime_type: &str) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Link::default()
    }
}

/// The feed with its `ETag` (a digest of its bytes), or 304 when the reader already has it.
fn answer(feed: &str, headers: &HeaderMap) -> Response {
    let digest = Sha256::digest(feed.as_bytes());
    let etag = format!("\"{}\"", hex::encode(&digest[..16]));
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == etag || tag == "*")
        });
    let cache = "public, max-age=300".to_owned();
    if fresh {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "application/atom+xml; charset=utf-8".to_owned(),
            ),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
        ],
        feed.to_owned(),
    )
        .into_response()
}
