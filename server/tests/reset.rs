//! Password reset through the real router: the emailed link, its expiry, tampering, reuse,
//! and that unknown emails are answered like known ones.

mod support;

use app::reset::mail::{MailConfig, Mailer, SmtpTls};
use app::{
    auth::repo::find_credentials_by_email, reset::token::issue_token, secret::load_secret_key,
};
use chrono::{Duration, Utc};
use support::{TestServer, get_with_cookie, login, post_form, request, start, start_with_mailer};

async fn request_reset(server: &TestServer, email: &str) -> support::Response {
    post_form(
        server,
        "/api/request_password_reset",
        &[("email", email)],
        None,
    )
    .await
}

fn outbox(server: &TestServer) -> Vec<String> {
    std::fs::read_dir(server.dir.path().join("outbox"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The token in the one reset email in the outbox. The body is quoted-printable, so long
/// lines carry soft breaks (`=` at the end of a line) that a mail reader removes.
fn emailed_token(server: &TestServer) -> String {
    let mails = outbox(server);
    assert_eq!(mails.len(), 1, "one email in the outbox");
    let text = mails[0].replace("=\r\n", "");
    let start = text.find("/reset_password/").expect("a reset link") + "/reset_password/".len();
    text[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn reset(server: &TestServer, token: &str, password: &str) -> support::Response {
    let form = [
        ("token", token),
        ("password", password),
        ("confirm_password", password),
    ];
    post_form(server, "/api/reset_password", &form, None).await
}

fn is_invalid_token_answer(response: &support::Response) -> bool {
    response.header("location") == Some("/reset_password")
        && response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("invalid%20or%20expired%20token"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_email_carries_a_link_that_sets_a_new_password() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    assert!(outbox(&server)[0].contains("Subject: Password Reset Request"));
    let token = emailed_token(&server);
    let page = get_with_cookie(&server, &format!("/reset_password/{token}"), "").await;
    assert_eq!(
        page.status,
        200,
        "{token} {:?} {:?}",
        page.header("location"),
        outbox(&server)
    );
    let response = reset(&server, &token, "brand-new-pass").await;
    assert_eq!(response.header("location"), Some("/login"));
    assert!(
        response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("Your%20password%20has%20been%20updated"))
    );
    assert!(
        login(&server, "C@demo.com", "brand-new-pass")
            .await
            .is_some()
    );
    assert!(login(&server, "C@demo.com", "password").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_is_answered_exactly_like_a_known_one() {
    let server = start().await;
    let known = request_reset(&server, "C@demo.com").await;
    let unknown = request_reset(&server, "nobody@demo.com").await;
    assert_eq!(
        (known.status, known.header("location")),
        (unknown.status, unknown.header("location"))
    );
    assert_eq!(known.cookie("quire_flash"), unknown.cookie("quire_flash"));
    assert!(
        known
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("If%20an%20account%20exists"))
    );
    assert_eq!(outbox(&server).len(), 1, "mail only for the real account");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refused() {
    let server = start().await;
    let account = find_credentials_by_email(&server.db, "C@demo.com")
        .await
        .expect("query")
        .expect("Corey");
    let secret = load_secret_key(&server.db, None).await.expect("secret");
    let old = issue_token(
        &secret,
        account.user_id,
        &account.password_hash,
        Utc::now() - Duration::minutes(31),
    );
    assert!(is_invalid_token_answer(
        &reset(&server, &old, "brand-new-pass").await
    ));
    assert!(login(&server, "C@demo.com", "password").await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_token_is_refused() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let mut token = emailed_token(&server);
    let last = if token.ends_with('0') { "1" } else { "0" };
    token.replace_range(token.len() - 1.., last);
    assert!(is_invalid_token_answer(
        &reset(&server, &token, "brand-new-pass").await
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_works_only_once() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server);
    reset(&server, &token, "brand-new-pass").await;
    assert!(is_invalid_token_answer(
        &reset(&server, &token, "another-pass-1").await
    ));
    assert!(
        login(&server, "C@demo.com", "brand-new-pass")
            .await
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_dies_when_the_password_is_changed_another_way() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server);
    let session = login(&server, "C@demo.com", "password")
        .await
        .expect("session");
    let form = [
        ("current_password", "password"),
        ("new_password", "changed-123"),
        ("confirm_password", "changed-123"),
    ];
    post_form(&server, "/api/change_password", &form, Some(&session)).await;
    assert!(is_invalid_token_answer(
        &reset(&server, &token, "brand-new-pass").await
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_page_goes_back_to_the_request_form() {
    let server = start().await;
    let long = "x".repeat(3000);
    for token in ["nonsense", "1.2.3", long.as_str(), "%F0%9F%92%A9"] {
        let response = request(
            &server,
            "GET",
            &format!("/reset_password/{token}"),
            &[("Accept", "text/html")],
            b"",
        )
        .await;
        assert_eq!(
            (response.status, response.header("location")),
            (302, Some("/reset_password")),
            "{token}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_password_follows_the_sign_up_rules() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server);
    let form = [
        ("token", token.as_str()),
        ("password", "short"),
        ("confirm_password", "short"),
    ];
    let response = post_form(&server, "/api/reset_password", &form, None).await;
    assert_eq!(response.status, 422);
    assert!(response.body.contains("\"password\""), "{}", response.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_email_is_a_field_error() {
    let server = start().await;
    let response = request_reset(&server, "not-an-email").await;
    assert_eq!(response.status, 422);
    assert!(response.body.contains("\"email\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_requests_are_rate_limited_per_client() {
    let server = start().await;
    for _ in 0..5 {
        assert_eq!(request_reset(&server, "nobody@demo.com").await.status, 200);
    }
    assert_eq!(request_reset(&server, "nobody@demo.com").await.status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_in_user_opening_the_reset_page_goes_home() {
    let server = start().await;
    let session = login(&server, "C@demo.com", "password")
        .await
        .expect("session");
    let response = get_with_cookie(&server, "/reset_password", &session).await;
    assert_eq!(
        (response.status, response.header("location")),
        (302, Some("/"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_failure_is_told_to_the_user_and_changes_nothing() {
    let server = start_with_mailer(|dir| {
        let config = MailConfig {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: 1,
            smtp_tls: SmtpTls::None,
            smtp_user: None,
            smtp_password: None,
            from: "Quire <noreply@localhost>".into(),
            outbox: dir.join("outbox"),
        };
        Mailer::new(&config).expect("mailer")
    })
    .await;
    let response = request_reset(&server, "C@demo.com").await;
    assert_eq!(response.header("location"), Some("/reset_password"));
    assert!(
        response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("could%20not%20send"))
    );
    assert!(login(&server, "C@demo.com", "password").await.is_some());
}
