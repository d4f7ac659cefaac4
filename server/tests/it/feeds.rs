//! Atom feeds, `robots.txt` and the sitemap, over HTTP: validated with a feed parser, answered
//! 304 when unchanged, and split past 50,000 addresses.

use crate::support::{Backend, Response, TestServer, start, start_on};
use app::{
    posts::repo::{PostRecord, insert_posts},
    users::repo::find_user_by_username,
};

async fn user_id(server: &TestServer, name: &str) -> i64 {
    find_user_by_username(&server.db, name)
        .await
        .expect("query")
        .expect("user")
        .id
}

fn parse(body: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(body.as_bytes()).expect("a valid Atom feed")
}

on_both_backends!(the_site_feed_is_atom_with_the_newest_posts_first);

async fn the_site_feed_is_atom_with_the_newest_posts_first(backend: Backend) {
    let server = start_on(&backend).await;
    let response = server.request("GET", "/feed.xml", &[], b"").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let feed = parse(&response.body);
    let titles: Vec<_> = feed
        .entries
        .iter()
        .filter_map(|entry| entry.title.as_ref().map(|t| t.content.clone()))
        .collect();
    assert_eq!(titles, ["Blog 2", "Blog 1"]);
    let first = &feed.entries[0];
    let site = format!("http://{}", server.addr);
    assert_eq!(first.links[0].href, format!("{site}/post/2"));
    assert_eq!(first.authors[0].name.as_deref(), Some("Corey"));
    assert!(first.published.is_some());
    let content = first.content.as_ref().and_then(|c| c.body.clone());
    assert_eq!(
        content.as_deref().map(str::trim),
        Some("<p>Second Post Content!</p>")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_feed_carries_twenty_posts() {
    let server = start().await;
    for n in 0..25 {
        server
            .write_post("JohnDoe", &format!("Post {n}"), "text")
            .await;
    }
    let Response { body, .. } = server.get("/feed.xml").await;
    assert_eq!(parse(&body).entries.len(), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feed_entries_carry_the_rendered_markdown() {
    let server = start().await;
    server
        .write_post("Corey", "Styled", "Some **bold** text\n\n- one\n- two")
        .await;
    let Response { body, .. } = server.get("/feed.xml").await;
    let feed = parse(&body);
    let content = feed.entries[0]
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .unwrap_or_default();
    assert!(content.contains("<strong>bold</strong>"), "{content}");
    assert!(content.contains("<li>two</li>"), "{content}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_author_feed_has_only_their_posts() {
    let server = start().await;
    server.write_post("JohnDoe", "John's post", "Hello").await;
    let Response { status, body, .. } = server.get("/user/JohnDoe/feed.xml").await;
    assert_eq!(status, 200);
    let feed = parse(&body);
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(
        feed.entries[0].title.as_ref().map(|t| t.content.as_str()),
        Some("John's post")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_author_has_no_feed() {
    let server = start().await;
    assert_eq!(server.get("/user/nobody/feed.xml").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_feed_answers_304() {
    let server = start().await;
    let first = server.request("GET", "/feed.xml", &[], b"").await;
    let etag = first.header("etag").expect("ETag").to_owned();
    let again = server
        .request("GET", "/feed.xml", &[("If-None-Match", &etag)], b"")
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_post_changes_the_feed() {
    let server = start().await;
    let first = server.request("GET", "/feed.xml", &[], b"").await;
    let etag = first.header("etag").expect("ETag").to_owned();
    server.write_post("Corey", "Fresh", "News").await;
    let again = server
        .request("GET", "/feed.xml", &[("If-None-Match", &etag)], b"")
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(parse(&again.body).entries.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_links_the_site_feed() {
    let server = start().await;
    let Response { body, .. } = server.get("/about").await;
    assert!(
        body.contains(
            r#"type="application/atom+xml" title="Quire: newest posts" href="/feed.xml""#
        ),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_page_links_the_author_feed() {
    let server = start().await;
    let Response { body, .. } = server.get("/user/Corey").await;
    assert!(body.contains(r#"href="/user/Corey/feed.xml""#), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_names_the_sitemap() {
    let server = start().await;
    let Response { status, body, .. } = server.get("/robots.txt").await;
    assert_eq!(status, 200);
    assert!(body.contains("Disallow: /api/"), "{body}");
    assert!(
        body.contains(&format!("Sitemap: http://{}/sitemap.xml", server.addr)),
        "{body}"
    );
}

on_both_backends!(the_sitemap_lists_every_user_and_post);

async fn the_sitemap_lists_every_user_and_post(backend: Backend) {
    let server = start_on(&backend).await;
    let Response { status, body, .. } = server.get("/sitemap.xml").await;
    assert_eq!(status, 200);
    let site = format!("http://{}", server.addr);
    for path in ["/", "/user/Corey", "/user/JohnDoe", "/post/1", "/post/2"] {
        assert!(
            body.contains(&format!("<loc>{site}{path}</loc>")),
            "{path}: {body}"
        );
    }
    assert_eq!(body.matches("<url>").count(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sitemap_past_50000_addresses_is_split_under_an_index() {
    let server = start().await;
    let author = user_id(&server, "JohnDoe").await;
    let now = chrono::Utc::now();
    let records: Vec<_> = (0..50_000)
        .map(|_| PostRecord {
            title: "t",
            content: "c",
            date_posted: now,
            user_id: author,
        })
        .collect();
    for batch in records.chunks(2_000) {
        insert_posts(&server.db, batch).await.expect("insert");
    }
    let Response { body: index, .. } = server.get("/sitemap.xml").await;
    assert!(index.contains("<sitemapindex"), "{index}");
    assert_eq!(index.matches("<sitemap>").count(), 2);
    let Response { body: first, .. } = server.get("/sitemaps/1.xml").await;
    assert_eq!(first.matches("<url>").count(), 50_000);
    let Response { body: second, .. } = server.get("/sitemaps/2.xml").await;
    // The home page, 2 users and 50,002 posts: 50,005 addresses.
    assert_eq!(second.matches("<url>").count(), 5);
    assert_eq!(server.get("/sitemaps/3.xml").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sitemap_part_number_too_large_to_multiply_is_not_found() {
    let server = start().await;
    let Response { status, .. } = server.get("/sitemaps/9223372036854775807.xml").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sitemap_part_number_past_every_integer_is_not_found() {
    let server = start().await;
    let Response { status, .. } = server.get("/sitemaps/99999999999999999999999.xml").await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_page_describes_itself_for_sharing() {
    let server = start().await;
    let id = server
        .write_post("Corey", "Shared", "A *first* sentence.\n\nMore.")
        .await;
    let Response { body, .. } = server.get(&format!("/post/{id}")).await;
    let url = format!("http://{}/post/{id}", server.addr);
    for tag in [
        r#"name="description" content="A first sentence. More.""#.to_owned(),
        r#"property="og:type" content="article""#.to_owned(),
        r#"property="og:title" content="Shared""#.to_owned(),
        format!(r#"property="og:url" content="{url}""#),
    ] {
        assert!(body.contains(&tag), "{tag}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_with_quotes_stays_inside_its_meta_tag() {
    let server = start().await;
    let id = server
        .write_post("Corey", r#""><script>alert(1)</script>"#, "x")
        .await;
    let Response { body, .. } = server.get(&format!("/post/{id}")).await;
    assert!(!body.contains("<script>alert(1)"), "{body}");
}
