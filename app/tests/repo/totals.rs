//! The kept totals, day counts and change stamp, under parallel writes.

use super::*;

on_both_backends!(
    kept_day_counts_match_the_rows_after_parallel_creates_and_deletes,
    kept_day_counts_follow_a_deleted_user,
    kept_totals_match_the_rows_after_parallel_creates_and_deletes,
    kept_totals_follow_a_deleted_user,
    the_change_stamp_moves_with_every_write_to_a_post,
    the_change_stamp_moves_when_a_user_changes,
    the_totals_read_with_the_stamp_match_the_rows,
);

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
                let id = post_repo::insert_post(&db, author, &post)
                    .await
                    .expect("insert");
                if n % 3 == 0 {
                    assert!(post_repo::delete_post(&db, id).await.expect("delete"));
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
    let rows = post_repo::count_post_rows(&db).await.expect("rows");
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
    let rows = post_repo::count_post_rows(&db).await.expect("rows");
    assert_eq!(rows, 8 * 6);
    assert_eq!(post_repo::count_posts(&db).await.expect("total"), rows);
    let by_authors = post_repo::count_posts_by_author(&db, corey.id)
        .await
        .expect("corey")
        + post_repo::count_posts_by_author(&db, john.id)
            .await
            .expect("john");
    assert_eq!(by_authors, rows);
    assert_eq!(user_repo::count_users(&db).await.expect("users"), 2);
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
    assert_eq!(post_repo::count_posts(&db).await.expect("total"), 3);
    assert_eq!(user_repo::count_users(&db).await.expect("users"), 1);
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
    let id = post_repo::insert_post(&db, corey.id, &post)
        .await
        .expect("insert");
    let before_update = stamp(&db).await;
    post_repo::update_post(&db, id, &post)
        .await
        .expect("update");
    let before_delete = stamp(&db).await;
    post_repo::delete_post(&db, id).await.expect("delete");
    let after = stamp(&db).await;
    assert!(before_insert < before_update, "insert moves the stamp");
    assert!(before_update < before_delete, "update moves the stamp");
    assert!(before_delete < after, "delete moves the stamp");
}

async fn the_change_stamp_moves_when_a_user_changes(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let before = stamp(&db).await;
    user_repo::update_user(&db, corey.id, "Coreen", "coreen@example.com")
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
