//! Tags: written with a post, matched by key, shown as first written, counted and listed for
//! published posts only.

use super::*;
use app::{
    posts::{repo::Standing, tagging::parse_tags},
    tags::repo as tag_repo,
};

on_both_backends!(
    a_posts_tags_come_in_the_order_written,
    a_tag_is_matched_by_its_key_and_shown_as_first_written,
    a_tag_page_lists_its_published_posts_newest_first,
    every_tag_page_read_from_either_end_is_in_newest_first_order,
    a_tag_only_drafts_carry_is_not_public,
    publishing_a_draft_counts_its_tags,
    editing_a_posts_tags_replaces_them_and_their_counts,
    deleting_a_post_uncounts_its_tags,
    the_tags_in_use_are_listed_most_used_first,
    a_list_pages_posts_come_with_their_tags,
    search_can_be_narrowed_to_a_tag,
);

async fn tagged(db: &Db, user_id: i64, title: &str, tags: &str, standing: Standing) -> i64 {
    let post = NewPost {
        title: title.into(),
        content: format!("{title}: notes about kites."),
    };
    let tags = parse_tags(tags).expect("valid tags");
    post_repo::insert_post_as(db, user_id, &post, standing, &tags)
        .await
        .expect("insert")
}

fn names(post: &app::posts::model::Post) -> Vec<&str> {
    post.tags.iter().map(|tag| tag.name.as_str()).collect()
}

async fn a_posts_tags_come_in_the_order_written(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = tagged(
        &db,
        corey.id,
        "Trip",
        "travel, Rust, kites",
        Standing::PUBLISHED,
    )
    .await;
    let post = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("post");
    assert_eq!(names(&post), ["travel", "Rust", "kites"]);
}

async fn a_tag_is_matched_by_its_key_and_shown_as_first_written(db: Db) {
    let corey = add_user(&db, "Corey").await;
    tagged(&db, corey.id, "First", "Rust", Standing::PUBLISHED).await;
    let id = tagged(&db, corey.id, "Second", "RUST", Standing::PUBLISHED).await;
    let post = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("post");
    assert_eq!(names(&post), ["Rust"]);
    let tag = tag_repo::find_public_tag(&db, "ｒｕｓｔ")
        .await
        .expect("find")
        .expect("tag");
    assert_eq!(
        (tag.name.as_str(), tag.key.as_str(), tag.posts),
        ("Rust", "rust", 2)
    );
}

async fn a_tag_page_lists_its_published_posts_newest_first(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let older = tagged(&db, corey.id, "Older", "kites", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Untagged", "", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Hidden", "kites", Standing::DRAFT).await;
    let newer = tagged(&db, corey.id, "Newer", "kites", Standing::PUBLISHED).await;
    let tag = tag_repo::find_public_tag(&db, "kites")
        .await
        .expect("find")
        .expect("tag");
    let page = post_repo::list_posts_tagged(&db, tag.id, 5, 0, tag.posts)
        .await
        .expect("page");
    assert_eq!(
        page.iter().map(|p| p.id).collect::<Vec<_>>(),
        [newer, older]
    );
    assert_eq!(tag.posts, 2);
}

async fn every_tag_page_read_from_either_end_is_in_newest_first_order(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(
            tagged(
                &db,
                corey.id,
                &format!("Kite {n}"),
                "kites",
                Standing::PUBLISHED,
            )
            .await,
        );
    }
    ids.reverse();
    let tag = tag_repo::find_public_tag(&db, "kites")
        .await
        .expect("find")
        .expect("tag");
    let mut read = Vec::new();
    for offset in [0, 5, 10] {
        let page = post_repo::list_posts_tagged(&db, tag.id, 5, offset, tag.posts)
            .await
            .expect("page");
        read.extend(page.iter().map(|p| p.id));
    }
    assert_eq!(read, ids);
}

async fn a_tag_only_drafts_carry_is_not_public(db: Db) {
    let corey = add_user(&db, "Corey").await;
    tagged(&db, corey.id, "Hidden", "secret-project", Standing::DRAFT).await;
    assert_eq!(
        tag_repo::find_public_tag(&db, "secret-project")
            .await
            .expect("find"),
        None
    );
    assert!(
        tag_repo::list_public_tags(&db, 10, 0)
            .await
            .expect("list")
            .is_empty()
    );
}

async fn publishing_a_draft_counts_its_tags(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = tagged(&db, corey.id, "Hidden", "kites", Standing::DRAFT).await;
    let post = NewPost {
        title: "Hidden".into(),
        content: "now public".into(),
    };
    let tags = parse_tags("kites").expect("tags");
    post_repo::revise_post(&db, id, &post, Standing::PUBLISHED, &tags)
        .await
        .expect("publish");
    let tag = tag_repo::find_public_tag(&db, "kites")
        .await
        .expect("find")
        .expect("tag");
    assert_eq!(tag.posts, 1);
    let page = post_repo::list_posts_tagged(&db, tag.id, 5, 0, tag.posts)
        .await
        .expect("page");
    assert_eq!(page.len(), 1);
}

async fn editing_a_posts_tags_replaces_them_and_their_counts(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = tagged(&db, corey.id, "Trip", "kites, travel", Standing::PUBLISHED).await;
    let post = NewPost {
        title: "Trip".into(),
        content: "edited".into(),
    };
    let tags = parse_tags("travel, sea").expect("tags");
    post_repo::revise_post(&db, id, &post, Standing::PUBLISHED, &tags)
        .await
        .expect("edit");
    let found = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("post");
    assert_eq!(names(&found), ["travel", "sea"]);
    assert_eq!(
        tag_repo::find_public_tag(&db, "kites").await.expect("find"),
        None
    );
    let travel = tag_repo::find_public_tag(&db, "travel")
        .await
        .expect("find")
        .expect("tag");
    assert_eq!(travel.posts, 1);
}

async fn deleting_a_post_uncounts_its_tags(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = tagged(&db, corey.id, "Trip", "kites", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Other", "kites", Standing::PUBLISHED).await;
    post_repo::delete_post(&db, id).await.expect("delete");
    let tag = tag_repo::find_public_tag(&db, "kites")
        .await
        .expect("find")
        .expect("tag");
    assert_eq!(tag.posts, 1);
}

async fn the_tags_in_use_are_listed_most_used_first(db: Db) {
    let corey = add_user(&db, "Corey").await;
    tagged(&db, corey.id, "One", "sea, kites", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Two", "kites", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Three", "alps", Standing::DRAFT).await;
    let tags = tag_repo::list_public_tags(&db, 10, 0).await.expect("list");
    let listed: Vec<(&str, i64)> = tags.iter().map(|t| (t.name.as_str(), t.posts)).collect();
    assert_eq!(listed, [("kites", 2), ("sea", 1)]);
    assert_eq!(tag_repo::count_public_tags(&db).await.expect("count"), 2);
}

async fn a_list_pages_posts_come_with_their_tags(db: Db) {
    let corey = add_user(&db, "Corey").await;
    tagged(&db, corey.id, "One", "sea", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Two", "", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Three", "alps, sea", Standing::PUBLISHED).await;
    let page = post_repo::list_posts_page(&db, 5, 0, 3)
        .await
        .expect("page");
    let shown: Vec<(&str, Vec<&str>)> = page.iter().map(|p| (p.title.as_str(), names(p))).collect();
    assert_eq!(
        shown,
        [
            ("Three", vec!["alps", "sea"]),
            ("Two", vec![]),
            ("One", vec!["sea"])
        ]
    );
}

async fn search_can_be_narrowed_to_a_tag(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let at_sea = tagged(&db, corey.id, "Sea kites", "sea", Standing::PUBLISHED).await;
    tagged(&db, corey.id, "Alp kites", "alps", Standing::PUBLISHED).await;
    let words = search_model::words("kites");
    let found = search_repo::find_matches(&db, &words, "sea", 5, 0)
        .await
        .expect("search");
    assert_eq!(
        found.hits.iter().map(|hit| hit.id).collect::<Vec<_>>(),
        [at_sea]
    );
    assert_eq!(found.total, 1);
}
