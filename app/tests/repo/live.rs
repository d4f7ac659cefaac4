//! Live events: which writes leave one, in order, with the tags of a published post; drafts
//! leave none until published; the backlog is trimmed.

use super::*;
use app::{
    federation::repo::{advance_cursor, read_cursor},
    live::{
        model::Change,
        repo::{backlog_bounds, events_after, latest_event_id, trim_events},
    },
    posts::{repo::Standing, tagging::parse_tags},
};

on_both_backends!(
    publishing_a_post_leaves_an_event_with_its_author_and_tags,
    an_edit_and_a_deletion_leave_events_in_order,
    a_draft_leaves_no_event_until_it_is_published,
    taking_a_post_back_to_a_draft_reads_as_its_deletion,
    rendering_a_post_again_is_no_edit,
    a_new_user_leaves_a_users_event,
    trimming_keeps_the_newest_events,
    trimming_keeps_the_events_federation_has_yet_to_send,
);

fn post(title: &str) -> NewPost {
    NewPost {
        title: title.into(),
        content: format!("{title}, about zeppelins."),
    }
}

async fn changes_after(db: &Db, after: i64) -> Vec<Change> {
    events_after(db, after, 100)
        .await
        .expect("events")
        .into_iter()
        .map(|event| event.change)
        .collect()
}

async fn publishing_a_post_leaves_an_event_with_its_author_and_tags(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let start = latest_event_id(&db).await.expect("latest");
    let tags = parse_tags("Rust, Web Assembly").expect("tags");
    let id = post_repo::insert_post_as(&db, corey.id, &post("Live"), Standing::PUBLISHED, &tags)
        .await
        .expect("insert");
    assert_eq!(
        changes_after(&db, start).await,
        [Change::Published {
            post: id,
            author: corey.id,
            tags: vec!["rust".to_owned(), "web assembly".to_owned()],
        }]
    );
}

async fn an_edit_and_a_deletion_leave_events_in_order(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = post_repo::insert_post(&db, corey.id, &post("First"))
        .await
        .expect("insert");
    let start = latest_event_id(&db).await.expect("latest");
    post_repo::update_post(&db, id, &post("Edited"))
        .await
        .expect("update");
    post_repo::delete_post(&db, id).await.expect("delete");
    let events = events_after(&db, start, 100).await.expect("events");
    assert_eq!(
        events.iter().map(|e| e.change.clone()).collect::<Vec<_>>(),
        [Change::Edited { post: id }, Change::Deleted { post: id }]
    );
    assert!(events[0].id < events[1].id);
}

async fn a_draft_leaves_no_event_until_it_is_published(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let start = latest_event_id(&db).await.expect("latest");
    let id = post_repo::insert_post_as(&db, corey.id, &post("Secret"), Standing::DRAFT, &[])
        .await
        .expect("draft");
    post_repo::revise_post(&db, id, &post("Still secret"), Standing::DRAFT, &[])
        .await
        .expect("revise");
    assert_eq!(changes_after(&db, start).await, []);
    post_repo::revise_post(&db, id, &post("Public"), Standing::PUBLISHED, &[])
        .await
        .expect("publish");
    assert_eq!(
        changes_after(&db, start).await,
        [Change::Published {
            post: id,
            author: corey.id,
            tags: Vec::new(),
        }]
    );
}

async fn taking_a_post_back_to_a_draft_reads_as_its_deletion(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = post_repo::insert_post(&db, corey.id, &post("Public"))
        .await
        .expect("insert");
    let start = latest_event_id(&db).await.expect("latest");
    post_repo::revise_post(&db, id, &post("Public"), Standing::DRAFT, &[])
        .await
        .expect("unpublish");
    assert_eq!(
        changes_after(&db, start).await,
        [Change::Deleted { post: id }]
    );
}

async fn rendering_a_post_again_is_no_edit(db: Db) {
    let corey = add_user(&db, "Corey").await;
    post_repo::insert_post(&db, corey.id, &post("Rendered"))
        .await
        .expect("insert");
    let start = latest_event_id(&db).await.expect("latest");
    let sql = "update posts set content_html = 'again', rendered_by = 0";
    match &db {
        Db::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Db::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .expect("render again");
    assert_eq!(changes_after(&db, start).await, []);
}

async fn a_new_user_leaves_a_users_event(db: Db) {
    let start = latest_event_id(&db).await.expect("latest");
    add_user(&db, "Corey").await;
    assert_eq!(changes_after(&db, start).await, [Change::Users]);
}

async fn trimming_keeps_the_newest_events(db: Db) {
    let corey = add_user(&db, "Corey").await;
    for n in 0..5 {
        post_repo::insert_post(&db, corey.id, &post(&format!("Post {n}")))
            .await
            .expect("insert");
    }
    let (_, last) = backlog_bounds(&db).await.expect("bounds").expect("events");
    let federated = read_cursor(&db).await.expect("cursor");
    assert!(
        advance_cursor(&db, federated, last, &[], 0)
            .await
            .expect("advance")
    );
    let trimmed = trim_events(&db, 2).await.expect("trim");
    assert_eq!(trimmed, 4, "the user's event and three posts' go");
    assert_eq!(
        backlog_bounds(&db).await.expect("bounds"),
        Some((last - 1, last))
    );
}

async fn trimming_keeps_the_events_federation_has_yet_to_send(db: Db) {
    let corey = add_user(&db, "Corey").await;
    for n in 0..5 {
        post_repo::insert_post(&db, corey.id, &post(&format!("Post {n}")))
            .await
            .expect("insert");
    }
    let (first, last) = backlog_bounds(&db).await.expect("bounds").expect("events");
    let federated = read_cursor(&db).await.expect("cursor");
    assert!(
        advance_cursor(&db, federated, first + 1, &[], 0)
            .await
            .expect("advance")
    );
    let trimmed = trim_events(&db, 2).await.expect("trim");
    assert_eq!(trimmed, 2, "only the two events already federated go");
    assert_eq!(
        backlog_bounds(&db).await.expect("bounds"),
        Some((first + 2, last))
    );
}
