//! The mail queue: leases.

use super::*;

on_both_backends!(a_claimed_message_is_not_claimed_again_while_leased,);

async fn a_claimed_message_is_not_claimed_again_while_leased(db: Db) {
    use app::mail::repo::{claim_due, enqueue};
    let id = enqueue(&db, "password_reset", "c@demo.com", 100)
        .await
        .expect("enqueue");
    let claimed = claim_due(&db, 100, 400).await.expect("claim").expect("due");
    assert_eq!((claimed.id, claimed.attempts), (id, 1));
    assert_eq!(claim_due(&db, 200, 500).await.expect("claim"), None);
    let reclaimed = claim_due(&db, 401, 700)
        .await
        .expect("claim")
        .expect("lease ended");
    assert_eq!(reclaimed.attempts, 2);
}
