//! Federation, against a remote server played on this machine ([`harness`]): discovery, the
//! actor and article documents, follows and their signed `Accept`, posts delivered as signed
//! `Create`, `Update` and `Delete`, refused signatures, the durable queue across an outage and a
//! restart, and two instances on one Postgres delivering each activity once.

mod harness;

use std::time::Duration;

use app::{
    federation::{
        config::DeliveryPolicy,
        config::FederationSettings,
        delivery::{Outcome, deliver_due},
        fanout::fan_out,
        repo as federation_repo,
        state::HostLimit,
    },
    posts::{model::NewPost, repo as post_repo},
};
use serde_json::Value;

use self::harness::{Remote, Tamper};
use crate::support::{Backend, Options, TestServer, start_on, start_with};

on_both_backends!(
    webfinger_finds_an_author_and_a_follow_gets_a_signed_accept,
    a_published_post_reaches_the_follower_as_a_signed_create,
    an_edit_reaches_the_follower_as_a_signed_update,
    a_deletion_reaches_the_follower_as_a_signed_delete,
    a_tampered_digest_is_refused_and_nothing_is_stored,
    a_signature_by_a_key_the_actor_does_not_publish_is_refused,
    an_expired_date_is_refused,
    an_actor_that_does_not_own_the_key_is_refused,
    an_undo_removes_the_follower,
    a_deleted_remote_actor_is_forgotten,
    deliveries_wait_out_an_outage_and_a_restart,
    with_its_background_tasks_quire_delivers_a_new_post_within_seconds,
    an_author_page_answers_json_or_html_by_accept_and_never_mixes_them,
    a_post_page_answers_its_article_to_an_activity_json_request,
    the_author_page_shows_the_handle_and_the_follower_count,
    nodeinfo_and_host_meta_describe_the_site,
    a_key_on_a_private_address_is_not_fetched_without_insecure_mode,
    a_remote_server_over_its_rate_is_told_to_wait,
    with_federation_off_nothing_federates,
    a_key_is_fetched_with_a_signed_get_and_kept,
    a_changed_key_is_fetched_again_once,
    a_delivery_to_a_dead_server_is_given_up_on_and_listed,
);

/// Two instances on one Postgres: each activity is delivered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_deliver_each_activity_once() {
    let Some(base) = app::test_util::postgres_base_url() else {
        eprintln!("skipped: TEST_POSTGRES_URL is not set");
        return;
    };
    let (schema, url) = app::test_util::new_postgres_schema(&base).await;
    let first = start_on(&Backend::Postgres(url)).await;
    let second = crate::support::start_second(&first).await;
    let remote = Remote::start().await;
    alice_follows_corey(&first, &remote).await;
    for n in 0..6 {
        first
            .write_post("Corey", &format!("Post {n}"), "Once each.")
            .await;
    }
    let (a, b) = tokio::join!(fan_out(&first.state), fan_out(&second.state));
    assert_eq!(a.expect("fan-out") + b.expect("fan-out"), 6);
    let (a, b) = tokio::join!(deliver(&first), deliver(&second));
    assert_eq!(a.len() + b.len(), 6, "{a:?} {b:?}");
    let mut ids: Vec<String> = remote
        .activities()
        .iter()
        .skip(1)
        .map(|received| {
            received.activity()["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6);
    assert_eq!(remote.activities().len(), 7, "each Create once");
    app::test_util::drop_postgres_schema(&base, &schema).await;
}

/// A delivery policy that retries after a second, for tests.
fn quick() -> (DeliveryPolicy, HostLimit) {
    (
        DeliveryPolicy {
            first_delay_secs: 1,
            poll: Duration::from_millis(200),
            ..DeliveryPolicy::default()
        },
        HostLimit::default(),
    )
}

async fn start_quick(backend: &Backend) -> TestServer {
    start_with(Options {
        backend: backend.clone(),
        federation_limits: quick(),
        ..Options::default()
    })
    .await
}

/// Corey's actor address on `server`.
fn corey(server: &TestServer) -> String {
    format!("http://{}/user/Corey", server.addr)
}

/// alice follows Corey, and Quire's `Accept` is delivered. The sample data's events are
/// federated first, as the running fan-out would have done long before.
async fn alice_follows_corey(server: &TestServer, remote: &Remote) -> Value {
    fan_out(&server.state).await.expect("fan-out");
    let follow = remote.follow(&corey(server));
    let answer = remote
        .send(server, "/user/Corey/inbox", &follow, Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(deliver(server).await, vec![Outcome::Delivered]);
    follow
}

async fn deliver(server: &TestServer) -> Vec<Outcome> {
    deliver_due(&server.state).await.expect("deliveries")
}

async fn followers(server: &TestServer) -> i64 {
    let corey = app::users::repo::find_user_by_username(&server.db, "Corey")
        .await
        .expect("query")
        .expect("Corey");
    federation_repo::count_followers(&server.db, corey.id)
        .await
        .expect("count")
}

/// Fans the live events out and delivers them; returns the activities received since `seen`.
async fn federate(server: &TestServer, remote: &Remote, seen: usize) -> Vec<Value> {
    fan_out(&server.state).await.expect("fan-out");
    deliver(server).await;
    let mut activities = Vec::new();
    for received in remote.activities().into_iter().skip(seen) {
        activities.push(remote.verify(&received, server).await);
    }
    activities
}

async fn webfinger_finds_an_author_and_a_follow_gets_a_signed_accept(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    let found = server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:Corey@{}",
            server.addr
        ))
        .await;
    let jrd: Value = serde_json::from_str(&found.body).expect("a JRD");
    let actor = jrd["links"]
        .as_array()
        .and_then(|links| links.iter().find(|link| link["rel"] == "self"))
        .and_then(|link| link["href"].as_str())
        .expect("a self link")
        .to_owned();
    assert_eq!(actor, corey(&server));
    let follow = remote.follow(&actor);
    let answer = remote
        .send(&server, "/user/Corey/inbox", &follow, Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(deliver(&server).await, vec![Outcome::Delivered]);
    let received = remote.activities();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/users/alice/inbox");
    let accept = remote.verify(&received[0], &server).await;
    assert_eq!(accept["type"], "Accept");
    assert_eq!(accept["actor"], actor);
    assert_eq!(accept["object"]["id"], follow["id"]);
    assert_eq!(followers(&server).await, 1);
}

async fn a_published_post_reaches_the_follower_as_a_signed_create(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    alice_follows_corey(&server, &remote).await;
    let id = server
        .write_post(
            "Corey",
            "Hello, fediverse",
            "A [link](/about) and **bold** text.",
        )
        .await;
    let activities = federate(&server, &remote, 1).await;
    assert_eq!(activities.len(), 1, "{activities:?}");
    let create = &activities[0];
    assert_eq!(create["type"], "Create");
    assert_eq!(
        create["to"][0],
        "https://www.w3.org/ns/activitystreams#Public"
    );
    assert_eq!(create["cc"][0], format!("{}/followers", corey(&server)));
    let article = &create["object"];
    assert_eq!(article["type"], "Article");
    assert_eq!(article["name"], "Hello, fediverse");
    assert_eq!(article["url"], format!("http://{}/post/{id}", server.addr));
    let content = article["content"].as_str().expect("content");
    assert!(content.contains("<strong>bold</strong>"), "{content}");
    assert!(
        content.contains(&format!("href=\"http://{}/about\"", server.addr)),
        "{content}"
    );
    assert_eq!(
        remote.activities()[1].path,
        "/inbox",
        "one delivery per shared inbox"
    );
}

async fn an_edit_reaches_the_follower_as_a_signed_update(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    alice_follows_corey(&server, &remote).await;
    let id = server
        .write_post("Corey", "First words", "Draft one.")
        .await;
    federate(&server, &remote, 1).await;
    let edit = NewPost {
        title: "Better words".into(),
        content: "Draft two.".into(),
    };
    post_repo::update_post(&server.db, id, &edit)
        .await
        .expect("update");
    let activities = federate(&server, &remote, 2).await;
    assert_eq!(activities.len(), 1, "{activities:?}");
    assert_eq!(activities[0]["type"], "Update");
    assert_eq!(activities[0]["object"]["name"], "Better words");
    assert!(activities[0]["object"]["updated"].is_string());
}

async fn a_deletion_reaches_the_follower_as_a_signed_delete(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    alice_follows_corey(&server, &remote).await;
    let id = server
        .write_post("Corey", "Short-lived", "Soon gone.")
        .await;
    federate(&server, &remote, 1).await;
    post_repo::delete_post(&server.db, id)
        .await
        .expect("delete");
    let activities = federate(&server, &remote, 2).await;
    assert_eq!(activities.len(), 1, "{activities:?}");
    assert_eq!(activities[0]["type"], "Delete");
    assert_eq!(
        activities[0]["object"]["id"],
        format!("http://{}/post/{id}", server.addr)
    );
}

async fn refused(tamper: Tamper, backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    let follow = remote.follow(&corey(&server));
    let answer = remote
        .send(&server, "/user/Corey/inbox", &follow, tamper)
        .await;
    assert_eq!(answer.status, 401, "{tamper:?}: {}", answer.body);
    assert_eq!(followers(&server).await, 0);
    assert!(deliver(&server).await.is_empty(), "no Accept is queued");
}

async fn a_tampered_digest_is_refused_and_nothing_is_stored(backend: Backend) {
    refused(Tamper::Digest, backend).await;
}

async fn a_signature_by_a_key_the_actor_does_not_publish_is_refused(backend: Backend) {
    refused(Tamper::WrongKey, backend).await;
}

async fn an_expired_date_is_refused(backend: Backend) {
    refused(Tamper::ExpiredDate, backend).await;
}

async fn an_actor_that_does_not_own_the_key_is_refused(backend: Backend) {
    refused(Tamper::KeyOfAnotherActor, backend).await;
}

async fn an_undo_removes_the_follower(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    let follow = alice_follows_corey(&server, &remote).await;
    let answer = remote
        .send(&server, "/inbox", &remote.undo(&follow), Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(followers(&server).await, 0);
}

async fn a_deleted_remote_actor_is_forgotten(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    alice_follows_corey(&server, &remote).await;
    let answer = remote
        .send(&server, "/inbox", &remote.delete_alice(), Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(followers(&server).await, 0);
}

async fn deliveries_wait_out_an_outage_and_a_restart(backend: Backend) {
    let first = start_quick(&backend).await;
    let remote = Remote::start().await;
    alice_follows_corey(&first, &remote).await;
    remote.set_up(false);
    first
        .write_post("Corey", "Sent into the void", "Nobody home.")
        .await;
    fan_out(&first.state).await.expect("fan-out");
    assert_eq!(deliver(&first).await, vec![Outcome::Retrying]);
    // Quire restarts: a new instance on the same database, nothing carried over in memory (the
    // first stays idle: its folder holds the SQLite file).
    let restarted = start_with(Options {
        database_url: Some(first.url.clone()),
        federation_limits: quick(),
        ..Options::default()
    })
    .await;
    remote.set_up(true);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(deliver(&restarted).await, vec![Outcome::Delivered]);
    let received = remote.activities();
    assert_eq!(received.len(), 2);
    let create = remote.verify(&received[1], &restarted).await;
    assert_eq!(create["object"]["name"], "Sent into the void");
}

async fn with_its_background_tasks_quire_delivers_a_new_post_within_seconds(backend: Backend) {
    let server = start_with(Options {
        backend: backend.clone(),
        federation_limits: quick(),
        background: true,
        ..Options::default()
    })
    .await;
    let remote = Remote::start().await;
    let follow = remote.follow(&corey(&server));
    let answer = remote
        .send(&server, "/user/Corey/inbox", &follow, Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(
        remote
            .wait_for_activities(1, Duration::from_secs(5))
            .await
            .len(),
        1
    );
    server
        .write_post("Corey", "Live from Quire", "Within seconds.")
        .await;
    let arrived = remote.wait_for_activities(2, Duration::from_secs(5)).await;
    assert_eq!(arrived.len(), 2, "the Create arrives within five seconds");
    let create = remote.verify(&arrived[1], &server).await;
    assert_eq!(create["object"]["name"], "Live from Quire");
}

async fn an_author_page_answers_json_or_html_by_accept_and_never_mixes_them(backend: Backend) {
    let server = start_on(&backend).await;
    let json_first = server
        .request(
            "GET",
            "/user/Corey",
            &[("Accept", "application/activity+json")],
            b"",
        )
        .await;
    let html = server.get("/user/Corey").await;
    let html_again = server.get("/user/Corey").await;
    let json_again = server
        .request(
            "GET",
            "/user/Corey",
            &[(
                "Accept",
                "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
            )],
            b"",
        )
        .await;
    for answer in [&json_first, &json_again] {
        assert!(
            answer
                .header("content-type")
                .is_some_and(|kind| kind.starts_with("application/activity+json"))
        );
        assert_eq!(answer.header("vary"), Some("Accept"));
        let actor: Value = serde_json::from_str(&answer.body).expect("an actor");
        assert_eq!(actor["type"], "Person");
        assert_eq!(actor["inbox"], format!("{}/inbox", corey(&server)));
        assert!(
            actor["publicKey"]["publicKeyPem"]
                .as_str()
                .is_some_and(|pem| pem.starts_with("-----BEGIN PUBLIC KEY-----"))
        );
        assert!(!answer.body.contains("PRIVATE"));
    }
    for answer in [&html, &html_again] {
        assert!(
            answer
                .header("content-type")
                .is_some_and(|kind| kind.starts_with("text/html"))
        );
        assert!(
            answer
                .header("vary")
                .is_some_and(|vary| vary.contains("Accept"))
        );
        assert!(answer.body.contains("Posts by Corey"));
    }
}

async fn a_post_page_answers_its_article_to_an_activity_json_request(backend: Backend) {
    let server = start_on(&backend).await;
    let id = server
        .write_post("Corey", "An article", "Its *text*.")
        .await;
    let answer = server
        .request(
            "GET",
            &format!("/post/{id}"),
            &[("Accept", "application/activity+json")],
            b"",
        )
        .await;
    let article: Value = serde_json::from_str(&answer.body).expect("an article");
    assert_eq!(article["type"], "Article");
    assert_eq!(article["name"], "An article");
    assert_eq!(article["attributedTo"], corey(&server));
    let missing = server
        .request(
            "GET",
            "/post/999999",
            &[("Accept", "application/activity+json")],
            b"",
        )
        .await;
    assert_eq!(missing.status, 404);
}

async fn the_author_page_shows_the_handle_and_the_follower_count(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    let before = server.get("/user/Corey").await;
    assert!(
        before.body.contains(&format!("@Corey@{}", server.addr)),
        "the handle"
    );
    assert!(before.body.contains("0 followers"));

    alice_follows_corey(&server, &remote).await;
    let after = server.get("/user/Corey").await;
    assert!(
        after.body.contains("1 follower<"),
        "the cached page follows the new count"
    );
}

async fn nodeinfo_and_host_meta_describe_the_site(backend: Backend) {
    let server = start_on(&backend).await;
    let links: Value =
        serde_json::from_str(&server.get("/.well-known/nodeinfo").await.body).expect("links");
    let href = links["links"][0]["href"].as_str().expect("an href");
    let path = href
        .strip_prefix(&format!("http://{}", server.addr))
        .expect("this site");
    let nodeinfo: Value = serde_json::from_str(&server.get(path).await.body).expect("nodeinfo");
    assert_eq!(nodeinfo["version"], "2.1");
    assert_eq!(nodeinfo["software"]["name"], "quire");
    assert_eq!(nodeinfo["protocols"][0], "activitypub");
    assert_eq!(nodeinfo["usage"]["users"]["total"], 2);
    let host_meta = server.get("/.well-known/host-meta").await;
    assert!(
        host_meta
            .body
            .contains("/.well-known/webfinger?resource={uri}"),
        "{}",
        host_meta.body
    );
}

async fn a_key_on_a_private_address_is_not_fetched_without_insecure_mode(backend: Backend) {
    let server = start_with(Options {
        backend,
        federation: FederationSettings {
            enabled: true,
            insecure: false,
        },
        ..Options::default()
    })
    .await;
    let remote = Remote::start().await;
    let follow = remote.follow(&corey(&server));
    let answer = remote
        .send(&server, "/user/Corey/inbox", &follow, Tamper::None)
        .await;
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(remote.received().is_empty(), "no request reached 127.0.0.1");
}

async fn a_remote_server_over_its_rate_is_told_to_wait(backend: Backend) {
    let server = start_with(Options {
        backend,
        federation_limits: (
            DeliveryPolicy::default(),
            HostLimit {
                activities: 2,
                window: Duration::from_secs(60),
            },
        ),
        ..Options::default()
    })
    .await;
    let remote = Remote::start().await;
    for _ in 0..2 {
        let follow = remote.follow(&corey(&server));
        let answer = remote.send(&server, "/inbox", &follow, Tamper::None).await;
        assert_eq!(answer.status, 202);
    }
    let follow = remote.follow(&corey(&server));
    let answer = remote.send(&server, "/inbox", &follow, Tamper::None).await;
    assert_eq!(answer.status, 429);
    assert!(answer.header("retry-after").is_some());
}

async fn with_federation_off_nothing_federates(backend: Backend) {
    let server = start_with(Options {
        backend,
        federation: FederationSettings::default(),
        ..Options::default()
    })
    .await;
    let remote = Remote::start().await;
    let webfinger = server
        .get(&format!(
            "/.well-known/webfinger?resource=acct:Corey@{}",
            server.addr
        ))
        .await;
    assert_eq!(webfinger.status, 404);
    let follow = remote.follow(&corey(&server));
    let answer = remote
        .send(&server, "/user/Corey/inbox", &follow, Tamper::None)
        .await;
    assert_eq!(answer.status, 404);
    let page = server
        .request(
            "GET",
            "/user/Corey",
            &[("Accept", "application/activity+json")],
            b"",
        )
        .await;
    assert!(
        page.header("content-type")
            .is_some_and(|kind| kind.starts_with("text/html"))
    );
    assert!(!page.body.contains("Copy handle"));
}

async fn a_key_is_fetched_with_a_signed_get_and_kept(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    let follow = alice_follows_corey(&server, &remote).await;
    let answer = remote
        .send(&server, "/inbox", &remote.undo(&follow), Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let fetches: Vec<_> = remote
        .received()
        .into_iter()
        .filter(|received| received.method == "GET")
        .collect();
    assert_eq!(fetches.len(), 1, "fetched once, then kept");
    let signature = fetches[0].headers.get("signature").expect("a signed GET");
    assert!(
        signature.contains(&format!("keyId=\"http://{}/actor#main-key\"", server.addr)),
        "{signature}"
    );
    let instance: Value = serde_json::from_str(
        &server
            .request(
                "GET",
                "/actor",
                &[("Accept", "application/activity+json")],
                b"",
            )
            .await
            .body,
    )
    .expect("the instance actor");
    assert_eq!(
        instance["publicKey"]["id"],
        format!("http://{}/actor#main-key", server.addr)
    );
}

async fn a_changed_key_is_fetched_again_once(backend: Backend) {
    let server = start_on(&backend).await;
    let remote = Remote::start().await;
    let follow = alice_follows_corey(&server, &remote).await;
    remote.rotate_alice_key().await;
    let answer = remote
        .send(&server, "/inbox", &remote.undo(&follow), Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    assert_eq!(followers(&server).await, 0);
    let fetches = remote
        .received()
        .iter()
        .filter(|received| received.method == "GET")
        .count();
    assert_eq!(
        fetches, 2,
        "the kept key failed, and the new one was fetched once"
    );
}

async fn a_delivery_to_a_dead_server_is_given_up_on_and_listed(backend: Backend) {
    let server = start_with(Options {
        backend,
        federation_limits: (
            DeliveryPolicy {
                give_up_after_secs: 0,
                ..DeliveryPolicy::default()
            },
            HostLimit::default(),
        ),
        ..Options::default()
    })
    .await;
    let remote = Remote::start().await;
    let follow = remote.follow(&corey(&server));
    let answer = remote
        .send(&server, "/user/Corey/inbox", &follow, Tamper::None)
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    remote.set_up(false);
    assert_eq!(deliver(&server).await, vec![Outcome::GaveUp]);
    assert!(deliver(&server).await.is_empty(), "not tried again");
    let status = server::cli::federation_status(&server.db)
        .await
        .expect("status");
    assert!(
        status.starts_with("Deliveries: 0 queued, 1 given up on.\n"),
        "{status}"
    );
    assert!(status.contains("/users/alice/inbox"), "{status}");
    assert!(status.contains("server answered 503"), "{status}");
}
