//! Pictures in posts through the real router: the editor's upload, what is served (no EXIF or
//! GPS data, immutable caching, the right type), a script-free post form with its "Picture",
//! the quota, and pictures freed with the last post that shows them.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, ImageEncoder, ImageFormat, Rgb, codecs::jpeg::JpegEncoder};

use crate::support::{Response, TestServer, start};
use app::{pictures::repo::count_pictures, shared::messages};

const BOUNDARY: &str = "quirePictureBoundary4QeX";

/// A multipart body: text `fields`, then `file` (field name, file name, bytes) if any.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, data)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts a multipart `body` to `path` as the page would, with `extra` headers.
async fn post_multipart(
    server: &TestServer,
    path: &str,
    session: Option<&str>,
    body: &[u8],
    extra: &[(&str, &str)],
) -> Response {
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mut headers = vec![
        ("Content-Type", content_type.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    if let Some(session) = session {
        headers.push(("Cookie", session));
    }
    headers.extend_from_slice(extra);
    server.request("POST", path, &headers, body).await
}

/// Uploads `data` with `alt` as the editor does; the answer.
async fn upload(server: &TestServer, session: Option<&str>, data: &[u8], alt: &str) -> Response {
    let body = multipart(&[("alt", alt)], Some(("picture", "photo.jpg", data)));
    post_multipart(server, "/pictures", session, &body, &[]).await
}

/// The address in an upload's Markdown answer, `![alt](ADDRESS)`.
fn address_in(markdown: &str) -> String {
    markdown
        .rsplit_once("](")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("Markdown with an address, not {markdown:?}"))
        .to_owned()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(width, height, Rgb([200, 60, 20])));
    let mut data = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut data), ImageFormat::Png)
        .expect("encode");
    data
}

/// The GPS block of the photo's EXIF data: latitude 51° 30' 26.21" N.
const LATITUDE: [u8; 24] = [
    0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0x0A, 0x3D, 0, 0, 0, 100,
];

/// EXIF data (a big-endian TIFF) whose only entry points to a GPS block with a latitude.
fn gps_exif() -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08".to_vec();
    // IFD0: one entry, GPSInfo (0x8825), a LONG: the GPS block at 26.
    tiff.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    // The GPS block: GPSLatitudeRef "N", and GPSLatitude, three RATIONALs at 56.
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 56]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&LATITUDE);
    tiff
}

/// A camera's photo: a JPEG carrying EXIF data with GPS tags.
fn photo_with_gps() -> Vec<u8> {
    let image = DynamicImage::ImageRgb8(ImageBuffer::from_fn(320, 240, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    }));
    let mut data = Vec::new();
    let mut encoder = JpegEncoder::new(&mut data);
    encoder.set_exif_metadata(gps_exif()).expect("EXIF");
    encoder
        .write_image(image.as_bytes(), 320, 240, image::ExtendedColorType::Rgb8)
        .expect("encode");
    data
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_photo_is_served_without_its_exif_or_gps_data() {
    let server = start().await;
    let session = server.as_corey().await;
    let photo = photo_with_gps();
    assert!(contains(&photo, b"Exif") && contains(&photo, &LATITUDE));
    let answer = upload(&server, Some(&session), &photo, "Harbour at dawn").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.body.starts_with("![Harbour at dawn](/pictures/"),
        "{}",
        answer.body
    );
    let served = server.get(&address_in(&answer.body)).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
    assert!(!contains(&served.bytes, b"Exif"));
    assert!(!contains(&served.bytes, b"MM\0*"));
    assert!(!contains(&served.bytes, &LATITUDE));
    assert!(image::load_from_memory(&served.bytes).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_is_served_for_good_with_nosniff_and_a_smaller_copy() {
    let server = start().await;
    let session = server.as_corey().await;
    let answer = upload(&server, Some(&session), &png(2000, 1000), "A wide field").await;
    let address = address_in(&answer.body);
    let served = server.get(&address).await;
    assert_eq!(
        served.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
    let full = image::load_from_memory(&served.bytes).expect("decodes");
    assert_eq!((full.width(), full.height()), (1600, 800));
    let small = server
        .get(&address.replace("/pictures/", "/pictures/small/"))
        .await;
    let small = image::load_from_memory(&small.bytes).expect("small decodes");
    assert_eq!(small.width(), 480);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_cannot_upload() {
    let server = start().await;
    let answer = upload(&server, None, &png(10, 10), "").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body, "Log in to add pictures.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_picture_gets_a_clear_error() {
    let server = start().await;
    let session = server.as_corey().await;
    let answer = upload(&server, Some(&session), b"%PDF-1.7 not a picture", "").await;
    assert_eq!(answer.status, 415);
    assert_eq!(answer.body, messages::PICTURE_WRONG_TYPE);
    assert_eq!(count_pictures(&server.db).await.expect("count"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_past_the_quota_is_told_so() {
    let server = start().await;
    let session = server.as_corey().await;
    upload(&server, Some(&session), &png(40, 40), "first").await;
    app::with_pool!(&server.db, |pool| {
        sqlx::query("update pictures set bytes = 209715000")
            .execute(pool)
            .await
            .expect("fill the quota");
    });
    let answer = upload(&server, Some(&session), &png(41, 41), "second").await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.body, messages::PICTURE_OVER_QUOTA);
}

/// Writes a published post as the session's user showing `content`; its id.
async fn post_showing(server: &TestServer, session: &str, content: &str) -> i64 {
    let response = server
        .post_form(
            "/api/create_post",
            &[("title", "With a picture"), ("content", content)],
            Some(session),
        )
        .await;
    assert!(response.status < 400, "{}", response.body);
    app::posts::repo::newest_posts(&server.db, app::posts::repo::Scope::All, 1)
        .await
        .expect("newest")[0]
        .id
}

async fn delete(server: &TestServer, session: &str, id: i64) {
    let id = id.to_string();
    let response = server
        .post_form("/api/delete_post", &[("id", &id)], Some(session))
        .await;
    assert!(response.status < 400, "{}", response.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picture_is_freed_with_the_last_post_that_shows_it() {
    let server = start().await;
    let session = server.as_corey().await;
    let markdown = upload(&server, Some(&session), &png(30, 30), "Red square")
        .await
        .body;
    let address = address_in(&markdown);
    let first = post_showing(&server, &session, &markdown).await;
    let second = post_showing(&server, &session, &format!("Again: {markdown}")).await;
    delete(&server, &session, first).await;
    assert_eq!(server.get(&address).await.status, 200);
    delete(&server, &session, second).await;
    assert_eq!(server.get(&address).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_page_shows_the_picture_with_its_alt_text() {
    let server = start().await;
    let session = server.as_corey().await;
    let markdown = upload(&server, Some(&session), &png(30, 30), "Red square")
        .await
        .body;
    let id = post_showing(&server, &session, &markdown).await;
    let page = server.get(&format!("/post/{id}")).await;
    assert!(
        page.body.contains(&format!(
            "<img src=\"{}\" alt=\"Red square\">",
            address_in(&markdown)
        )),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_feeds_show_the_smaller_copy() {
    let server = start().await;
    let session = server.as_corey().await;
    let markdown = upload(&server, Some(&session), &png(900, 300), "Wide")
        .await
        .body;
    post_showing(&server, &session, &markdown).await;
    let small = address_in(&markdown).replace("/pictures/", "/pictures/small/");
    let home = server.get("/").await.body;
    assert!(home.contains(&format!("src=\"{small}\"")), "{home}");
    let feed = server.get("/feed.xml").await.body;
    let at = feed.find(&small).expect("the smaller copy in the feed");
    let origin = feed[..at].rsplit(['"', ';']).next().unwrap_or_default();
    assert!(origin.starts_with("http"), "{origin}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_flags_a_picture_without_alt_text() {
    let server = start().await;
    let session = server.as_corey().await;
    let markdown = upload(&server, Some(&session), &png(30, 30), "").await.body;
    let preview = server
        .post_form(
            "/api/preview_post",
            &[("content", &markdown)],
            Some(&session),
        )
        .await;
    assert!(
        preview.body.contains("1 picture has no alt text."),
        "{}",
        preview.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_free_post_form_sends_its_picture_with_the_post() {
    let server = start().await;
    let session = server.as_corey().await;
    let body = multipart(
        &[
            ("title", "Holiday"),
            ("content", "We went to the sea."),
            ("alt", "The sea"),
        ],
        Some(("picture", "sea.png", &png(50, 20))),
    );
    let response = post_multipart(
        &server,
        "/api/create_post",
        Some(&session),
        &body,
        &[("Accept", "text/html")],
    )
    .await;
    assert_eq!(response.status, 302, "{}", response.body);
    let post = &app::posts::repo::newest_posts(&server.db, app::posts::repo::Scope::All, 1)
        .await
        .expect("newest")[0];
    assert!(
        post.content
            .starts_with("We went to the sea.\n\n![The sea](/pictures/"),
        "{}",
        post.content
    );
    assert_eq!(server.get(&address_in(&post.content)).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_picture_keeps_the_post_being_written() {
    let server = start().await;
    let session = server.as_corey().await;
    let before = app::posts::repo::count_post_rows(&server.db)
        .await
        .expect("count");
    let body = multipart(
        &[
            ("title", "Kept title"),
            ("content", "Every word kept."),
            ("alt", ""),
        ],
        Some(("picture", "notes.txt", b"plain text")),
    );
    let referer = format!("http://{}/post/new", server.addr);
    let response = post_multipart(
        &server,
        "/api/create_post",
        Some(&session),
        &body,
        &[("Accept", "text/html"), ("Referer", referer.as_str())],
    )
    .await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains(messages::PICTURE_WRONG_TYPE),
        "{}",
        response.body
    );
    assert!(response.body.contains("Every word kept."));
    assert!(response.body.contains("Kept title"));
    assert_eq!(
        app::posts::repo::count_post_rows(&server.db)
            .await
            .expect("count"),
        before
    );
}
