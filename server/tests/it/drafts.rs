//! Drafts and scheduled posts through the real router: private to their author (404 for anyone
//! else, on every route and server function), absent from public pages, published on time.

use std::time::Duration;

use crate::support::{
    Backend, TestServer, drop_postgres_schema, new_postgres_schema, postgres_base_url, start,
    start_on, start_second,
};
use app::posts::schedule::publish_due_posts;

/// Saves a draft as Corey; its id.
async fn coreys_draft(server: &TestServer, session: &str) -> i64 {
    let response = server
        .post_form(
            "/api/create_post",
            &[
                ("title", "Unfinished zeppelin"),
                ("content", "Notes nobody may read yet."),
                ("tags", "airships"),
                ("intent", "draft"),
            ],
            Some(session),
        )
        .await;
    let location = response.header("location").expect("a redirect").to_owned();
    location
        .strip_prefix("/post/")
        .and_then(|rest| rest.strip_suffix("/update"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a draft's editor, not {location}"))
}

/// Writes a post as the session's user with "Publish at" set to `publish_at`; the answer.
async fn post_at(
    server: &TestServer,
    session: &str,
    title: &str,
    publish_at: &str,
) -> crate::support::Response {
    server
        .post_form(
            "/api/create_post",
            &[
                ("title", title),
                ("content", "On time."),
                ("publish_at", publish_at),
            ],
            Some(session),
        )
        .await
}

/// "Publish at" this far ahead of now, as the browser's field in UTC writes it.
fn in_utc(ahead: chrono::Duration) -> String {
    (chrono::Utc::now() + ahead)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_draft_keeps_the_post_and_reopens_its_editor() {
    let server = start().await;
    let session = server.as_corey().await;
    let id = coreys_draft(&server, &session).await;
    let editor = server
        .get_with_cookie(&format!("/post/{id}/update"), &session)
        .await;
    assert_eq!(editor.status, 200);
    assert!(editor.body.contains("Unfinished zeppelin") && editor.body.contains("Save draft"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_shown_to_its_author_with_a_notice() {
    let server = start().await;
    let session = server.as_corey().await;
    let id = coreys_draft(&server, &session).await;
    let page = server
        .get_with_cookie(&format!("/post/{id}"), &session)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Draft: only you can see this post."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_draft_is_404_on_every_route_and_server_function() {
    let server = start().await;
    let corey = server.as_corey().await;
    let john = server.as_john().await;
    let id = coreys_draft(&server, &corey).await;
    let id_text = id.to_string();
    for cookie in [None, Some(john.as_str())] {
        for path in [
            format!("/post/{id}"),
            format!("/post/{id}/update"),
            format!("/post/{id}/delete"),
        ] {
            let response = match cookie {
                Some(cookie) => server.get_with_cookie(&path, cookie).await,
                None => {
                    server
                        .request("GET", &path, &[("Accept", "text/html")], b"")
                        .await
                }
            };
            assert_eq!(response.status, 404, "{path} for {cookie:?}");
            assert!(!response.body.contains("Unfinished zeppelin"), "{path}");
        }
        let json = format!("{{\"id\":{id}}}");
        for read in ["/api/get_post", "/api/get_own_draft", "/api/editable_post"] {
            let mut headers = vec![
                ("Content-Type", "application/json"),
                ("Sec-Fetch-Site", "same-origin"),
            ];
            if let Some(cookie) = cookie {
                headers.push(("Cookie", cookie));
            }
            let response = server
                .request("POST", read, &headers, json.as_bytes())
                .await;
            assert_eq!(response.status, 404, "{read} for {cookie:?}");
            assert!(!response.body.contains("zeppelin"), "{read}");
        }
        let id_only: &[(&str, &str)] = &[("id", &id_text)];
        let edit: &[(&str, &str)] = &[("id", &id_text), ("title", "Taken"), ("content", "over")];
        let publish: &[(&str, &str)] = &[
            ("id", &id_text),
            ("title", "Taken"),
            ("content", "over"),
            ("intent", "publish"),
        ];
        for (function, form) in [
            ("/api/delete_post", id_only),
            ("/api/update_post", edit),
            ("/api/update_post", publish),
        ] {
            let response = server.post_form(function, form, cookie).await;
            assert_eq!(response.status, 404, "{function} for {cookie:?}");
            assert!(!response.body.contains("zeppelin"), "{function}");
        }
    }
    let still = app::posts::repo::find_post_for(&server.db, id, None)
        .await
        .expect("query");
    assert_eq!(still, None, "still a draft, untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_is_absent_from_public_pages_feeds_and_the_sitemap() {
    let server = start().await;
    let session = server.as_corey().await;
    coreys_draft(&server, &session).await;
    for path in [
        "/",
        "/user/Corey",
        "/users",
        "/feed.xml",
        "/user/Corey/feed.xml",
        "/sitemap.xml",
        "/search?q=zeppelin",
        "/tags",
    ] {
        let response = server.get(path).await;
        assert!(!response.body.contains("Unfinished"), "{path}");
        assert!(!response.body.contains("airships"), "{path}");
    }
    assert!(server.get("/users").await.body.contains("2 posts"));
    assert_eq!(server.get("/tag/airships").await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drafts_page_lists_the_authors_drafts_only() {
    let server = start().await;
    let corey = server.as_corey().await;
    coreys_draft(&server, &corey).await;
    let mine = server.get_with_cookie("/drafts", &corey).await;
    assert!(mine.body.contains("Unfinished zeppelin"));
    let johns = server
        .get_with_cookie("/drafts", &server.as_john().await)
        .await;
    assert!(johns.body.contains("No drafts.") && !johns.body.contains("zeppelin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_at_the_drafts_page_is_sent_to_log_in() {
    let server = start().await;
    let response = server
        .request("GET", "/drafts", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(response.header("location"), Some("/login?next=/drafts"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishing_a_draft_puts_it_on_the_home_page() {
    let server = start().await;
    let session = server.as_corey().await;
    let id = coreys_draft(&server, &session).await;
    server.get("/").await;
    let id_text = id.to_string();
    let response = server
        .post_form(
            "/api/update_post",
            &[
                ("id", &id_text),
                ("title", "Finished zeppelin"),
                ("content", "Now for everyone."),
            ],
            Some(&session),
        )
        .await;
    assert_eq!(
        response.header("location"),
        Some(format!("/post/{id}").as_str())
    );
    assert!(server.get("/").await.body.contains("Finished zeppelin"));
    assert_eq!(server.get(&format!("/post/{id}")).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_post_goes_public_when_due_and_the_kept_home_page_follows() {
    let server = start().await;
    let session = server.as_corey().await;
    let at = in_utc(chrono::Duration::seconds(2));
    let response = post_at(&server, &session, "Punctual zeppelin", &at).await;
    assert_eq!(response.header("location"), Some("/drafts"));
    assert!(!server.get("/").await.body.contains("Punctual zeppelin"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(
        publish_due_posts(&server.db).await.expect("publish").len(),
        1
    );
    assert!(server.get("/").await.body.contains("Punctual zeppelin"));
    assert!(
        server
            .get("/feed.xml")
            .await
            .body
            .contains("Punctual zeppelin")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_in_the_past_is_a_field_error() {
    let server = start().await;
    let session = server.as_corey().await;
    let at = in_utc(chrono::Duration::minutes(-5));
    let response = post_at(&server, &session, "Late", &at).await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("publish_at")
            && response.body.contains("Choose a time in the future.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_schedule_is_a_field_error() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = post_at(&server, &session, "Late", "soon-ish").await;
    assert_eq!(response.status, 422);
    assert!(response.body.contains("Enter a date and time"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_draft_cancels_a_schedule() {
    let server = start().await;
    let session = server.as_corey().await;
    let at = in_utc(chrono::Duration::hours(1));
    post_at(&server, &session, "Maybe zeppelin", &at).await;
    let corey = app::users::repo::find_user_by_username(&server.db, "Corey")
        .await
        .expect("q")
        .expect("Corey");
    let scheduled = app::posts::repo::list_unpublished(&server.db, corey.id, 5)
        .await
        .expect("drafts");
    let id = scheduled[0].id.to_string();
    server
        .post_form(
            "/api/update_post",
            &[
                ("id", &id),
                ("title", "Maybe zeppelin"),
                ("content", "x"),
                ("publish_at", &at),
                ("intent", "draft"),
            ],
            Some(&session),
        )
        .await;
    let after = app::posts::repo::list_unpublished(&server.db, corey.id, 5)
        .await
        .expect("drafts");
    assert_eq!(
        (after[0].status, after[0].publish_at),
        (app::posts::model::PostStatus::Draft, None)
    );
}

/// Two instances on one Postgres, each running the publisher as `quire serve` does: the post
/// appears on both, published once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_show_a_scheduled_post_on_time() {
    let Some(base) = postgres_base_url() else {
        eprintln!("skipped: TEST_POSTGRES_URL is not set");
        return;
    };
    let (schema, url) = new_postgres_schema(&base).await;
    let first = start_on(&Backend::Postgres(url)).await;
    let second = start_second(&first).await;
    app::posts::schedule::spawn_publisher(first.db.clone());
    app::posts::schedule::spawn_publisher(second.db.clone());
    let session = first.as_corey().await;
    assert!(!second.get("/").await.body.contains("Punctual zeppelin"));
    let at = in_utc(chrono::Duration::seconds(2));
    post_at(&first, &session, "Punctual zeppelin", &at).await;
    let mut shown = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if first.get("/").await.body.contains("Punctual zeppelin")
            && second.get("/").await.body.contains("Punctual zeppelin")
        {
            shown = true;
            break;
        }
    }
    assert!(shown, "the post appears on both instances within seconds");
    assert_eq!(
        app::posts::repo::count_posts(&first.db)
            .await
            .expect("count"),
        3
    );
    drop_postgres_schema(&base, &schema).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_draft_goes_back_to_the_drafts_page() {
    let server = start().await;
    let session = server.as_corey().await;
    let id = coreys_draft(&server, &session).await.to_string();
    let response = server
        .post_form("/api/delete_post", &[("id", &id)], Some(&session))
        .await;
    assert_eq!(response.header("location"), Some("/drafts"));
}
