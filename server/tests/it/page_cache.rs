//! The page cache: a kept page never outlives a write, from this instance or any other on the
//! same database; every answer carries its own nonce; a logged-in visitor's page is kept for that
//! user alone, and only while the session lasts; a browser holding the current page gets a 304.
//! The public reads' JSON is kept the same way, and no personal read is.

use crate::support::{Backend, Response, start, start_on};
use app::{
    posts::{model::NewPost, repo as posts},
    server_only::db::Db,
    users::repo as users,
};

on_both_backends!(
    a_kept_home_page_shows_a_post_written_through_another_connection,
    a_kept_home_page_drops_a_deleted_post,
    a_kept_post_page_shows_its_renamed_author,
    a_kept_post_list_answer_shows_a_post_written_through_another_connection,
    a_logged_in_visitors_kept_page_shows_a_post_written_through_another_connection,
    an_authors_kept_post_page_is_never_served_to_another_user,
    a_page_a_write_changed_is_sent_whole_to_a_browser_holding_the_old_one,
    a_page_a_write_left_alone_is_still_not_modified,
);

/// A second handle on the server's database, as another instance holds.
async fn another_instance(url: &str) -> Db {
    Db::connect(url).await.expect("second connection")
}

/// Writes the post "Written elsewhere" as user `author` through another instance's connection.
async fn write_elsewhere(server: &crate::support::TestServer, author: i64) {
    let other = another_instance(&server.url).await;
    let post = NewPost {
        title: "Written elsewhere".into(),
        content: "By another instance.".into(),
    };
    posts::insert_post(&other, author, &post)
        .await
        .expect("insert");
}

/// Renames "Blog 1" to "Renamed unseen" with a change the change stamp does not see (its trigger
/// dropped first), so only a kept answer still shows the old title. SQLite only.
async fn rename_blog_1_unseen(server: &crate::support::TestServer) {
    let Db::Sqlite(pool) = another_instance(&server.url).await else {
        panic!("the test server runs on SQLite");
    };
    sqlx::query("drop trigger posts_stamped_on_update")
        .execute(&pool)
        .await
        .expect("drop trigger");
    sqlx::query("update posts set title = 'Renamed unseen' where title = 'Blog 1'")
        .execute(&pool)
        .await
        .expect("rename");
}

async fn a_kept_home_page_shows_a_post_written_through_another_connection(backend: Backend) {
    let server = start_on(&backend).await;
    let Response { body: first, .. } = server.get("/").await;
    assert!(!first.contains("Written elsewhere"));
    write_elsewhere(&server, 1).await;
    let Response { status, body, .. } = server.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("Written elsewhere"), "{body}");
}

async fn a_kept_home_page_drops_a_deleted_post(backend: Backend) {
    let server = start_on(&backend).await;
    let Response { body: first, .. } = server.get("/").await;
    assert!(first.contains("Blog 2"));
    let other = another_instance(&server.url).await;
    assert!(posts::delete_post(&other, 2).await.expect("delete"));
    let Response { body, .. } = server.get("/").await;
    assert!(!body.contains("Blog 2"), "{body}");
}

async fn a_kept_post_page_shows_its_renamed_author(backend: Backend) {
    let server = start_on(&backend).await;
    let Response { body: first, .. } = server.get("/post/1").await;
    assert!(first.contains(">Corey<"));
    let other = another_instance(&server.url).await;
    users::update_user(&other, 1, "Coreen", "C@demo.com")
        .await
        .expect("rename");
    let Response { body, .. } = server.get("/post/1").await;
    assert!(body.contains(">Coreen<"), "{body}");
}

/// A call of the read server function `path` with JSON `arguments`, as the app's own client
/// makes it, with `cookie` if given.
async fn read(
    server: &crate::support::TestServer,
    path: &str,
    arguments: &str,
    cookie: Option<&str>,
) -> crate::support::Response {
    let mut headers = vec![
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    if let Some(cookie) = cookie {
        headers.push(("Cookie", cookie));
    }
    server
        .request("POST", path, &headers, arguments.as_bytes())
        .await
}

async fn a_kept_post_list_answer_shows_a_post_written_through_another_connection(backend: Backend) {
    let server = start_on(&backend).await;
    let first = read(&server, "/api/list_posts", r#"{"page":1}"#, None).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("Blog 1") && !first.body.contains("Written elsewhere"));
    write_elsewhere(&server, 1).await;
    let second = read(&server, "/api/list_posts", r#"{ "page": 1 }"#, None).await;
    assert_eq!(second.status, 200);
    assert!(second.body.contains("Written elsewhere"), "{}", second.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_post_list_read_is_answered_from_the_cache() {
    let server = start().await;
    let first = read(&server, "/api/list_posts", r#"{"page":1}"#, None).await;
    assert!(first.body.contains("Blog 1"), "{}", first.body);
    rename_blog_1_unseen(&server).await;
    let logged_in = server.as_corey().await;
    let second = read(
        &server,
        "/api/list_posts",
        r#"{"page":1}"#,
        Some(&logged_in),
    )
    .await;
    assert_eq!(second.body, first.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_visitors_own_read_is_never_served_to_another() {
    let server = start().await;
    let session = server.as_corey().await;
    let own = read(&server, "/api/current_user", "{}", Some(&session)).await;
    assert!(own.body.contains("Corey"), "{}", own.body);
    let anonymous = read(&server, "/api/current_user", "{}", None).await;
    assert_eq!(anonymous.status, 200);
    assert!(!anonymous.body.contains("Corey"), "{}", anonymous.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_answer_of_a_kept_page_carries_its_own_nonce() {
    let server = start().await;
    let first = server
        .request("GET", "/", &[("Accept", "text/html")], b"")
        .await;
    let second = server
        .request("GET", "/", &[("Accept", "text/html")], b"")
        .await;
    let nonce = |page: &crate::support::Response| {
        let policy = page.header("content-security-policy").expect("policy");
        app::server_only::csp::nonce_of(policy)
            .expect("a nonce")
            .to_owned()
    };
    let (first_nonce, second_nonce) = (nonce(&first), nonce(&second));
    assert_ne!(first_nonce, second_nonce);
    assert!(second.body.contains(&format!("nonce=\"{second_nonce}\"")));
    assert!(!second.body.contains(&first_nonce));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_visitor_is_not_served_the_anonymous_page() {
    let server = start().await;
    let Response {
        body: anonymous, ..
    } = server.get("/").await;
    assert!(anonymous.contains("Login"));
    let session = server.as_corey().await;
    let page = server.get_with_cookie("/", &session).await;
    assert!(page.body.contains("Logout"), "{}", page.body);
}

async fn a_logged_in_visitors_kept_page_shows_a_post_written_through_another_connection(
    backend: Backend,
) {
    let server = start_on(&backend).await;
    let session = server.as_corey().await;
    let first = server.get_with_cookie("/", &session).await;
    assert!(first.body.contains("Logout") && !first.body.contains("Written elsewhere"));
    write_elsewhere(&server, 1).await;
    let second = server.get_with_cookie("/", &session).await;
    assert_eq!(second.status, 200);
    assert!(second.body.contains("Written elsewhere"), "{}", second.body);
}

async fn an_authors_kept_post_page_is_never_served_to_another_user(backend: Backend) {
    let server = start_on(&backend).await;
    let author = server.as_corey().await;
    let own = server.get_with_cookie("/post/1", &author).await;
    assert!(own.body.contains("/post/1/update"), "{}", own.body);
    let reader = server.as_john().await;
    let theirs = server.get_with_cookie("/post/1", &reader).await;
    assert_eq!(theirs.status, 200);
    assert!(theirs.body.contains("Logout"), "{}", theirs.body);
    assert!(!theirs.body.contains("/post/1/update"), "{}", theirs.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_visitors_repeated_page_is_answered_from_the_cache() {
    let server = start().await;
    let session = server.as_corey().await;
    let first = server.get_with_cookie("/", &session).await;
    assert!(first.body.contains("Blog 1"), "{}", first.body);
    rename_blog_1_unseen(&server).await;
    let second = server.get_with_cookie("/", &session).await;
    assert!(second.body.contains("Blog 1"), "{}", second.body);
    assert!(!second.body.contains("Renamed unseen"), "{}", second.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_page_is_not_served_to_a_session_that_has_ended() {
    let server = start().await;
    let session = server.as_corey().await;
    let kept = server.get_with_cookie("/", &session).await;
    assert!(kept.body.contains("Logout"), "{}", kept.body);
    let logout = server.post_form("/api/logout", &[], Some(&session)).await;
    assert!(logout.status < 400, "{}", logout.status);
    let after = server.get_with_cookie("/", &session).await;
    assert_eq!(after.status, 200);
    assert!(
        after.body.contains("Login") && !after.body.contains("Logout"),
        "{}",
        after.body
    );
}

/// A GET of `path` as a browser holding the page tagged `tag` revalidates it, with `cookie` if given.
async fn revalidate(
    server: &crate::support::TestServer,
    path: &str,
    tag: &str,
    cookie: Option<&str>,
) -> crate::support::Response {
    let mut headers = vec![("Accept", "text/html"), ("If-None-Match", tag)];
    if let Some(cookie) = cookie {
        headers.push(("Cookie", cookie));
    }
    server.request("GET", path, &headers, b"").await
}

/// The entity tag of `path` as an anonymous visitor gets it.
async fn tag_of(server: &crate::support::TestServer, path: &str) -> String {
    let page = server
        .request("GET", path, &[("Accept", "text/html")], b"")
        .await;
    page.header("etag").expect("an entity tag").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_holding_the_current_page_gets_not_modified() {
    let server = start().await;
    let tag = tag_of(&server, "/").await;
    let again = revalidate(&server, "/", &tag, None).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty(), "{}", again.body);
    assert_eq!(again.header("etag"), Some(tag.as_str()));
}

async fn a_page_a_write_changed_is_sent_whole_to_a_browser_holding_the_old_one(backend: Backend) {
    let server = start_on(&backend).await;
    let tag = tag_of(&server, "/").await;
    write_elsewhere(&server, 1).await;
    let page = revalidate(&server, "/", &tag, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Written elsewhere"), "{}", page.body);
    assert_ne!(page.header("etag"), Some(tag.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_anonymous_pages_tag_does_not_fit_a_logged_in_visitor() {
    let server = start().await;
    let tag = tag_of(&server, "/").await;
    let session = server.as_corey().await;
    let page = revalidate(&server, "/", &tag, Some(&session)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Logout"), "{}", page.body);
}

async fn a_page_a_write_left_alone_is_still_not_modified(backend: Backend) {
    let server = start_on(&backend).await;
    let tag = tag_of(&server, "/post/1").await;
    write_elsewhere(&server, 2).await;
    let again = revalidate(&server, "/post/1", &tag, None).await;
    assert_eq!(again.status, 304, "{}", again.body);
}
