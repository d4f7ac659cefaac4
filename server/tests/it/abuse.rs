//! Accounts under abuse, through the real router: floods of log-ins, guesses that arrive
//! together, sign-up floods, limits shared by two instances, spoofed and proxied addresses,
//! trusted browsers that many addresses cannot lock out, look-alike names and emails, sessions
//! that must end with the password, a stolen session changing the email, a decompression bomb,
//! forged script-free forms and crafted error links.

use std::{collections::HashMap, sync::Arc};

use crate::support::{
    Backend, Options, TestServer, peak_rss_kib, reset_peak_rss_kib, start, start_on, start_second,
    start_with,
};
use app::{
    auth::repo::count_sessions_for_user, posts::repo::find_post,
    server_only::rate_limit::LOGIN_ACCOUNT, users::repo::find_user_by_username,
};
use base64::{Engine, engine::general_purpose::URL_SAFE};

/// A server that believes `X-Forwarded-For` from loopback, as behind a local reverse proxy.
async fn behind_proxy() -> TestServer {
    behind_proxy_on(&Backend::Sqlite).await
}

/// [`behind_proxy`] on `backend`.
async fn behind_proxy_on(backend: &Backend) -> TestServer {
    start_with(Options {
        trusted_proxies: "127.0.0.1",
        backend: backend.clone(),
        ..Options::default()
    })
    .await
}

async fn wrong_login_from(
    server: &TestServer,
    email: &str,
    client: &str,
) -> crate::support::Response {
    server
        .post_form_with(
            "/api/login",
            &[("email", email), ("password", "wrong-password")],
            None,
            &[("X-Forwarded-For", client)],
        )
        .await
}

fn statuses(responses: &[crate::support::Response]) -> HashMap<u16, usize> {
    let mut counts = HashMap::new();
    for response in responses {
        *counts.entry(response.status).or_default() += 1;
    }
    counts
}

// The memory measured is the whole process's: beside other tests it would count theirs.
// `scripts/test.sh` runs it alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the process to itself: run alone with --ignored"]
async fn a_flood_of_log_ins_is_turned_away_with_503_and_memory_stays_bounded() {
    let server = behind_proxy().await;
    // Warm up: the first unknown email creates the dummy hash.
    wrong_login_from(&server, "warm@example.com", "198.51.100.1").await;
    let before = reset_peak_rss_kib();
    let attempts = (0..150)
        .map(|i| {
            (
                format!("nobody{i}@example.com"),
                format!("203.0.113.{}", i + 1),
            )
        })
        .collect();
    let responses = wrong_logins_at_once(server, attempts).await;
    let counts = statuses(&responses);
    assert_eq!(
        counts.get(&401).copied().unwrap_or(0) + counts.get(&503).copied().unwrap_or(0),
        150,
        "{counts:?}"
    );
    assert!(counts.get(&503).copied().unwrap_or(0) > 0, "{counts:?}");
    let busy = responses.iter().find(|r| r.status == 503).expect("a 503");
    assert!(busy.header("retry-after").is_some());
    let grown_mib = peak_rss_kib().saturating_sub(before) / 1024;
    assert!(
        grown_mib < 300,
        "peak memory grew by {grown_mib} MiB; {counts:?}"
    );
}

/// Sends every `(email, client)` wrong log-in at once; returns the responses.
async fn wrong_logins_at_once(
    server: TestServer,
    attempts: Vec<(String, String)>,
) -> Vec<crate::support::Response> {
    let server = Arc::new(server);
    let mut tasks = tokio::task::JoinSet::new();
    for (email, client) in attempts {
        let server = Arc::clone(&server);
        tasks.spawn(async move { wrong_login_from(&server, &email, &client).await });
    }
    tasks.join_all().await
}

async fn guesses_arriving_together_are_counted_before_any_is_checked(backend: Backend) {
    let server = behind_proxy_on(&backend).await;
    let allowed = usize::try_from(LOGIN_ACCOUNT.max).expect("a small limit");
    let guesses = (0..allowed + 10)
        .map(|i| {
            (
                "C@demo.com".to_owned(),
                format!("203.0.{}.{}", i / 200, i % 200 + 1),
            )
        })
        .collect();
    let counts = statuses(&wrong_logins_at_once(server, guesses).await);
    // Counted guesses are checked (401) or, past the hashing queue, turned away (503).
    let checked = counts.get(&401).copied().unwrap_or(0) + counts.get(&503).copied().unwrap_or(0);
    assert_eq!(checked, allowed, "{counts:?}");
    assert_eq!(counts.get(&429).copied(), Some(10), "{counts:?}");
}

async fn one_address_cannot_lock_an_account_against_its_owner(backend: Backend) {
    let server = behind_proxy_on(&backend).await;
    for _ in 0..30 {
        let status = wrong_login_from(&server, "C@demo.com", "203.0.113.66")
            .await
            .status;
        assert!(status == 401 || status == 429, "{status}");
    }
    let owner = server
        .post_form_with(
            "/api/login",
            &[("email", "C@demo.com"), ("password", "password")],
            None,
            &[("X-Forwarded-For", "198.51.100.20")],
        )
        .await;
    assert!(
        owner.cookie("quire_session").is_some(),
        "{}: {}",
        owner.status,
        owner.body
    );
}

/// Ten addresses, five wrong guesses each: the 50 attempts on Corey's account that browsers it
/// does not trust may make in 15 minutes are used up.
async fn lock_corey_out_from_ten_addresses(server: &TestServer) {
    for address in 1..=10 {
        for _ in 0..5 {
            let client = format!("203.0.113.{address}");
            let status = wrong_login_from(server, "C@demo.com", &client).await.status;
            assert_eq!(status, 401, "{client}");
        }
    }
}

/// A right log-in as `email` from `client`, with the browser's `cookie` if it has one.
async fn login_from(
    server: &TestServer,
    email: &str,
    client: &str,
    cookie: Option<&str>,
) -> crate::support::Response {
    server
        .post_form_with(
            "/api/login",
            &[("email", email), ("password", "password")],
            cookie,
            &[("X-Forwarded-For", client)],
        )
        .await
}

async fn many_addresses_cannot_lock_the_owner_out_of_a_browser_they_logged_in_from(
    backend: Backend,
) {
    let server = behind_proxy_on(&backend).await;
    let earlier = login_from(&server, "C@demo.com", "198.51.100.20", None).await;
    let device = earlier
        .cookie("quire_device")
        .expect("the browser is trusted");
    lock_corey_out_from_ten_addresses(&server).await;
    let owner = login_from(&server, "C@demo.com", "198.51.100.30", Some(&device)).await;
    assert!(
        owner.cookie("quire_session").is_some(),
        "{}: {}",
        owner.status,
        owner.body
    );
}

async fn a_browser_new_to_the_account_waits_out_the_account_wide_limit(backend: Backend) {
    let server = behind_proxy_on(&backend).await;
    lock_corey_out_from_ten_addresses(&server).await;
    let stranger = login_from(&server, "C@demo.com", "198.51.100.30", None).await;
    assert_eq!(stranger.status, 429, "{}", stranger.body);
}

async fn a_browser_trusted_by_another_account_is_a_stranger_to_this_one(backend: Backend) {
    let server = behind_proxy_on(&backend).await;
    let johns = login_from(&server, "jd@demo.com", "198.51.100.20", None).await;
    let device = johns
        .cookie("quire_device")
        .expect("John's browser is trusted");
    lock_corey_out_from_ten_addresses(&server).await;
    let attempt = login_from(&server, "C@demo.com", "198.51.100.20", Some(&device)).await;
    assert_eq!(attempt.status, 429, "{}", attempt.body);
}

async fn a_client_over_its_limit_uses_up_no_account_s_attempts(backend: Backend) {
    let server = behind_proxy_on(&backend).await;
    for i in 0..20 {
        let email = format!("nobody{i}@example.com");
        assert_eq!(
            wrong_login_from(&server, &email, "203.0.113.5")
                .await
                .status,
            401
        );
    }
    for _ in 0..10 {
        assert_eq!(
            wrong_login_from(&server, "C@demo.com", "203.0.113.5")
                .await
                .status,
            429
        );
    }
    let attempts =
        app::server_only::rate_limit::repo::hits(&server.db, &LOGIN_ACCOUNT.key("user 1"))
            .await
            .expect("read the counter");
    assert_eq!(attempts, 0);
}

async fn case_and_width_variants_of_an_email_count_against_one_account(backend: Backend) {
    let server = start_on(&backend).await;
    for email in [
        "C@demo.com",
        "c@DEMO.com",
        "\u{FF23}@demo.com",
        "c@demo.COM",
        "C@\u{FF24}emo.com",
    ] {
        assert_eq!(
            wrong_login_from(&server, email, "x").await.status,
            401,
            "{email}"
        );
    }
    assert_eq!(
        wrong_login_from(&server, "\u{FF43}@demo.com", "x")
            .await
            .status,
        429
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_are_limited_per_client_address() {
    let server = behind_proxy().await;
    let sign_up = |i: usize, client: &'static str| {
        let server = &server;
        async move {
            let (name, email) = (format!("flood{i}"), format!("flood{i}@example.com"));
            let form = [
                ("username", name.as_str()),
                ("email", email.as_str()),
                ("password", "secret123"),
                ("confirm_password", "secret123"),
            ];
            server
                .post_form_with("/api/register", &form, None, &[("X-Forwarded-For", client)])
                .await
        }
    };
    for i in 0..20 {
        assert_eq!(
            sign_up(i, "203.0.113.7").await.header("location"),
            Some("/login")
        );
    }
    let refused = sign_up(20, "203.0.113.7").await;
    assert_eq!(refused.status, 429);
    assert!(refused.header("retry-after").is_some());
    assert_eq!(
        sign_up(21, "203.0.113.8").await.header("location"),
        Some("/login")
    );
}

async fn two_instances_count_toward_one_limit(backend: Backend) {
    let first = start_on(&backend).await;
    let second = start_second(&first).await;
    for server in [&first, &first, &first, &second, &second] {
        assert_eq!(
            wrong_login_from(server, "C@demo.com", "x").await.status,
            401
        );
    }
    assert_eq!(
        wrong_login_from(&first, "C@demo.com", "x").await.status,
        429
    );
    assert_eq!(
        wrong_login_from(&second, "C@demo.com", "x").await.status,
        429
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_address_does_not_escape_the_client_limit() {
    let server = start().await;
    for i in 0..20 {
        let email = format!("nobody{i}@example.com");
        let spoofed = format!("198.51.100.{}", i + 1);
        assert_eq!(
            wrong_login_from(&server, &email, &spoofed).await.status,
            401
        );
    }
    let response = wrong_login_from(&server, "another@example.com", "198.51.100.99").await;
    assert_eq!(response.status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let server = behind_proxy().await;
    for i in 0..20 {
        let email = format!("nobody{i}@example.com");
        assert_eq!(
            wrong_login_from(&server, &email, "203.0.113.1")
                .await
                .status,
            401
        );
    }
    assert_eq!(
        wrong_login_from(&server, "x@example.com", "203.0.113.1")
            .await
            .status,
        429
    );
    assert_eq!(
        wrong_login_from(&server, "x@example.com", "203.0.113.2")
            .await
            .status,
        401
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_clients_of_one_64_share_a_limit() {
    let server = behind_proxy().await;
    for i in 0..20 {
        let email = format!("nobody{i}@example.com");
        let client = format!("2001:db8:1:2::{:x}", i + 1);
        assert_eq!(wrong_login_from(&server, &email, &client).await.status, 401);
    }
    let same_64 = wrong_login_from(&server, "x@example.com", "2001:db8:1:2:ffff::1").await;
    assert_eq!(same_64.status, 429);
    let other_64 = wrong_login_from(&server, "x@example.com", "2001:db8:1:3::1").await;
    assert_eq!(other_64.status, 401);
}

async fn a_case_changed_email_logs_in(backend: Backend) {
    let server = start_on(&backend).await;
    assert!(server.login_as("c@DEMO.com", "password").await.is_some());
}

async fn register_as(server: &TestServer, username: &str, email: &str) -> crate::support::Response {
    let form = [
        ("username", username),
        ("email", email),
        ("password", "secret123"),
        ("confirm_password", "secret123"),
    ];
    server.post_form("/api/register", &form, None).await
}

async fn an_email_differing_only_in_case_cannot_sign_up_again(backend: Backend) {
    let server = start_on(&backend).await;
    let response = register_as(&server, "someone", "c@demo.COM").await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("That email is taken"),
        "{}",
        response.body
    );
}

async fn a_username_differing_only_in_case_cannot_sign_up_again(backend: Backend) {
    let server = start_on(&backend).await;
    let response = register_as(&server, "corey", "other@example.com").await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("That username is taken"),
        "{}",
        response.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_look_alike_username_is_the_same_name() {
    let server = start().await;
    // A fullwidth "C" is "C" under NFKC.
    let response = register_as(&server, "\u{FF23}orey", "other@example.com").await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("That username is taken"),
        "{}",
        response.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_username_of_only_dots_is_refused() {
    let server = start().await;
    let response = register_as(&server, "..", "dots@example.com").await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("at least one letter or digit"),
        "{}",
        response.body
    );
}

async fn changing_the_password_ends_the_other_sessions_and_rotates_this_one(backend: Backend) {
    let server = start_on(&backend).await;
    let here = server
        .login_as("C@demo.com", "password")
        .await
        .expect("session");
    let elsewhere = server
        .login_as("C@demo.com", "password")
        .await
        .expect("session");
    let form = [
        ("current_password", "password"),
        ("new_password", "changed-123"),
        ("confirm_password", "changed-123"),
    ];
    let response = server
        .post_form("/api/change_password", &form, Some(&here))
        .await;
    let fresh = response
        .cookie("quire_session")
        .expect("a fresh session cookie");
    assert_ne!(fresh, here);
    for old in [&here, &elsewhere] {
        let page = server.get_with_cookie("/account", old).await;
        assert_eq!(
            page.header("location"),
            Some("/login?next=/account"),
            "{old}"
        );
    }
    assert_eq!(server.get_with_cookie("/account", &fresh).await.status, 200);
    let corey = find_user_by_username(&server.db, "Corey")
        .await
        .expect("query")
        .expect("Corey");
    assert_eq!(
        count_sessions_for_user(&server.db, corey.id)
            .await
            .expect("count"),
        1
    );
}

async fn a_stolen_session_cannot_change_the_email_without_the_password(backend: Backend) {
    let server = start_on(&backend).await;
    let session = server
        .login_as("C@demo.com", "password")
        .await
        .expect("session");
    for current_password in ["", "guess-1234"] {
        let form = [
            ("username", "Corey"),
            ("email", "thief@evil.example"),
            ("current_password", current_password),
        ];
        let response = server
            .post_form("/api/update_account", &form, Some(&session))
            .await;
        assert_eq!(response.status, 422, "{current_password:?}");
        assert!(
            response.body.contains("\"current_password\""),
            "{}",
            response.body
        );
    }
    let corey = find_user_by_username(&server.db, "Corey")
        .await
        .expect("query")
        .expect("Corey");
    assert_eq!(corey.email, "C@demo.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_alone_needs_no_password() {
    let server = start().await;
    let session = server
        .login_as("C@demo.com", "password")
        .await
        .expect("session");
    let form = [("username", "Corey2"), ("email", "C@demo.com")];
    let response = server
        .post_form("/api/update_account", &form, Some(&session))
        .await;
    assert_eq!(
        response.header("location"),
        Some("/account"),
        "{}",
        response.body
    );
}

/// A PNG that declares a 100,000 × 100,000 canvas in under 100 bytes, with valid checksums.
fn decompression_bomb() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).expect("small").to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = 100_000u32.to_be_bytes().to_vec();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_gets_the_field_error() {
    let server = start().await;
    let session = server
        .login_as("C@demo.com", "password")
        .await
        .expect("session");
    let boundary = "quireboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"bomb.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&decompression_bomb());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [
        ("Content-Type", content_type.as_str()),
        ("Cookie", session.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    let response = server
        .request("POST", "/account/picture", &headers, &body)
        .await;
    assert_eq!(
        response.header("location"),
        Some("/account?picture_error=not_an_image")
    );
    let corey = find_user_by_username(&server.db, "Corey")
        .await
        .expect("query")
        .expect("Corey");
    assert_eq!(corey.image_file, "default.jpg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_script_free_delete_form_gets_the_403_page() {
    let server = start().await;
    let john = server
        .login_as("jd@demo.com", "password")
        .await
        .expect("session");
    let referer = format!("http://{}/post/1", server.addr);
    let body = b"id=1";
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "text/html"),
        ("Referer", referer.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
        ("Cookie", john.as_str()),
    ];
    let response = server
        .request("POST", "/api/delete_post", &headers, body)
        .await;
    assert_eq!(response.status, 403);
    assert!(
        response
            .body
            .contains("You don&#39;t have permission to do that")
            || response
                .body
                .contains("You don't have permission to do that"),
        "{}",
        response.body
    );
    assert!(find_post(&server.db, 1).await.expect("query").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_error_link_cannot_put_its_words_on_the_page() {
    let server = start().await;
    let forged =
        URL_SAFE.encode(br#"{"Invalid":{"username":"Your account is locked. Call +1 555 0100."}}"#);
    let path = format!("/register?__path=%2Fapi%2Fregister&__err={forged}");
    let (status, body) = server.get(&path).await;
    assert_eq!(status, 200);
    assert!(!body.contains("Call +1 555 0100"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_secure_cookies_both_cookies_are_secure_and_host_prefixed() {
    let server = start_with(Options {
        secure_cookies: true,
        ..Options::default()
    })
    .await;
    let signed_up = register_as(&server, "alice", "alice@example.com").await;
    let flash = signed_up
        .set_cookie_header("__Host-quire_flash")
        .expect("flash cookie");
    assert!(
        flash.contains("Secure") && flash.contains("Path=/"),
        "{flash}"
    );
    let logged_in = server
        .post_form(
            "/api/login",
            &[("email", "alice@example.com"), ("password", "secret123")],
            None,
        )
        .await;
    let session = logged_in
        .set_cookie_header("__Host-quire_session")
        .expect("session cookie");
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_link_with_quire_s_own_message_shows_it() {
    let server = start().await;
    let error = URL_SAFE.encode(
        br#"{"Invalid":{"username":"That username is taken. Please choose a different one."}}"#,
    );
    let path = format!("/register?__path=%2Fapi%2Fregister&__err={error}");
    let (status, body) = server.get(&path).await;
    assert_eq!(status, 200);
    assert!(body.contains("That username is taken"), "{body}");
}

async fn a_nul_character_in_a_user_address_is_not_found(backend: Backend) {
    let server = start_on(&backend).await;
    let response = server
        .request("GET", "/user/a%00b", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(response.status, 404);
}

async fn content_with_a_nul_character_gets_the_field_error(backend: Backend) {
    let server = start_on(&backend).await;
    let session = server
        .login_as("C@demo.com", "password")
        .await
        .expect("log in");
    let form = [("title", "Title"), ("content", "before\0after")];
    let accept = [("Accept", "application/json")];
    let response = server
        .post_form_with("/api/create_post", &form, Some(&session), &accept)
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response
            .body
            .contains(app::shared::messages::CONTENT_CONTROL),
        "{}",
        response.body
    );
}

async fn a_title_with_a_control_character_gets_the_field_error(backend: Backend) {
    let server = start_on(&backend).await;
    let session = server
        .login_as("C@demo.com", "password")
        .await
        .expect("log in");
    let form = [("title", "bell\u{7}"), ("content", "text")];
    let accept = [("Accept", "application/json")];
    let response = server
        .post_form_with("/api/create_post", &form, Some(&session), &accept)
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains(app::shared::messages::TITLE_CONTROL),
        "{}",
        response.body
    );
}

on_both_backends!(
    a_nul_character_in_a_user_address_is_not_found,
    content_with_a_nul_character_gets_the_field_error,
    a_title_with_a_control_character_gets_the_field_error,
    guesses_arriving_together_are_counted_before_any_is_checked,
    one_address_cannot_lock_an_account_against_its_owner,
    many_addresses_cannot_lock_the_owner_out_of_a_browser_they_logged_in_from,
    a_browser_new_to_the_account_waits_out_the_account_wide_limit,
    a_browser_trusted_by_another_account_is_a_stranger_to_this_one,
    a_client_over_its_limit_uses_up_no_account_s_attempts,
    case_and_width_variants_of_an_email_count_against_one_account,
    two_instances_count_toward_one_limit,
    a_case_changed_email_logs_in,
    an_email_differing_only_in_case_cannot_sign_up_again,
    a_username_differing_only_in_case_cannot_sign_up_again,
    changing_the_password_ends_the_other_sessions_and_rotates_this_one,
    a_stolen_session_cannot_change_the_email_without_the_password,
);
