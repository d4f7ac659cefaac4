//! The database brought up to date: its SQL migrations, then the data steps that only Rust can
//! compute (the identity keys of accounts made before they existed).

use crate::{
    server_only::db::{Db, DbError},
    users::repo::fill_identity_keys,
};

/// Applies pending migrations and fills what they leave to Rust; returns how many migrations were
/// applied now.
pub async fn migrate(db: &Db) -> Result<usize, DbError> {
    let applied = db.run_migrations().await?;
    // The identity keys are computed in Rust, so no SQL migration can fill them.
    fill_identity_keys(db).await?;
    Ok(applied)
}
