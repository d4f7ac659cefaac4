//! What crawlers read: `robots.txt`, and the sitemap of the home page, every user page, every
//! post page and every tag page, split into several sitemaps under one index past 50,000 addresses.

use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};

use crate::{
    components::page_title::escape_html as escape, posts::repo as posts,
    server_only::state::AppState, server_only::totals::read_totals, shared::error::AppError,
    shared::xml_text::xml_safe, tags::repo as tags, users::repo as users,
};

/// Most addresses in one sitemap (the sitemap protocol's limit).
pub const SITEMAP_MAX: i64 = 50_000;

/// `GET /robots.txt`: everything public may be crawled; forms, accounts and the API may not.
pub async fn robots(State(state): State<AppState>) -> Response {
    let site = state.settings.site_url();
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /account\nDisallow: /login\n\
         Disallow: /register\nDisallow: /reset_password\nDisallow: /post/new\n\
         Disallow: /error/\n\nSitemap: {site}/sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `GET /sitemap.xml`: every address, or past [`SITEMAP_MAX`] an index of the parts.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let site = state.settings.site_url();
    let result = async {
        let counts = counts(&state).await?;
        if counts.all() <= SITEMAP_MAX {
            let urls = part(&state, site, 0, &counts).await?;
            return Ok(urlset(&urls));
        }
        Ok(index(site, part_count(counts.all())))
    }
    .await;
    answer(result)
}

/// `GET /sitemaps/{n}.xml`: part `n` (from 1) of the sitemap.
pub async fn sitemap_part(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let site = state.settings.site_url();
    let result = async {
        let number = name
            .strip_suffix(".xml")
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n >= 1)
            .ok_or(AppError::NotFound)?;
        let counts = counts(&state).await?;
        if number > part_count(counts.all()) {
            return Err(AppError::NotFound);
        }
        let urls = part(&state, site, number - 1, &counts).await?;
        Ok(urlset(&urls))
    }
    .await;
    answer(result)
}

/// How many pages of each kind the sitemap lists.
struct Counts {
    users: i64,
    posts: i64,
    tags: i64,
}

impl Counts {
    /// Every address: the home page and the rest.
    fn all(&self) -> i64 {
        1 + self.users + self.posts + self.tags
    }
}

async fn counts(state: &AppState) -> Result<Counts, AppError> {
    let totals = read_totals(&state.db).await?;
    Ok(Counts {
        users: totals.users,
        posts: totals.posts,
        tags: tags::count_public_tags(&state.db).await?,
    })
}

/// How many sitemap parts `count` addresses take.
fn part_count(count: i64) -> i64 {
    count.max(0).saturating_add(SITEMAP_MAX - 1) / SITEMAP_MAX
}

/// One address and when it last changed.
struct Address {
    loc: String,
    lastmod: Option<DateTime<Utc>>,
}

/// Part `index` (from 0) of the list: the home page, then users by id, then posts by id, then
/// tags by id.
async fn part(
    state: &AppState,
    site: &str,
    index: i64,
    counts: &Counts,
) -> Result<Vec<Address>, AppError> {
    let user_count = counts.users;
    let start = index * SITEMAP_MAX;
    let end = start + SITEMAP_MAX;
    let mut urls = Vec::new();
    if start == 0 {
        urls.push(Address {
            loc: format!("{site}/"),
            lastmod: None,
        });
    }
    // Position 0 is the home page; users take positions 1..=user_count, posts the rest.
    let users_from = (start - 1).max(0);
    let users_to = (end - 1).min(user_count);
    if users_from < users_to {
        for name in users::usernames(&state.db, users_to - users_from, users_from).await? {
            urls.push(Address {
                loc: format!("{site}/user/{name}"),
                lastmod: None,
            });
        }
    }
    let posts_from = (start - 1 - user_count).max(0);
    let posts_to = end - 1 - user_count;
    if posts_from < posts_to {
        for (id, date) in posts::post_ids(&state.db, posts_to - posts_from, posts_from).await? {
            urls.push(Address {
                loc: format!("{site}/post/{id}"),
                lastmod: Some(date),
            });
        }
    }
    let tags_from = (start - 1 - user_count - counts.posts).max(0);
    let tags_to = end - 1 - user_count - counts.posts;
    if tags_from < tags_to {
        for key in tags::public_tag_keys(&state.db, tags_to - tags_from, tags_from).await? {
            urls.push(Address {
                loc: format!("{site}{}", crate::posts::model::tag_url(&key)),
                lastmod: None,
            });
        }
    }
    Ok(urls)
}

fn urlset(urls: &[Address]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        xml.push_str("<url><loc>");
        xml.push_str(&escape(&xml_safe(&url.loc)));
        xml.push_str("</loc>");
        if let Some(date) = url.lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&date.format("%Y-%m-%d").to_string());
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn index(site: &str, parts: i64) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for number in 1..=parts {
        xml.push_str(&format!(
            "<sitemap><loc>{}/sitemaps/{number}.xml</loc></sitemap>\n",
            escape(site)
        ));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

fn answer(result: Result<String, AppError>) -> Response {
    match result {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_fill_whole_parts_then_one_more() {
        assert_eq!(part_count(1), 1);
        assert_eq!(part_count(SITEMAP_MAX), 1);
        assert_eq!(part_count(SITEMAP_MAX + 1), 2);
    }

    #[test]
    fn an_index_names_every_part() {
        let xml = index("https://example.com", 3);
        assert!(xml.contains("<loc>https://example.com/sitemaps/3.xml</loc>"));
        assert_eq!(xml.matches("<sitemap>").count(), 3);
    }
}
