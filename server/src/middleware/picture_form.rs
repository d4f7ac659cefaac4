//! A post form sent without JavaScript comes as `multipart/form-data`, with its "Picture" file
//! and "Alt text". This layer stores the picture, adds its Markdown at the end of the content,
//! and hands the server function the other fields as an ordinary form; a refused picture
//! becomes the form's `picture_error`, so the form comes back with everything typed.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::server_fn::ServerFn;

use app::{
    auth::session::user_from_headers,
    pictures::upload::{Refusal, add_picture},
    posts::api::{CreatePost, UpdatePost},
    server_only::state::AppState,
};

/// How much of a post form with its picture is read, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct FormLimits {
    /// Most bytes of the whole form.
    pub bytes: usize,
    /// Longest time to read it (408 beyond).
    pub time: std::time::Duration,
}

/// Middleware: a multipart post to `create_post` or `update_post` made an ordinary form.
pub async fn read_picture_form(
    State((state, limits)): State<(AppState, FormLimits)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|kind| kind.to_str().ok())
        .and_then(|kind| multer::parse_boundary(kind).ok());
    let (Some(boundary), true) = (
        boundary,
        request.method() == Method::POST && (path == CreatePost::PATH || path == UpdatePost::PATH),
    ) else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let read = tokio::time::timeout(limits.time, read_form(body, boundary, limits.bytes)).await;
    let form = match read {
        Ok(Ok(form)) => form,
        Ok(Err(status)) => return status.into_response(),
        Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    let user = user_from_headers(&state.db, &parts.headers, state.settings.secure_cookies)
        .await
        .ok()
        .flatten();
    let mut fields = form.fields;
    if let (Some(user), Some(picture)) = (user, form.picture) {
        match add_picture(&state, &user, picture, &form.alt).await {
            Ok(markdown) => add_to_content(&mut fields, &markdown),
            Err(Refusal::Upload(refused)) => {
                fields.push(("picture_error".into(), refused.code().into()));
            }
            Err(Refusal::Database(error)) => {
                tracing::error!(%error, "a picture sent with a post could not be stored");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The picture could not be stored right now. Go back and try again.",
                )
                    .into_response();
            }
        }
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&fields)
        .finish();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// A multipart post form read: its text fields in order, the picture's bytes if a file was
/// chosen, and its alt text.
struct PictureForm {
    fields: Vec<(String, String)>,
    picture: Option<Vec<u8>>,
    alt: String,
}

async fn read_form(body: Body, boundary: String, most: usize) -> Result<PictureForm, StatusCode> {
    let limits =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(most as u64));
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let mut form = PictureForm {
        fields: Vec::new(),
        picture: None,
        alt: String::new(),
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(form),
            Err(multer::Error::StreamSizeExceeded { .. }) => {
                return Err(StatusCode::PAYLOAD_TOO_LARGE);
            }
            Err(_) => return Err(StatusCode::BAD_REQUEST),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some();
        let bytes = field.bytes().await.map_err(|error| match error {
            multer::Error::StreamSizeExceeded { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        })?;
        match (name.as_str(), is_file) {
            ("picture", true) => form.picture = (!bytes.is_empty()).then(|| bytes.to_vec()),
            ("alt", false) => form.alt = String::from_utf8_lossy(&bytes).into_owned(),
            (_, false) => form
                .fields
                .push((name, String::from_utf8_lossy(&bytes).into_owned())),
            (_, true) => {}
        }
    }
}

/// Puts `markdown` on a paragraph of its own at the end of the `content` field.
fn add_to_content(fields: &mut [(String, String)], markdown: &str) {
    if let Some((_, content)) = fields.iter_mut().find(|(name, _)| name == "content") {
        let trimmed = content.trim_end().len();
        content.truncate(trimmed);
        if !content.is_empty() {
            content.push_str("\n\n");
        }
        content.push_str(markdown);
    }
}
