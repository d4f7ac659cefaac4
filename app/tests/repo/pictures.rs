//! Pictures in posts: linked to the posts that show them, freed with the last of them, swept
//! when no post ever showed them, counted in their owner's quota.

use super::*;
use app::pictures::{process::process_upload, repo as pictures};

on_both_backends!(
    a_picture_is_freed_with_the_last_post_that_shows_it,
    editing_a_picture_away_frees_it,
    an_upload_no_post_shows_is_swept_after_its_grace,
    the_same_picture_uploaded_twice_is_stored_once,
);

/// A stored picture, `width` px wide; its Markdown.
async fn stored(db: &Db, user_id: i64, width: u32) -> String {
    let picture = process_upload(&png(width)).expect("processed");
    pictures::insert_picture(db, user_id, &picture, Utc::now())
        .await
        .expect("stored");
    format!("![A square]({})", picture.address())
}

fn showing(markdown: &str) -> NewPost {
    NewPost {
        title: "With a picture".into(),
        content: format!("Here:\n\n{markdown}"),
    }
}

async fn a_picture_is_freed_with_the_last_post_that_shows_it(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let markdown = stored(&db, corey.id, 30).await;
    let first = post_repo::insert_post(&db, corey.id, &showing(&markdown))
        .await
        .expect("post");
    let second = post_repo::insert_post(&db, corey.id, &showing(&markdown))
        .await
        .expect("post");
    post_repo::delete_post(&db, first).await.expect("delete");
    assert_eq!(pictures::count_pictures(&db).await.expect("count"), 1);
    post_repo::delete_post(&db, second).await.expect("delete");
    assert_eq!(pictures::count_pictures(&db).await.expect("count"), 0);
}

async fn editing_a_picture_away_frees_it(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let markdown = stored(&db, corey.id, 30).await;
    let id = post_repo::insert_post(&db, corey.id, &showing(&markdown))
        .await
        .expect("post");
    let plain = NewPost {
        title: "No picture now".into(),
        content: "Just words.".into(),
    };
    post_repo::update_post(&db, id, &plain).await.expect("edit");
    assert_eq!(pictures::count_pictures(&db).await.expect("count"), 0);
}

async fn an_upload_no_post_shows_is_swept_after_its_grace(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let used = stored(&db, corey.id, 30).await;
    stored(&db, corey.id, 31).await;
    post_repo::insert_post(&db, corey.id, &showing(&used))
        .await
        .expect("post");
    let swept = pictures::delete_unused_before(&db, Utc::now() - Duration::days(1))
        .await
        .expect("sweep");
    assert_eq!(swept, 0);
    let swept = pictures::delete_unused_before(&db, Utc::now() + Duration::seconds(1))
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
    assert_eq!(pictures::count_pictures(&db).await.expect("count"), 1);
}

async fn the_same_picture_uploaded_twice_is_stored_once(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    let first = stored(&db, corey.id, 30).await;
    let second = stored(&db, john.id, 30).await;
    assert_eq!(first, second);
    assert_eq!(pictures::count_pictures(&db).await.expect("count"), 1);
    assert!(pictures::bytes_of(&db, corey.id).await.expect("quota") > 0);
    assert_eq!(pictures::bytes_of(&db, john.id).await.expect("quota"), 0);
}
