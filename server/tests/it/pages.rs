//! Black-box HTTP tests: the real router on an ephemeral port with a fresh, seeded SQLite database.

use crate::support::Response;
use crate::support::start;
use app::users::repo as users;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_renders_the_sample_posts_newest_first() {
    let server = start().await;
    let Response { status, body, .. } = server.get("/").await;
    assert_eq!(status, 200);
    let (blog2, blog1) = (
        body.find("Blog 2").expect("Blog 2"),
        body.find("Blog 1").expect("Blog 1"),
    );
    assert!(blog2 < blog1, "newest first");
    assert!(body.contains(">Corey<"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_is_an_alias_of_the_home_page() {
    let server = start().await;
    let Response { status, body, .. } = server.get("/home").await;
    assert_eq!(status, 200);
    assert!(body.contains("Blog 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_has_its_own_title() {
    let server = start().await;
    let Response { body, .. } = server.get("/post/1").await;
    assert!(body.contains("<title>Quire – Blog 1</title>"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_route_is_a_404_page() {
    let server = start().await;
    let Response { status, body, .. } = server.get("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(body.contains("Page Not Found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_post_is_404() {
    let server = start().await;
    assert_eq!(server.get("/post/999").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_numeric_post_id_is_404() {
    let server = start().await;
    assert_eq!(server.get("/post/abc").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_user_is_404() {
    let server = start().await;
    assert_eq!(server.get("/user/nobody").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_past_the_last_is_404() {
    let server = start().await;
    assert_eq!(server.get("/?page=2").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_page_past_the_last_is_404() {
    let server = start().await;
    assert_eq!(server.get("/search?q=content&page=2").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_page_zero_is_404() {
    let server = start().await;
    assert_eq!(server.get("/search?q=content&page=0").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_zero_is_404() {
    let server = start().await;
    assert_eq!(server.get("/?page=0").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_numeric_page_is_page_one() {
    let server = start().await;
    let Response { status, body, .. } = server.get("/?page=abc").await;
    assert_eq!(status, 200);
    assert!(body.contains("Blog 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_page_shows_the_post_total() {
    let server = start().await;
    let Response { status, body, .. } = server.get("/user/Corey").await;
    assert_eq!(status, 200);
    assert!(body.contains("Posts by Corey (2)"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_list_is_paginated_twenty_a_page() {
    let server = start().await;
    for n in 0..23 {
        let record = users::UserRecord {
            username: &format!("reader{n:02}"),
            email: &format!("reader{n:02}@example.com"),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        };
        users::insert_user(&server.db, &record)
            .await
            .expect("insert");
    }
    let Response {
        status,
        body: first,
        ..
    } = server.get("/users").await;
    assert_eq!(status, 200);
    assert_eq!(first.matches("class=\"user-row\"").count(), 20);
    assert!(first.contains("href=\"/users?page=2\""), "{first}");
    let Response {
        status,
        body: second,
        ..
    } = server.get("/users?page=2").await;
    assert_eq!(status, 200);
    assert_eq!(second.matches("class=\"user-row\"").count(), 5);
    assert_eq!(server.get("/users?page=3").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_list_shows_post_counts() {
    let server = start().await;
    let Response { body, .. } = server.get("/users").await;
    assert!(
        body.contains("2 posts") && body.contains("0 posts"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_in_a_post_is_escaped() {
    let server = start().await;
    let id = server
        .write_post("Corey", "<script>alert(1)</script>", "<b>bold</b>")
        .await;
    let Response { body, .. } = server.get(&format!("/post/{id}")).await;
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!body.contains("<script>alert(1)"));
    assert!(body.contains("&lt;b&gt;bold&lt;/b&gt;"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_query_is_a_generic_500_page() {
    let server = start().await;
    if let app::server_only::db::Db::Sqlite(pool) = &server.db {
        sqlx::query("drop table posts")
            .execute(pool)
            .await
            .expect("drop");
    }
    let Response { status, body, .. } = server.get("/").await;
    assert_eq!(status, 500);
    assert!(body.contains("Something went wrong (500)"));
    assert!(
        !body.to_lowercase().contains("no such table"),
        "no database detail leaks: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_avatar_is_served() {
    let server = start().await;
    std::fs::create_dir_all(server.dir.path().join("profile_pics")).expect("mkdir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../public/profile_pics/default.jpg"
        ),
        server.dir.path().join("profile_pics/default.jpg"),
    )
    .expect("copy avatar");
    let Response { status, .. } = server.get("/profile_pics/default.jpg").await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_in_a_post_is_rendered_on_its_page() {
    let server = start().await;
    let id = server
        .write_post(
            "Corey",
            "Styled",
            "Some *words*.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ www.example.com",
        )
        .await;
    let Response { body, .. } = server.get(&format!("/post/{id}")).await;
    assert!(body.contains("<p>Some <em>words</em>.</p>"), "{body}");
    assert!(body.contains("<td>2</td>"), "{body}");
    assert!(body.contains("<del>old</del>"), "{body}");
    assert!(
        body.contains(r#"<a href="http://www.example.com" rel="nofollow ugc noopener">"#),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_shows_a_posts_first_paragraph_and_a_read_more_link() {
    let server = start().await;
    let id = server
        .write_post("Corey", "Long", "The opening.\n\nThe hidden rest.")
        .await;
    let Response { body, .. } = server.get("/").await;
    assert!(body.contains("<p>The opening.</p>"), "{body}");
    assert!(!body.contains("<p>The hidden rest.</p>"), "{body}");
    assert!(
        body.contains(&format!(r#"<a href="/post/{id}">Read more"#)),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_paragraph_post_has_no_read_more_link() {
    let server = start().await;
    let Response { body, .. } = server.get("/").await;
    assert!(!body.contains("Read more"), "{body}");
}
