//! The account page's "Export my blog" (`GET /account/export`, the ZIP streamed as it is
//! written) and its import of one's own export (`POST /account/import`).

use std::io::{Cursor, Write};

use axum::{
    body::{Body, Bytes},
    extract::{Multipart, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::{
    auth::session::user_from_headers,
    export::{
        archive::{Scope, write_export},
        import::{ImportError, read_archive},
        limits::{ACCOUNT_PAGE, UPLOAD_BYTES},
        repo::{AuthorTarget, ImportReport, write_import},
    },
    flash::{Flash, FlashKind, cookie::flash_cookie},
    server_only::{clock::now, cookies, state::AppState},
    users::model::User,
};

/// Bytes of the ZIP sent to the browser at once.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting for a slow browser before the export waits too.
const CHUNKS_WAITING: usize = 4;
/// What a second export or import at once is told.
const BUSY: &str = "An export or import is already running. Try again in a moment.";

/// `GET /account/export`: the logged-in author's whole blog as one ZIP, streamed.
pub async fn export_blog(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let user = match logged_in(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let Ok(slot) = state.work.archives.take_for(user.id) else {
        return back_to_account(&state, FlashKind::Danger, BUSY.into());
    };
    let (sender, receiver) = mpsc::channel(CHUNKS_WAITING);
    let handle = tokio::runtime::Handle::current();
    let (db, site_url) = (state.db.clone(), state.settings.site_url().to_owned());
    let user_id = user.id;
    let failed = sender.clone();
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let out = ChunkSender {
            sender,
            chunk: Vec::with_capacity(CHUNK),
        };
        if let Err(error) = write_export(&handle, &db, Scope::Author(user_id), &site_url, out) {
            tracing::warn!(%error, user_id, "an export stopped");
            // An error in the body cuts the download off, so the browser reports it failed
            // instead of keeping a ZIP without its directory.
            let _ = failed.blocking_send(Err(std::io::Error::other("the export stopped")));
        }
    });
    let file = format!(
        "attachment; filename=\"quire-{}-{}.zip\"",
        user.username.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_',
            "_"
        ),
        now().format("%Y-%m-%d")
    );
    let mut response = Body::from_stream(ReceiverStream::new(receiver)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    // The entries are compressed already: the compression layer leaves an encoded body alone.
    headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The ZIP's bytes, sent on in chunks; a browser that has gone makes writing fail, which
/// stops the export.
struct ChunkSender {
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
    chunk: Vec<u8>,
}

impl ChunkSender {
    fn send(&mut self) -> std::io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        self.sender
            .blocking_send(Ok(Bytes::from(chunk)))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the browser left"))
    }
}

impl Write for ChunkSender {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.chunk.extend_from_slice(bytes);
        if self.chunk.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// `POST /account/import` (a multipart form with an `archive` file): the logged-in author's
/// own export brought in, all of it or nothing; then the account page says what happened.
pub async fn import_blog(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let user = match logged_in(&state, &headers).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let Ok(_slot) = state.work.archives.take_for(user.id) else {
        return back_to_account(&state, FlashKind::Danger, BUSY.into());
    };
    let bytes = match read_archive_field(multipart).await {
        Ok(bytes) => bytes,
        Err(message) => return back_to_account(&state, FlashKind::Danger, message),
    };
    let read =
        tokio::task::spawn_blocking(move || read_archive(Cursor::new(bytes), ACCOUNT_PAGE)).await;
    let plan = match read {
        Ok(Ok(plan)) => plan,
        Ok(Err(refused)) => return back_to_account(&state, FlashKind::Danger, refused.to_string()),
        Err(_) => {
            return back_to_account(&state, FlashKind::Danger, ImportError::NotAZip.to_string());
        }
    };
    if plan.authors.len() != 1 {
        let message = format!(
            "This archive holds {} authors; the account page imports the export of one. \
             A whole site's export is imported with `quire import zip`.",
            plan.authors.len()
        );
        return back_to_account(&state, FlashKind::Danger, message);
    }
    match write_import(&state.db, &plan, &[AuthorTarget::Existing(user.id)]).await {
        Ok(report) => back_to_account(&state, FlashKind::Success, imported(&report)),
        Err(error) => {
            tracing::error!(%error, "an import could not be written");
            back_to_account(
                &state,
                FlashKind::Danger,
                "The import could not be written; nothing was imported. Try again in a moment."
                    .into(),
            )
        }
    }
}

/// What the account page says of an import.
pub fn imported(report: &ImportReport) -> String {
    let mut message = format!(
        "Imported {} post(s) and {} picture(s).",
        report.posts, report.pictures
    );
    if report.skipped > 0 {
        message.push_str(&format!(
            " {} post(s) already here were skipped.",
            report.skipped
        ));
    }
    message
}

/// The form's `archive` file, refused past [`UPLOAD_BYTES`].
async fn read_archive_field(mut multipart: Multipart) -> Result<Vec<u8>, String> {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("archive") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = field.chunk().await {
            if bytes.len() + chunk.len() > UPLOAD_BYTES {
                return Err("The archive must be at most 100 MB.".into());
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            break;
        }
        return Ok(bytes);
    }
    Err("Choose an export (a .zip file) to import.".into())
}

/// The logged-in user, or the answer that sends a visitor to log in.
async fn logged_in(state: &AppState, headers: &HeaderMap) -> Result<User, Response> {
    match user_from_headers(&state.db, headers, state.settings.secure_cookies).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err(Redirect::to("/login?next=/account").into_response()),
        Err(error) => {
            tracing::error!(%error, "an export or import could not find its user");
            Err(back_to_account(
                state,
                FlashKind::Danger,
                "The site cannot reach its database right now. Try again in a moment.".into(),
            ))
        }
    }
}

/// Back to the account page, where `message` is shown.
fn back_to_account(state: &AppState, kind: FlashKind, message: String) -> Response {
    let mut response = Redirect::to("/account").into_response();
    let flash = Flash { kind, message };
    if let Some(value) = cookies::header_value(&flash_cookie(&flash, state.settings.secure_cookies))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
