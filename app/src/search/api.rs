//! The search server function.

use leptos::prelude::*;

use crate::{error::AppError, search::model::SearchResults};

/// Page `page` of the posts matching `q`, five per page; a blank query finds nothing.
#[server(endpoint = "search_posts")]
pub async fn search_posts(q: String, page: i64) -> Result<SearchResults, AppError> {
    use crate::{
        pagination::{PER_PAGE, Pager},
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
            if page < 1 {
                return Err(AppError::NotFound);
            }
            let db = db()?;
            let _turn = SEARCHES.turn().await?;
            let offset = (page - 1).saturating_mul(PER_PAGE);
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
