//! Search: ranking, counts, updates, snippets, literal queries.

use super::*;

on_both_backends!(
    search_finds_title_matches_before_content_matches,
    search_counts_every_match_beyond_the_page,
    search_past_the_last_page_still_counts_the_matches,
    search_follows_updates_and_deletes,
    search_marks_the_matched_words_in_the_snippet,
    search_takes_query_syntax_literally,
);

async fn write_post(db: &Db, user_id: i64, title: &str, content: &str) -> i64 {
    let post = NewPost {
        title: title.into(),
        content: content.into(),
    };
    post_repo::insert_post(db, user_id, &post)
        .await
        .expect("insert")
}

async fn search_ids(db: &Db, query: &str) -> Vec<i64> {
    let words = search_model::words(query);
    search_repo::find_matches(db, &words, "", 5, 0)
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
    let found = search_repo::find_matches(&db, &words, "", 5, 5)
        .await
        .expect("search");
    assert_eq!((found.hits.len(), found.total), (2, 7));
}

async fn search_past_the_last_page_still_counts_the_matches(db: Db) {
    let user = add_user(&db, "sparse").await;
    write_post(&db, user.id, "Chess", "One game.").await;
    let words = search_model::words("chess");
    let found = search_repo::find_matches(&db, &words, "", 5, 10)
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
    assert!(
        post_repo::update_post(&db, id, &changed)
            .await
            .expect("update")
    );
    assert!(search_ids(&db, "alpha").await.is_empty());
    assert_eq!(search_ids(&db, "omega").await, [id]);
    assert!(post_repo::delete_post(&db, id).await.expect("delete"));
    assert!(search_ids(&db, "omega").await.is_empty());
}

async fn search_marks_the_matched_words_in_the_snippet(db: Db) {
    let user = add_user(&db, "marker").await;
    write_post(&db, user.id, "Notes", "Some patience is needed here.").await;
    let words = search_model::words("patience");
    let hits = search_repo::find_matches(&db, &words, "", 5, 0)
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
        search_repo::find_matches(&db, &words, "", 5, 0)
            .await
            .unwrap_or_else(|error| panic!("{query}: {error}"));
    }
    assert_eq!(search_ids(&db, "NOT everything").await, [id]);
}
