//! No visitor is ever served a page rendered for another: cookie names the cache once read
//! differently from the app (percent-encoded, a forged `__Host-` prefix), page numbers encoded
//! twice, and refused-form errors in the query, each against the real router; and a property
//! test: whatever another client sends, anonymous visitors see no trace of a logged-in user.

use crate::support::Response;
use base64::{Engine, engine::general_purpose::URL_SAFE};
use proptest::prelude::*;

use crate::{
    properties::{check, runner, runtime},
    support::{Backend, Options, TestServer, start, start_on, start_with},
};

on_both_backends!(
    a_session_cookie_under_an_encoded_name_logs_no_one_in,
    a_session_cookie_under_an_encoded_name_leaves_no_trace_for_anonymous_visitors,
    an_encoded_host_prefix_is_not_the_session_cookie,
    a_page_number_encoded_twice_is_kept_as_the_page_it_shows,
    a_forged_form_error_is_not_kept_for_the_author,
);

/// Corey's session cookie value (`C@demo.com`), logged in on `server`.
async fn coreys_token(server: &TestServer, cookie_name: &str) -> String {
    let response = server
        .post_form(
            "/api/login",
            &[("email", "C@demo.com"), ("password", "password")],
            None,
        )
        .await;
    let cookie = response.cookie(cookie_name).expect("logged in");
    cookie
        .split_once('=')
        .map(|(_, token)| token.to_owned())
        .expect("a token")
}

/// Whether `page` shows any sign of Corey being logged in.
fn shows_corey_logged_in(page: &str) -> bool {
    page.contains("Logout") || page.contains("C@demo.com") || page.contains("/post/1/update")
}

async fn a_session_cookie_under_an_encoded_name_logs_no_one_in(backend: Backend) {
    let server = start_on(&backend).await;
    let token = coreys_token(&server, "quire_session").await;
    let page = server
        .get_with_cookie("/", &format!("quire%5Fsession={token}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(!shows_corey_logged_in(&page.body), "{}", page.body);
}

async fn a_session_cookie_under_an_encoded_name_leaves_no_trace_for_anonymous_visitors(
    backend: Backend,
) {
    let server = start_on(&backend).await;
    let token = coreys_token(&server, "quire_session").await;
    for path in ["/", "/post/1", "/user/Corey", "/users"] {
        server
            .get_with_cookie(path, &format!("quire%5Fsession={token}"))
            .await;
        let Response {
            status, body: page, ..
        } = server.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!shows_corey_logged_in(&page), "{path}: {page}");
    }
}

async fn an_encoded_host_prefix_is_not_the_session_cookie(backend: Backend) {
    let server = start_with(Options {
        secure_cookies: true,
        backend,
        ..Options::default()
    })
    .await;
    let token = coreys_token(&server, "__Host-quire_session").await;
    let page = server
        .get_with_cookie("/", &format!("__Host%2Dquire_session={token}"))
        .await;
    assert_eq!(page.status, 200);
    assert!(!shows_corey_logged_in(&page.body), "{}", page.body);
}

async fn a_page_number_encoded_twice_is_kept_as_the_page_it_shows(backend: Backend) {
    let server = start_on(&backend).await;
    for n in 1..=4 {
        server
            .write_post("Corey", &format!("Newer {n}"), "Text.")
            .await;
    }
    let Response {
        status,
        body: second,
        ..
    } = server.get("/?page=%2532").await;
    assert_eq!(status, 200);
    assert!(
        second.contains("Blog 1") && !second.contains("Newer 4"),
        "{second}"
    );
    let Response { body: first, .. } = server.get("/").await;
    assert!(
        first.contains("Newer 4") && !first.contains("Blog 1"),
        "{first}"
    );
}

async fn a_forged_form_error_is_not_kept_for_the_author(backend: Backend) {
    let server = start_on(&backend).await;
    let token = coreys_token(&server, "quire_session").await;
    let cookie = format!("quire_session={token}");
    let forged = URL_SAFE.encode(br#""Forbidden""#);
    let crafted = server
        .get_with_cookie(
            &format!("/post/1?__path=%2Fapi%2Fdelete_post&__err={forged}"),
            &cookie,
        )
        .await;
    assert!(
        crafted.body.contains("You don&#x27;t have permission")
            || crafted.body.contains("You don't have permission"),
        "{}",
        crafted.body
    );
    let page = server.get_with_cookie("/post/1", &cookie).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Logout"), "{}", page.body);
    assert!(!page.body.contains("have permission"), "{}", page.body);
}

/// One request from another client: a public page, a query, and a `Cookie` header in which
/// `TOKEN` stands for Corey's real session token.
fn foreign_request() -> impl Strategy<Value = (&'static str, String, String)> {
    let path = prop::sample::select(vec![
        "/",
        "/home",
        "/users",
        "/user/Corey",
        "/post/1",
        "/post/01",
    ]);
    let query = prop::collection::vec(
        prop::sample::select(vec![
            "page=2",
            "page=%2532",
            "page=%32",
            "page=02",
            "pa%2567e=2",
            "page=2&page=1",
            "__err=IkZvcmJpZGRlbiI%3D&__path=%2Fapi%2Fdelete_post",
            "%5F%5Ferr=x",
            "x=1",
            "",
        ]),
        0..3,
    )
    .prop_map(|pieces| pieces.join("&"));
    let cookie = prop::collection::vec(
        prop::sample::select(vec![
            "quire_session=TOKEN",
            "quire%5Fsession=TOKEN",
            "QUIRE_SESSION=TOKEN",
            "__Host-quire_session=TOKEN",
            "__Host%2Dquire_session=TOKEN",
            "quire_session=",
            "quire_session=%54OKEN",
            "quire_flash=s%3Ahi",
            "quire_device=1.ab.cd",
            "theme=dark",
            "quire_session",
            "",
        ]),
        0..3,
    )
    .prop_map(|pairs| pairs.join("; "));
    (path, query, cookie)
}

#[test]
fn no_requests_from_another_client_leave_a_trace_of_a_logged_in_user_for_anonymous_visitors() {
    let runtime = runtime();
    let (server, token) = runtime.block_on(async {
        let server = start().await;
        for n in 1..=4 {
            server
                .write_post("Corey", &format!("Newer {n}"), "Text.")
                .await;
        }
        let token = coreys_token(&server, "quire_session").await;
        (server, token)
    });
    let requests = prop::collection::vec(foreign_request(), 1..8);
    let outcome = runner(64).run(&requests, |requests| {
        runtime.block_on(async {
            // A write empties the cache, so that each case starts from nothing kept.
            server.write_post("JohnDoe", "Filler", "Text.").await;
            for (path, query, cookie) in &requests {
                let cookie = cookie.replace("TOKEN", &token);
                server
                    .get_with_cookie(&format!("{path}?{query}"), &cookie)
                    .await;
            }
            for (path, query, _) in &requests {
                for address in [format!("{path}?{query}"), (*path).to_owned()] {
                    let Response { body: page, .. } = server.get(&address).await;
                    check(!shows_corey_logged_in(&page), || {
                        format!("{address} after {requests:?}: {page}")
                    })?;
                }
            }
            Ok(())
        })
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
