//! Sessions that end with the password, a stolen session changing the email, and the cookies'
//! flags behind https.

use super::*;

async fn changing_the_password_ends_the_other_sessions_and_rotates_this_one(backend: Backend) {
    let server = start_on(&backend).await;
    let here = server.as_corey().await;
    let elsewhere = server.as_corey().await;
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
    let session = server.as_corey().await;
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
    let session = server.as_corey().await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_secure_cookies_both_cookies_are_secure_and_host_prefixed() {
    let server = start_with(Options {
        secure_cookies: true,
        ..Options::default()
    })
    .await;
    let signed_up = server.register("alice", "alice@example.com").await;
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

on_both_backends!(
    changing_the_password_ends_the_other_sessions_and_rotates_this_one,
    a_stolen_session_cannot_change_the_email_without_the_password,
);
