//! The search server function.

use leptos::prelude::*;

use crate::{error::AppError, search::model::SearchResults};

/// Page `page` of the posts matching `q`, five per page; a blank query finds nothing.
#[server(endpoint = "search_posts")]
pub async fn search_posts(q: String, page: i64) -> Result<SearchResults, AppError> {
    use crate::{
        pagination::{PER_PAGE, Pager, page_offset},
        search::{
            gate::SEARCHES,
            model::{clean_query, words},
            repo,
        },
        state::{db, with_status},
    };
    with_status(
        async {
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
            let _turn = SEARCHES.turn().await?;
            let found = repo::find_matches(&db, &words, PER_PAGE, offset).await?;
            let pager = Pager::new(page, PER_PAGE, found.total)?;
            Ok(SearchResults {
                query,
                hits: found.hits,
                pager: Some(pager),
            })
        }
        .await,
    )
}
