//! Profile pictures: checking, shrinking and re-encoding an upload, and serving stored pictures.

use std::io::Cursor;

use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::{
    account::{
        model::{PICTURE_MAX_BYTES, PictureError},
        repo,
    },
    auth::session::user_from_headers,
    flash::{Flash, FlashKind, cookie::flash_cookie},
    pictures::{decode::has_jpeg_end, serve::immutable},
    server_only::cookies,
    server_only::random::random_hex,
    server_only::slots::{SlotError, Slots},
    server_only::state::AppState,
    users::model::DEFAULT_IMAGE,
};

/// Side of the square a picture is shrunk to fit.
pub const PICTURE_SIZE: u32 = 125;
/// Widest and tallest picture decoded.
pub const MAX_DIMENSION: u32 = 4096;
/// Most memory the decoder may allocate for one picture.
pub const MAX_DECODE_BYTES: u64 = 64 * 1024 * 1024;

/// [`process_picture`] on a decoding slot's thread (`decoding`). The buffer moves to the
/// decoding thread as it is, without a copy.
pub async fn process_picture_off_thread(
    decoding: &Slots,
    bytes: Vec<u8>,
    file_name: String,
) -> Result<ProcessedPicture, PictureError> {
    match decoding
        .run(move || process_picture(&bytes, &file_name))
        .await
    {
        Ok(result) => result,
        Err(SlotError::Busy(_)) => Err(PictureError::Busy),
        Err(lost) => {
            tracing::error!(error = %lost, "picture decoding failed");
            Err(PictureError::NotAnImage)
        }
    }
}

/// A picture ready to store.
#[derive(Debug)]
pub struct ProcessedPicture {
    /// Encoded image, at most 125×125, without the upload's metadata.
    pub data: Vec<u8>,
    /// `png` or `jpg`.
    pub extension: &'static str,
    /// MIME type.
    pub content_type: &'static str,
}

/// Checks that `bytes` is the JPG or PNG its `file_name` says, shrinks it to fit 125×125
/// keeping its aspect ratio, and re-encodes it (which drops any metadata).
pub fn process_picture(bytes: &[u8], file_name: &str) -> Result<ProcessedPicture, PictureError> {
    if bytes.is_empty() {
        return Err(PictureError::Missing);
    }
    if bytes.len() > PICTURE_MAX_BYTES {
        return Err(PictureError::TooLarge);
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let declared = match extension.as_str() {
        "jpg" | "jpeg" => ImageFormat::Jpeg,
        "png" => ImageFormat::Png,
        _ => return Err(PictureError::WrongType),
    };
    if image::guess_format(bytes).ok() != Some(declared)
        || (declared == ImageFormat::Jpeg && !has_jpeg_end(bytes))
    {
        return Err(PictureError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), declared);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| PictureError::NotAnImage)?;
    let thumbnail = image.thumbnail(PICTURE_SIZE, PICTURE_SIZE);
    let mut data = Vec::new();
    let (encoded, extension, content_type) = match declared {
        ImageFormat::Png => (
            thumbnail.write_to(&mut Cursor::new(&mut data), ImageFormat::Png),
            "png",
            "image/png",
        ),
        _ => (
            DynamicImage::ImageRgb8(thumbnail.to_rgb8())
                .write_to(&mut Cursor::new(&mut data), ImageFormat::Jpeg),
            "jpg",
            "image/jpeg",
        ),
    };
    encoded.map_err(|_| PictureError::NotAnImage)?;
    Ok(ProcessedPicture {
        data,
        extension,
        content_type,
    })
}

/// A random file name that fits `image_file`: 16 hex characters and the extension.
pub fn random_picture_name(extension: &str) -> String {
    format!("{}.{extension}", random_hex(8))
}

/// `POST /account/picture` (a multipart form with a `picture` file): replaces the logged-in
/// user's picture, then goes back to the account page, with a field error if it was refused.
pub async fn upload_picture(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let secure = state.settings.secure_cookies;
    let user = match user_from_headers(&state.db, &headers, secure).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login?next=/account").into_response(),
        Err(error) => return error_response(error),
    };
    let Ok(_slot) = state.work.uploads.take_for(user.id) else {
        discard(&state.work.refused_uploads, multipart).await;
        return Redirect::to(&format!(
            "/account?picture_error={}",
            PictureError::Busy.code()
        ))
        .into_response();
    };
    let picture = match read_picture(multipart).await {
        Ok((bytes, name)) => process_picture_off_thread(&state.work.decoding, bytes, name).await,
        Err(refused) => Err(refused),
    };
    let picture = match picture {
        Ok(picture) => picture,
        Err(refused) => {
            return Redirect::to(&format!("/account?picture_error={}", refused.code()))
                .into_response();
        }
    };
    let name = random_picture_name(picture.extension);
    let old = (user.image_file != DEFAULT_IMAGE).then_some(user.image_file.as_str());
    let stored = repo::replace_avatar(
        &state.db,
        user.id,
        &name,
        picture.content_type,
        &picture.data,
        old,
    )
    .await;
    if let Err(error) = stored {
        return error_response(error);
    }
    let flash = Flash {
        kind: FlashKind::Success,
        message: "Your account has been updated!".into(),
    };
    let mut response = Redirect::to("/account").into_response();
    if let Some(value) = cookies::header_value(&flash_cookie(&flash, secure)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Reads a refused upload to its end a chunk at a time, keeping nothing: the browser then hears
/// the answer instead of a connection reset. A few are read at once, so that many refusals
/// cost no more memory than a few (each reading connection buffers about a megabyte).
async fn discard(refused: &Slots, mut multipart: Multipart) {
    let Ok(_turn) = refused.take().await else {
        return;
    };
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// The `picture` file of the form: its bytes and file name. The file is read a chunk at a
/// time into one buffer, and refused as soon as it passes [`PICTURE_MAX_BYTES`].
async fn read_picture(mut multipart: Multipart) -> Result<(Vec<u8>, String), PictureError> {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("picture") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| PictureError::TooLarge)? {
            if bytes.len() + chunk.len() > PICTURE_MAX_BYTES {
                return Err(PictureError::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((bytes, name));
    }
    Err(PictureError::Missing)
}

fn error_response(error: crate::server_only::db::DbError) -> Response {
    tracing::error!(%error, "profile picture request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong (500)",
    )
        .into_response()
}

/// `GET /avatars/{name}`: a stored picture. A name is never reused for other content, so the
/// picture is immutable and its name is its `ETag`; a browser that has it gets 304.
pub async fn serve_avatar(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match repo::find_avatar(&state.db, &name).await {
        Ok(Some(avatar)) => immutable(&headers, &name, avatar.content_type, avatar.data),
        Ok(None) => (StatusCode::NOT_FOUND, "No such picture").into_response(),
        Err(error) => error_response(error),
    }
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, Rgb};

    use super::*;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image =
            DynamicImage::ImageRgb8(ImageBuffer::from_pixel(width, height, Rgb([200, 80, 40])));
        let mut data = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut data), format)
            .expect("encode");
        data
    }

    #[test]
    fn a_large_png_is_shrunk_keeping_its_aspect_ratio() {
        let picture =
            process_picture(&encoded(500, 250, ImageFormat::Png), "me.png").expect("processed");
        let decoded = image::load_from_memory(&picture.data).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), (125, 63));
        assert_eq!(picture.extension, "png");
    }

    #[test]
    fn a_jpeg_stays_a_jpeg() {
        let picture =
            process_picture(&encoded(200, 200, ImageFormat::Jpeg), "me.JPG").expect("processed");
        assert_eq!(
            image::guess_format(&picture.data).ok(),
            Some(ImageFormat::Jpeg)
        );
    }

    #[test]
    fn a_text_file_named_jpg_is_not_an_image() {
        assert_eq!(
            process_picture(b"hello there", "me.jpg").unwrap_err(),
            PictureError::NotAnImage
        );
    }

    #[test]
    fn a_png_named_jpg_is_not_accepted() {
        assert_eq!(
            process_picture(&encoded(10, 10, ImageFormat::Png), "me.jpg").unwrap_err(),
            PictureError::NotAnImage
        );
    }

    #[test]
    fn a_truncated_jpeg_is_not_an_image() {
        let data = encoded(300, 300, ImageFormat::Jpeg);
        assert_eq!(
            process_picture(&data[..data.len() / 3], "me.jpg").unwrap_err(),
            PictureError::NotAnImage
        );
    }

    #[test]
    fn a_gif_name_is_the_wrong_type() {
        assert_eq!(
            process_picture(b"GIF89a", "me.gif").unwrap_err(),
            PictureError::WrongType
        );
    }

    #[test]
    fn an_empty_upload_is_missing() {
        assert_eq!(process_picture(b"", "").unwrap_err(), PictureError::Missing);
    }

    #[test]
    fn a_png_wider_than_the_limit_is_refused() {
        let wide = encoded(MAX_DIMENSION + 1, 1, ImageFormat::Png);
        assert_eq!(
            process_picture(&wide, "wide.png").unwrap_err(),
            PictureError::NotAnImage
        );
    }

    #[test]
    fn random_names_fit_the_image_file_column() {
        let name = random_picture_name("png");
        assert_eq!(name.len(), 20);
        assert_ne!(name, random_picture_name("png"));
    }
}
