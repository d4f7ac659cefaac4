//! The server's secret key: from configuration, or generated once and kept in the database so
//! every instance and every restart signs with the same key.

use crate::{
    server_only::db::{Db, DbError},
    server_only::random::random_hex,
    with_pool,
};

const SECRET_KEY: &str = "secret_key";

/// The configured key's bytes, or the stored one, created on first use.
pub async fn load_secret_key(db: &Db, configured: Option<&str>) -> Result<Vec<u8>, DbError> {
    if let Some(key) = configured.filter(|key| !key.is_empty()) {
        return Ok(key.as_bytes().to_vec());
    }
    let candidate = random_hex(32);
    // Two instances starting together both insert; the first one wins and both read it back.
    with_pool!(db, |pool| sqlx::query(
        "insert into settings (key, value) values ($1, $2) on conflict (key) do nothing"
    )
    .bind(SECRET_KEY)
    .bind(&candidate)
    .execute(pool)
    .await
    .map(|_| ()))?;
    let stored: String = with_pool!(db, |pool| sqlx::query_scalar(
        "select value from settings where key = $1"
    )
    .bind(SECRET_KEY)
    .fetch_one(pool)
    .await)?;
    Ok(stored.into_bytes())
}
