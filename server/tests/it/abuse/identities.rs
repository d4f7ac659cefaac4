//! One person, one account: emails and usernames that differ only in case, width or look.

use super::*;

async fn a_case_changed_email_logs_in(backend: Backend) {
    let server = start_on(&backend).await;
    assert!(server.login_as("c@DEMO.com", "password").await.is_some());
}

async fn an_email_differing_only_in_case_cannot_sign_up_again(backend: Backend) {
    let server = start_on(&backend).await;
    let response = server.register("someone", "c@demo.COM").await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("That email is taken"),
        "{}",
        response.body
    );
}

async fn a_username_differing_only_in_case_cannot_sign_up_again(backend: Backend) {
    let server = start_on(&backend).await;
    let response = server.register("corey", "other@example.com").await;
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
    let response = server.register("\u{FF23}orey", "other@example.com").await;
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
    let response = server.register("..", "dots@example.com").await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains("at least one letter or digit"),
        "{}",
        response.body
    );
}

on_both_backends!(
    a_case_changed_email_logs_in,
    an_email_differing_only_in_case_cannot_sign_up_again,
    a_username_differing_only_in_case_cannot_sign_up_again,
);
