//! Repository tests against real databases: every scenario runs on a fresh SQLite file and,
//! when `TEST_POSTGRES_URL` is set, in a fresh Postgres schema.

use std::{
    str::FromStr,
    sync::atomic::{AtomicUsize, Ordering},
};

use app::{
    posts::{
        model::NewPost,
        repo::{self as posts, PostRecord},
    },
    search::{model as search_model, repo as search},
    server_only::db::{Db, DbError},
    server_only::seed::{SeedError, seed_demo, seed_sample},
    users::repo::{self as users, UserRecord},
};
use chrono::{Duration, TimeZone, Utc};
use sqlx::{AssertSqlSafe, postgres::PgConnectOptions, sqlite::SqliteConnectOptions};
use tempfile::TempDir;

/// A fresh, migrated database that is removed when the test ends.
struct TestDb {
    db: Db,
    _dir: Option<TempDir>,
}

async fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = SqliteConnectOptions::from_str("sqlite://test.db")
        .expect("sqlite url")
        .filename(dir.path().join("test.db"));
    let db = Db::connect_sqlite(options).await.expect("open sqlite");
    db.migrate().await.expect("migrate sqlite");
    TestDb {
        db,
        _dir: Some(dir),
    }
}

/// A new schema in the Postgres database at `TEST_POSTGRES_URL`, or `None` when it is unset.
async fn postgres_db() -> Option<TestDb> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let url = std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let schema = format!(
        "quire_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        Utc::now().timestamp_micros()
    );
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    sqlx::query(AssertSqlSafe(format!("create schema {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let options = PgConnectOptions::from_str(&url)
        .expect("postgres url")
        .options([("search_path", schema)]);
    let db = Db::connect_postgres(options).await.expect("open postgres");
    db.migrate().await.expect("migrate postgres");
    Some(TestDb { db, _dir: None })
}

/// Runs each scenario `fn(Db)` once per backend: `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let test_db = super::sqlite_db().await;
                    super::$scenario(test_db.db.clone()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let Some(test_db) = super::postgres_db().await else {
                        eprintln!("skipped: TEST_POSTGRES_URL is not set");
                        return;
                    };
                    super::$scenario(test_db.db.clone()).await;
                    if let app::server_only::db::Db::Postgres(pool) = &test_db.db {
                        let schema: Option<String> = sqlx::query_scalar("select current_schema()").fetch_one(pool).await.ok();
                        if let Some(schema) = schema {
                            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("drop schema if exists {schema} cascade"))).execute(pool).await;
                        }
                    }
                }
            )*
        }
    };
}

on_both_backends!(
    a_new_database_is_empty,
    an_inserted_user_gets_the_default_avatar,
    a_duplicate_username_is_reported_as_taken_username,
    a_duplicate_email_is_reported_as_taken_email,
    the_database_rejects_a_21_character_username,
    the_database_rejects_a_101_character_title,
    users_are_found_by_id_username_and_email,
    first_user_and_all_users_follow_registration_order,
    a_page_of_posts_is_newest_first_with_authors,
    the_last_page_holds_the_oldest_posts,
    an_authors_posts_are_paginated_and_counted,
    a_post_is_found_with_its_author,
    a_post_for_a_missing_user_is_rejected,
    user_summaries_count_each_users_posts,
    the_sample_seed_creates_two_users_and_two_posts,
    seeding_a_non_empty_database_is_refused,
    the_demo_seed_creates_the_requested_counts,
    drop_all_then_migrate_gives_an_empty_schema,
    a_post_date_round_trips_exactly,
    an_email_differing_only_in_case_is_taken,
    a_username_differing_only_in_case_is_taken,
    a_rate_limit_counts_hits_and_restarts_after_its_window,
    expired_rate_limit_counters_are_swept,
    a_claimed_message_is_not_claimed_again_while_leased,
    a_password_is_replaced_only_if_it_is_unchanged,
    a_log_in_verified_against_a_replaced_password_starts_no_session,
    a_log_in_rehash_never_writes_back_a_replaced_password,
    a_log_in_verified_against_the_current_password_starts_a_session_and_rehashes,
    a_look_alike_email_is_another_identity,
    a_compatibility_form_of_a_username_is_the_same_identity,
    accounts_written_before_identity_keys_get_them_when_migrated,
    every_page_read_from_either_end_matches_the_newest_first_order,
    pages_far_from_both_ends_match_the_newest_first_order,
    kept_day_counts_match_the_rows_after_parallel_creates_and_deletes,
    kept_day_counts_follow_a_deleted_user,
    kept_totals_match_the_rows_after_parallel_creates_and_deletes,
    kept_totals_follow_a_deleted_user,
    users_are_listed_a_page_at_a_time_by_name_regardless_of_case,
    the_change_stamp_moves_with_every_write_to_a_post,
    the_change_stamp_moves_when_a_user_changes,
    the_totals_read_with_the_stamp_match_the_rows,
    search_finds_title_matches_before_content_matches,
    search_counts_every_match_beyond_the_page,
    search_past_the_last_page_still_counts_the_matches,
    search_follows_updates_and_deletes,
    search_marks_the_matched_words_in_the_snippet,
    search_takes_query_syntax_literally,
);

const HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

async fn add_user(db: &Db, username: &str) -> app::users::model::User {
    let email = format!("{username}@example.com");
    users::insert_user(
        db,
        &UserRecord {
            username,
            email: &email,
            password_hash: HASH,
        },
    )
    .await
    .expect("insert user")
}

/// Inserts `count` posts by `user_id`, one day apart, numbered from 1 (the oldest).
async fn add_posts(db: &Db, user_id: i64, count: usize) {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .expect("date");
    let titles: Vec<String> = (1..=count).map(|i| format!("Post {i}")).collect();
    let records: Vec<PostRecord> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| PostRecord {
            title,
            content: "text",
            date_posted: start + Duration::days(i as i64),
            user_id,
        })
        .collect();
    posts::insert_posts(db, &records)
        .await
        .expect("insert posts");
}

async fn a_new_database_is_empty(db: Db) {
    assert_eq!(users::count_users(&db).await.expect("count users"), 0);
    assert_eq!(posts::count_posts(&db).await.expect("count posts"), 0);
}

async fn an_inserted_user_gets_the_default_avatar(db: Db) {
    let user = add_user(&db, "Corey").await;
    assert_eq!(
        (user.username.as_str(), user.image_file.as_str()),
        ("Corey", "default.jpg")
    );
}

async fn a_duplicate_username_is_reported_as_taken_username(db: Db) {
    add_user(&db, "Corey").await;
    let err = users::insert_user(
        &db,
        &UserRecord {
            username: "Corey",
            email: "other@example.com",
            password_hash: HASH,
        },
    )
    .await
    .expect_err("duplicate username");
    assert!(matches!(err, DbError::Taken("username")), "{err:?}");
}

async fn a_duplicate_email_is_reported_as_taken_email(db: Db) {
    add_user(&db, "Corey").await;
    let err = users::insert_user(
        &db,
        &UserRecord {
            username: "Other",
            email: "Corey@example.com",
            password_hash: HASH,
        },
    )
    .await
    .expect_err("duplicate email");
    assert!(matches!(err, DbError::Taken("email")), "{err:?}");
}

async fn the_database_rejects_a_21_character_username(db: Db) {
    let name = "u".repeat(21);
    let result = users::insert_user(
        &db,
        &UserRecord {
            username: &name,
            email: "a@example.com",
            password_hash: HASH,
        },
    )
    .await;
    assert!(matches!(result, Err(DbError::Query(_))), "{result:?}");
    assert_eq!(users::count_users(&db).await.expect("count"), 0);
}

async fn the_database_rejects_a_101_character_title(db: Db) {
    let user = add_user(&db, "Corey").await;
    let post = NewPost {
        title: "t".repeat(101),
        content: "text".into(),
    };
    assert!(posts::insert_post(&db, user.id, &post).await.is_err());
    assert_eq!(posts::count_posts(&db).await.expect("count"), 0);
}

async fn users_are_found_by_id_username_and_email(db: Db) {
    let user = add_user(&db, "Corey").await;
    assert_eq!(
        users::find_user_by_id(&db, user.id).await.expect("by id"),
        Some(user.clone())
    );
    assert_eq!(
        users::find_user_by_username(&db, "Corey")
            .await
            .expect("by name"),
        Some(user.clone())
    );
    assert_eq!(
        users::find_user_by_email(&db, "Corey@example.com")
            .await
            .expect("by email"),
        Some(user)
    );
    assert_eq!(
        users::find_user_by_username(&db, "nobody")
            .await
            .expect("missing"),
        None
    );
}

async fn first_user_and_all_users_follow_registration_order(db: Db) {
    let first = add_user(&db, "Corey").await;
    let second = add_user(&db, "JohnDoe").await;
    assert_eq!(
        users::first_user(&db).await.expect("first"),
        Some(first.clone())
    );
    assert_eq!(
        users::all_users(&db).await.expect("all"),
        vec![first, second]
    );
}

async fn a_page_of_posts_is_newest_first_with_authors(db: Db) {
    let user = add_user(&db, "Corey").await;
    add_posts(&db, user.id, 12).await;
    let page = posts::list_posts_page(&db, 5, 0, 12).await.expect("page");
    let titles: Vec<&str> = page.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Post 12", "Post 11", "Post 10", "Post 9", "Post 8"]
    );
    assert!(page.iter().all(|p| p.author.username == "Corey"));
}

async fn the_last_page_holds_the_oldest_posts(db: Db) {
    let user = add_user(&db, "Corey").await;
    add_posts(&db, user.id, 12).await;
    let page = posts::list_posts_page(&db, 5, 10, 12).await.expect("page");
    let titles: Vec<&str> = page.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Post 2", "Post 1"]);
}

async fn an_authors_posts_are_paginated_and_counted(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    add_posts(&db, corey.id, 7).await;
    add_posts(&db, john.id, 3).await;
    assert_eq!(
        posts::count_posts_by_author(&db, john.id)
            .await
            .expect("count"),
        3
    );
    let page = posts::list_posts_by_author(&db, corey.id, 5, 5, 7)
        .await
        .expect("page");
    let titles: Vec<&str> = page.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Post 2", "Post 1"]);
}

async fn a_post_is_found_with_its_author(db: Db) {
    let user = add_user(&db, "Corey").await;
    let id = posts::insert_post(
        &db,
        user.id,
        &NewPost {
            title: "Blog 1".into(),
            content: "Hi".into(),
        },
    )
    .await
    .expect("insert");
    let post = posts::find_post(&db, id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(
        (post.title.as_str(), post.author.username.as_str()),
        ("Blog 1", "Corey")
    );
    assert_eq!(
        posts::find_post(&db, id + 1000)
            .await
            .expect("find missing"),
        None
    );
}

async fn a_post_for_a_missing_user_is_rejected(db: Db) {
    let result = posts::insert_post(
        &db,
        4242,
        &NewPost {
            title: "Orphan".into(),
            content: "x".into(),
        },
    )
    .await;
    assert!(result.is_err());
}

async fn user_summaries_count_each_users_posts(db: Db) {
    let corey = add_user(&db, "Corey").await;
    add_user(&db, "JohnDoe").await;
    add_posts(&db, corey.id, 4).await;
    let summaries = users::list_user_summaries(&db, 20, 0)
        .await
        .expect("summaries");
    let counts: Vec<(&str, i64)> = summaries
        .iter()
        .map(|s| (s.username.as_str(), s.post_count))
        .collect();
    assert_eq!(counts, [("Corey", 4), ("JohnDoe", 0)]);
}

async fn the_sample_seed_creates_two_users_and_two_posts(db: Db) {
    seed_sample(&db).await.expect("seed");
    let corey = users::find_user_by_username(&db, "Corey")
        .await
        .expect("find")
        .expect("Corey");
    assert_eq!(users::count_users(&db).await.expect("users"), 2);
    let titles: Vec<String> = posts::list_posts_by_author(&db, corey.id, 5, 0, 2)
        .await
        .expect("posts")
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(titles, ["Blog 2", "Blog 1"]);
}

async fn seeding_a_non_empty_database_is_refused(db: Db) {
    seed_sample(&db).await.expect("first seed");
    assert!(matches!(
        seed_sample(&db).await,
        Err(SeedError::NotEmpty(2))
    ));
}

async fn the_demo_seed_creates_the_requested_counts(db: Db) {
    let report = seed_demo(&db, 3, 2500).await.expect("seed");
    assert_eq!((report.users, report.posts), (3, 2500));
    assert_eq!(posts::count_posts(&db).await.expect("count"), 2500);
    let newest = posts::list_posts_page(&db, 1, 0, 2500).await.expect("page");
    assert_eq!(
        newest.first().map(|p| p.title.as_str()),
        Some("Post 2500 on jazz")
    );
}

async fn drop_all_then_migrate_gives_an_empty_schema(db: Db) {
    seed_sample(&db).await.expect("seed");
    db.drop_all().await.expect("drop");
    db.migrate().await.expect("migrate");
    assert_eq!(users::count_users(&db).await.expect("count"), 0);
}

async fn a_post_date_round_trips_exactly(db: Db) {
    let user = add_user(&db, "Corey").await;
    let before = app::server_only::clock::now();
    let id = posts::insert_post(
        &db,
        user.id,
        &NewPost {
            title: "Now".into(),
            content: "x".into(),
        },
    )
    .await
    .expect("insert");
    let post = posts::find_post(&db, id)
        .await
        .expect("find")
        .expect("exists");
    assert!(post.date_posted >= before && post.date_posted <= app::server_only::clock::now());
}

async fn an_email_differing_only_in_case_is_taken(db: Db) {
    add_user(&db, "alice").await;
    let record = UserRecord {
        username: "bob",
        email: "ALICE@Example.com",
        password_hash: HASH,
    };
    assert!(matches!(
        users::insert_user(&db, &record).await,
        Err(DbError::Taken("email"))
    ));
}

async fn a_username_differing_only_in_case_is_taken(db: Db) {
    add_user(&db, "alice").await;
    let record = UserRecord {
        username: "ALICE",
        email: "other@example.com",
        password_hash: HASH,
    };
    assert!(matches!(
        users::insert_user(&db, &record).await,
        Err(DbError::Taken("username"))
    ));
}

async fn a_rate_limit_counts_hits_and_restarts_after_its_window(db: Db) {
    use app::server_only::rate_limit::repo::hit;
    assert_eq!(hit(&db, "k", 1000, 60).await.expect("hit").hits, 1);
    assert_eq!(hit(&db, "k", 1010, 60).await.expect("hit").hits, 2);
    let restarted = hit(&db, "k", 1060, 60).await.expect("hit");
    assert_eq!((restarted.hits, restarted.window_start), (1, 1060));
}

async fn expired_rate_limit_counters_are_swept(db: Db) {
    use app::server_only::rate_limit::repo::{delete_expired, hit};
    hit(&db, "old", 1000, 60).await.expect("hit");
    hit(&db, "new", 5000, 60).await.expect("hit");
    assert_eq!(delete_expired(&db, 4000).await.expect("sweep"), 1);
    assert_eq!(hit(&db, "new", 5001, 60).await.expect("hit").hits, 2);
}

async fn a_claimed_message_is_not_claimed_again_while_leased(db: Db) {
    use app::server_only::mail_queue::repo::{claim_due, enqueue};
    let id = enqueue(&db, "password_reset", "c@demo.com", 100)
        .await
        .expect("enqueue");
    let claimed = claim_due(&db, 100, 400).await.expect("claim").expect("due");
    assert_eq!((claimed.id, claimed.attempts), (id, 1));
    assert_eq!(claim_due(&db, 200, 500).await.expect("claim"), None);
    let reclaimed = claim_due(&db, 401, 700)
        .await
        .expect("claim")
        .expect("lease ended");
    assert_eq!(reclaimed.attempts, 2);
}

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

async fn a_look_alike_email_is_another_identity(db: Db) {
    add_user(&db, "victim").await;
    let found = users::find_user_by_email(&db, "victim@example.co\u{6D}")
        .await
        .expect("query");
    assert!(found.is_some());
    let look_alike = users::find_user_by_email(&db, "v\u{130}ctim@example.com")
        .await
        .expect("query");
    assert!(look_alike.is_none(), "{look_alike:?}");
    let sign_up = users::insert_user(
        &db,
        &UserRecord {
            username: "other",
            email: "V\u{130}CTIM@example.com",
            password_hash: HASH,
        },
    )
    .await;
    assert!(sign_up.is_ok(), "{sign_up:?}");
}

async fn a_compatibility_form_of_a_username_is_the_same_identity(db: Db) {
    add_user(&db, "corey").await;
    let found = users::find_user_by_username(&db, "\u{FF23}OREY")
        .await
        .expect("query");
    assert_eq!(found.map(|user| user.username).as_deref(), Some("corey"));
}

async fn accounts_written_before_identity_keys_get_them_when_migrated(db: Db) {
    let user = add_user(&db, "Alice").await;
    let forget = "update users set username_key = null, email_key = null";
    match &db {
        Db::Sqlite(pool) => sqlx::query(forget).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(forget).execute(pool).await.map(|_| ()),
    }
    .expect("forget the keys");
    assert!(
        users::find_user_by_email(&db, "ALICE@example.com")
            .await
            .expect("query")
            .is_none()
    );
    db.migrate().await.expect("migrate again");
    let found = users::find_user_by_email(&db, "ALICE@example.com")
        .await
        .expect("query");
    assert_eq!(found.map(|found| found.id), Some(user.id));
}

async fn every_page_read_from_either_end_matches_the_newest_first_order(db: Db) {
    let user = add_user(&db, "Corey").await;
    add_posts(&db, user.id, 23).await;
    let mut seen = Vec::new();
    for offset in (0..23).step_by(5) {
        let page = posts::list_posts_page(&db, 5, offset, 23)
            .await
            .expect("page");
        let by_author = posts::list_posts_by_author(&db, user.id, 5, offset, 23)
            .await
            .expect("page");
        assert_eq!(page, by_author);
        seen.extend(page.into_iter().map(|p| p.title));
    }
    let expected: Vec<String> = (1..=23).rev().map(|n| format!("Post {n}")).collect();
    assert_eq!(seen, expected);
}

/// Every post id, newest first, as a plain sort of the whole table gives them.
async fn ids_newest_first(db: &Db, user_id: Option<i64>) -> Vec<i64> {
    app::with_pool!(db, |pool| sqlx::query_scalar(
        "select id from posts where $1 is null or user_id = $1 order by date_posted desc, id desc"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)
    .expect("ids")
}

/// Inserts `count` posts alternating between two authors, `minutes` apart, several sharing one
/// instant and some falling exactly on midnight.
async fn add_crowded_posts(db: &Db, authors: [i64; 2], count: usize, minutes: i64) {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let titles: Vec<String> = (0..count).map(|i| format!("Crowded {i}")).collect();
    let records: Vec<PostRecord> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| PostRecord {
            title,
            content: "text",
            // Pairs of posts share an instant, so ties are broken by id.
            date_posted: start + Duration::minutes(minutes * (i as i64 / 2)),
            user_id: authors[i % 2],
        })
        .collect();
    for batch in records.chunks(1_000) {
        posts::insert_posts(db, batch).await.expect("insert posts");
    }
}

async fn pages_far_from_both_ends_match_the_newest_first_order(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    add_crowded_posts(&db, [corey.id, john.id], 12_000, 15).await;
    let all = ids_newest_first(&db, None).await;
    let coreys = ids_newest_first(&db, Some(corey.id)).await;
    let ids =
        |page: Vec<app::posts::model::Post>| page.into_iter().map(|p| p.id).collect::<Vec<_>>();
    for offset in (0..12_000).step_by(997) {
        let page = posts::list_posts_page(&db, 5, offset, 12_000)
            .await
            .expect("page");
        assert_eq!(
            ids(page),
            all[offset as usize..offset as usize + 5],
            "offset {offset}"
        );
    }
    for offset in (0..6_000).step_by(499) {
        let page = posts::list_posts_by_author(&db, corey.id, 5, offset, 6_000)
            .await
            .expect("page");
        let end = (offset as usize + 5).min(6_000);
        assert_eq!(
            ids(page),
            coreys[offset as usize..end],
            "author offset {offset}"
        );
    }
}

/// The per-day counts summed: all posts, and each of these authors' posts.
async fn day_count_sums(db: &Db, authors: &[i64]) -> (i64, Vec<i64>) {
    let all: i64 = app::with_pool!(db, |pool| sqlx::query_scalar(
        "select cast(coalesce(sum(posts), 0) as bigint) from post_days"
    )
    .fetch_one(pool)
    .await)
    .expect("post days");
    let mut by_author = Vec::new();
    for author in authors {
        let sum: i64 = app::with_pool!(db, |pool| sqlx::query_scalar(
            "select cast(coalesce(sum(posts), 0) as bigint) from author_days where user_id = $1"
        )
        .bind(author)
        .fetch_one(pool)
        .await)
        .expect("author days");
        by_author.push(sum);
    }
    (all, by_author)
}

/// Eight writers at once, alternating between two authors, each creating 10 posts and deleting
/// every third one it created: 48 posts remain.
async fn write_in_parallel(db: &Db, authors: [i64; 2]) {
    let mut writers = tokio::task::JoinSet::new();
    for writer in 0..8_i64 {
        let db = db.clone();
        let author = authors[(writer % 2) as usize];
        writers.spawn(async move {
            for n in 0..10 {
                let post = NewPost {
                    title: format!("Writer {writer} post {n}"),
                    content: "Counted.".into(),
                };
                let id = posts::insert_post(&db, author, &post)
                    .await
                    .expect("insert");
                if n % 3 == 0 {
                    assert!(posts::delete_post(&db, id).await.expect("delete"));
                }
            }
        });
    }
    writers.join_all().await;
}

async fn kept_day_counts_match_the_rows_after_parallel_creates_and_deletes(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    add_crowded_posts(&db, [corey.id, john.id], 40, 700).await;
    write_in_parallel(&db, [corey.id, john.id]).await;
    let rows = posts::count_post_rows(&db).await.expect("rows");
    let per_author = [
        ids_newest_first(&db, Some(corey.id)).await.len() as i64,
        ids_newest_first(&db, Some(john.id)).await.len() as i64,
    ];
    assert_eq!(
        day_count_sums(&db, &[corey.id, john.id]).await,
        (rows, per_author.to_vec())
    );
}

async fn kept_day_counts_follow_a_deleted_user(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    add_crowded_posts(&db, [corey.id, john.id], 300, 60).await;
    app::with_pool!(&db, |pool| sqlx::query("delete from users where id = $1")
        .bind(corey.id)
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("delete user");
    let empty_rows: i64 = app::with_pool!(&db, |pool| sqlx::query_scalar(
        "select (select count(*) from author_days where user_id = $1) \
         + (select count(*) from post_days where posts = 0)"
    )
    .bind(corey.id)
    .fetch_one(pool)
    .await)
    .expect("empty rows");
    assert_eq!(empty_rows, 0);
    assert_eq!(day_count_sums(&db, &[john.id]).await, (150, vec![150]));
}

async fn kept_totals_match_the_rows_after_parallel_creates_and_deletes(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    write_in_parallel(&db, [corey.id, john.id]).await;
    let rows = posts::count_post_rows(&db).await.expect("rows");
    assert_eq!(rows, 8 * 6);
    assert_eq!(posts::count_posts(&db).await.expect("total"), rows);
    let by_authors = posts::count_posts_by_author(&db, corey.id)
        .await
        .expect("corey")
        + posts::count_posts_by_author(&db, john.id)
            .await
            .expect("john");
    assert_eq!(by_authors, rows);
    assert_eq!(users::count_users(&db).await.expect("users"), 2);
}

async fn kept_totals_follow_a_deleted_user(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    add_posts(&db, corey.id, 4).await;
    add_posts(&db, john.id, 3).await;
    app::with_pool!(&db, |pool| sqlx::query("delete from users where id = $1")
        .bind(corey.id)
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("delete user");
    assert_eq!(posts::count_posts(&db).await.expect("total"), 3);
    assert_eq!(users::count_users(&db).await.expect("users"), 1);
}

async fn users_are_listed_a_page_at_a_time_by_name_regardless_of_case(db: Db) {
    for name in ["carol", "Bob", "alice", "Dave"] {
        add_user(&db, name).await;
    }
    let names = |page: Vec<app::users::model::UserSummary>| -> Vec<String> {
        page.into_iter().map(|user| user.username).collect()
    };
    let first = users::list_user_summaries(&db, 3, 0).await.expect("page 1");
    let second = users::list_user_summaries(&db, 3, 3).await.expect("page 2");
    assert_eq!(names(first), ["alice", "Bob", "carol"]);
    assert_eq!(names(second), ["Dave"]);
}

async fn stamp(db: &Db) -> i64 {
    app::server_only::totals::read_totals(db)
        .await
        .expect("totals")
        .stamp
}

async fn the_change_stamp_moves_with_every_write_to_a_post(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let post = NewPost {
        title: "Stamped".into(),
        content: "Once.".into(),
    };
    let before_insert = stamp(&db).await;
    let id = posts::insert_post(&db, corey.id, &post)
        .await
        .expect("insert");
    let before_update = stamp(&db).await;
    posts::update_post(&db, id, &post).await.expect("update");
    let before_delete = stamp(&db).await;
    posts::delete_post(&db, id).await.expect("delete");
    let after = stamp(&db).await;
    assert!(before_insert < before_update, "insert moves the stamp");
    assert!(before_update < before_delete, "update moves the stamp");
    assert!(before_delete < after, "delete moves the stamp");
}

async fn the_change_stamp_moves_when_a_user_changes(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let before = stamp(&db).await;
    users::update_user(&db, corey.id, "Coreen", "coreen@example.com")
        .await
        .expect("rename");
    assert!(before < stamp(&db).await);
}

async fn the_totals_read_with_the_stamp_match_the_rows(db: Db) {
    let corey = add_user(&db, "Corey").await;
    add_user(&db, "JohnDoe").await;
    add_posts(&db, corey.id, 3).await;
    let totals = app::server_only::totals::read_totals(&db)
        .await
        .expect("totals");
    assert_eq!((totals.posts, totals.users), (3, 2));
}

async fn write_post(db: &Db, user_id: i64, title: &str, content: &str) -> i64 {
    let post = NewPost {
        title: title.into(),
        content: content.into(),
    };
    posts::insert_post(db, user_id, &post)
        .await
        .expect("insert")
}

async fn search_ids(db: &Db, query: &str) -> Vec<i64> {
    let words = search_model::words(query);
    search::find_matches(db, &words, 5, 0)
        .await
        .expect("search")
        .hits
        .into_iter()
        .map(|hit| hit.id)
        .collect()
}

async fn search_finds_title_matches_before_content_matches(db: Db) {
    let user = add_user(&db, "searcher").await;
    let in_content = write_post(&db, user.id, "Weekend notes", "I played chess all day.").await;
    let in_title = write_post(&db, user.id, "Chess openings", "Notes on the first moves.").await;
    write_post(&db, user.id, "Gardening", "Nothing about games.").await;
    assert_eq!(search_ids(&db, "chess").await, [in_title, in_content]);
}

async fn search_counts_every_match_beyond_the_page(db: Db) {
    let user = add_user(&db, "prolific").await;
    for n in 0..7 {
        write_post(&db, user.id, &format!("Game {n}"), "More chess.").await;
    }
    write_post(&db, user.id, "Gardening", "Nothing about games.").await;
    let words = search_model::words("chess");
    let found = search::find_matches(&db, &words, 5, 5)
        .await
        .expect("search");
    assert_eq!((found.hits.len(), found.total), (2, 7));
}

async fn search_past_the_last_page_still_counts_the_matches(db: Db) {
    let user = add_user(&db, "sparse").await;
    write_post(&db, user.id, "Chess", "One game.").await;
    let words = search_model::words("chess");
    let found = search::find_matches(&db, &words, 5, 10)
        .await
        .expect("search");
    assert_eq!((found.hits.len(), found.total), (0, 1));
}

async fn search_follows_updates_and_deletes(db: Db) {
    let user = add_user(&db, "editor").await;
    let id = write_post(&db, user.id, "Draft", "alpha words").await;
    assert_eq!(search_ids(&db, "alpha").await, [id]);
    let changed = NewPost {
        title: "Draft".into(),
        content: "omega words".into(),
    };
    assert!(posts::update_post(&db, id, &changed).await.expect("update"));
    assert!(search_ids(&db, "alpha").await.is_empty());
    assert_eq!(search_ids(&db, "omega").await, [id]);
    assert!(posts::delete_post(&db, id).await.expect("delete"));
    assert!(search_ids(&db, "omega").await.is_empty());
}

async fn search_marks_the_matched_words_in_the_snippet(db: Db) {
    let user = add_user(&db, "marker").await;
    write_post(&db, user.id, "Notes", "Some patience is needed here.").await;
    let words = search_model::words("patience");
    let hits = search::find_matches(&db, &words, 5, 0)
        .await
        .expect("search")
        .hits;
    let marked: Vec<_> = hits[0]
        .snippet
        .iter()
        .filter(|piece| piece.matched)
        .map(|piece| piece.text.as_str())
        .collect();
    assert_eq!(marked, ["patience"]);
}

async fn search_takes_query_syntax_literally(db: Db) {
    let user = add_user(&db, "literal").await;
    let id = write_post(&db, user.id, "Operators", "NOT everything AND nothing").await;
    for query in [
        r#""unbalanced"#,
        "NOT AND OR",
        "title:x content:y",
        "a* -b (c) ^d",
        "' ; drop table posts; --",
    ] {
        let words = search_model::words(query);
        search::find_matches(&db, &words, 5, 0)
            .await
            .unwrap_or_else(|error| panic!("{query}: {error}"));
    }
    assert_eq!(search_ids(&db, "NOT everything").await, [id]);
}
