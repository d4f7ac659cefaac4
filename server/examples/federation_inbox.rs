//! The federation benchmark's remote server and client: plays a fediverse server with many
//! actors (each with its own inbox, so that every `Accept` is a delivery of its own), sends one
//! signed `Follow` from each to a Quire author's inbox, several at a time, and reports the inbox's
//! throughput: first with every key fetched from this server (a cold cache), then again with the
//! keys kept. Its inboxes answer 503, so the `Accept`s stay queued in Quire for the benchmark
//! script to load pages meanwhile; it keeps serving until `HOLD_SECONDS` have passed.
//!
//! `federation_inbox URL AUTHOR FOLLOWERS CONCURRENCY HOLD_SECONDS`, e.g.
//! `federation_inbox http://127.0.0.1:3340 writer1 1000 8 60`. Prints one `key value` per line:
//! `cold_per_sec`, `cold_p50_ms`, `cold_p99_ms`, `warm_per_sec`, `warm_p50_ms`, `warm_p99_ms`,
//! `refused` (answers other than 202), then `holding`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs1v15::SigningKey,
    pkcs8::{EncodePublicKey, LineEnding},
    sha2::{Digest, Sha256},
    signature::{SignatureEncoding, Signer},
};
use serde_json::json;
use tokio::{net::TcpListener, sync::Semaphore};

struct Remote {
    base: String,
    public_pem: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, quire, author, followers, concurrency, hold] = args.as_slice() else {
        return Err("usage: federation_inbox URL AUTHOR FOLLOWERS CONCURRENCY HOLD_SECONDS".into());
    };
    let quire = quire.trim_end_matches('/').to_owned();
    let (followers, concurrency, hold): (usize, usize, u64) =
        (followers.parse()?, concurrency.parse()?, hold.parse()?);

    let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)?;
    let public_pem = RsaPublicKey::from(&key).to_public_key_pem(LineEnding::LF)?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let remote = Arc::new(Remote {
        base: format!("http://{}", listener.local_addr()?),
        public_pem,
    });
    let app = Router::new()
        .route("/users/{name}", get(actor))
        .route("/users/{name}/inbox", post(unavailable))
        .with_state(Arc::clone(&remote));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let signer = SigningKey::<Sha256>::new(key);
    let client = reqwest::Client::new();
    let inbox = format!("{quire}/user/{author}/inbox");
    let target = format!("{quire}/user/{author}");
    let host = quire.trim_start_matches("http://").to_owned();
    let mut refused = 0;
    for round in ["cold", "warm"] {
        let requests: Vec<(String, String, String, String)> = (0..followers)
            .map(|n| {
                let actor = format!("{}/users/bench{n}", remote.base);
                let body = json!({
                    "@context": "https://www.w3.org/ns/activitystreams",
                    "id": format!("{actor}#follows/{round}"),
                    "type": "Follow",
                    "actor": actor,
                    "object": target,
                })
                .to_string();
                let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
                let digest = format!("SHA-256={}", STANDARD.encode(Sha256::digest(body.as_bytes())));
                let path = format!("/user/{author}/inbox");
                let signed = format!(
                    "(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}"
                );
                let signature = STANDARD.encode(signer.sign(signed.as_bytes()).to_bytes());
                let header = format!(
                    "keyId=\"{actor}#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{signature}\""
                );
                (body, date, digest, header)
            })
            .collect();
        let slots = Arc::new(Semaphore::new(concurrency));
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(followers);
        for (body, date, digest, header) in requests {
            let permit = Arc::clone(&slots).acquire_owned().await?;
            let (client, inbox) = (client.clone(), inbox.clone());
            tasks.push(tokio::spawn(async move {
                let sent = Instant::now();
                let status = client
                    .post(inbox)
                    .header("Content-Type", "application/activity+json")
                    .header("Date", date)
                    .header("Digest", digest)
                    .header("Signature", header)
                    .body(body)
                    .send()
                    .await
                    .map(|response| response.status().as_u16())
                    .unwrap_or(0);
                drop(permit);
                (status, sent.elapsed())
            }));
        }
        let mut latencies = Vec::with_capacity(followers);
        for task in tasks {
            let (status, took) = task.await?;
            if status != 202 {
                refused += 1;
            }
            latencies.push(took);
        }
        let seconds = started.elapsed().as_secs_f64();
        latencies.sort();
        let at = |share: f64| {
            let index = ((latencies.len() as f64 * share).ceil() as usize).saturating_sub(1);
            latencies[index.min(latencies.len() - 1)].as_secs_f64() * 1000.0
        };
        println!("{round}_per_sec {:.0}", followers as f64 / seconds);
        println!("{round}_p50_ms {:.1}", at(0.5));
        println!("{round}_p99_ms {:.1}", at(0.99));
    }
    println!("refused {refused}");
    println!("holding");
    tokio::time::sleep(Duration::from_secs(hold)).await;
    Ok(())
}

async fn actor(State(remote): State<Arc<Remote>>, Path(name): Path<String>) -> Response {
    let id = format!("{}/users/{name}", remote.base);
    let document = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": name,
        "inbox": format!("{id}/inbox"),
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": remote.public_pem },
    });
    (
        [("Content-Type", "application/activity+json")],
        document.to_string(),
    )
        .into_response()
}

async fn unavailable() -> StatusCode {
    StatusCode::SERVICE_UNAVAILABLE
}
