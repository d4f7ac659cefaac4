//! Remote actors and their keys. A key is looked up in the database by its id; one not kept
//! yet (or one that failed to verify, once) is fetched with a signed GET of the `keyId`, and
//! its actor document must name that key and come from the key's own server.

use serde_json::Value;

use crate::{
    federation::{
        client::FetchError,
        keys::{self, KeyError},
        repo::{self, RemoteActor},
        state::Federation,
    },
    server_only::{clock::unix_now, db::Db, db::DbError},
};

/// Why a remote key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The fetch failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The instance's key could not be had.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The document is not an actor with that key, or comes from another server.
    #[error("the fetched document does not publish key {0}")]
    NotTheKey(String),
}

/// The actor whose key has `key_id`: as kept, or fetched when none is kept or `refresh`.
pub async fn actor_for_key(
    db: &Db,
    federation: &Federation,
    key_id: &str,
    refresh: bool,
) -> Result<RemoteActor, RemoteError> {
    if !refresh && let Some(actor) = repo::find_remote_actor_by_key(db, key_id).await? {
        return Ok(actor);
    }
    let signer = keys::instance_signer(db, &federation.urls).await?;
    let address = key_id.split('#').next().unwrap_or(key_id);
    let mut document = federation.client()?.get_document(address, &signer).await?;
    // A key published as a document of its own names its owner: the actor is fetched next.
    if document.get("inbox").is_none()
        && let Some(owner) = document.get("owner").and_then(Value::as_str)
    {
        if !same_origin(owner, key_id) {
            return Err(RemoteError::NotTheKey(key_id.to_owned()));
        }
        document = federation.client()?.get_document(owner, &signer).await?;
    }
    let actor = parse_actor(&document, key_id)
        .filter(|actor| same_origin(&actor.id, key_id))
        .ok_or_else(|| RemoteError::NotTheKey(key_id.to_owned()))?;
    repo::store_remote_actor(db, &actor, unix_now()).await?;
    Ok(actor)
}

/// The actor `document` describes, if it publishes the key `key_id`.
pub fn parse_actor(document: &Value, key_id: &str) -> Option<RemoteActor> {
    let id = document.get("id")?.as_str()?;
    let inbox = document.get("inbox")?.as_str()?;
    let shared_inbox = document
        .get("endpoints")
        .and_then(|endpoints| endpoints.get("sharedInbox"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let keys: Vec<&Value> = match document.get("publicKey")? {
        Value::Array(keys) => keys.iter().collect(),
        key => vec![key],
    };
    let key = keys.into_iter().find(|key| {
        key.get("id").and_then(Value::as_str) == Some(key_id)
            && key
                .get("owner")
                .and_then(Value::as_str)
                .is_none_or(|owner| owner == id)
    })?;
    let public_key = key.get("publicKeyPem")?.as_str()?;
    Some(RemoteActor {
        id: id.to_owned(),
        inbox: inbox.to_owned(),
        shared_inbox,
        key_id: key_id.to_owned(),
        public_key: public_key.to_owned(),
    })
}

/// Whether two addresses have the same scheme, host and port.
pub fn same_origin(a: &str, b: &str) -> bool {
    match (reqwest::Url::parse(a), reqwest::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn mastodon_actor() -> Value {
        json!({
            "id": "https://m.example/users/alice",
            "type": "Person",
            "inbox": "https://m.example/users/alice/inbox",
            "endpoints": { "sharedInbox": "https://m.example/inbox" },
            "publicKey": {
                "id": "https://m.example/users/alice#main-key",
                "owner": "https://m.example/users/alice",
                "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
            }
        })
    }

    #[test]
    fn an_actor_that_publishes_the_key_is_read() {
        let actor = parse_actor(&mastodon_actor(), "https://m.example/users/alice#main-key")
            .expect("an actor");
        assert_eq!(actor.id, "https://m.example/users/alice");
        assert_eq!(
            actor.shared_inbox.as_deref(),
            Some("https://m.example/inbox")
        );
    }

    #[test]
    fn an_actor_that_publishes_another_key_is_refused() {
        assert_eq!(
            parse_actor(&mastodon_actor(), "https://m.example/users/bob#main-key"),
            None
        );
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert!(same_origin(
            "https://m.example/users/a",
            "https://m.example/keys/1"
        ));
        assert!(!same_origin(
            "https://m.example/users/a",
            "https://evil.example/users/a"
        ));
        assert!(!same_origin("https://m.example/a", "http://m.example/a"));
    }
}
