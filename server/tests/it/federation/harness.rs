//! A remote fediverse server, played on this machine: its own actors (`alice`, and `mallory`
//! with a key of her own) with RSA key pairs, their inboxes and a shared inbox that record what
//! they receive, and activities shaped as Mastodon sends them, signed here with the `rsa`
//! crate, an implementation independent of Quire's (which signs and verifies with `ring`).

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs1v15::{Signature, SigningKey, VerifyingKey},
    pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding},
    sha2::{Digest, Sha256},
    signature::{SignatureEncoding, Signer, Verifier},
};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::support::{Response as QuireResponse, TestServer};

/// A request the remote server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// `GET` or `POST`.
    pub method: String,
    /// Its path.
    pub path: String,
    /// Its headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// Its body.
    pub body: String,
}

impl Received {
    /// The body as JSON.
    pub fn activity(&self) -> Value {
        serde_json::from_str(&self.body).expect("an activity")
    }
}

/// How a sent activity's signature is spoiled, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// A valid signature.
    None,
    /// The `Digest` of another body.
    Digest,
    /// Signed with a key the actor does not publish.
    WrongKey,
    /// Dated 13 hours ago.
    ExpiredDate,
    /// Signed with mallory's own key, for an activity whose actor is alice.
    KeyOfAnotherActor,
}

struct Shared {
    base: String,
    keys: Mutex<HashMap<&'static str, RsaPrivateKey>>,
    received: Mutex<Vec<Received>>,
    up: AtomicBool,
}

/// The remote server.
#[derive(Clone)]
pub struct Remote {
    shared: Arc<Shared>,
}

fn new_key() -> RsaPrivateKey {
    RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key")
}

impl Remote {
    /// Starts the remote server on an ephemeral port of 127.0.0.1.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let keys = tokio::task::spawn_blocking(|| {
            HashMap::from([("alice", new_key()), ("mallory", new_key())])
        })
        .await
        .expect("keys");
        let shared = Arc::new(Shared {
            base,
            keys: Mutex::new(keys),
            received: Mutex::default(),
            up: AtomicBool::new(true),
        });
        let app = Router::new()
            .route("/users/{name}", get(actor))
            .route("/users/{name}/inbox", post(record))
            .route("/inbox", post(record))
            .with_state(Arc::clone(&shared));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { shared }
    }

    /// The address of one of its actors.
    pub fn actor(&self, name: &str) -> String {
        format!("{}/users/{name}", self.shared.base)
    }

    fn key(&self, name: &str) -> RsaPrivateKey {
        self.shared.keys.lock().expect("lock")[name].clone()
    }

    /// Gives alice a new key pair, as an account whose key was changed.
    pub async fn rotate_alice_key(&self) {
        let key = tokio::task::spawn_blocking(new_key).await.expect("key");
        self.shared.keys.lock().expect("lock").insert("alice", key);
    }

    /// Takes the server down (every request answered 503) or brings it back.
    pub fn set_up(&self, up: bool) {
        self.shared.up.store(up, Ordering::SeqCst);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().expect("lock").clone()
    }

    /// The activities POSTed to it so far.
    pub fn activities(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|received| received.method == "POST")
            .collect()
    }

    /// Waits until at least `count` activities have arrived, for up to `within`.
    pub async fn wait_for_activities(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let arrived = self.activities();
            if arrived.len() >= count || tokio::time::Instant::now() >= deadline {
                return arrived;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A `Follow` by alice of `target`, as Mastodon sends it.
    pub fn follow(&self, target: &str) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/{}", self.actor("alice"), rand_id()),
            "type": "Follow",
            "actor": self.actor("alice"),
            "object": target,
        })
    }

    /// alice's `Undo` of `follow`.
    pub fn undo(&self, follow: &Value) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#follows/{}/undo", self.actor("alice"), rand_id()),
            "type": "Undo",
            "actor": self.actor("alice"),
            "object": follow,
        })
    }

    /// The `Delete` of alice's own account.
    pub fn delete_alice(&self) -> Value {
        json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}#delete", self.actor("alice")),
            "type": "Delete",
            "actor": self.actor("alice"),
            "object": self.actor("alice"),
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        })
    }

    /// POSTs `activity` to Quire's `path`, signed by alice (or spoiled as `tamper` says).
    pub async fn send(
        &self,
        quire: &TestServer,
        path: &str,
        activity: &Value,
        tamper: Tamper,
    ) -> QuireResponse {
        let body = activity.to_string();
        let mut when = chrono::Utc::now();
        if tamper == Tamper::ExpiredDate {
            when -= chrono::TimeDelta::hours(13);
        }
        let date = when.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let digested = if tamper == Tamper::Digest {
            format!("{body} ")
        } else {
            body.clone()
        };
        let digest = format!(
            "SHA-256={}",
            STANDARD.encode(Sha256::digest(digested.as_bytes()))
        );
        let host = quire.addr.to_string();
        let signing_string =
            format!("(request-target): post {path}\nhost: {host}\ndate: {date}\ndigest: {digest}");
        let (signer_name, key) = match tamper {
            Tamper::WrongKey => (
                "alice",
                tokio::task::spawn_blocking(new_key).await.expect("key"),
            ),
            Tamper::KeyOfAnotherActor => ("mallory", self.key("mallory")),
            _ => ("alice", self.key("alice")),
        };
        let signature = SigningKey::<Sha256>::new(key).sign(signing_string.as_bytes());
        let header = format!(
            "keyId=\"{}#main-key\",algorithm=\"hs2019\",headers=\"(request-target) host date digest\",signature=\"{}\"",
            self.actor(signer_name),
            STANDARD.encode(signature.to_bytes())
        );
        quire
            .request(
                "POST",
                path,
                &[
                    ("Content-Type", "application/activity+json"),
                    ("Date", &date),
                    ("Digest", &digest),
                    ("Signature", &header),
                ],
                body.as_bytes(),
            )
            .await
    }

    /// Checks a delivery as a receiving server would: its digest, then its signature with the
    /// key its `keyId` names, fetched from Quire. Returns the activity.
    pub async fn verify(&self, received: &Received, quire: &TestServer) -> Value {
        let header = received
            .headers
            .get("signature")
            .expect("a Signature header");
        let parameters: HashMap<&str, &str> = header
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.trim(), value.trim().trim_matches('"')))
            .collect();
        let covered: Vec<&str> = parameters["headers"].split(' ').collect();
        assert!(
            ["(request-target)", "host", "date", "digest"]
                .iter()
                .all(|required| covered.contains(required)),
            "{covered:?}"
        );
        let digest = format!(
            "SHA-256={}",
            STANDARD.encode(Sha256::digest(received.body.as_bytes()))
        );
        assert_eq!(
            received.headers.get("digest"),
            Some(&digest),
            "the digest matches the body"
        );
        let signing_string = covered
            .iter()
            .map(|name| match *name {
                "(request-target)" => format!("(request-target): post {}", received.path),
                name => format!("{name}: {}", received.headers[name]),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let key_id = parameters["keyId"];
        let actor_path = key_id
            .split('#')
            .next()
            .and_then(|url| url.strip_prefix(&format!("http://{}", quire.addr)))
            .expect("a key of this Quire");
        let actor: Value = serde_json::from_str(
            &quire
                .request(
                    "GET",
                    actor_path,
                    &[("Accept", "application/activity+json")],
                    b"",
                )
                .await
                .body,
        )
        .expect("the signer's actor");
        assert_eq!(actor["publicKey"]["id"], key_id);
        let public = RsaPublicKey::from_public_key_pem(
            actor["publicKey"]["publicKeyPem"].as_str().expect("a PEM"),
        )
        .expect("a public key");
        let signature = STANDARD.decode(parameters["signature"]).expect("base64");
        VerifyingKey::<Sha256>::new(public)
            .verify(
                signing_string.as_bytes(),
                &Signature::try_from(signature.as_slice()).expect("a signature"),
            )
            .expect("the signature verifies");
        received.activity()
    }
}

fn rand_id() -> String {
    let mut bytes = [0u8; 8];
    rsa::rand_core::RngCore::fill_bytes(&mut rsa::rand_core::OsRng, &mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

async fn actor(
    State(shared): State<Arc<Shared>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    shared.received.lock().expect("lock").push(Received {
        method: "GET".into(),
        path: format!("/users/{name}"),
        headers: lowercase(&headers),
        body: String::new(),
    });
    if !shared.up.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let Some(key) = shared
        .keys
        .lock()
        .expect("lock")
        .get(name.as_str())
        .cloned()
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let id = format!("{}/users/{name}", shared.base);
    let pem = RsaPublicKey::from(&key)
        .to_public_key_pem(LineEnding::LF)
        .expect("a PEM");
    let document = json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": id,
        "type": "Person",
        "preferredUsername": name,
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "endpoints": { "sharedInbox": format!("{}/inbox", shared.base) },
        "publicKey": { "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem },
    });
    (
        [("Content-Type", "application/activity+json")],
        document.to_string(),
    )
        .into_response()
}

async fn record(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !shared.up.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    shared.received.lock().expect("lock").push(Received {
        method: method.to_string(),
        path: uri.path().to_owned(),
        headers: headers
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    StatusCode::ACCEPTED.into_response()
}

fn lowercase(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}
