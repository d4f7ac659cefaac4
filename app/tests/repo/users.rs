//! Users: inserts, uniqueness, identities, lookups and lists.

use super::*;

on_both_backends!(
    an_inserted_user_gets_the_default_avatar,
    a_duplicate_username_is_reported_as_taken_username,
    a_duplicate_email_is_reported_as_taken_email,
    users_are_found_by_id_username_and_email,
    first_user_and_all_users_follow_registration_order,
    user_summaries_count_each_users_posts,
    an_email_differing_only_in_case_is_taken,
    a_username_differing_only_in_case_is_taken,
    a_look_alike_email_is_another_identity,
    a_compatibility_form_of_a_username_is_the_same_identity,
    accounts_written_before_identity_keys_get_them_when_migrated,
    users_are_listed_a_page_at_a_time_by_name_regardless_of_case,
);

async fn an_inserted_user_gets_the_default_avatar(db: Db) {
    let user = add_user(&db, "Corey").await;
    assert_eq!(
        (user.username.as_str(), user.image_file.as_str()),
        ("Corey", "default.jpg")
    );
}

async fn a_duplicate_username_is_reported_as_taken_username(db: Db) {
    add_user(&db, "Corey").await;
    let err = user_repo::insert_user(
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
    let err = user_repo::insert_user(
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

async fn users_are_found_by_id_username_and_email(db: Db) {
    let user = add_user(&db, "Corey").await;
    assert_eq!(
        user_repo::find_user_by_id(&db, user.id)
            .await
            .expect("by id"),
        Some(user.clone())
    );
    assert_eq!(
        user_repo::find_user_by_username(&db, "Corey")
            .await
            .expect("by name"),
        Some(user.clone())
    );
    assert_eq!(
        user_repo::find_user_by_email(&db, "Corey@example.com")
            .await
            .expect("by email"),
        Some(user)
    );
    assert_eq!(
        user_repo::find_user_by_username(&db, "nobody")
            .await
            .expect("missing"),
        None
    );
}

async fn first_user_and_all_users_follow_registration_order(db: Db) {
    let first = add_user(&db, "Corey").await;
    let second = add_user(&db, "JohnDoe").await;
    assert_eq!(
        user_repo::first_user(&db).await.expect("first"),
        Some(first.clone())
    );
    assert_eq!(
        user_repo::all_users(&db).await.expect("all"),
        vec![first, second]
    );
}

async fn user_summaries_count_each_users_posts(db: Db) {
    let corey = add_user(&db, "Corey").await;
    add_user(&db, "JohnDoe").await;
    add_posts(&db, corey.id, 4).await;
    let summaries = user_repo::list_user_summaries(&db, 20, 0)
        .await
        .expect("summaries");
    let counts: Vec<(&str, i64)> = summaries
        .iter()
        .map(|s| (s.username.as_str(), s.post_count))
        .collect();
    assert_eq!(counts, [("Corey", 4), ("JohnDoe", 0)]);
}

async fn an_email_differing_only_in_case_is_taken(db: Db) {
    add_user(&db, "alice").await;
    let record = UserRecord {
        username: "bob",
        email: "ALICE@Example.com",
        password_hash: HASH,
    };
    assert!(matches!(
        user_repo::insert_user(&db, &record).await,
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
        user_repo::insert_user(&db, &record).await,
        Err(DbError::Taken("username"))
    ));
}

async fn a_look_alike_email_is_another_identity(db: Db) {
    add_user(&db, "victim").await;
    let found = user_repo::find_user_by_email(&db, "victim@example.co\u{6D}")
        .await
        .expect("query");
    assert!(found.is_some());
    let look_alike = user_repo::find_user_by_email(&db, "v\u{130}ctim@example.com")
        .await
        .expect("query");
    assert!(look_alike.is_none(), "{look_alike:?}");
    let sign_up = user_repo::insert_user(
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
    let found = user_repo::find_user_by_username(&db, "\u{FF23}OREY")
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
        user_repo::find_user_by_email(&db, "ALICE@example.com")
            .await
            .expect("query")
            .is_none()
    );
    app::schema::migrate(&db).await.expect("migrate again");
    let found = user_repo::find_user_by_email(&db, "ALICE@example.com")
        .await
        .expect("query");
    assert_eq!(found.map(|found| found.id), Some(user.id));
}

async fn users_are_listed_a_page_at_a_time_by_name_regardless_of_case(db: Db) {
    for name in ["carol", "Bob", "alice", "Dave"] {
        add_user(&db, name).await;
    }
    let names = |page: Vec<app::users::model::UserSummary>| -> Vec<String> {
        page.into_iter().map(|user| user.username).collect()
    };
    let first = user_repo::list_user_summaries(&db, 3, 0)
        .await
        .expect("page 1");
    let second = user_repo::list_user_summaries(&db, 3, 3)
        .await
        .expect("page 2");
    assert_eq!(names(first), ["alice", "Bob", "carol"]);
    assert_eq!(names(second), ["Dave"]);
}
