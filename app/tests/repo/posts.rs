//! Posts: pages newest first from either end, authors, dates.

use super::*;

on_both_backends!(
    a_page_of_posts_is_newest_first_with_authors,
    the_last_page_holds_the_oldest_posts,
    an_authors_posts_are_paginated_and_counted,
    a_post_is_found_with_its_author,
    a_post_for_a_missing_user_is_rejected,
    a_post_date_round_trips_exactly,
    every_page_read_from_either_end_matches_the_newest_first_order,
    pages_far_from_both_ends_match_the_newest_first_order,
);

async fn a_page_of_posts_is_newest_first_with_authors(db: Db) {
    let user = add_user(&db, "Corey").await;
    add_posts(&db, user.id, 12).await;
    let page = post_repo::list_posts_page(&db, 5, 0, 12)
        .await
        .expect("page");
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
    let page = post_repo::list_posts_page(&db, 5, 10, 12)
        .await
        .expect("page");
    let titles: Vec<&str> = page.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Post 2", "Post 1"]);
}

async fn an_authors_posts_are_paginated_and_counted(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    add_posts(&db, corey.id, 7).await;
    add_posts(&db, john.id, 3).await;
    assert_eq!(
        post_repo::count_posts_by_author(&db, john.id)
            .await
            .expect("count"),
        3
    );
    let page = post_repo::list_posts_by_author(&db, corey.id, 5, 5, 7)
        .await
        .expect("page");
    let titles: Vec<&str> = page.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Post 2", "Post 1"]);
}

async fn a_post_is_found_with_its_author(db: Db) {
    let user = add_user(&db, "Corey").await;
    let id = post_repo::insert_post(
        &db,
        user.id,
        &NewPost {
            title: "Blog 1".into(),
            content: "Hi".into(),
        },
    )
    .await
    .expect("insert");
    let post = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("exists");
    assert_eq!(
        (post.title.as_str(), post.author.username.as_str()),
        ("Blog 1", "Corey")
    );
    assert_eq!(
        post_repo::find_post(&db, id + 1000)
            .await
            .expect("find missing"),
        None
    );
}

async fn a_post_for_a_missing_user_is_rejected(db: Db) {
    let result = post_repo::insert_post(
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

async fn a_post_date_round_trips_exactly(db: Db) {
    let user = add_user(&db, "Corey").await;
    let before = app::server_only::clock::now();
    let id = post_repo::insert_post(
        &db,
        user.id,
        &NewPost {
            title: "Now".into(),
            content: "x".into(),
        },
    )
    .await
    .expect("insert");
    let post = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("exists");
    assert!(post.date_posted >= before && post.date_posted <= app::server_only::clock::now());
}

async fn every_page_read_from_either_end_matches_the_newest_first_order(db: Db) {
    let user = add_user(&db, "Corey").await;
    add_posts(&db, user.id, 23).await;
    let mut seen = Vec::new();
    for offset in (0..23).step_by(5) {
        let page = post_repo::list_posts_page(&db, 5, offset, 23)
            .await
            .expect("page");
        let by_author = post_repo::list_posts_by_author(&db, user.id, 5, offset, 23)
            .await
            .expect("page");
        assert_eq!(page, by_author);
        seen.extend(page.into_iter().map(|p| p.title));
    }
    let expected: Vec<String> = (1..=23).rev().map(|n| format!("Post {n}")).collect();
    assert_eq!(seen, expected);
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
        let page = post_repo::list_posts_page(&db, 5, offset, 12_000)
            .await
            .expect("page");
        assert_eq!(
            ids(page),
            all[offset as usize..offset as usize + 5],
            "offset {offset}"
        );
    }
    for offset in (0..6_000).step_by(499) {
        let page = post_repo::list_posts_by_author(&db, corey.id, 5, offset, 6_000)
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
