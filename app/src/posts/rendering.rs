//! Posts stored by an older renderer (or before renderings were stored), rendered again and
//! stored, a batch at a time: once in the background after the server starts, and by
//! `quire post render`. Until then such a post is rendered when it is read, so it shows exactly
//! as it always did.

use crate::{
    posts::repo::{find_stale_renderings, rendering_of, store_rendering},
    server_only::db::{Db, DbError},
};

/// Posts rendered per batch: each batch is one read and one write per post.
const BATCH: i64 = 500;

/// Renders again every post stored by a renderer other than today's; returns how many were
/// stored. A post edited meanwhile keeps the rendering its edit stored.
pub async fn render_stale_posts(db: &Db) -> Result<u64, DbError> {
    let mut stored = 0;
    let mut after_edits = 0;
    loop {
        let stale = find_stale_renderings(db, BATCH).await?;
        if stale.is_empty() {
            return Ok(stored);
        }
        for post in &stale {
            if store_rendering(db, post.id, &post.content, &rendering_of(&post.content)).await? {
                stored += 1;
            } else {
                after_edits += 1;
            }
        }
        // A post whose content changed between the read and the write is found again, already
        // rendered by its edit; this bounds the loop should that keep happening.
        if after_edits > BATCH * 4 {
            return Ok(stored);
        }
    }
}

/// [`render_stale_posts`] in the background, logging what it did.
pub fn spawn_render_stale_posts(db: Db) {
    tokio::spawn(async move {
        match render_stale_posts(&db).await {
            Ok(0) => {}
            Ok(stored) => tracing::info!(stored, "posts rendered again by today's renderer"),
            Err(error) => tracing::warn!(%error, "posts could not be rendered again"),
        }
    });
}
