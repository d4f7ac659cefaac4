//! The inboxes: each author's (`/user/NAME/inbox`) and the shared one (`/inbox`). An activity
//! is accepted only with a valid HTTP signature by a key its actor owns; anything else gets 401
//! and nothing is stored. Then: `Follow` of an author stores the follower and queues a signed
//! `Accept`; `Undo` of that `Follow` removes it; `Delete` of a remote actor forgets it
//! everywhere; other activities are acknowledged and ignored.

use std::net::SocketAddr;

use axum::{
    body::Bytes,
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde_json::Value;

use crate::{
    federation::{
        activities,
        client::FetchError,
        remote::{self, RemoteError},
        repo::{self, NewDelivery, RemoteActor},
        signature::{self, SignatureError, SignedRequest},
        state::Federation,
    },
    server_only::{
        client::{client_addr, client_key},
        clock::unix_now,
        db::Db,
        state::AppState,
    },
    shared::error::AppError,
    users::{model::User, repo as users},
};

/// An activity as it arrived.
struct Delivered<'a> {
    peer: SocketAddr,
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

/// `POST /inbox`: the inbox every author shares.
pub async fn shared_inbox(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delivered = Delivered {
        peer,
        method: &method,
        uri: &uri,
        headers: &headers,
        body: &body,
    };
    receive(&state, None, &delivered).await
}

/// `POST /user/{name}/inbox`: one author's inbox.
pub async fn author_inbox(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(name): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let delivered = Delivered {
        peer,
        method: &method,
        uri: &uri,
        headers: &headers,
        body: &body,
    };
    match users::find_user_by_username(&state.db, &name).await {
        Ok(Some(author)) => receive(&state, Some(author), &delivered).await,
        Ok(None) => AppError::NotFound.into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

/// Why an activity was refused.
#[derive(Debug, thiserror::Error)]
enum Refusal {
    #[error("{0}")]
    Signature(#[from] SignatureError),
    #[error("the signing key could not be had: {0}")]
    Key(RemoteError),
    #[error("the key does not belong to the activity's actor")]
    NotTheActor,
    #[error("the activity is not valid JSON with an actor")]
    Malformed,
    #[error("the activity's object is not an author here")]
    UnknownAuthor,
    #[error("too many activities from this server")]
    TooMany,
    #[error("too busy")]
    Busy,
    #[error(transparent)]
    Internal(AppError),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = match self {
            Self::Signature(_) | Self::Key(_) | Self::NotTheActor => StatusCode::UNAUTHORIZED,
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::UnknownAuthor => StatusCode::NOT_FOUND,
            Self::TooMany => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(error) => return error.into_response(),
        };
        tracing::info!(%status, reason = %self, "activity refused");
        let mut response = (status, self.to_string()).into_response();
        if matches!(self, Self::TooMany | Self::Busy) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("10"));
        }
        response
    }
}

impl From<crate::server_only::db::DbError> for Refusal {
    fn from(error: crate::server_only::db::DbError) -> Self {
        Self::Internal(error.into())
    }
}

async fn receive(state: &AppState, author: Option<User>, delivered: &Delivered<'_>) -> Response {
    let federation = &state.federation;
    let client = client_key(client_addr(
        delivered.peer.ip(),
        delivered.headers,
        &state.settings.trusted_proxies,
    ));
    match accept(&state.db, federation, author, &client, delivered).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

/// Checks and acts on one activity. Two limits count it: the sending address's before anything
/// is checked (so a flood costs no key fetches), and the verified actor's server's after (which
/// a forged `keyId` cannot spend on another server's behalf).
async fn accept(
    db: &Db,
    federation: &Federation,
    author: Option<User>,
    client: &str,
    delivered: &Delivered<'_>,
) -> Result<(), Refusal> {
    if !federation.admit(&format!("address {client}")) {
        return Err(Refusal::TooMany);
    }
    let _slot = federation.inbox_slot().ok_or(Refusal::Busy)?;
    let uri = delivered.uri;
    let path = uri
        .path_and_query()
        .map_or(uri.path(), |path| path.as_str());
    let signed = signature::check_post(
        delivered.method.as_str(),
        path,
        delivered.headers,
        delivered.body,
        chrono::Utc::now(),
    )?;
    let activity: Value = serde_json::from_slice(delivered.body).map_err(|_| Refusal::Malformed)?;
    let actor_id = id_of(activity.get("actor")).ok_or(Refusal::Malformed)?;
    let kind = activity
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let actor = match verified_actor(db, federation, &signed).await {
        Ok(actor) => actor,
        // A deleted actor's key can no longer be fetched; nothing is kept of an actor whose
        // key was never kept, so there is nothing to forget either.
        Err(Refusal::Key(RemoteError::Fetch(FetchError::Status(404 | 410))))
            if kind == "Delete" && id_of(activity.get("object")) == Some(actor_id) =>
        {
            return Ok(());
        }
        Err(refusal) => return Err(refusal),
    };
    if actor.id != actor_id {
        return Err(Refusal::NotTheActor);
    }
    let host = reqwest::Url::parse(&actor.id)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    if !federation.admit(&format!("host {host}")) {
        return Err(Refusal::TooMany);
    }
    match kind {
        "Follow" => follow(db, federation, author, &actor, &activity).await,
        "Undo" => undo(db, federation, &actor, &activity).await,
        "Delete" if id_of(activity.get("object")) == Some(actor.id.as_str()) => {
            let gone = repo::delete_remote_actor(db, &actor.id).await?;
            tracing::info!(actor = %actor.id, follows = gone, "remote actor deleted");
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The actor whose key verifies `signed`: the kept key, or, when that fails, the key fetched
/// again once (it may have changed).
async fn verified_actor(
    db: &Db,
    federation: &Federation,
    signed: &SignedRequest,
) -> Result<RemoteActor, Refusal> {
    let actor = remote::actor_for_key(db, federation, &signed.key_id, false)
        .await
        .map_err(Refusal::Key)?;
    if signature::verify(signed, &actor.public_key).is_ok() {
        return Ok(actor);
    }
    let actor = remote::actor_for_key(db, federation, &signed.key_id, true)
        .await
        .map_err(Refusal::Key)?;
    signature::verify(signed, &actor.public_key)?;
    Ok(actor)
}

/// The id of an object given by its id or inline.
fn id_of(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(id) => Some(id),
        object => object.get("id")?.as_str(),
    }
}

/// The local author `object` names, who must be `inbox_owner` when it is an author's inbox.
async fn followed_author(
    db: &Db,
    federation: &Federation,
    object: Option<&Value>,
    inbox_owner: Option<User>,
) -> Result<User, Refusal> {
    let username = id_of(object)
        .and_then(|id| federation.urls.username_of_actor(id))
        .ok_or(Refusal::UnknownAuthor)?;
    let author = users::find_user_by_username(db, &username)
        .await?
        .ok_or(Refusal::UnknownAuthor)?;
    match inbox_owner {
        Some(owner) if owner.id != author.id => Err(Refusal::UnknownAuthor),
        _ => Ok(author),
    }
}

async fn follow(
    db: &Db,
    federation: &Federation,
    inbox_owner: Option<User>,
    actor: &RemoteActor,
    activity: &Value,
) -> Result<(), Refusal> {
    let follow_id = id_of(Some(activity)).ok_or(Refusal::Malformed)?;
    let author = followed_author(db, federation, activity.get("object"), inbox_owner).await?;
    let follow = serde_json::json!({
        "id": follow_id,
        "type": "Follow",
        "actor": actor.id,
        "object": federation.urls.actor(&author.username),
    });
    let accept = activities::accept(&federation.urls, &author.username, &follow, &actor.id);
    let delivery = NewDelivery {
        inbox: actor.inbox.clone(),
        signer: author.id,
        activity_id: accept["id"].as_str().unwrap_or_default().to_owned(),
        body: accept.to_string(),
    };
    repo::insert_follower(db, author.id, actor, follow_id, &delivery, unix_now()).await?;
    tracing::info!(follower = %actor.id, author = %author.username, "new follower");
    federation.wakeup.notify_waiters();
    Ok(())
}

async fn undo(
    db: &Db,
    federation: &Federation,
    actor: &RemoteActor,
    activity: &Value,
) -> Result<(), Refusal> {
    let object = activity.get("object");
    let is_follow = object
        .and_then(|object| object.get("type"))
        .and_then(Value::as_str)
        .is_none_or(|kind| kind == "Follow");
    if !is_follow {
        return Ok(());
    }
    let follow_id = id_of(object).unwrap_or_default();
    let author = match object.and_then(|object| object.get("object")) {
        Some(followed) => followed_author(db, federation, Some(followed), None)
            .await
            .ok()
            .map(|author| author.id),
        None => None,
    };
    let gone = repo::delete_follower(db, &actor.id, author, follow_id).await?;
    tracing::info!(follower = %actor.id, follows = gone, "follow undone");
    Ok(())
}
