//! Writing through the real router: the authorization matrix (every change × visitor, another
//! user, the author) as one table, field errors, and deleting twice.

use crate::support::start;
use app::{
    posts::repo::{count_posts, find_post},
    users::repo::find_user_by_username,
};

/// Corey wrote posts 1 and 2 in the sample data; JohnDoe wrote none.
const COREYS_POST: &str = "1";

fn update_form(id: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("id", id),
        ("title", "Changed title"),
        ("content", "Changed content"),
    ]
}

/// Who sends a change in the authorization matrix.
#[derive(Debug, Clone, Copy)]
enum Who {
    Visitor,
    /// JohnDoe, who wrote none of the posts.
    AnotherUser,
    /// Corey, who wrote post 1.
    Author,
}

/// What the server answered: a status, or a redirect to a path.
#[derive(Debug, PartialEq)]
enum Answer {
    Status(u16),
    RedirectTo(&'static str),
}

/// The posts' state a change leaves: how many there are, and post 1's title (none once deleted).
#[derive(Debug, PartialEq)]
struct Outcome {
    posts: i64,
    title_of_post_1: Option<String>,
}

/// Every change to a post × every kind of sender: what each is answered and what it leaves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_author_changes_a_post_and_only_a_user_writes_one() {
    let new_post: &[(&str, &str)] = &[("title", "John's first"), ("content", "x")];
    let update: &[(&str, &str)] = &update_form(COREYS_POST);
    let delete: &[(&str, &str)] = &[("id", COREYS_POST)];
    let preview: &[(&str, &str)] = &[("content", "x")];
    let unchanged = || Outcome {
        posts: 2,
        title_of_post_1: Some("Blog 1".into()),
    };
    let matrix = [
        (
            Who::Visitor,
            "/api/create_post",
            new_post,
            Answer::Status(401),
            unchanged(),
        ),
        (
            Who::AnotherUser,
            "/api/create_post",
            new_post,
            Answer::RedirectTo("/"),
            Outcome {
                posts: 3,
                ..unchanged()
            },
        ),
        (
            Who::Visitor,
            "/api/update_post",
            update,
            Answer::Status(401),
            unchanged(),
        ),
        (
            Who::AnotherUser,
            "/api/update_post",
            update,
            Answer::Status(403),
            unchanged(),
        ),
        (
            Who::Author,
            "/api/update_post",
            update,
            Answer::RedirectTo("/post/1"),
            Outcome {
                title_of_post_1: Some("Changed title".into()),
                ..unchanged()
            },
        ),
        (
            Who::Visitor,
            "/api/delete_post",
            delete,
            Answer::Status(401),
            unchanged(),
        ),
        (
            Who::AnotherUser,
            "/api/delete_post",
            delete,
            Answer::Status(403),
            unchanged(),
        ),
        (
            Who::Author,
            "/api/delete_post",
            delete,
            Answer::RedirectTo("/"),
            Outcome {
                posts: 1,
                title_of_post_1: None,
            },
        ),
        (
            Who::Visitor,
            "/api/preview_post",
            preview,
            Answer::Status(401),
            unchanged(),
        ),
    ];
    for (who, path, form, expected_answer, expected_outcome) in matrix {
        let server = start().await;
        let session = match who {
            Who::Visitor => None,
            Who::AnotherUser => Some(server.as_john().await),
            Who::Author => Some(server.as_corey().await),
        };
        let response = server.post_form(path, form, session.as_deref()).await;
        let answer = match response.header("location") {
            Some("/") => Answer::RedirectTo("/"),
            Some("/post/1") => Answer::RedirectTo("/post/1"),
            _ => Answer::Status(response.status),
        };
        let outcome = Outcome {
            posts: count_posts(&server.db).await.expect("count"),
            title_of_post_1: find_post(&server.db, 1)
                .await
                .expect("query")
                .map(|post| post.title),
        };
        assert_eq!(
            (answer, outcome),
            (expected_answer, expected_outcome),
            "{who:?} posting to {path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_opening_the_new_post_page_is_sent_to_log_in() {
    let server = start().await;
    let response = server
        .request("GET", "/post/new", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(
        (response.status, response.header("location")),
        (302, Some("/login?next=/post/new"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_logged_in_user_can_create_a_post() {
    let server = start().await;
    let session = server.as_john().await;
    let form = [("title", "John's first"), ("content", "<b>hello</b>")];
    let response = server
        .post_form("/api/create_post", &form, Some(&session))
        .await;
    assert_eq!(response.header("location"), Some("/"));
    assert!(
        response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("Your%20post%20has%20been%20created"))
    );
    let newest = app::posts::repo::list_posts_page(&server.db, 1, 0, 3)
        .await
        .expect("page");
    assert_eq!(
        (newest[0].title.as_str(), newest[0].content.as_str()),
        ("John's first", "<b>hello</b>")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_or_overlong_post_gets_field_errors() {
    let server = start().await;
    let session = server.as_john().await;
    let long_title = "t".repeat(101);
    let form = [("title", long_title.as_str()), ("content", "")];
    let response = server
        .post_form("/api/create_post", &form, Some(&session))
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("\"title\"") && response.body.contains("\"content\""),
        "{}",
        response.body
    );
    assert_eq!(count_posts(&server.db).await.expect("count"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_author_can_delete_a_post() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = server
        .post_form("/api/delete_post", &[("id", COREYS_POST)], Some(&session))
        .await;
    assert_eq!(response.header("location"), Some("/"));
    assert!(
        response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("Your%20post%20has%20been%20deleted"))
    );
    assert_eq!(find_post(&server.db, 1).await.expect("query"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_post_twice_is_404_the_second_time() {
    let server = start().await;
    let session = server.as_corey().await;
    server
        .post_form("/api/delete_post", &[("id", COREYS_POST)], Some(&session))
        .await;
    let again = server
        .post_form("/api/delete_post", &[("id", COREYS_POST)], Some(&session))
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_a_missing_post_is_404_for_everyone() {
    let server = start().await;
    let session = server.as_corey().await;
    for cookie in [None, Some(session.as_str())] {
        assert_eq!(
            server
                .post_form("/api/update_post", &update_form("999"), cookie)
                .await
                .status,
            404
        );
        assert_eq!(
            server
                .post_form("/api/delete_post", &[("id", "999")], cookie)
                .await
                .status,
            404
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_numeric_post_id_is_rejected() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = server
        .post_form("/api/delete_post", &[("id", "abc")], Some(&session))
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(count_posts(&server.db).await.expect("count"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_gets_a_403_page_at_the_update_url() {
    let server = start().await;
    let response = server
        .get_with_cookie("/post/1/update", &server.as_john().await)
        .await;
    assert_eq!(response.status, 403);
    assert!(
        response
            .body
            .contains("You don&#x27;t have permission to do that (403)")
            || response
                .body
                .contains("You don't have permission to do that (403)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_author_gets_the_prefilled_update_form() {
    let server = start().await;
    let response = server
        .get_with_cookie("/post/1/update", &server.as_corey().await)
        .await;
    assert_eq!(response.status, 200);
    assert!(response.body.contains("Update Post") && response.body.contains("First Post Content!"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_author_sees_update_and_delete() {
    let server = start().await;
    let corey = server
        .get_with_cookie("/post/1", &server.as_corey().await)
        .await;
    let john = server
        .get_with_cookie("/post/1", &server.as_john().await)
        .await;
    assert!(corey.body.contains("/post/1/update"));
    assert!(!john.body.contains("/post/1/update") && !john.body.contains("/post/1/delete"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_at_the_update_url_is_sent_to_log_in() {
    let server = start().await;
    let response = server
        .request("GET", "/post/1/update", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(
        response.header("location"),
        Some("/login?next=/post/1/update")
    );
    let john = find_user_by_username(&server.db, "JohnDoe")
        .await
        .expect("query");
    assert!(john.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_of_100000_multibyte_characters_fits_the_request_limit() {
    let server = start().await;
    let session = server.as_john().await;
    let content = "é".repeat(100_000);
    let form = [("title", "Long read"), ("content", content.as_str())];
    let response = server
        .post_form("/api/create_post", &form, Some(&session))
        .await;
    assert_eq!(
        response.header("location"),
        Some("/"),
        "{}",
        response.status
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_renders_a_draft_as_it_will_be_shown() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = server
        .post_form(
            "/api/preview_post",
            &[("content", "A *draft* <b>x</b>")],
            Some(&session),
        )
        .await;
    assert_eq!(response.status, 200);
    let html: String = serde_json::from_str(&response.body).expect("a JSON string");
    assert_eq!(html, "<p>A <em>draft</em> &lt;b&gt;x&lt;/b&gt;</p>\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_the_preview_shows_above_the_filled_form() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = server
        .get_with_cookie(
            "/post/new?title=Draft&content=%2A%2Abold%2A%2A&preview=1",
            &session,
        )
        .await;
    assert_eq!(response.status, 200);
    let body = &response.body;
    let preview = body
        .find("<strong>bold</strong>")
        .expect("the rendered draft");
    let field = body
        .find(">**bold**</textarea>")
        .expect("the draft in the form");
    assert!(preview < field, "the preview comes first");
    assert!(body.contains(r#"value="Draft""#), "{body}");
}
