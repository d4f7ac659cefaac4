//! Drafts and scheduled posts: seen by their author only, absent from everything public until
//! published, published exactly once when due.

use super::*;
use app::{
    posts::{
        model::PostStatus,
        repo::{Scope, Standing},
    },
    server_only::totals::read_totals,
};

on_both_backends!(
    a_draft_is_absent_from_every_public_read,
    a_draft_is_found_for_its_author_only,
    an_authors_drafts_list_holds_drafts_and_scheduled_posts_only,
    publishing_a_draft_dates_it_now_and_counts_it,
    a_scheduled_post_stays_private_before_its_time,
    a_scheduled_post_is_published_when_due_dated_its_time,
    a_due_post_is_published_once_however_often_it_is_checked,
    publishing_a_scheduled_post_moves_the_change_stamp,
    a_draft_is_not_found_by_search_until_published,
);

fn post(title: &str) -> NewPost {
    NewPost {
        title: title.into(),
        content: format!("{title} body, about zeppelins."),
    }
}

async fn draft(db: &Db, user_id: i64, title: &str) -> i64 {
    post_repo::insert_post_as(db, user_id, &post(title), Standing::DRAFT, &[])
        .await
        .expect("insert draft")
}

async fn a_draft_is_absent_from_every_public_read(db: Db) {
    let corey = add_user(&db, "Corey").await;
    post_repo::insert_post(&db, corey.id, &post("Public"))
        .await
        .expect("insert");
    let id = draft(&db, corey.id, "Secret").await;
    let home = post_repo::list_posts_page(&db, 5, 0, 5)
        .await
        .expect("home");
    let mine = post_repo::list_posts_by_author(&db, corey.id, 5, 0, 5)
        .await
        .expect("author");
    let feed = post_repo::newest_posts(&db, Scope::All, 20)
        .await
        .expect("feed");
    let author_feed = post_repo::newest_posts(&db, Scope::Author(corey.id), 20)
        .await
        .expect("author feed");
    let sitemap = post_repo::post_ids(&db, 100, 0).await.expect("sitemap");
    for titles in [&home, &mine, &feed, &author_feed] {
        assert_eq!(
            titles.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(),
            ["Public"]
        );
    }
    assert!(sitemap.iter().all(|(post_id, _)| *post_id != id));
    assert_eq!(post_repo::find_post(&db, id).await.expect("find"), None);
    assert_eq!(post_repo::count_posts(&db).await.expect("count"), 1);
    assert_eq!(
        post_repo::count_posts_by_author(&db, corey.id)
            .await
            .expect("count"),
        1
    );
}

async fn a_draft_is_found_for_its_author_only(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    let id = draft(&db, corey.id, "Secret").await;
    let for_author = post_repo::find_post_for(&db, id, Some(corey.id))
        .await
        .expect("find");
    assert_eq!(for_author.map(|p| p.status), Some(PostStatus::Draft));
    assert_eq!(
        post_repo::find_post_for(&db, id, Some(john.id))
            .await
            .expect("find"),
        None
    );
    assert_eq!(
        post_repo::find_post_for(&db, id, None).await.expect("find"),
        None
    );
}

async fn an_authors_drafts_list_holds_drafts_and_scheduled_posts_only(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let john = add_user(&db, "JohnDoe").await;
    post_repo::insert_post(&db, corey.id, &post("Public"))
        .await
        .expect("insert");
    draft(&db, corey.id, "First draft").await;
    draft(&db, john.id, "John's draft").await;
    let later = Utc::now() + Duration::days(1);
    post_repo::insert_post_as(
        &db,
        corey.id,
        &post("Planned"),
        Standing::scheduled(later),
        &[],
    )
    .await
    .expect("schedule");
    let drafts = post_repo::list_unpublished(&db, corey.id, 10)
        .await
        .expect("drafts");
    let titles: Vec<&str> = drafts.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, ["Planned", "First draft"]);
}

async fn publishing_a_draft_dates_it_now_and_counts_it(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = draft(&db, corey.id, "Secret").await;
    let before = Utc::now();
    let published = post_repo::revise_post(&db, id, &post("Secret"), Standing::PUBLISHED, &[])
        .await
        .expect("publish");
    assert!(published);
    let found = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("public now");
    assert!(found.date_posted >= before - Duration::seconds(1));
    assert_eq!(post_repo::count_posts(&db).await.expect("count"), 1);
    let home = post_repo::list_posts_page(&db, 5, 0, 1)
        .await
        .expect("home");
    assert_eq!(home.len(), 1);
}

async fn a_scheduled_post_stays_private_before_its_time(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let at = Utc::now() + Duration::hours(1);
    let id = post_repo::insert_post_as(&db, corey.id, &post("Soon"), Standing::scheduled(at), &[])
        .await
        .expect("schedule");
    let published = post_repo::publish_due(&db, at - Duration::seconds(1))
        .await
        .expect("check");
    assert!(published.is_empty());
    assert_eq!(post_repo::find_post(&db, id).await.expect("find"), None);
}

async fn a_scheduled_post_is_published_when_due_dated_its_time(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let at = app::server_only::clock::now() + Duration::hours(1);
    let id = post_repo::insert_post_as(&db, corey.id, &post("Soon"), Standing::scheduled(at), &[])
        .await
        .expect("schedule");
    let published = post_repo::publish_due(&db, at).await.expect("publish");
    assert_eq!(published, [id]);
    let found = post_repo::find_post(&db, id)
        .await
        .expect("find")
        .expect("public");
    assert_eq!((found.date_posted, found.publish_at), (at, None));
    assert_eq!(
        post_repo::count_posts_by_author(&db, corey.id)
            .await
            .expect("count"),
        1
    );
}

async fn a_due_post_is_published_once_however_often_it_is_checked(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let at = Utc::now() + Duration::hours(1);
    post_repo::insert_post_as(&db, corey.id, &post("Soon"), Standing::scheduled(at), &[])
        .await
        .expect("schedule");
    let first = post_repo::publish_due(&db, at).await.expect("publish");
    let second = post_repo::publish_due(&db, at + Duration::seconds(5))
        .await
        .expect("again");
    assert_eq!((first.len(), second.len()), (1, 0));
    assert_eq!(post_repo::count_posts(&db).await.expect("count"), 1);
}

async fn publishing_a_scheduled_post_moves_the_change_stamp(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let at = Utc::now() + Duration::hours(1);
    post_repo::insert_post_as(&db, corey.id, &post("Soon"), Standing::scheduled(at), &[])
        .await
        .expect("schedule");
    let before = read_totals(&db).await.expect("totals");
    post_repo::publish_due(&db, at).await.expect("publish");
    let after = read_totals(&db).await.expect("totals");
    assert!(after.stamp > before.stamp);
    assert_eq!(after.posts, before.posts + 1);
}

async fn a_draft_is_not_found_by_search_until_published(db: Db) {
    let corey = add_user(&db, "Corey").await;
    let id = draft(&db, corey.id, "Secret").await;
    let words = search_model::words("zeppelins");
    let hidden = search_repo::find_matches(&db, &words, "", 5, 0)
        .await
        .expect("search");
    assert!(hidden.hits.is_empty());
    post_repo::revise_post(&db, id, &post("Secret"), Standing::PUBLISHED, &[])
        .await
        .expect("publish");
    let found = search_repo::find_matches(&db, &words, "", 5, 0)
        .await
        .expect("search");
    assert_eq!(
        found.hits.iter().map(|hit| hit.id).collect::<Vec<_>>(),
        [id]
    );
}

/// Two instances on one Postgres check for due posts at the same moment: each post is published
/// by exactly one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_publish_each_due_post_once() {
    let Some(base) = app::test_util::postgres_base_url() else {
        eprintln!("skipped: TEST_POSTGRES_URL is not set");
        return;
    };
    let (schema, url) = app::test_util::new_postgres_schema(&base).await;
    let first = Db::connect(&url).await.expect("first instance");
    app::schema::migrate(&first).await.expect("migrate");
    let second = Db::connect(&url).await.expect("second instance");
    let corey = add_user(&first, "Corey").await;
    let at = Utc::now() + Duration::hours(1);
    for n in 0..40 {
        post_repo::insert_post_as(
            &first,
            corey.id,
            &post(&format!("Planned {n}")),
            Standing::scheduled(at),
            &[],
        )
        .await
        .expect("schedule");
    }
    let (a, b) = tokio::join!(
        post_repo::publish_due(&first, at),
        post_repo::publish_due(&second, at)
    );
    let mut ids: Vec<i64> = a
        .expect("first")
        .into_iter()
        .chain(b.expect("second"))
        .collect();
    let published = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((published, ids.len()), (40, 40));
    assert_eq!(post_repo::count_posts(&first).await.expect("count"), 40);
    app::test_util::drop_postgres_schema(&base, &schema).await;
}
