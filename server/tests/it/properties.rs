//! Property tests of what users write: arbitrary Unicode titles, contents and usernames, with
//! control characters, bidi marks, very long lines and raw HTML, stored through the real write
//! path or straight into the database, then read back as the post page, the Atom feeds and the
//! sitemap, each parsed by a real parser.

use proptest::{
    prelude::*,
    test_runner::{Config, TestCaseError, TestRunner},
};

use crate::support::{Options, Response, TestServer, encode, start, start_with};

/// Characters that break output when nothing stops them.
const AWKWARD: [char; 14] = [
    '\u{202E}', '\u{200F}', '\u{2066}', '\u{FEFF}', '\u{FFFE}', '\u{FFFF}', '\u{0B}', '\u{0C}',
    '<', '>', '&', '"', '\'', '\u{0}',
];

/// One piece of what a user writes.
fn piece() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        4 => any::<char>(),
        3 => prop::char::range('a', 'z'),
        2 => prop::char::range('\u{0}', '\u{1f}'),
        2 => prop::sample::select(AWKWARD.to_vec()),
    ];
    prop_oneof![
        6 => prop::collection::vec(character, 0..40)
            .prop_map(|chars| chars.into_iter().collect::<String>()),
        1 => Just("<script>alert(1)</script>".to_owned()),
        1 => Just("<b onclick=\"x()\">]]></b>".to_owned()),
        1 => Just("| a | b |\n|:-:|--:|\n| 1 | 2 |\n".to_owned()),
        1 => (1_000usize..4_000).prop_map(|n| "long ".repeat(n / 5)),
    ]
}

/// What a user writes: a few pieces together.
fn writing() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..5).prop_map(|pieces| pieces.concat())
}

/// A title: shorter, one line most of the time.
fn title() -> impl Strategy<Value = String> {
    piece().prop_map(|title| title.chars().take(120).collect())
}

/// A username: letters of any script, marks, digits and punctuation.
fn username() -> impl Strategy<Value = String> {
    let character = prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => any::<char>(),
        1 => prop::sample::select(vec!['.', '_', '-', 'İ', 'ß', 'ǅ', '\u{301}', '\u{202E}', '\u{0}']),
    ];
    prop::collection::vec(character, 1..24).prop_map(|chars| chars.into_iter().collect())
}

pub(crate) fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

pub(crate) fn check(
    condition: bool,
    message: impl FnOnce() -> String,
) -> Result<(), TestCaseError> {
    if condition {
        Ok(())
    } else {
        Err(TestCaseError::fail(message()))
    }
}

/// The newest post's id and title.
async fn newest_post(server: &TestServer) -> (i64, String) {
    let newest = app::posts::repo::list_posts_page(&server.db, 1, 0, 1)
        .await
        .expect("newest post");
    (newest[0].id, newest[0].title.clone())
}

/// The feed at `path` parses as Atom (feed-rs) and as XML (roxmltree, which refuses any
/// character XML cannot carry).
async fn check_feed(server: &TestServer, path: &str) -> Result<(), TestCaseError> {
    let Response { status, body, .. } = server.get(path).await;
    check(status == 200, || format!("{path}: {status}"))?;
    check(feed_rs::parser::parse(body.as_bytes()).is_ok(), || {
        format!("{path} is not Atom: {body:?}")
    })?;
    let xml = roxmltree::Document::parse(&body);
    check(xml.is_ok(), || format!("{path} is not XML: {xml:?}"))
}

/// The sitemap parses as XML.
async fn check_sitemap(server: &TestServer) -> Result<(), TestCaseError> {
    let Response { status, body, .. } = server.get("/sitemap.xml").await;
    check(status == 200, || format!("sitemap: {status}"))?;
    let xml = roxmltree::Document::parse(&body);
    check(xml.is_ok(), || format!("the sitemap is not XML: {xml:?}"))
}

/// Every element of `page` that `selector` picks.
fn all<'a>(page: &'a scraper::Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = scraper::Selector::parse(selector).expect("a selector");
    page.select(&selector).collect()
}

/// The post page parses as HTML into one post whose heading is the stored title, and every
/// script on it is the page's own (it carries the page's nonce).
async fn check_post_page(server: &TestServer, id: i64, title: &str) -> Result<(), TestCaseError> {
    let path = format!("/post/{id}");
    let response = server
        .request("GET", &path, &[("Accept", "text/html")], b"")
        .await;
    check(response.status == 200, || {
        format!("post {id}: {}", response.status)
    })?;
    let nonce = response
        .header("content-security-policy")
        .and_then(app::server_only::csp::nonce_of)
        .unwrap_or_default()
        .to_owned();
    let page = scraper::Html::parse_document(&response.body);
    let headings = all(&page, "h1.post-title");
    check(headings.len() == 1, || {
        format!("post {id} has {} headings", headings.len())
    })?;
    let foreign = all(&page, "script")
        .into_iter()
        .filter(|script| script.value().attr("nonce") != Some(nonce.as_str()))
        .count();
    check(foreign == 0, || {
        format!("post {id} has {foreign} scripts of its text")
    })?;
    let shown: String = headings[0].text().collect();
    // An HTML parser reads a carriage return as a line feed, and drops NUL characters.
    let expected = title
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\0', "");
    check(shown.trim() == expected.trim(), || {
        format!("post {id} shows {shown:?} for {title:?}")
    })
}

#[test]
fn whatever_is_posted_gets_a_field_error_or_a_post_whose_pages_and_feeds_parse() {
    let runtime = runtime();
    let server = runtime.block_on(start());
    let session = runtime
        .block_on(server.login_as("jd@demo.com", "password"))
        .expect("JohnDoe's session");
    let result = runner(64).run(&(title(), writing()), |(title, content)| {
        runtime.block_on(async {
            let form = [("title", title.as_str()), ("content", content.as_str())];
            let accept = [("Accept", "application/json")];
            let response = server
                .post_form_with("/api/create_post", &form, Some(&session), &accept)
                .await;
            check(response.status < 500, || {
                format!("{}: {}", response.status, response.body)
            })?;
            if response.status == 422 {
                return check(
                    response.body.contains("\"title\"") || response.body.contains("\"content\""),
                    || format!("a refusal without a field: {}", response.body),
                );
            }
            check(response.status < 400, || {
                format!("{}: {}", response.status, response.body)
            })?;
            let (id, stored) = newest_post(&server).await;
            check_post_page(&server, id, &stored).await?;
            check_feed(&server, "/feed.xml").await?;
            check_feed(&server, "/user/JohnDoe/feed.xml").await?;
            check_sitemap(&server).await
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

#[test]
fn whatever_text_is_stored_the_feeds_and_sitemap_stay_valid() {
    let runtime = runtime();
    let server = runtime.block_on(start());
    let result = runner(64).run(&(title(), writing()), |(title, content)| {
        runtime.block_on(async {
            // As an import or an older version may have stored it, past today's checks.
            let title: String = title.replace('\0', "").chars().take(100).collect();
            let title = if title.trim().is_empty() {
                "t".to_owned()
            } else {
                title
            };
            let content = content.replace('\0', "");
            server.write_post("Corey", &title, &content).await;
            check_feed(&server, "/feed.xml").await?;
            check_feed(&server, "/user/Corey/feed.xml").await?;
            check_sitemap(&server).await
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

#[test]
fn whatever_username_signs_up_gets_a_field_error_or_an_account_whose_pages_parse() {
    let runtime = runtime();
    // Behind a trusted proxy, each sign-up comes from its own address, within the sign-up limit.
    let server = runtime.block_on(start_with(Options {
        trusted_proxies: "127.0.0.1",
        ..Options::default()
    }));
    let cases = std::cell::Cell::new(0);
    let result = runner(48).run(&username(), |name| {
        let count = cases.get() + 1;
        cases.set(count);
        let email = format!("prop{count}@example.com");
        let client = format!("198.51.100.{}", count % 250 + 1);
        runtime.block_on(async {
            let form = [
                ("username", name.as_str()),
                ("email", email.as_str()),
                ("password", "secret123"),
                ("confirm_password", "secret123"),
            ];
            let forwarded = [("X-Forwarded-For", client.as_str())];
            let response = server
                .post_form_with("/api/register", &form, None, &forwarded)
                .await;
            check(response.status < 500, || {
                format!("{name:?}: {} {}", response.status, response.body)
            })?;
            let Some(user) = app::users::repo::find_user_by_email(&server.db, &email)
                .await
                .expect("query")
            else {
                return Ok(());
            };
            let page = server
                .request(
                    "GET",
                    &format!("/user/{}", encode(&user.username)),
                    &[("Accept", "text/html")],
                    b"",
                )
                .await;
            check(page.status == 200, || {
                format!("{:?}'s page: {}", user.username, page.status)
            })?;
            check_feed(
                &server,
                &format!("/user/{}/feed.xml", encode(&user.username)),
            )
            .await?;
            check_sitemap(&server).await
        })
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
