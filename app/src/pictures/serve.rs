//! Serving stored pictures: `GET /pictures/HASH.EXT` (the full copy) and
//! `GET /pictures/small/HASH.EXT` (the copy for lists and feeds). The hash names the bytes, so a
//! picture never changes under its address: it is cached for a year, and its hash is its `ETag`.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    pictures::{links, repo},
    server_only::state::AppState,
};

/// Cache policy of content that never changes under its address.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /pictures/{file}`: a picture's full copy.
pub async fn serve_picture(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(&state, &file, false, &headers).await
}

/// `GET /pictures/small/{file}`: a picture's smaller copy.
pub async fn serve_small_picture(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(&state, &file, true, &headers).await
}

async fn serve(state: &AppState, file: &str, small: bool, headers: &HeaderMap) -> Response {
    let Some((hash, extension)) = file
        .split_once('.')
        .filter(|(hash, _)| links::is_hash(hash))
    else {
        return not_found();
    };
    let Some(content_type) = links::content_type_of(extension) else {
        return not_found();
    };
    match repo::find_picture(&state.db, hash, small).await {
        Ok(Some(picture)) if picture.content_type == content_type => {
            immutable(headers, hash, picture.content_type, picture.data)
        }
        Ok(_) => not_found(),
        Err(error) => {
            tracing::error!(%error, "a picture could not be read");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The picture cannot be read right now.",
            )
                .into_response()
        }
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "No such picture").into_response()
}

/// `data` of type `content_type`, named `name` for good: cached for a year with `name` as its
/// `ETag`, or a `304` to a browser that already has it.
pub fn immutable(headers: &HeaderMap, name: &str, content_type: String, data: Vec<u8>) -> Response {
    let etag = format!("\"{name}\"");
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    if cached {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, IMMUTABLE.to_owned()),
            ],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::ETAG, etag),
            (header::CACHE_CONTROL, IMMUTABLE.to_owned()),
        ],
        data,
    )
        .into_response()
}
