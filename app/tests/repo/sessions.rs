//! Passwords and log-in sessions: replacing a password, sessions only for the verified one, and
//! the session's user read with the totals.

use super::*;

on_both_backends!(
    a_password_is_replaced_only_if_it_is_unchanged,
    a_log_in_verified_against_a_replaced_password_starts_no_session,
    a_log_in_rehash_never_writes_back_a_replaced_password,
    a_log_in_verified_against_the_current_password_starts_a_session_and_rehashes,
    the_totals_read_with_a_running_session_carry_its_user,
    the_totals_read_with_an_expired_session_carry_no_user,
);

async fn a_password_is_replaced_only_if_it_is_unchanged(db: Db) {
    use app::auth::repo::{find_password_hash, replace_password_if_unchanged};
    let user = add_user(&db, "alice").await;
    assert!(
        replace_password_if_unchanged(&db, user.id, HASH, "$argon2id$first")
            .await
            .expect("first")
    );
    assert!(
        !replace_password_if_unchanged(&db, user.id, HASH, "$argon2id$second")
            .await
            .expect("second")
    );
    assert_eq!(
        find_password_hash(&db, user.id)
            .await
            .expect("query")
            .as_deref(),
        Some("$argon2id$first")
    );
}

/// Stores a log-in session for `user_id` as [`app::auth::repo::store_session`] does after a
/// password check against `verified`; true when it was stored.
async fn log_in(db: &Db, user_id: i64, verified: &str, rehash: Option<&str>) -> bool {
    use app::auth::repo::{Replacing, store_session};
    let now = Utc::now();
    store_session(
        db,
        Replacing::LogIn {
            old: None,
            verified,
            rehash,
        },
        &format!("{:064x}", now.timestamp_micros()),
        user_id,
        now,
        now + Duration::hours(1),
    )
    .await
    .expect("store session")
}

async fn a_log_in_verified_against_a_replaced_password_starts_no_session(db: Db) {
    use app::auth::repo::{count_sessions_for_user, replace_password_if_unchanged};
    let user = add_user(&db, "alice").await;
    // The reset lands between the log-in's password check and its session.
    assert!(
        replace_password_if_unchanged(&db, user.id, HASH, "$argon2id$reset")
            .await
            .expect("reset")
    );
    assert!(!log_in(&db, user.id, HASH, None).await);
    assert_eq!(
        count_sessions_for_user(&db, user.id).await.expect("count"),
        0
    );
}

async fn a_log_in_rehash_never_writes_back_a_replaced_password(db: Db) {
    use app::auth::repo::{find_password_hash, replace_password_if_unchanged};
    let user = add_user(&db, "alice").await;
    assert!(
        replace_password_if_unchanged(&db, user.id, HASH, "$argon2id$reset")
            .await
            .expect("reset")
    );
    assert!(!log_in(&db, user.id, HASH, Some("$argon2id$rehash-of-old")).await);
    assert_eq!(
        find_password_hash(&db, user.id)
            .await
            .expect("query")
            .as_deref(),
        Some("$argon2id$reset")
    );
}

async fn a_log_in_verified_against_the_current_password_starts_a_session_and_rehashes(db: Db) {
    use app::auth::repo::{count_sessions_for_user, find_password_hash};
    let user = add_user(&db, "alice").await;
    assert!(log_in(&db, user.id, HASH, Some("$argon2id$rehashed")).await);
    assert_eq!(
        count_sessions_for_user(&db, user.id).await.expect("count"),
        1
    );
    assert_eq!(
        find_password_hash(&db, user.id)
            .await
            .expect("query")
            .as_deref(),
        Some("$argon2id$rehashed")
    );
}

/// Stores session `id` for `user_id`, ending at `expires_at`.
async fn store_session_until(db: &Db, user_id: i64, id: &str, expires_at: chrono::DateTime<Utc>) {
    use app::auth::repo::{Replacing, store_session};
    let started = store_session(
        db,
        Replacing::LogIn {
            old: None,
            verified: HASH,
            rehash: None,
        },
        id,
        user_id,
        expires_at - Duration::hours(1),
        expires_at,
    )
    .await
    .expect("store session");
    assert!(started);
}

async fn the_totals_read_with_a_running_session_carry_its_user(db: Db) {
    use app::server_only::totals::{read_totals, read_totals_and_session_user};
    let user = add_user(&db, "alice").await;
    let id = app::auth::session::token_id("running");
    store_session_until(&db, user.id, &id, Utc::now() + Duration::hours(1)).await;
    let (totals, found) = read_totals_and_session_user(&db, &id, Utc::now())
        .await
        .expect("read");
    assert_eq!(totals, read_totals(&db).await.expect("totals"));
    assert_eq!(found.map(|found| found.username), Some("alice".to_owned()));
}

async fn the_totals_read_with_an_expired_session_carry_no_user(db: Db) {
    use app::server_only::totals::read_totals_and_session_user;
    let user = add_user(&db, "alice").await;
    let id = app::auth::session::token_id("expired");
    store_session_until(&db, user.id, &id, Utc::now() - Duration::minutes(1)).await;
    let (totals, found) = read_totals_and_session_user(&db, &id, Utc::now())
        .await
        .expect("read");
    assert_eq!(totals.users, 1);
    assert!(found.is_none());
}
