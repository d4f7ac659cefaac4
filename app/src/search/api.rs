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
            let db = db()?;
            let _turn = SEARCHES.turn().await?;
            let total = repo::count_matches(&db, &words).await?;
            let pager = Pager::new(page, PER_PAGE, total)?;
            let hits = repo::find_matches(&db, &words, PER_PAGE, pager.offset()).await?;
            Ok(SearchResults {
                query,
                hits,
                pager: Some(pager),
            })
        }
        .await,
    )
}
