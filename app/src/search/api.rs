//! The search server function.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;

use crate::{search::model::SearchResults, shared::error::AppError};

/// Page `page` of the posts matching `q`, five per page, narrowed to the posts carrying `tag`
/// (any spelling) when it is not blank; a blank query finds nothing.
#[server(endpoint = "search_posts", input = JsonRead)]
pub async fn search_posts(
    q: String,
    page: i64,
    #[server(default)] tag: String,
) -> Result<SearchResults, AppError> {
    use crate::{
        posts::tagging::tag_key,
        search::{
            model::{clean_query, words},
            repo,
            slots::request_slot,
        },
        server_only::cancel_on_disconnect::unless_gone,
        server_only::state::{db, work},
        shared::pagination::{PER_PAGE, Pager, page_offset},
    };
    let query = clean_query(&q);
    let words = words(&query);
    let tag = clean_query(&tag);
    if words.is_empty() {
        return Ok(SearchResults {
            query,
            tag,
            hits: Vec::new(),
            pager: None,
        });
    }
    let key = if tag.is_empty() {
        String::new()
    } else {
        tag_key(&tag)
    };
    let offset = page_offset(page, PER_PAGE)?;
    let db = db()?;
    let work = work()?;
    // A search whose visitor has left neither waits for its slot nor keeps ranking.
    let found = unless_gone(
        async {
            let _slot = request_slot(&work.searches).await?;
            Ok(repo::find_matches(&db, &words, &key, PER_PAGE, offset).await?)
        },
        || work.searches.busy(),
    )
    .await?;
    let pager = Pager::new(page, PER_PAGE, found.total)?;
    Ok(SearchResults {
        query,
        tag,
        hits: found.hits,
        pager: Some(pager),
    })
}
