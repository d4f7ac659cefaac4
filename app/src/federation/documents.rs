//! Actors, articles and collections as JSON. An author's page (`/user/NAME`) and a post's page
//! (`/post/ID`) answer a request that asks for `application/activity+json` (or ActivityStreams
//! `application/ld+json`) with the actor or the article, in front of the page cache, so HTML and
//! JSON never mix; both answers carry `Vary: Accept`.

use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::Value;

use crate::{
    federation::{activities, keys},
    posts::repo::{self as posts, Scope},
    server_only::state::AppState,
    shared::error::AppError,
    users::{model::Author, repo as users},
};

/// How many posts an outbox lists.
pub const OUTBOX_LENGTH: i64 = 20;

/// Whether `headers` ask for an ActivityPub document rather than a page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|kind| {
            let kind = kind.trim().to_ascii_lowercase();
            kind.starts_with("application/activity+json")
                || (kind.starts_with("application/ld+json")
                    && kind.contains("https://www.w3.org/ns/activitystreams"))
        })
}

/// The page a path names, if it has a JSON twin.
enum Page {
    Author(String),
    Post(i64),
}

fn page_of(path: &str) -> Option<Page> {
    if let Some(name) = path.strip_prefix("/user/") {
        if name.is_empty() || name.contains('/') {
            return None;
        }
        let name = percent_encoding::percent_decode_str(name)
            .decode_utf8()
            .ok()?;
        return Some(Page::Author(name.into_owned()));
    }
    let id = path.strip_prefix("/post/")?;
    id.parse().ok().map(Page::Post)
}

/// Middleware: answers an ActivityPub request for an author's or a post's page with its JSON,
/// and marks both kinds of answer `Vary: Accept`.
pub async fn negotiate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let Some(page) = readable.then(|| page_of(request.uri().path())).flatten() else {
        return next.run(request).await;
    };
    let mut response = if state.federation.enabled() && wants_activity_json(request.headers()) {
        match page {
            Page::Author(name) => actor_document(&state, &name).await,
            Page::Post(id) => article_document(&state, id).await,
        }
    } else {
        next.run(request).await
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// Middleware for federation's own routes (discovery, collections, inboxes): 404 while
/// federation is off, as if they did not exist.
pub async fn when_federating(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if state.federation.enabled() {
        next.run(request).await
    } else {
        AppError::NotFound.into_response()
    }
}

/// A JSON-LD answer.
fn activity_json(document: &Value) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/activity+json; charset=utf-8",
        )],
        document.to_string(),
    )
        .into_response()
}

async fn author_named(state: &AppState, name: &str) -> Result<Author, AppError> {
    users::find_user_by_username(&state.db, name)
        .await?
        .map(Author::from)
        .ok_or(AppError::NotFound)
}

async fn actor_document(state: &AppState, name: &str) -> Response {
    let author = match author_named(state, name).await {
        Ok(author) => author,
        Err(error) => return error.into_response(),
    };
    match keys::author_public_key(&state.db, author.id).await {
        Ok(key) => activity_json(&activities::person(&state.federation.urls, &author, &key)),
        Err(error) => {
            tracing::error!(%error, "an author's key could not be had");
            AppError::Internal.into_response()
        }
    }
}

async fn article_document(state: &AppState, id: i64) -> Response {
    match posts::find_post(&state.db, id).await {
        Ok(Some(post)) => {
            activity_json(&activities::article_document(&state.federation.urls, &post))
        }
        Ok(None) => AppError::NotFound.into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `GET /user/{name}/outbox`: how many posts the author has, and the newest.
pub async fn outbox(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let author = match author_named(&state, &name).await {
        Ok(author) => author,
        Err(error) => return error.into_response(),
    };
    let listed = async {
        let total = posts::count_posts_by_author(&state.db, author.id).await?;
        let newest =
            posts::newest_posts(&state.db, Scope::Author(author.id), OUTBOX_LENGTH).await?;
        Ok::<_, crate::server_only::db::DbError>((total, newest))
    };
    match listed.await {
        Ok((total, newest)) => activity_json(&activities::outbox(
            &state.federation.urls,
            &author.username,
            total,
            &newest,
        )),
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `GET /user/{name}/followers`: how many follow the author (not who).
pub async fn followers(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let author = match author_named(&state, &name).await {
        Ok(author) => author,
        Err(error) => return error.into_response(),
    };
    match crate::federation::repo::count_followers(&state.db, author.id).await {
        Ok(count) => activity_json(&activities::counted_collection(
            state.federation.urls.followers(&author.username),
            count,
        )),
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `GET /user/{name}/following`: whom the author follows (nobody: authors here only publish).
pub async fn following(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match author_named(&state, &name).await {
        Ok(author) => activity_json(&activities::counted_collection(
            state.federation.urls.following(&author.username),
            0,
        )),
        Err(error) => error.into_response(),
    }
}

/// `GET /actor`: the instance's own actor, whose key signs the fetches no author makes.
pub async fn instance_actor(State(state): State<AppState>) -> Response {
    match keys::instance_keys(&state.db).await {
        Ok(keys) => activity_json(&activities::instance_actor(
            &state.federation.urls,
            &keys.public_pem,
        )),
        Err(error) => {
            tracing::error!(%error, "the instance key could not be had");
            AppError::Internal.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn mastodon_s_accept_header_asks_for_json() {
        assert!(wants_activity_json(&accept(
            "application/activity+json, application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
        )));
    }

    #[test]
    fn activity_streams_json_ld_asks_for_json() {
        assert!(wants_activity_json(&accept(
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""
        )));
    }

    #[test]
    fn a_browser_s_accept_header_asks_for_the_page() {
        assert!(!wants_activity_json(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
    }
}
