//! Password hashing: argon2id with OWASP's parameters; bcrypt hashes (Flaskblog's) still verify.
//! Every hash and check a request asks for runs on the server's hashing slots
//! (`Workloads::hashing`): one job per core, a short line, and [`PasswordError::Busy`] beyond it,
//! so a flood of log-ins cannot exhaust memory or threads. Seeding hashes once, beside them.

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};

use crate::{
    server_only::slots::{SlotError, Slots},
    shared::error::{AppError, BUSY_RETRY_AFTER_SECS},
};

/// OWASP's argon2id minimum: 19 MiB of memory, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The hashing library failed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The stored hash is neither argon2 nor bcrypt.
    #[error("stored password hash has an unknown format")]
    UnknownFormat,
    /// Too many hashes are running or waiting; the caller should answer 503.
    #[error("password hashing is busy")]
    Busy,
    /// The blocking task running the hash was lost.
    #[error("password hashing task failed: {0}")]
    Task(String),
}

/// A hashing failure as the user is told of it: busy is a 503 to retry, anything else a logged 500.
impl From<PasswordError> for AppError {
    fn from(err: PasswordError) -> Self {
        match err {
            PasswordError::Busy => AppError::Busy {
                retry_after_secs: BUSY_RETRY_AFTER_SECS,
            },
            other => {
                tracing::error!(error = %other, "password hashing failed");
                AppError::Internal
            }
        }
    }
}

impl From<SlotError> for PasswordError {
    fn from(error: SlotError) -> Self {
        match error {
            SlotError::Busy(_) => Self::Busy,
            lost => Self::Task(lost.to_string()),
        }
    }
}

fn hasher() -> Result<Argon2<'static>, PasswordError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .map_err(|e| PasswordError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with argon2id and a fresh random salt, on the calling thread.
fn hash_with_new_salt(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Hashes `password` with argon2id and a random salt, on a `hashing` slot's thread.
pub async fn hash_password(hashing: &Slots, password: String) -> Result<String, PasswordError> {
    hashing.run(move || hash_with_new_salt(&password)).await?
}

/// Hashes `password` like [`hash_password`], on a blocking thread of its own instead of the
/// requests' queue: for set-up work (seeding) that runs once and must never be turned away as
/// busy, even while the queue is full.
pub async fn hash_password_for_setup(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_with_new_salt(&password))
        .await
        .map_err(|e| PasswordError::Task(e.to_string()))?
}

/// Checks `password` against a stored argon2 or bcrypt (`$2b$`) hash, on a `hashing` slot's
/// thread.
pub async fn verify_password(
    hashing: &Slots,
    password: String,
    stored: String,
) -> Result<bool, PasswordError> {
    hashing
        .run(move || {
            if is_bcrypt(&stored) {
                // A cost past the limit would hold a hashing thread for minutes or hours.
                if bcrypt_cost(&stored).is_none_or(|cost| cost > BCRYPT_MAX_COST) {
                    return Ok(false);
                }
                return bcrypt::verify(&password, &stored)
                    .map_err(|e| PasswordError::Hash(e.to_string()));
            }
            let parsed = PasswordHash::new(&stored).map_err(|_| PasswordError::UnknownFormat)?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await?
}

/// True for hashes that should be replaced by a fresh argon2id hash at the next login.
pub fn needs_rehash(stored: &str) -> bool {
    let current = format!("$argon2id$v=19$m={MEMORY_KIB},t={ITERATIONS},p={LANES}$");
    !stored.starts_with(&current)
}

/// True for a bcrypt hash (`$2a$`, `$2b$` or `$2y$`), as Flask-Bcrypt writes them.
pub fn is_bcrypt(stored: &str) -> bool {
    ["$2a$", "$2b$", "$2y$"]
        .iter()
        .any(|prefix| stored.starts_with(prefix))
}

/// Highest bcrypt cost Quire checks: each step doubles the work, and at 14 one check already
/// takes about a second; Flask-Bcrypt's default is 12.
pub const BCRYPT_MAX_COST: u32 = 14;

/// The cost of a bcrypt hash (the two digits after its prefix), if it has one.
pub fn bcrypt_cost(stored: &str) -> Option<u32> {
    let digits = stored.get(4..6)?;
    (stored.as_bytes().get(6) == Some(&b'$') && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots() -> Slots {
        Slots::with_workers("test hashing", 1, 4)
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_password() {
        let hash = hash_password(&slots(), "correct horse".into())
            .await
            .expect("hash");
        assert!(
            verify_password(&slots(), "correct horse".into(), hash)
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn a_hash_rejects_another_password() {
        let hash = hash_password(&slots(), "correct horse".into())
            .await
            .expect("hash");
        assert!(
            !verify_password(&slots(), "wrong horse".into(), hash)
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn a_setup_hash_verifies_its_own_password() {
        let hash = hash_password_for_setup("correct horse".into())
            .await
            .expect("hash");
        assert!(!needs_rehash(&hash));
        assert!(
            verify_password(&slots(), "correct horse".into(), hash)
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn hashes_use_argon2id_with_owasp_parameters() {
        let hash = hash_password(&slots(), "correct horse".into())
            .await
            .expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!needs_rehash(&hash));
    }

    #[tokio::test]
    async fn flaskblog_bcrypt_hashes_verify_and_need_rehash() {
        let hash = bcrypt::hash("password", 4).expect("bcrypt");
        assert!(hash.starts_with("$2b$") && hash.len() == 60);
        assert!(
            verify_password(&slots(), "password".into(), hash.clone())
                .await
                .expect("verify")
        );
        assert!(needs_rehash(&hash));
    }

    #[test]
    fn the_cost_of_a_bcrypt_hash_is_read() {
        assert_eq!(bcrypt_cost("$2b$12$abcdefghijklmnopqrstuv"), Some(12));
        assert_eq!(bcrypt_cost("$2b$1x$abc"), None);
        assert_eq!(bcrypt_cost("$2b$"), None);
    }

    #[tokio::test]
    async fn a_bcrypt_hash_past_the_cost_limit_never_matches_and_is_not_run() {
        let hash = format!("$2b$31${}", "a".repeat(53));
        assert!(
            !verify_password(&slots(), "x".into(), hash)
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn an_unknown_hash_format_is_an_error() {
        assert!(
            verify_password(&slots(), "x".into(), "plaintext".into())
                .await
                .is_err()
        );
    }
}
