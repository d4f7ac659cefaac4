//! Markdown rendered once per write: pages read the rendering stored with the post, a post stored
//! before renderings were kept shows as it always did, and rendering such posts again stores them.

use super::*;
use app::posts::{markdown, rendering::render_stale_posts};

on_both_backends!(
    reading_a_post_shows_the_rendering_stored_when_it_was_written,
    a_list_shows_the_excerpt_stored_when_the_post_was_written,
    an_edit_stores_the_new_rendering,
    a_post_stored_before_renderings_were_kept_shows_as_it_always_did,
    rendering_stale_posts_again_stores_them_as_a_write_would,
    a_rendering_again_never_overwrites_an_edit_made_meanwhile,
);

/// A post by a new user, with `content`; its id.
async fn a_post(db: &Db, content: &str) -> i64 {
    let user = add_user(db, "Corey").await;
    post_repo::insert_post(
        db,
        user.id,
        &NewPost {
            title: "Rendered".into(),
            content: content.into(),
        },
    )
    .await
    .expect("insert")
}

/// Changes `sql` on the posts table behind the repository's back.
async fn run(db: &Db, sql: &'static str) {
    app::with_pool!(db, |pool| sqlx::query(sql).execute(pool).await.map(|_| ())).expect(sql);
}

async fn reading_a_post_shows_the_rendering_stored_when_it_was_written(db: Db) {
    let id = a_post(&db, "*Stored* once.").await;
    // Were the page rendered from the Markdown when read, it would show this instead.
    run(&db, "update posts set content = 'Changed behind its back.'").await;
    let post = post_repo::find_post(&db, id)
        .await
        .expect("read")
        .expect("post");
    assert_eq!(post.html, "<p><em>Stored</em> once.</p>\n");
    assert_eq!(post.summary, "Stored once.");
}

async fn a_list_shows_the_excerpt_stored_when_the_post_was_written(db: Db) {
    a_post(&db, "First *block*.\n\nSecond block.").await;
    run(&db, "update posts set content = 'Changed behind its back.'").await;
    let page = post_repo::list_posts_page(&db, 5, 0, 1)
        .await
        .expect("page");
    assert_eq!(page[0].html, "<p>First <em>block</em>.</p>\n");
    assert!(page[0].more);
}

async fn an_edit_stores_the_new_rendering(db: Db) {
    let id = a_post(&db, "Before.").await;
    let edit = NewPost {
        title: "Rendered".into(),
        content: "**After.**".into(),
    };
    assert!(
        post_repo::update_post(&db, id, &edit)
            .await
            .expect("update")
    );
    let post = post_repo::find_post(&db, id)
        .await
        .expect("read")
        .expect("post");
    assert_eq!(post.html, "<p><strong>After.</strong></p>\n");
}

async fn a_post_stored_before_renderings_were_kept_shows_as_it_always_did(db: Db) {
    let source = "Old *post*.\n\n| a |\n|---|\n| 1 |";
    let id = a_post(&db, source).await;
    run(
        &db,
        "update posts set content_html = '', excerpt_html = '', summary = '', rendered_by = 0",
    )
    .await;
    let post = post_repo::find_post(&db, id)
        .await
        .expect("read")
        .expect("post");
    assert_eq!(post.html, markdown::render(source));
}

async fn rendering_stale_posts_again_stores_them_as_a_write_would(db: Db) {
    let id = a_post(&db, "Old *post*.").await;
    let written = post_repo::find_post(&db, id)
        .await
        .expect("read")
        .expect("post");
    run(
        &db,
        "update posts set content_html = '', excerpt_html = '', summary = '', rendered_by = 0",
    )
    .await;
    assert_eq!(render_stale_posts(&db).await.expect("render"), 1);
    run(&db, "update posts set content = 'Changed behind its back.'").await;
    let stored = post_repo::find_post(&db, id)
        .await
        .expect("read")
        .expect("post");
    assert_eq!(
        (stored.html, stored.summary),
        (written.html, written.summary)
    );
    assert_eq!(render_stale_posts(&db).await.expect("render"), 0);
}

async fn a_rendering_again_never_overwrites_an_edit_made_meanwhile(db: Db) {
    let id = a_post(&db, "Edited.").await;
    let old = post_repo::rendering_of("Before the edit.");
    let stored = post_repo::store_rendering(&db, id, "Before the edit.", &old)
        .await
        .expect("store");
    assert!(!stored);
    let post = post_repo::find_post(&db, id)
        .await
        .expect("read")
        .expect("post");
    assert_eq!(post.html, "<p>Edited.</p>\n");
}
