//! `POST /pictures`: the editor's upload. A multipart form with a `picture` file and its `alt`
//! text; the answer is the Markdown that shows it, or the reason it was refused, as plain text
//! with a 4xx status.

use axum::{
    extract::{Multipart, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{
    auth::session::user_from_headers,
    pictures::{
        links,
        model::{ALT_MAX, QUOTA_BYTES, UPLOAD_MAX_BYTES, UploadError},
        process::{Picture, process_upload},
        repo,
    },
    server_only::{clock::now, slots::SlotError, state::AppState},
    users::model::User,
};

/// What a logged-out visitor's upload is told.
const LOG_IN: &str = "Log in to add pictures.";

/// `POST /pictures`: stores the `picture` of the form for the logged-in author and answers its
/// Markdown, with the form's `alt` text.
pub async fn upload_post_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let user = user_from_headers(&state.db, &headers, state.settings.secure_cookies).await;
    let user = match user {
        Ok(Some(user)) => user,
        Ok(None) => return (StatusCode::UNAUTHORIZED, LOG_IN).into_response(),
        Err(error) => return unavailable(error),
    };
    let fields = read_form(multipart).await;
    let answer = match fields {
        Ok((bytes, alt)) => add_picture(&state, &user, bytes, &alt).await,
        Err(refused) => Err(Refusal::Upload(refused)),
    };
    match answer {
        Ok(markdown) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            markdown,
        )
            .into_response(),
        Err(Refusal::Upload(refused)) => (
            StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
            refused.message(),
        )
            .into_response(),
        Err(Refusal::Database(error)) => unavailable(error),
    }
}

/// Why a picture was not added.
#[derive(Debug)]
pub enum Refusal {
    /// Something about the upload, for the author to fix.
    Upload(UploadError),
    /// The database could not store it.
    Database(crate::server_only::db::DbError),
}

/// Processes and stores `bytes` as `user`'s picture, within their upload slot and quota; the
/// Markdown that shows it with `alt`.
pub async fn add_picture(
    state: &AppState,
    user: &User,
    bytes: Vec<u8>,
    alt: &str,
) -> Result<String, Refusal> {
    if alt.chars().count() > ALT_MAX {
        return Err(Refusal::Upload(UploadError::AltTooLong));
    }
    let Ok(_slot) = state.work.uploads.take_for(user.id) else {
        return Err(Refusal::Upload(UploadError::Busy));
    };
    let picture = match state
        .work
        .decoding
        .run(move || process_upload(&bytes))
        .await
    {
        Ok(result) => result.map_err(Refusal::Upload)?,
        Err(SlotError::Busy(_)) => return Err(Refusal::Upload(UploadError::Busy)),
        Err(lost) => {
            tracing::error!(error = %lost, "picture processing failed");
            return Err(Refusal::Upload(UploadError::NotAnImage));
        }
    };
    store(state, user.id, &picture).await?;
    Ok(links::markdown(alt, &picture.address()))
}

async fn store(state: &AppState, user_id: i64, picture: &Picture) -> Result<(), Refusal> {
    let used = repo::bytes_of(&state.db, user_id)
        .await
        .map_err(Refusal::Database)?;
    if used + picture.bytes() > QUOTA_BYTES {
        return Err(Refusal::Upload(UploadError::OverQuota));
    }
    repo::insert_picture(&state.db, user_id, picture, now())
        .await
        .map_err(Refusal::Database)
}

/// The form's `picture` bytes (refused past [`UPLOAD_MAX_BYTES`] as soon as it passes) and its
/// `alt` text.
async fn read_form(mut multipart: Multipart) -> Result<(Vec<u8>, String), UploadError> {
    let (mut picture, mut alt) = (None, String::new());
    while let Ok(Some(mut field)) = multipart.next_field().await {
        match field.name() {
            Some("picture") => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| UploadError::TooLarge)? {
                    if bytes.len() + chunk.len() > UPLOAD_MAX_BYTES {
                        return Err(UploadError::TooLarge);
                    }
                    bytes.extend_from_slice(&chunk);
                }
                picture = Some(bytes);
            }
            Some("alt") => alt = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    match picture {
        Some(bytes) if !bytes.is_empty() => Ok((bytes, alt)),
        _ => Err(UploadError::Missing),
    }
}

fn unavailable(error: crate::server_only::db::DbError) -> Response {
    tracing::error!(%error, "a picture upload failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "The picture could not be stored right now. Try again in a moment.",
    )
        .into_response()
}
