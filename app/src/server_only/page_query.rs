//! What a page reads of its address's query, read by the router's own parser exactly as
//! `leptos_axum` hands the address to it, so that a cache keyed on it reads the same values the
//! page renders from (the router percent-decodes a query value twice: `?page=%2532` is page 2).

use leptos_router::location::RequestUrl;

use crate::shared::pagination::parse_page;

/// The parts of a query that change what a public page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageQuery {
    /// The page number, as the list pages parse it (1 when absent or not a number).
    pub page: i64,
    /// Whether the query carries a refused form's error (`__path` or `__err`), which the page
    /// shows.
    pub form_error: bool,
}

/// What a page at `path_and_query` reads of its query; `None` when the router cannot parse the
/// address at all.
pub fn read(path_and_query: &str) -> Option<PageQuery> {
    let url = RequestUrl::new(&format!("http://leptos.dev{path_and_query}"))
        .parse()
        .ok()?;
    let params = url.search_params();
    Some(PageQuery {
        page: parse_page(params.get_str("page")),
        form_error: params.get_str("__err").is_some() || params.get_str("__path").is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_number_encoded_twice_is_read_as_the_router_reads_it() {
        assert_eq!(read("/?page=%2532").map(|q| q.page), Some(2));
    }

    #[test]
    fn the_last_of_two_page_numbers_counts() {
        assert_eq!(read("/?page=2&page=3").map(|q| q.page), Some(3));
    }

    #[test]
    fn a_form_error_is_seen_by_either_of_its_names() {
        assert_eq!(read("/post/1?__err=x").map(|q| q.form_error), Some(true));
        assert_eq!(read("/post/1?__p%61th=x").map(|q| q.form_error), Some(true));
        assert_eq!(read("/post/1?page=2").map(|q| q.form_error), Some(false));
    }
}
