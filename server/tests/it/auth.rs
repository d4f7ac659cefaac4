//! Accounts through the real router: sign-up rules, log-in, sessions, log-out, the cross-site
//! check and the log-in throttle.

use crate::support::{TestServer, start};
use app::{
    auth::repo::{count_sessions_for_user, find_password_hash},
    users::repo::{UserRecord, find_user_by_email, find_user_by_username, insert_user},
};

fn field_error(body: &str, field: &str) -> bool {
    body.contains(&format!("\"{field}\":"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registering_creates_the_user_and_sends_them_to_log_in() {
    let server = start().await;
    let response = server.register("alice", "alice@example.com").await;
    assert_eq!(response.header("location"), Some("/login"));
    assert!(
        response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("Your%20account%20has%20been%20created"))
    );
    assert!(
        find_user_by_username(&server.db, "alice")
            .await
            .expect("query")
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stored_password_is_an_argon2id_hash() {
    let server = start().await;
    server.register("alice", "alice@example.com").await;
    let user = find_user_by_username(&server.db, "alice")
        .await
        .expect("query")
        .expect("alice");
    let hash = find_password_hash(&server.db, user.id)
        .await
        .expect("query")
        .expect("hash");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}

/// One row of the sign-up matrix: what is typed, and the field that must refuse it.
struct SignUp {
    username: &'static str,
    email: &'static str,
    password: &'static str,
    confirm: &'static str,
    refused: &'static str,
}

impl SignUp {
    /// A sign-up every rule accepts.
    fn valid() -> Self {
        Self {
            username: "alice",
            email: "a@example.com",
            password: "secret123",
            confirm: "secret123",
            refused: "",
        }
    }

    fn with_username(self, username: &'static str) -> Self {
        Self { username, ..self }
    }

    fn with_email(self, email: &'static str) -> Self {
        Self { email, ..self }
    }

    fn with_passwords(self, password: &'static str, confirm: &'static str) -> Self {
        Self {
            password,
            confirm,
            ..self
        }
    }

    fn refused_at(self, refused: &'static str) -> Self {
        Self { refused, ..self }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_sign_up_rule_reports_its_own_field() {
    let server = start().await;
    let cases = [
        SignUp::valid().with_username("a").refused_at("username"),
        SignUp::valid()
            .with_username("abcdefghijklmnopqrstu")
            .refused_at("username"),
        SignUp::valid()
            .with_username("bad name")
            .refused_at("username"),
        SignUp::valid()
            .with_email("not-an-email")
            .refused_at("email"),
        SignUp::valid()
            .with_passwords("short", "short")
            .refused_at("password"),
        SignUp::valid()
            .with_passwords("secret123", "secret124")
            .refused_at("confirm_password"),
    ];
    for case in cases {
        let field = case.refused;
        let form = [
            ("username", case.username),
            ("email", case.email),
            ("password", case.password),
            ("confirm_password", case.confirm),
        ];
        let response = server.post_form("/api/register", &form, None).await;
        assert_eq!(response.status, 422, "{field}: {}", response.body);
        assert!(
            field_error(&response.body, field),
            "{field}: {}",
            response.body
        );
    }
    assert!(
        find_user_by_username(&server.db, "alice")
            .await
            .expect("query")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_username_is_a_field_error() {
    let server = start().await;
    let response = server.register("Corey", "new@example.com").await;
    assert_eq!(response.status, 422);
    assert!(
        response
            .body
            .contains("That username is taken. Please choose a different one.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_email_is_a_field_error() {
    let server = start().await;
    let response = server.register("newname", "C@demo.com").await;
    assert_eq!(response.status, 422);
    assert!(
        response
            .body
            .contains("That email is taken. Please choose a different one.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_simultaneous_sign_ups_for_one_name_give_one_account_and_one_field_error() {
    let server = start().await;
    let (first, second) = tokio::join!(
        server.register("racer", "racer1@example.com"),
        server.register("racer", "racer2@example.com")
    );
    let mut statuses = [first.status, second.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422], "{first:?} {second:?}");
    let loser = if first.status == 422 { &first } else { &second };
    assert!(
        loser.body.contains("That username is taken"),
        "{}",
        loser.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let server = start().await;
    let wrong = server
        .post_form(
            "/api/login",
            &[("email", "C@demo.com"), ("password", "wrongpass")],
            None,
        )
        .await;
    let unknown = server
        .post_form(
            "/api/login",
            &[("email", "nobody@demo.com"), ("password", "wrongpass")],
            None,
        )
        .await;
    assert_eq!((wrong.status, &wrong.body), (unknown.status, &unknown.body));
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body, "\"LoginFailed\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_sets_an_http_only_lax_session_cookie_and_stores_the_session() {
    let server = start().await;
    let response = server
        .post_form(
            "/api/login",
            &[("email", "C@demo.com"), ("password", "password")],
            None,
        )
        .await;
    let header = response
        .set_cookie_header("quire_session")
        .expect("session cookie");
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    assert!(
        !header.contains("Max-Age"),
        "a browser-session cookie without Remember Me: {header}"
    );
    let corey = find_user_by_email(&server.db, "C@demo.com")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remember_me_makes_a_30_day_cookie() {
    let server = start().await;
    let form = [
        ("email", "C@demo.com"),
        ("password", "password"),
        ("remember", "true"),
    ];
    let response = server.post_form("/api/login", &form, None).await;
    let header = response
        .set_cookie_header("quire_session")
        .expect("session cookie");
    assert!(header.contains("Max-Age=2592000"), "{header}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_goes_to_a_local_next_path() {
    let server = start().await;
    let form = [
        ("email", "C@demo.com"),
        ("password", "password"),
        ("next", "/account"),
    ];
    assert_eq!(
        server
            .post_form("/api/login", &form, None)
            .await
            .header("location"),
        Some("/account")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_in_ignores_an_absolute_or_scheme_relative_next() {
    let server = start().await;
    for next in ["https://evil.example/", "//evil.example/"] {
        let form = [
            ("email", "C@demo.com"),
            ("password", "password"),
            ("next", next),
        ];
        assert_eq!(
            server
                .post_form("/api/login", &form, None)
                .await
                .header("location"),
            Some("/"),
            "{next}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_in_again_replaces_the_old_session() {
    let server = start().await;
    let first = server.as_corey().await;
    let form = [("email", "C@demo.com"), ("password", "password")];
    let second = server
        .post_form("/api/login", &form, Some(&first))
        .await
        .cookie("quire_session")
        .expect("second");
    assert_ne!(first, second);
    let corey = find_user_by_email(&server.db, "C@demo.com")
        .await
        .expect("query")
        .expect("Corey");
    assert_eq!(
        count_sessions_for_user(&server.db, corey.id)
            .await
            .expect("count"),
        1
    );
    assert_eq!(server.get_with_cookie("/account", &first).await.status, 302);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_deletes_the_session_on_the_server() {
    let server = start().await;
    let session = server.as_corey().await;
    let response = server.post_form("/api/logout", &[], Some(&session)).await;
    assert!(
        response
            .set_cookie_header("quire_session")
            .is_some_and(|h| h.contains("Max-Age=0"))
    );
    let corey = find_user_by_email(&server.db, "C@demo.com")
        .await
        .expect("query")
        .expect("Corey");
    assert_eq!(
        count_sessions_for_user(&server.db, corey.id)
            .await
            .expect("count"),
        0
    );
    assert_eq!(
        server.get_with_cookie("/account", &session).await.status,
        302
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_is_not_possible_with_get() {
    let server = start().await;
    let session = server.as_corey().await;
    server.get_with_cookie("/api/logout", &session).await;
    assert_eq!(
        server.get_with_cookie("/account", &session).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_log_in_is_refused() {
    let server = start().await;
    let body = b"email=C%40demo.com&password=password";
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Sec-Fetch-Site", "cross-site"),
    ];
    let response = server.request("POST", "/api/login", &headers, body).await;
    assert_eq!(response.status, 403);
    assert!(response.cookie("quire_session").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_origin_cannot_log_out_a_user() {
    let server = start().await;
    let session = server.as_corey().await;
    let headers = [
        ("Origin", "https://evil.example"),
        ("Cookie", session.as_str()),
    ];
    assert_eq!(
        server
            .request("POST", "/api/logout", &headers, b"")
            .await
            .status,
        403
    );
    assert_eq!(
        server.get_with_cookie("/account", &session).await.status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_lock_the_account_out_with_429() {
    let server = start().await;
    for _ in 0..5 {
        let wrong = server
            .post_form(
                "/api/login",
                &[("email", "C@demo.com"), ("password", "wrongpass")],
                None,
            )
            .await;
        assert_eq!(wrong.status, 401);
    }
    let locked = server
        .post_form(
            "/api/login",
            &[("email", "C@demo.com"), ("password", "password")],
            None,
        )
        .await;
    assert_eq!(locked.status, 429);
    assert!(
        locked
            .header("retry-after")
            .is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s > 0))
    );
    assert!(locked.cookie("quire_session").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flaskblog_bcrypt_password_logs_in_and_is_rehashed() {
    let server = start().await;
    let bcrypt_hash = bcrypt::hash("flaskpass", 4).expect("bcrypt");
    let record = UserRecord {
        username: "legacy",
        email: "legacy@example.com",
        password_hash: &bcrypt_hash,
    };
    let user = insert_user(&server.db, &record).await.expect("insert");
    assert!(
        server
            .login_as("legacy@example.com", "flaskpass")
            .await
            .is_some()
    );
    let stored = find_password_hash(&server.db, user.id)
        .await
        .expect("query")
        .expect("hash");
    assert!(stored.starts_with("$argon2id$"), "{stored}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_user_opening_register_or_login_goes_home() {
    let server = start().await;
    let session = server.as_corey().await;
    for path in ["/register", "/login"] {
        let response = server.get_with_cookie(path, &session).await;
        assert_eq!(
            (response.status, response.header("location")),
            (302, Some("/")),
            "{path}"
        );
    }
}

/// A script-free sign-up with the fields in `body`, from the register page.
async fn plain_register(server: &TestServer, body: &[u8]) -> crate::support::Response {
    let referer = format!("http://{}/register", server.addr);
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "text/html"),
        ("Referer", referer.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    server
        .request("POST", "/api/register", &headers, body)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_form_post_with_an_error_comes_back_as_the_form_with_its_errors() {
    let server = start().await;
    let response = plain_register(
        &server,
        b"username=a&email=not-an-address&password=hunter2-secret&confirm_password=other",
    )
    .await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("Invalid email address."),
        "{}",
        response.body
    );
    assert!(
        response.body.contains("Passwords must match."),
        "{}",
        response.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_plain_form_keeps_what_was_typed_but_the_password() {
    let server = start().await;
    let response = plain_register(
        &server,
        b"username=Corey&email=kept%40example.com&password=hunter2-secret&confirm_password=hunter2-secret",
    )
    .await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains(r#"value="Corey""#),
        "{}",
        response.body
    );
    assert!(
        response.body.contains(r#"value="kept@example.com""#),
        "{}",
        response.body
    );
    assert!(
        !response.body.contains("hunter2-secret"),
        "{}",
        response.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_plain_form_takes_the_address_of_its_form() {
    let server = start().await;
    let response =
        plain_register(&server, b"username=a&email=x&password=1&confirm_password=2").await;
    let replaced = "history.replaceState(null,\"\",\"/register?";
    assert!(response.body.contains(replaced), "{}", response.body);
    assert!(response.body.contains("__err="), "{}", response.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_form_body_is_413() {
    let server = start().await;
    let body = vec![b'a'; 3 * 1024 * 1024];
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    assert_eq!(
        server
            .request("POST", "/api/login", &headers, &body)
            .await
            .status,
        413
    );
}
