//! What the author's page reads about federation.

#[cfg(feature = "ssr")]
use crate::{federation::model::Fediverse, server_only::db::Db, shared::error::AppError};

/// The author's handle and follower count, or `None` when federation is off.
#[cfg(feature = "ssr")]
pub async fn fediverse_of(
    db: &Db,
    user_id: i64,
    username: &str,
) -> Result<Option<Fediverse>, AppError> {
    let state = crate::server_only::state::app_state()?;
    if !state.federation.enabled() {
        return Ok(None);
    }
    let followers = crate::federation::repo::count_followers(db, user_id).await?;
    Ok(Some(Fediverse {
        handle: format!("@{username}@{}", state.federation.urls.host()),
        followers,
    }))
}
