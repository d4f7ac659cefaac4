//! Log-in and sign-up limits under abuse: floods, guesses arriving together, many addresses,
//! trusted browsers, two instances, spoofed and proxied addresses, IPv6 clients.

use super::*;

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

on_both_backends!(
    guesses_arriving_together_are_counted_before_any_is_checked,
    one_address_cannot_lock_an_account_against_its_owner,
    many_addresses_cannot_lock_the_owner_out_of_a_browser_they_logged_in_from,
    a_browser_new_to_the_account_waits_out_the_account_wide_limit,
    a_browser_trusted_by_another_account_is_a_stranger_to_this_one,
    a_client_over_its_limit_uses_up_no_account_s_attempts,
    case_and_width_variants_of_an_email_count_against_one_account,
    two_instances_count_toward_one_limit,
);
