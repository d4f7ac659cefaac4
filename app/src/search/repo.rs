//! SQL for search: an FTS5 index on SQLite, a `tsvector` column on Postgres. Only the newest
//! [`CANDIDATES_MAX`] matching posts are ranked, so a word found in half a million posts costs
//! what a rarer one does.

use chrono::{DateTime, Utc};

use crate::{
    posts::repo::tag_links_by_post,
    search::model::{CANDIDATES_MAX, Hit, MARK_END, MARK_START, pieces},
    server_only::db::{Db, DbError},
    users::model::Author,
};

/// A ranked match joined with its post and author, and how many posts matched in all.
#[derive(sqlx::FromRow)]
struct HitRow {
    total: i64,
    id: i64,
    title: String,
    date_posted: DateTime<Utc>,
    author_id: i64,
    author_username: String,
    author_image_file: String,
    snippet: String,
}

impl From<HitRow> for Hit {
    fn from(row: HitRow) -> Self {
        Self {
            id: row.id,
            title: row.title,
            date_posted: row.date_posted,
            author: Author {
                id: row.author_id,
                username: row.author_username,
                image_file: row.author_image_file,
            },
            snippet: pieces(&row.snippet),
            tag_links: String::new(),
        }
    }
}

/// An FTS5 query matching every word literally: each one a quoted string.
fn fts5_query(words: &[&str]) -> String {
    words
        .iter()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Posts carrying the tag whose key is the bound `$k` (or every post, for an empty key): the
/// condition on a candidate's id, `$k` numbered by the caller.
macro_rules! tagged {
    ($id:literal, $k:literal) => {
        concat!(
            " and (",
            $k,
            " = '' or ",
            $id,
            " in (select pt.post_id from post_tags pt \
             join tags t on t.id = pt.tag_id where t.key = ",
            $k,
            " and pt.listed_at is not null))"
        )
    };
}

/// How many posts match all of `words` (carrying the tag keyed `tag`, unless it is empty),
/// counting at most [`CANDIDATES_MAX`].
async fn count_matches(db: &Db, words: &[&str], tag: &str) -> Result<i64, DbError> {
    if words.is_empty() {
        return Ok(0);
    }
    let count = match db {
        Db::Sqlite(pool) => {
            sqlx::query_scalar(concat!(
                "select count(*) from (select rowid from posts_search \
                 where posts_search match $1",
                tagged!("rowid", "$3"),
                " order by rowid desc limit $2)"
            ))
            .bind(fts5_query(words))
            .bind(CANDIDATES_MAX)
            .bind(tag)
            .fetch_one(pool)
            .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar(concat!(
                "select count(*) from (select id from posts \
                 where search @@ plainto_tsquery('english', $1) and status = 'published'",
                tagged!("id", "$3"),
                " order by id desc limit $2) c"
            ))
            .bind(words.join(" "))
            .bind(CANDIDATES_MAX)
            .bind(tag)
            .fetch_one(pool)
            .await?
        }
    };
    Ok(count)
}

/// One page of matches and the number of posts matched in all (at most [`CANDIDATES_MAX`]).
#[derive(Debug, Default)]
pub struct Matches {
    /// The page's matches, best first.
    pub hits: Vec<Hit>,
    /// How many posts matched, counted in the same statement. A page past the last has no rows
    /// to carry the count, so it is counted apart then.
    pub total: i64,
}

/// Page of `limit` matches from `offset`, best first (ties: newest first), each with a snippet,
/// with the total from the same statement: ranking and counting read the index once. With a
/// non-empty `tag` (a tag's key), only posts carrying that tag match.
pub async fn find_matches(
    db: &Db,
    words: &[&str],
    tag: &str,
    limit: i64,
    offset: i64,
) -> Result<Matches, DbError> {
    if words.is_empty() {
        return Ok(Matches::default());
    }
    let rows = match db {
        Db::Sqlite(pool) => {
            // Titles weigh four times as much as contents.
            let sql = concat!(
                "select page.total, p.id, p.title, p.date_posted, u.id as author_id, \
                 u.username as author_username, u.image_file as author_image_file, \
                 snippet(posts_search, 1, $5, $6, '…', 24) as snippet \
                 from (select id, score, count(*) over () as total from \
                       (select rowid as id, bm25(posts_search, 4.0, 1.0) as score from posts_search \
                        where posts_search match $1",
                tagged!("rowid", "$7"),
                " order by rowid desc limit $2) \
                       order by score, id desc limit $3 offset $4) page \
                 join posts_search on posts_search.rowid = page.id \
                 join posts p on p.id = page.id join users u on u.id = p.user_id \
                 where posts_search match $1 \
                 order by page.score, page.id desc"
            );
            sqlx::query_as::<_, HitRow>(sql)
                .bind(fts5_query(words))
                .bind(CANDIDATES_MAX)
                .bind(limit)
                .bind(offset)
                .bind(MARK_START.to_string())
                .bind(MARK_END.to_string())
                .bind(tag)
                .fetch_all(pool)
                .await?
        }
        Db::Postgres(pool) => {
            let sql = concat!(
                "select page.total, p.id, p.title, p.date_posted, u.id as author_id, \
                 u.username as author_username, u.image_file as author_image_file, \
                 ts_headline('english', p.content, plainto_tsquery('english', $1), $5) as snippet \
                 from (select id, score, count(*) over () as total from \
                       (select id, ts_rank(search, plainto_tsquery('english', $1)) as score from posts \
                        where search @@ plainto_tsquery('english', $1) and status = 'published'",
                tagged!("id", "$6"),
                " order by id desc limit $2) c \
                       order by score desc, id desc limit $3 offset $4) page \
                 join posts p on p.id = page.id join users u on u.id = p.user_id \
                 order by page.score desc, page.id desc"
            );
            let options = format!(
                "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=12, \
                 MaxFragments=2, FragmentDelimiter=\" … \""
            );
            sqlx::query_as::<_, HitRow>(sql)
                .bind(words.join(" "))
                .bind(CANDIDATES_MAX)
                .bind(limit)
                .bind(offset)
                .bind(options)
                .bind(tag)
                .fetch_all(pool)
                .await?
        }
    };
    let total = match rows.first() {
        Some(row) => row.total,
        None if offset > 0 => count_matches(db, words, tag).await?,
        None => 0,
    };
    let mut hits: Vec<Hit> = rows.into_iter().map(Hit::from).collect();
    let ids: Vec<i64> = hits.iter().map(|hit| hit.id).collect();
    for (hit, links) in hits.iter_mut().zip(tag_links_by_post(db, &ids).await?) {
        hit.tag_links = links;
    }
    Ok(Matches { hits, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_quoted_so_operators_are_taken_literally() {
        assert_eq!(
            fts5_query(&["chess", "NOT", "a\"b", "col:x"]),
            r#""chess" "NOT" "a""b" "col:x""#
        );
    }
}
