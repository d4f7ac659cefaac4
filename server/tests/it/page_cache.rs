//! The page cache for anonymous visitors: a kept page never outlives a write, from this
//! instance or any other on the same database; every answer carries its own nonce; logged-in
//! visitors get their own page.

use crate::support::{Backend, start, start_on};
use app::{
    posts::{model::NewPost, repo as posts},
    server_only::db::Db,
    users::repo as users,
};

on_both_backends!(
    a_kept_home_page_shows_a_post_written_through_another_connection,
    a_kept_home_page_drops_a_deleted_post,
    a_kept_post_page_shows_its_renamed_author,
);

/// A second handle on the server's database, as another instance holds.
async fn another_instance(url: &str) -> Db {
    Db::connect(url).await.expect("second connection")
}

async fn a_kept_home_page_shows_a_post_written_through_another_connection(backend: Backend) {
    let server = start_on(&backend).await;
    let (_, first) = server.get("/").await;
    assert!(!first.contains("Written elsewhere"));
    let other = another_instance(&server.url).await;
    let post = NewPost {
        title: "Written elsewhere".into(),
        content: "By another instance.".into(),
    };
    posts::insert_post(&other, 1, &post).await.expect("insert");
    let (status, body) = server.get("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("Written elsewhere"), "{body}");
}

async fn a_kept_home_page_drops_a_deleted_post(backend: Backend) {
    let server = start_on(&backend).await;
    let (_, first) = server.get("/").await;
    assert!(first.contains("Blog 2"));
    let other = another_instance(&server.url).await;
    assert!(posts::delete_post(&other, 2).await.expect("delete"));
    let (_, body) = server.get("/").await;
    assert!(!body.contains("Blog 2"), "{body}");
}

async fn a_kept_post_page_shows_its_renamed_author(backend: Backend) {
    let server = start_on(&backend).await;
    let (_, first) = server.get("/post/1").await;
    assert!(first.contains(">Corey<"));
    let other = another_instance(&server.url).await;
    users::update_user(&other, 1, "Coreen", "C@demo.com")
        .await
        .expect("rename");
    let (_, body) = server.get("/post/1").await;
    assert!(body.contains(">Coreen<"), "{body}");
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
    let (_, anonymous) = server.get("/").await;
    assert!(anonymous.contains("Login"));
    let session = server
        .login_as("C@demo.com", "password")
        .await
        .expect("logged in");
    let page = server.get_with_cookie("/", &session).await;
    assert!(page.body.contains("Logout"), "{}", page.body);
}
