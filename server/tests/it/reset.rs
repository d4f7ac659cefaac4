//! Password reset through the real router: the emailed link, its expiry, tampering, reuse,
//! an email change, two uses at once, that unknown emails are answered like known ones, and
//! the mail queue's delivery, retries and failures.

use crate::support::{Backend, TestServer, start, start_on, start_with_mailer};
use app::mail::{
    mailer::{MailConfig, Mailer, SmtpTls},
    queue::{Outcome, RetryPolicy, deliver_due},
    repo::{counts, list_undelivered},
};
use app::{
    auth::repo::find_credentials_by_email, reset::token::issue_token,
    server_only::secret::load_secret_key,
};
use chrono::{Duration, Utc};

async fn request_reset(server: &TestServer, email: &str) -> crate::support::Response {
    server
        .post_form("/api/request_password_reset", &[("email", email)], None)
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

/// Delivers the queued mail, then reads the token in the one reset email in the outbox. The
/// body is quoted-printable, so long lines carry soft breaks (`=` at the end of a line) that a
/// mail reader removes.
async fn emailed_token(server: &TestServer) -> String {
    server.deliver_mail().await;
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

async fn reset(server: &TestServer, token: &str, password: &str) -> crate::support::Response {
    let form = [
        ("token", token),
        ("password", password),
        ("confirm_password", password),
    ];
    server.post_form("/api/reset_password", &form, None).await
}

fn is_invalid_token_answer(response: &crate::support::Response) -> bool {
    response.header("location") == Some("/reset_password")
        && response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("invalid%20or%20expired%20token"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_email_carries_a_link_that_sets_a_new_password() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server).await;
    assert!(outbox(&server)[0].contains("Subject: Password Reset Request"));
    let page = server
        .get_with_cookie(&format!("/reset_password/{token}"), "")
        .await;
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
        server
            .login_as("C@demo.com", "brand-new-pass")
            .await
            .is_some()
    );
    assert!(server.login_as("C@demo.com", "password").await.is_none());
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
    assert_eq!(
        server.deliver_mail().await,
        vec![Outcome::Sent, Outcome::Dropped],
        "both requests were queued alike; only the real account gets mail"
    );
    assert_eq!(outbox(&server).len(), 1);
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
        "C@demo.com",
        Utc::now() - Duration::minutes(31),
    );
    assert!(is_invalid_token_answer(
        &reset(&server, &old, "brand-new-pass").await
    ));
    assert!(server.login_as("C@demo.com", "password").await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_token_is_refused() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let mut token = emailed_token(&server).await;
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
    let token = emailed_token(&server).await;
    reset(&server, &token, "brand-new-pass").await;
    assert!(is_invalid_token_answer(
        &reset(&server, &token, "another-pass-1").await
    ));
    assert!(
        server
            .login_as("C@demo.com", "brand-new-pass")
            .await
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_dies_when_the_password_is_changed_another_way() {
    let server = start().await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server).await;
    let session = server.as_corey().await;
    let form = [
        ("current_password", "password"),
        ("new_password", "changed-123"),
        ("confirm_password", "changed-123"),
    ];
    server
        .post_form("/api/change_password", &form, Some(&session))
        .await;
    assert!(is_invalid_token_answer(
        &reset(&server, &token, "brand-new-pass").await
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_page_goes_back_to_the_request_form() {
    let server = start().await;
    let long = "x".repeat(3000);
    for token in ["nonsense", "1.2.3", long.as_str(), "%F0%9F%92%A9"] {
        let response = server
            .request(
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
    let token = emailed_token(&server).await;
    let form = [
        ("token", token.as_str()),
        ("password", "short"),
        ("confirm_password", "short"),
    ];
    let response = server.post_form("/api/reset_password", &form, None).await;
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
    let session = server.as_corey().await;
    let response = server.get_with_cookie("/reset_password", &session).await;
    assert_eq!(
        (response.status, response.header("location")),
        (302, Some("/"))
    );
}

fn unreachable_smtp(dir: &std::path::Path) -> Mailer {
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_is_kept_for_a_retry_and_the_user_sees_the_usual_answer() {
    let server = start_with_mailer(unreachable_smtp).await;
    let response = request_reset(&server, "C@demo.com").await;
    assert_eq!(response.header("location"), Some("/login"));
    assert!(
        response
            .cookie("quire_flash")
            .is_some_and(|c| c.contains("If%20an%20account%20exists"))
    );
    assert_eq!(server.deliver_mail().await, vec![Outcome::Retrying]);
    let queued = list_undelivered(&server.db).await.expect("query");
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].attempts, 1);
    assert!(queued[0].last_error.is_some());
    assert!(queued[0].failed_at.is_none());
    assert!(server.login_as("C@demo.com", "password").await.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_keeps_failing_is_kept_as_failed() {
    let server = start_with_mailer(unreachable_smtp).await;
    request_reset(&server, "C@demo.com").await;
    let policy = RetryPolicy {
        first_delay_secs: 0,
        max_attempts: 2,
        ..RetryPolicy::default()
    };
    let outcomes = deliver_due(&server.state, &policy).await.expect("queue");
    assert_eq!(outcomes, vec![Outcome::Retrying, Outcome::Failed]);
    let status = counts(&server.db).await.expect("counts");
    assert_eq!((status.queued, status.sent, status.failed), (0, 0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_task_delivers_queued_mail() {
    let server = start().await;
    app::background::spawn_background(
        &server.state,
        RetryPolicy {
            poll: std::time::Duration::from_millis(50),
            ..RetryPolicy::default()
        },
    );
    request_reset(&server, "C@demo.com").await;
    for _ in 0..100 {
        if !outbox(&server).is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(outbox(&server).len(), 1);
    assert_eq!(counts(&server.db).await.expect("counts").sent, 1);
}

async fn a_queued_message_is_delivered_by_one_instance_only(backend: Backend) {
    let first = start_on(&backend).await;
    let second = crate::support::start_second(&first).await;
    request_reset(&first, "C@demo.com").await;
    let (a, b) = tokio::join!(first.deliver_mail(), second.deliver_mail());
    assert_eq!(a.len() + b.len(), 1, "{a:?} {b:?}");
}

async fn a_link_sent_before_an_email_change_stops_working(backend: Backend) {
    let server = start_on(&backend).await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server).await;
    let session = server.as_corey().await;
    let form = [
        ("username", "Corey"),
        ("email", "corey@new.example"),
        ("current_password", "password"),
    ];
    let changed = server
        .post_form("/api/update_account", &form, Some(&session))
        .await;
    assert_eq!(
        changed.header("location"),
        Some("/account"),
        "{}",
        changed.body
    );
    assert!(is_invalid_token_answer(
        &reset(&server, &token, "brand-new-pass").await
    ));
    assert!(
        server
            .login_as("corey@new.example", "password")
            .await
            .is_some()
    );
}

async fn one_link_used_twice_at_once_succeeds_once(backend: Backend) {
    let server = start_on(&backend).await;
    request_reset(&server, "C@demo.com").await;
    let token = emailed_token(&server).await;
    let (a, b) = tokio::join!(
        reset(&server, &token, "first-new-pass"),
        reset(&server, &token, "second-new-pass")
    );
    let successes = [&a, &b]
        .iter()
        .filter(|r| r.header("location") == Some("/login"))
        .count();
    let refusals = [&a, &b]
        .iter()
        .filter(|r| is_invalid_token_answer(r))
        .count();
    assert_eq!((successes, refusals), (1, 1));
    let first = server
        .login_as("C@demo.com", "first-new-pass")
        .await
        .is_some();
    let second = server
        .login_as("C@demo.com", "second-new-pass")
        .await
        .is_some();
    assert!(first != second, "exactly one new password holds");
}

async fn a_reset_asked_in_another_case_is_mailed_to_the_stored_address(backend: Backend) {
    let server = start_on(&backend).await;
    request_reset(&server, "c@DEMO.COM").await;
    server.deliver_mail().await;
    let mails = outbox(&server);
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: C@demo.com"), "{}", mails[0]);
    assert!(!mails[0].contains("DEMO.COM"), "{}", mails[0]);
}

async fn a_look_alike_address_gets_no_reset_link(backend: Backend) {
    let server = start_on(&backend).await;
    server.register("victim", "victim@gmail.com").await;
    request_reset(&server, "victim@gma\u{130}l.com").await;
    assert_eq!(server.deliver_mail().await, [Outcome::Dropped]);
    assert!(outbox(&server).is_empty(), "{:?}", outbox(&server));
}

async fn a_look_alike_address_does_not_log_in(backend: Backend) {
    let server = start_on(&backend).await;
    server.register("victim", "victim@gmail.com").await;
    assert!(
        server
            .login_as("victim@gma\u{130}l.com", "secret123")
            .await
            .is_none()
    );
}

on_both_backends!(
    a_reset_asked_in_another_case_is_mailed_to_the_stored_address,
    a_look_alike_address_gets_no_reset_link,
    a_look_alike_address_does_not_log_in,
    one_link_used_twice_at_once_succeeds_once,
    a_queued_message_is_delivered_by_one_instance_only,
    a_link_sent_before_an_email_change_stops_working,
);
