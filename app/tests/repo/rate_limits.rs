//! Rate-limit counters: counting, windows, sweeping.

use super::*;

on_both_backends!(
    a_rate_limit_counts_hits_and_restarts_after_its_window,
    expired_rate_limit_counters_are_swept,
);

async fn a_rate_limit_counts_hits_and_restarts_after_its_window(db: Db) {
    use app::server_only::rate_limit::repo::hit;
    assert_eq!(hit(&db, "k", 1000, 60).await.expect("hit").hits, 1);
    assert_eq!(hit(&db, "k", 1010, 60).await.expect("hit").hits, 2);
    let restarted = hit(&db, "k", 1060, 60).await.expect("hit");
    assert_eq!((restarted.hits, restarted.window_start), (1, 1060));
}

async fn expired_rate_limit_counters_are_swept(db: Db) {
    use app::server_only::rate_limit::repo::{delete_expired, hit};
    hit(&db, "old", 1000, 60).await.expect("hit");
    hit(&db, "new", 5000, 60).await.expect("hit");
    assert_eq!(delete_expired(&db, 4000).await.expect("sweep"), 1);
    assert_eq!(hit(&db, "new", 5001, 60).await.expect("hit").hits, 2);
}
