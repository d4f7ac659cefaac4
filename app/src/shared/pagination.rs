//! Page arithmetic for paginated lists, and the Flaskblog's page-link pattern.

use serde::{Deserialize, Serialize};

use crate::shared::error::AppError;

/// Posts shown per page.
pub const PER_PAGE: i64 = 5;

/// Where one page sits within a list of `total` items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pager {
    /// The current page, from 1.
    pub page: i64,
    /// Items per page.
    pub per_page: i64,
    /// Items in the whole list.
    pub total: i64,
}

/// One entry of a page-link row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLink {
    /// A link to this page number.
    Page(i64),
    /// The `…` between distant pages.
    Gap,
}

impl Pager {
    /// The pager for `page`, or [`AppError::NotFound`] when that page does not exist.
    /// An empty list still has page 1.
    pub fn new(page: i64, per_page: i64, total: i64) -> Result<Self, AppError> {
        let pager = Self {
            page,
            per_page,
            total,
        };
        if page < 1 || page > pager.pages() {
            return Err(AppError::NotFound);
        }
        Ok(pager)
    }

    /// How many pages the list has (at least 1).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    /// Rows to skip to reach this page.
    pub fn offset(&self) -> i64 {
        rows_before(self.page, self.per_page)
    }

    /// Page links as Flask-SQLAlchemy's `iter_pages(left_edge=1, right_edge=1,
    /// left_current=1, right_current=2)`: the first and last page, the current page with one
    /// before and two after, and a gap wherever pages are left out.
    pub fn links(&self) -> Vec<PageLink> {
        let pages = self.pages();
        // At most six numbers are ever shown, so only they are looked at, however many pages.
        // They come in ascending order; one not above the last shown is a repeat and skipped,
        // so no sort is needed (nor compiled into the browser's bundle).
        let numbers = [
            1,
            self.page - 1,
            self.page,
            self.page.saturating_add(1),
            self.page.saturating_add(2),
            pages,
        ];
        let mut links = Vec::with_capacity(numbers.len() * 2);
        let mut last = 0;
        for number in numbers {
            if number <= last || number > pages {
                continue;
            }
            if number > last + 1 {
                links.push(PageLink::Gap);
            }
            links.push(PageLink::Page(number));
            last = number;
        }
        links
    }
}

/// Rows to skip to reach page `page` of `per_page` rows, or [`AppError::NotFound`] for a page
/// number below 1. For lists whose total is only known once the page is read, such as searches.
pub fn page_offset(page: i64, per_page: i64) -> Result<i64, AppError> {
    if page < 1 {
        return Err(AppError::NotFound);
    }
    Ok(rows_before(page, per_page))
}

/// Rows on the pages before page `page` (from 1), saturating instead of overflowing.
fn rows_before(page: i64, per_page: i64) -> i64 {
    (page - 1).saturating_mul(per_page)
}

/// The page number in a `?page=` query value: anything that is not a number means page 1.
pub fn parse_page(raw: Option<&str>) -> i64 {
    raw.and_then(|value| value.trim().parse().ok()).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PageLink::{Gap, Page};

    fn links(page: i64, total: i64) -> Vec<PageLink> {
        Pager::new(page, 5, total)
            .map(|p| p.links())
            .unwrap_or_default()
    }

    #[test]
    fn first_page_shows_neighbours_gap_and_last() {
        assert_eq!(links(1, 50), vec![Page(1), Page(2), Page(3), Gap, Page(10)]);
    }

    #[test]
    fn middle_page_shows_both_edges_and_both_gaps() {
        assert_eq!(
            links(5, 50),
            vec![
                Page(1),
                Gap,
                Page(4),
                Page(5),
                Page(6),
                Page(7),
                Gap,
                Page(10)
            ]
        );
    }

    #[test]
    fn last_page_shows_first_gap_and_previous() {
        assert_eq!(links(10, 50), vec![Page(1), Gap, Page(9), Page(10)]);
    }

    #[test]
    fn adjacent_pages_leave_no_gap() {
        assert_eq!(links(2, 20), vec![Page(1), Page(2), Page(3), Page(4)]);
    }

    #[test]
    fn a_page_of_a_billion_pages_has_its_links_at_once() {
        let pager = Pager::new(100_000_000, 5, 5_000_000_000).expect("page");
        assert_eq!(
            pager.links(),
            vec![
                Page(1),
                Gap,
                Page(99_999_999),
                Page(100_000_000),
                Page(100_000_001),
                Page(100_000_002),
                Gap,
                Page(1_000_000_000)
            ]
        );
    }

    #[test]
    fn a_single_page_shows_itself_once() {
        assert_eq!(links(1, 3), vec![Page(1)]);
    }

    #[test]
    fn a_pager_past_its_end_still_shows_its_pages_in_order() {
        let pager = Pager {
            page: 10,
            per_page: 5,
            total: 10,
        };
        assert_eq!(pager.links(), vec![Page(1), Page(2)]);
    }

    #[test]
    fn an_empty_list_has_one_page() {
        assert_eq!(Pager::new(1, 5, 0).map(|p| p.pages()), Ok(1));
    }

    #[test]
    fn a_page_past_the_end_is_not_found() {
        assert_eq!(Pager::new(3, 5, 10), Err(AppError::NotFound));
    }

    #[test]
    fn page_zero_is_not_found() {
        assert_eq!(Pager::new(0, 5, 10), Err(AppError::NotFound));
    }

    #[test]
    fn the_offset_skips_earlier_pages() {
        assert_eq!(Pager::new(3, 5, 100).map(|p| p.offset()), Ok(10));
    }

    #[test]
    fn a_page_below_one_has_no_offset() {
        assert_eq!(page_offset(-1, 5), Err(AppError::NotFound));
    }

    #[test]
    fn a_huge_page_number_saturates_instead_of_overflowing() {
        assert_eq!(page_offset(i64::MAX, 5), Ok(i64::MAX));
    }

    #[test]
    fn a_non_numeric_page_means_page_one() {
        assert_eq!(parse_page(Some("abc")), 1);
        assert_eq!(parse_page(None), 1);
        assert_eq!(parse_page(Some("7")), 7);
    }
}
