//! Authors' RSA-2048 key pairs: made on first use (on a blocking thread), kept in the database,
//! read back as signers. The instance's own key, which signs fetches no author makes, is kept
//! beside the secret key. Private keys are never served or logged: they have no `Debug`.

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::STANDARD};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding},
};

use crate::{
    federation::{
        repo::{self, KeyPair},
        signature::Signer,
        urls::Urls,
    },
    server_only::{clock::unix_now, db::Db},
};

/// Bits of every key made here.
pub const KEY_BITS: usize = 2048;

/// Why a key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] crate::server_only::db::DbError),
    /// A key could not be made or read.
    #[error("key: {0}")]
    Key(String),
}

/// Makes a new key pair (CPU-bound: call on a blocking thread).
pub fn generate() -> Result<KeyPair, KeyError> {
    let mut rng = argon2::password_hash::rand_core::OsRng;
    let private =
        RsaPrivateKey::new(&mut rng, KEY_BITS).map_err(|e| KeyError::Key(e.to_string()))?;
    let private_pem = private
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| KeyError::Key(e.to_string()))?
        .to_string();
    let public_pem = RsaPublicKey::from(&private)
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| KeyError::Key(e.to_string()))?;
    Ok(KeyPair {
        private_pem,
        public_pem,
    })
}

async fn generate_off_thread() -> Result<KeyPair, KeyError> {
    tokio::task::spawn_blocking(generate)
        .await
        .map_err(|e| KeyError::Key(e.to_string()))?
}

/// The author's key pair, made and stored the first time it is asked for. Two instances
/// making one at once both insert; the first insert wins and both read it back.
pub async fn author_keys(db: &Db, user_id: i64) -> Result<KeyPair, KeyError> {
    if let Some(keys) = repo::find_actor_key(db, user_id).await? {
        return Ok(keys);
    }
    let made = generate_off_thread().await?;
    repo::insert_actor_key(db, user_id, &made, unix_now()).await?;
    repo::find_actor_key(db, user_id)
        .await?
        .ok_or_else(|| KeyError::Key("the key just stored is missing".into()))
}

/// The public key (PEM) of the author, made on first use.
pub async fn author_public_key(db: &Db, user_id: i64) -> Result<String, KeyError> {
    Ok(author_keys(db, user_id).await?.public_pem)
}

/// The author's signer: their key, named by their actor's key id.
pub async fn author_signer(
    db: &Db,
    urls: &Urls,
    user_id: i64,
    username: &str,
) -> Result<Signer, KeyError> {
    let keys = author_keys(db, user_id).await?;
    Ok(Signer {
        key_id: urls.key_id(username),
        key: Arc::new(signing_key(&keys.private_pem)?),
    })
}

/// The instance's key pair, made on first use.
pub async fn instance_keys(db: &Db) -> Result<KeyPair, KeyError> {
    if let Some(keys) = repo::find_instance_key(db).await? {
        return Ok(keys);
    }
    let made = generate_off_thread().await?;
    repo::insert_instance_key(db, &made).await?;
    repo::find_instance_key(db)
        .await?
        .ok_or_else(|| KeyError::Key("the key just stored is missing".into()))
}

/// The instance actor's signer.
pub async fn instance_signer(db: &Db, urls: &Urls) -> Result<Signer, KeyError> {
    let keys = instance_keys(db).await?;
    Ok(Signer {
        key_id: format!("{}#main-key", urls.instance_actor()),
        key: Arc::new(signing_key(&keys.private_pem)?),
    })
}

/// The private key of a PKCS#8 PEM, ready to sign.
pub fn signing_key(private_pem: &str) -> Result<ring::signature::RsaKeyPair, KeyError> {
    let der =
        pem_body(private_pem).ok_or_else(|| KeyError::Key("unreadable private key".into()))?;
    ring::signature::RsaKeyPair::from_pkcs8(&der).map_err(|e| KeyError::Key(e.to_string()))
}

/// The bytes of a PEM document's body.
fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("-----"))
        .collect();
    STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_signs_and_its_public_half_verifies() {
        let keys = generate().expect("a key pair");
        let signer = signing_key(&keys.private_pem).expect("a signing key");
        let mut signature = vec![0; signer.public().modulus_len()];
        signer
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                b"message",
                &mut signature,
            )
            .expect("signed");
        let der =
            crate::federation::signature::public_key_der(&keys.public_pem).expect("a public key");
        let verified = ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            der,
        )
        .verify(b"message", &signature);
        assert!(verified.is_ok());
        assert!(keys.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    }
}
