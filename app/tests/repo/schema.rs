//! The schema and its seeds: an empty database, the column limits, sample and demo data, drop and migrate.

use super::*;

on_both_backends!(
    a_new_database_is_empty,
    the_database_rejects_a_21_character_username,
    the_database_rejects_a_101_character_title,
    the_sample_seed_creates_two_users_and_two_posts,
    seeding_a_non_empty_database_is_refused,
    the_demo_seed_creates_the_requested_counts,
    drop_all_then_migrate_gives_an_empty_schema,
);

async fn a_new_database_is_empty(db: Db) {
    assert_eq!(user_repo::count_users(&db).await.expect("count users"), 0);
    assert_eq!(post_repo::count_posts(&db).await.expect("count posts"), 0);
}

async fn the_database_rejects_a_21_character_username(db: Db) {
    let name = "u".repeat(21);
    let result = user_repo::insert_user(
        &db,
        &UserRecord {
            username: &name,
            email: "a@example.com",
            password_hash: HASH,
        },
    )
    .await;
    assert!(matches!(result, Err(DbError::Query(_))), "{result:?}");
    assert_eq!(user_repo::count_users(&db).await.expect("count"), 0);
}

async fn the_database_rejects_a_101_character_title(db: Db) {
    let user = add_user(&db, "Corey").await;
    let post = NewPost {
        title: "t".repeat(101),
        content: "text".into(),
    };
    assert!(post_repo::insert_post(&db, user.id, &post).await.is_err());
    assert_eq!(post_repo::count_posts(&db).await.expect("count"), 0);
}

async fn the_sample_seed_creates_two_users_and_two_posts(db: Db) {
    seed_sample(&db).await.expect("seed");
    let corey = user_repo::find_user_by_username(&db, "Corey")
        .await
        .expect("find")
        .expect("Corey");
    assert_eq!(user_repo::count_users(&db).await.expect("users"), 2);
    let titles: Vec<String> = post_repo::list_posts_by_author(&db, corey.id, 5, 0, 2)
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
    assert_eq!(post_repo::count_posts(&db).await.expect("count"), 2500);
    let newest = post_repo::list_posts_page(&db, 1, 0, 2500)
        .await
        .expect("page");
    assert_eq!(
        newest.first().map(|p| p.title.as_str()),
        Some("Post 2500 on jazz")
    );
}

async fn drop_all_then_migrate_gives_an_empty_schema(db: Db) {
    seed_sample(&db).await.expect("seed");
    db.drop_all().await.expect("drop");
    app::schema::migrate(&db).await.expect("migrate");
    assert_eq!(user_repo::count_users(&db).await.expect("count"), 0);
}
