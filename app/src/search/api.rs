//! The search server function.

use leptos::prelude::*;

use crate::server_call::JsonRead;

use crate::{error::AppError, search::model::SearchResults};

/// Page `page` of the posts matching `q`, five per page; a blank query finds nothing.
#[server(endpoint = "search_posts", input = JsonRead)]
pub async fn search_posts(q: String, page: i64) -> Result<SearchResults, AppError> {
    use crate::{
        client_gone::unless_gone,
        pagination::{PER_PAGE, Pager, page_offset},
        search::{
            gate::{SEARCHES, request_turn},
            model::{clean_query, words},
            repo,
        },
        state::{db, with_status},
    };
    with_status(async {
        let query = clean_query(&q);
        let words = words(&query);
        if words.is_empty() {
            return Ok(SearchResults {
                query,
                hits: Vec::new(),
                pager: None,
            });
        }
        let offset = page_offset(page, PER_PAGE)?;
        let db = db()?;
        // A search whose visitor has left neither waits for its turn nor keeps ranking.
        let found = unless_gone(
            async {
                let _turn = request_turn(&SEARCHES).await?;
                Ok(repo::find_matches(&db, &words, PER_PAGE, offset).await?)
            },
            || SEARCHES.busy(),
        )
        .await?;
        let pager = Pager::new(page, PER_PAGE, found.total)?;
        Ok(SearchResults {
            query,
            hits: found.hits,
            pager: Some(pager),
        })
    })
    .await
}
