//! Tags through the real router: written in the "Tags" field, checked field by field, shown on
//! posts and lists, each with its page, feed and place in the sitemap, and a filter for search.

use crate::support::{TestServer, start};

/// Writes a published post with `tags` as Corey; the answer.
async fn post_tagged(
    server: &TestServer,
    session: &str,
    title: &str,
    tags: &str,
) -> crate::support::Response {
    server
        .post_form(
            "/api/create_post",
            &[
                ("title", title),
                ("content", "Kites over the dunes."),
                ("tags", tags),
            ],
            Some(session),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_posts_tags_show_on_the_home_page_linked_to_their_pages() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Windy day", "Kites, Beach Life").await;
    let home = server.get("/").await;
    assert!(home.body.contains("href=\"/tag/kites\"") && home.body.contains(">Kites<"));
    assert!(
        home.body.contains("href=\"/tag/beach%20life\""),
        "{}",
        home.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_page_lists_the_posts_carrying_it() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Windy day", "kites").await;
    post_tagged(&server, &session, "Calm day", "sea").await;
    let page = server.get("/tag/kites").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Posts tagged kites") && page.body.contains("Windy day"));
    assert!(!page.body.contains("Calm day"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_spelling_of_a_tag_redirects_to_its_page() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Windy day", "Kites").await;
    let response = server
        .request("GET", "/tag/KITES", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(
        (response.status, response.header("location")),
        (302, Some("/tag/kites"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tag_is_404() {
    let server = start().await;
    assert_eq!(server.get("/tag/nothing-here").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tags_page_lists_tags_with_their_counts() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "One", "kites, sea").await;
    post_tagged(&server, &session, "Two", "kites").await;
    let page = server.get("/tags").await;
    assert!(page.body.contains(">kites<") && page.body.contains("2 posts"));
    assert!(page.body.contains(">sea<") && page.body.contains("1 post<"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_has_an_atom_feed() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Windy day", "kites").await;
    post_tagged(&server, &session, "Calm day", "sea").await;
    let feed = server.get("/tag/Kites/feed.xml").await;
    assert_eq!(
        feed.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert!(feed.body.contains("Windy day") && !feed.body.contains("Calm day"));
    assert!(feed.body.contains("<category term=\"kites\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sitemap_lists_tag_pages() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Windy day", "kites").await;
    assert!(
        server
            .get("/sitemap.xml")
            .await
            .body
            .contains("/tag/kites</loc>")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_can_be_narrowed_to_a_tag() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Windy day", "kites").await;
    post_tagged(&server, &session, "Calm day", "sea").await;
    let page = server.get("/search?q=dunes&tag=Kites").await;
    assert!(page.body.contains("Windy day") && !page.body.contains("Calm day"));
    assert!(page.body.contains("post tagged Kites matches"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sixth_tag_is_a_field_error_and_nothing_is_written() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = post_tagged(&server, &session, "Too many", "a, b, c, d, e, f").await;
    assert_eq!(response.status, 422);
    assert!(response.body.contains("\"tags\"") && response.body.contains("at most 5 tags"));
    assert_eq!(
        app::posts::repo::count_posts(&server.db)
            .await
            .expect("count"),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_a_long_and_a_control_character_tag_are_field_errors() {
    let server = start().await;
    let session = server.as_corey().await;
    let long = "t".repeat(31);
    for (tags, message) in [
        ("a,,b", "A tag cannot be empty"),
        (long.as_str(), "at most 30 characters"),
        ("a\u{1}b", "control characters"),
    ] {
        let response = post_tagged(&server, &session, "Bad tags", tags).await;
        assert_eq!(response.status, 422, "{tags:?}");
        assert!(
            response.body.contains(message),
            "{tags:?}: {}",
            response.body
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_free_post_refused_for_its_tags_keeps_what_was_typed() {
    let server = start().await;
    let session = server.as_corey().await;
    let referer = format!("http://{}/post/new", server.addr);
    let form = server
        .post_form_with(
            "/api/create_post",
            &[
                ("title", "Kept title"),
                ("content", "Kept content"),
                ("tags", "a,,b"),
            ],
            Some(&session),
            &[("Accept", "text/html"), ("Referer", referer.as_str())],
        )
        .await;
    assert_eq!(form.status, 422);
    assert!(
        form.body.contains("Kept title") && form.body.contains("Kept content"),
        "{}",
        form.body
    );
    assert!(form.body.contains("value=\"a,,b\""), "{}", form.body);
    assert!(form.body.contains("A tag cannot be empty"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tag_with_spaces_accents_or_a_slash_has_a_working_page_and_feed() {
    let server = start().await;
    let session = server.as_corey().await;
    post_tagged(&server, &session, "Odd tags", "Open Source, Été, TCP/IP").await;
    for path in ["/tag/open%20source", "/tag/%C3%A9t%C3%A9", "/tag/tcp%2Fip"] {
        let page = server.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.body.contains("Odd tags"), "{path}");
        let feed = server.get(&format!("{path}/feed.xml")).await;
        assert!(feed.body.contains("Odd tags"), "{path}/feed.xml");
    }
}
