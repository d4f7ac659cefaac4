//! "Export my blog" and the account page's import, through the real router: the ZIP, and
//! archives refused with a clear message and nothing written (a zip bomb, a path-traversal
//! entry, a truncated ZIP).

use std::io::{Cursor, Read, Write};

use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::support::{Response, TestServer, start};
use app::posts::repo::count_post_rows;

const BOUNDARY: &str = "quireArchiveBoundary9x";

async fn export(server: &TestServer, session: &str) -> Response {
    server.get_with_cookie("/account/export", session).await
}

/// Posts `zip` to the account page's import as Corey; the account page he is sent back to,
/// with its flash message.
async fn import(server: &TestServer, session: &str, zip: &[u8]) -> String {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"archive\"; filename=\"blog.zip\"\r\n\
         Content-Type: application/zip\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(zip);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let answer = server
        .request(
            "POST",
            "/account/import",
            &[
                ("Content-Type", content_type.as_str()),
                ("Cookie", session),
                ("Sec-Fetch-Site", "same-origin"),
            ],
            &body,
        )
        .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let flash = answer.cookie("quire_flash").expect("a flash");
    server
        .get_with_cookie("/account", &format!("{session}; {flash}"))
        .await
        .body
}

fn entry_names(zip: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(zip)).expect("a ZIP");
    archive.file_names().map(str::to_owned).collect()
}

/// A ZIP of `entries` (name, bytes), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(
            *name,
            SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
        )
        .expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

const AUTHOR: &[u8] = b"username = \"Corey\"\nemail = \"C@demo.com\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_my_blog_downloads_every_post_as_markdown_in_one_zip() {
    let server = start().await;
    let session = server.as_corey().await;
    let zip = export(&server, &session).await;
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), Some("application/zip"));
    let disposition = zip.header("content-disposition").expect("an attachment");
    assert!(
        disposition.starts_with("attachment; filename=\"quire-Corey-"),
        "{disposition}"
    );
    let names = entry_names(&zip.bytes);
    assert!(names.contains(&"README.txt".to_owned()));
    assert!(names.contains(&"authors/Corey/author.toml".to_owned()));
    let posts: Vec<&String> = names.iter().filter(|name| name.ends_with(".md")).collect();
    assert_eq!(posts.len(), 2, "{names:?}");
    let mut archive = zip::ZipArchive::new(Cursor::new(&zip.bytes)).expect("a ZIP");
    let mut text = String::new();
    archive
        .by_name(posts[0])
        .expect("post")
        .read_to_string(&mut text)
        .expect("text");
    assert!(text.starts_with("+++\ntitle = "), "{text}");
    assert!(text.contains("status = \"published\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_is_sent_to_log_in_before_exporting() {
    let server = start().await;
    let answer = server.get("/account/export").await;
    assert_eq!(answer.status, 303);
    assert_eq!(answer.header("location"), Some("/login?next=/account"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_authors_export_imports_into_their_account_on_another_quire() {
    let first = start().await;
    let session = first.as_corey().await;
    first
        .write_post("Corey", "Written on the first site", "Only here.")
        .await;
    let zip = export(&first, &session).await.bytes;
    let second = start().await;
    let second_session = second.as_corey().await;
    let page = import(&second, &second_session, &zip).await;
    assert!(
        page.contains("Imported 3 post(s) and 0 picture(s)."),
        "{page}"
    );
    let home = second.get("/").await.body;
    assert!(home.contains("Written on the first site"));
    let again = import(&second, &second_session, &zip).await;
    assert!(
        again.contains("Imported 0 post(s) and 0 picture(s). 3 post(s) already here were skipped."),
        "{again}"
    );
}

/// Imports `zip` into a fresh site as Corey; what the account page says, after checking that
/// nothing was written.
async fn refused(zip: &[u8]) -> String {
    let server = start().await;
    let session = server.as_corey().await;
    let before = count_post_rows(&server.db).await.expect("count");
    let page = import(&server, &session, zip).await;
    assert_eq!(count_post_rows(&server.db).await.expect("count"), before);
    page
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zip_bomb_is_refused_and_nothing_is_written() {
    let zeros = vec![0u8; 15 * 1024 * 1024];
    let zip = zip_of(&[
        ("authors/Corey/author.toml", AUTHOR),
        ("authors/Corey/posts/bomb.md", &zeros),
    ]);
    assert!(zip.len() < 100 * 1024, "{}", zip.len());
    let page = refused(&zip).await;
    assert!(
        page.contains("The archive was refused: the entry \"authors/Corey/posts/bomb.md\" expands suspiciously (a zip bomb?)."),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_traversal_entry_is_refused_and_nothing_is_written() {
    let post = b"+++\ntitle = \"Escape\"\ndate = 2026-01-01T00:00:00Z\nstatus = \"published\"\n+++\n\nOut.";
    let zip = zip_of(&[
        ("authors/Corey/author.toml", AUTHOR),
        ("authors/Corey/posts/ok.md", post),
        ("../../etc/evil.md", post),
    ]);
    let page = refused(&zip).await;
    assert!(
        page.contains(
            "The archive was refused: the entry \"../../etc/evil.md\" points outside the archive."
        ),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_zip_is_refused_and_nothing_is_written() {
    let server = start().await;
    let session = server.as_corey().await;
    server
        .write_post("Corey", "Not yet anywhere else", "Text.")
        .await;
    let zip = export(&server, &session).await.bytes;
    let page = refused(&zip[..zip.len() / 2]).await;
    assert!(
        page.contains("The file is not a complete ZIP archive: it may be cut off or damaged."),
        "{page}"
    );
}
