//! SQL for posts, written once for both backends, authors joined in.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use crate::{
    pictures::repo::{free_unused, write_post_pictures},
    posts::{
        markdown::{self, Excerpt, RENDERER_VERSION, Rendered},
        model::{NewPost, Post, PostStatus, SUMMARY_MAX, Tag, tag_links},
        tagging::TagInput,
    },
    server_only::clock::now,
    server_only::db::{Db, DbError},
    users::model::Author,
    with_pool,
};

/// A post joined with its author, as one result row.
#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    title: String,
    date_posted: DateTime<Utc>,
    content: String,
    content_html: String,
    excerpt_html: String,
    excerpt_more: bool,
    summary: String,
    rendered_by: i64,
    status: String,
    publish_at: Option<DateTime<Utc>>,
    author_id: i64,
    author_username: String,
    author_image_file: String,
}

/// How much of a post's content a query's caller shows.
#[derive(Clone, Copy)]
enum Shown {
    /// The post's own page: all of it.
    Whole,
    /// A list: the first block.
    Excerpt,
}

impl PostRow {
    /// The post as `shown`, from the rendering stored with it; a row stored by an older renderer
    /// (until it is rendered again, see `posts::rendering`) is rendered now, as it always was.
    fn into_post(self, shown: Shown) -> Post {
        let stored = if self.rendered_by == RENDERER_VERSION {
            Rendered {
                html: self.content_html,
                excerpt: Excerpt {
                    html: self.excerpt_html,
                    more: self.excerpt_more,
                },
                summary: self.summary,
            }
        } else {
            markdown::render_post(&self.content, SUMMARY_MAX)
        };
        let (html, more, summary) = match shown {
            Shown::Whole => (stored.html, false, stored.summary),
            Shown::Excerpt => (stored.excerpt.html, stored.excerpt.more, String::new()),
        };
        Post {
            id: self.id,
            title: self.title,
            date_posted: self.date_posted,
            content: self.content,
            html,
            more,
            summary,
            author: Author {
                id: self.author_id,
                username: self.author_username,
                image_file: self.author_image_file,
            },
            tag_links: String::new(),
            tags: Vec::new(),
            status: PostStatus::from_stored(&self.status),
            publish_at: self.publish_at,
        }
    }
}

/// Rows turned into posts as `shown`, each with its tags, read in one more query.
async fn into_posts(db: &Db, rows: Vec<PostRow>, shown: Shown) -> Result<Vec<Post>, DbError> {
    let mut posts: Vec<Post> = rows.into_iter().map(|row| row.into_post(shown)).collect();
    attach_tags(db, &mut posts).await?;
    Ok(posts)
}

/// A post's tag as read for a list: which post, and the tag.
#[derive(sqlx::FromRow)]
struct TagRow {
    post_id: i64,
    name: String,
    key: String,
}

/// Fills in the tags of `posts`, all of them in one query, each post's in the order written.
async fn attach_tags(db: &Db, posts: &mut [Post]) -> Result<(), DbError> {
    let ids: Vec<i64> = posts.iter().map(|post| post.id).collect();
    for (post_id, tag) in tags_by_post(db, &ids).await? {
        if let Some(post) = posts.iter_mut().find(|post| post.id == post_id) {
            post.tags.push(tag);
        }
    }
    for post in posts.iter_mut() {
        post.tag_links = tag_links(&post.tags);
    }
    Ok(())
}

/// The tag links ([`Post::tag_links`]) of the posts `ids`, in the order of `ids`, in one query.
pub async fn tag_links_by_post(db: &Db, ids: &[i64]) -> Result<Vec<String>, DbError> {
    let tags = tags_by_post(db, ids).await?;
    Ok(ids
        .iter()
        .map(|id| {
            let own: Vec<Tag> = tags
                .iter()
                .filter(|(post_id, _)| post_id == id)
                .map(|(_, tag)| tag.clone())
                .collect();
            tag_links(&own)
        })
        .collect())
}

/// The tags of the posts `ids`, in one query: each with its post's id, a post's in the order
/// written.
pub(crate) async fn tags_by_post(db: &Db, ids: &[i64]) -> Result<Vec<(i64, Tag)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<TagRow> = with_pool!(db, |pool, Backend| {
        let mut query = QueryBuilder::<Backend>::new(
            "select pt.post_id, t.name, t.key from post_tags pt join tags t on t.id = pt.tag_id \
             where pt.post_id in (",
        );
        let mut bound = query.separated(", ");
        for id in ids {
            bound.push_bind(*id);
        }
        query.push(") order by pt.post_id, pt.position");
        query.build_query_as::<TagRow>().fetch_all(pool).await?
    });
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.post_id,
                Tag {
                    name: row.name,
                    key: row.key,
                },
            )
        })
        .collect())
}

/// `content` rendered for storing, as every write does.
pub fn rendering_of(content: &str) -> Rendered {
    markdown::render_post(content, SUMMARY_MAX)
}

/// The columns of a stored rendering, in the order [`bind_rendering!`] binds them.
pub const RENDERING_COLUMNS: &str =
    "content_html, excerpt_html, excerpt_more, summary, rendered_by";

/// Binds a [`Rendered`] to `$query` with `$bind` (`bind` for a statement, by reference;
/// `push_bind` for a row of a bulk insert, which takes the rendering), in the order
/// `content_html, excerpt_html, excerpt_more, summary, rendered_by`, with today's renderer's
/// version.
macro_rules! bind_rendering {
    ($query:expr, bind, $rendered:expr) => {
        $query
            .bind(&$rendered.html)
            .bind(&$rendered.excerpt.html)
            .bind($rendered.excerpt.more)
            .bind(&$rendered.summary)
            .bind($crate::posts::markdown::RENDERER_VERSION)
    };
    ($query:expr, push_bind, $rendered:expr) => {{
        let rendered = $rendered;
        $query
            .push_bind(rendered.html)
            .push_bind(rendered.excerpt.html)
            .push_bind(rendered.excerpt.more)
            .push_bind(rendered.summary)
            .push_bind($crate::posts::markdown::RENDERER_VERSION)
    }};
}
pub(crate) use bind_rendering;

/// Posts joined with their authors; each query appends its own `where` and `order by`.
macro_rules! post_with_author {
    () => {
        "select p.id, p.title, p.date_posted, p.content, p.content_html, p.excerpt_html, \
     p.excerpt_more, p.summary, p.rendered_by, p.status, p.publish_at, u.id as author_id, u.username as author_username, u.image_file as author_image_file \
     from posts p join users u on u.id = p.user_id"
    };
}

/// A post row ready to insert in bulk.
pub struct PostRecord<'a> {
    /// Title.
    pub title: &'a str,
    /// Body text.
    pub content: &'a str,
    /// When it was posted.
    pub date_posted: DateTime<Utc>,
    /// The author's id.
    pub user_id: i64,
}

/// Where a post is to stand after a write: its status, and when a scheduled post goes public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Draft, scheduled or published.
    pub status: PostStatus,
    /// For a scheduled post, when it goes public.
    pub publish_at: Option<DateTime<Utc>>,
}

impl Standing {
    /// Published now.
    pub const PUBLISHED: Self = Self {
        status: PostStatus::Published,
        publish_at: None,
    };
    /// A draft.
    pub const DRAFT: Self = Self {
        status: PostStatus::Draft,
        publish_at: None,
    };

    /// Scheduled to go public at `at`.
    pub fn scheduled(at: DateTime<Utc>) -> Self {
        Self {
            status: PostStatus::Scheduled,
            publish_at: Some(at),
        }
    }
}

/// Finds a tag by its key (`$2`), adding it as first written (`$1`) if it is new; its id.
pub(crate) const UPSERT_TAG: &str = "insert into tags (name, key) values ($1, $2) \
                          on conflict (key) do update set key = excluded.key returning id";

/// Replaces post `$id`'s tags with `$tags` on connection `$conn`: each tag found by its key or
/// added as first written, listed from the post's date while it is published.
macro_rules! write_tags {
    ($conn:expr, $id:expr, $tags:expr) => {{
        sqlx::query("delete from post_tags where post_id = $1")
            .bind($id)
            .execute($conn)
            .await?;
        for (position, tag) in $tags.iter().enumerate() {
            let tag_id: i64 = sqlx::query_scalar($crate::posts::repo::UPSERT_TAG)
                .bind(&tag.name)
                .bind(&tag.key)
                .fetch_one($conn)
                .await?;
            sqlx::query(
                "insert into post_tags (post_id, tag_id, position, listed_at) \
                 select id, $2, $3, case when status = 'published' then date_posted end \
                 from posts where id = $1",
            )
            .bind($id)
            .bind(tag_id)
            .bind(position as i32)
            .execute($conn)
            .await?;
        }
    }};
}
pub(crate) use write_tags;

/// Inserts a published post by `user_id`, dated now, with its content rendered and no tags;
/// returns its id.
pub async fn insert_post(db: &Db, user_id: i64, post: &NewPost) -> Result<i64, DbError> {
    insert_post_as(db, user_id, post, Standing::PUBLISHED, &[]).await
}

/// Inserts a post by `user_id` standing as `standing`, dated now, with its content rendered and
/// its tags, in one transaction; returns its id.
pub async fn insert_post_as(
    db: &Db,
    user_id: i64,
    post: &NewPost,
    standing: Standing,
    tags: &[TagInput],
) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        let dated = Dated {
            posted: now(),
            updated: None,
        };
        let id = insert_post_on!(tx, user_id, post, standing, dated, tags);
        tx.commit().await?;
        id
    }))
}

/// When a post was posted and last edited.
#[derive(Debug, Clone, Copy)]
pub struct Dated {
    /// Posted (for a draft: written).
    pub posted: DateTime<Utc>,
    /// Last edited, if ever.
    pub updated: Option<DateTime<Utc>>,
}

/// Inserts `$post` by `$user_id` standing as `$standing`, dated `$dated`, rendered, with its
/// tags and its pictures linked, in transaction `$tx`; its id.
macro_rules! insert_post_on {
    ($tx:expr, $user_id:expr, $post:expr, $standing:expr, $dated:expr, $tags:expr) => {{
        let post: &$crate::posts::model::NewPost = $post;
        let standing: $crate::posts::repo::Standing = $standing;
        let dated: $crate::posts::repo::Dated = $dated;
        let rendered = $crate::posts::repo::rendering_of(&post.content);
        let id: i64 = $crate::posts::repo::bind_rendering!(
            sqlx::query_scalar(
                "insert into posts (title, content, date_posted, user_id, content_html, \
                 excerpt_html, excerpt_more, summary, rendered_by, status, publish_at, updated_at) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id"
            )
            .bind(&post.title)
            .bind(&post.content)
            .bind(dated.posted)
            .bind($user_id),
            bind,
            rendered
        )
        .bind(standing.status.as_str())
        .bind(standing.publish_at)
        .bind(dated.updated)
        .fetch_one(&mut *$tx)
        .await?;
        $crate::posts::repo::write_tags!(&mut *$tx, id, $tags);
        $crate::pictures::repo::write_post_pictures!($tx, id, &post.content);
        id
    }};
}
pub(crate) use insert_post_on;

/// Inserts many posts in one statement, each rendered (the caller keeps batches under the bind
/// limit: nine values a post, so at most 3,000 posts for SQLite's 32,766).
pub async fn insert_posts(db: &Db, posts: &[PostRecord<'_>]) -> Result<u64, DbError> {
    if posts.is_empty() {
        return Ok(0);
    }
    let done = with_pool!(db, |pool, Backend| {
        let mut query = QueryBuilder::<Backend>::new(
            "insert into posts (title, content, date_posted, user_id, content_html, excerpt_html, \
             excerpt_more, summary, rendered_by) ",
        );
        query.push_values(posts, |mut row, post| {
            bind_rendering!(
                row.push_bind(post.title)
                    .push_bind(post.content)
                    .push_bind(post.date_posted)
                    .push_bind(post.user_id),
                push_bind,
                rendering_of(post.content)
            );
        });
        query.build().execute(pool).await?.rows_affected()
    });
    Ok(done)
}

/// Tags every post whose title is `like` the pattern with the tag `name` (keyed `key`), in two
/// statements whatever their number (for generated demo data).
pub async fn tag_posts_titled(db: &Db, name: &str, key: &str, like: &str) -> Result<u64, DbError> {
    Ok(with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        let tag_id: i64 = sqlx::query_scalar(UPSERT_TAG)
            .bind(name)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        let tagged = sqlx::query(
            "insert into post_tags (post_id, tag_id, position, listed_at) \
             select id, $1, 0, case when status = 'published' then date_posted end \
             from posts where title like $2 \
             on conflict (post_id, tag_id) do nothing",
        )
        .bind(tag_id)
        .bind(like)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        tagged
    }))
}

/// Which end of the date index a page is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    /// Rows to take.
    limit: i64,
    /// Rows to skip from the chosen end.
    offset: i64,
    /// Read from the oldest end.
    from_oldest: bool,
}

impl Window {
    /// Of the two forms of one query, the one that reads from this window's end.
    fn pick(&self, newest_first: &'static str, oldest_first: &'static str) -> &'static str {
        if self.from_oldest {
            oldest_first
        } else {
            newest_first
        }
    }
}

/// The cheaper way to reach rows `offset..offset + limit` (newest first) of `total`: pages past
/// the middle are read from the oldest end, so no page skips more than half of the index.
fn window(limit: i64, offset: i64, total: i64) -> Window {
    if offset * 2 <= total {
        return Window {
            limit,
            offset,
            from_oldest: false,
        };
    }
    let end = (offset + limit).min(total);
    Window {
        limit: (end - offset).max(0),
        offset: total - end,
        from_oldest: true,
    }
}

/// Pages that would skip more index entries than this, from the nearer end, start from the day
/// their first post falls on instead (see `DayMark`).
const DAY_SEEK_AFTER: i64 = 2_000;

/// Where a page far from both ends starts: the UTC day holding its first post, found by summing
/// the kept per-day counts, and how many posts on newer days come before it.
#[derive(Debug, sqlx::FromRow)]
struct DayMark {
    /// Whole days since 1970-01-01 UTC.
    day: i64,
    /// Posts on newer days than `day`.
    before: i64,
}

impl DayMark {
    /// The first instant after this day: the page reads posts dated before it.
    fn end(&self) -> Result<DateTime<Utc>, DbError> {
        self.day
            .checked_add(1)
            .and_then(|next| next.checked_mul(86_400))
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
            .ok_or_else(|| DbError::Query(sqlx::Error::Decode("a post day out of range".into())))
    }
}

/// The statements that read one listing (all posts, or one author's), each in three ways; an
/// author's statements take the author's id as `$1` and number the rest after it.
struct ListingSql {
    /// Skip from the newest end: limit, offset.
    newest_first: &'static str,
    /// Skip from the oldest end: limit, offset.
    oldest_first: &'static str,
    /// The day mark of an offset.
    find_day: &'static str,
    /// Skip within a day: end of the day, limit, offset.
    from_day: &'static str,
}

/// Binds the author's id first, for an author's listing.
macro_rules! bind_author {
    ($query:expr, $author:expr) => {
        match $author {
            Some(id) => $query.bind(id),
            None => $query,
        }
    };
}

/// Rows `offset..offset + limit` (newest first) of a listing of `total` posts. The page's ids come
/// from the date index first, so deep pages do not join every skipped row; pages past the middle
/// walk the index from its other end, and pages far from both ends start from their day.
async fn list_page(
    db: &Db,
    sql: &ListingSql,
    author: Option<i64>,
    limit: i64,
    offset: i64,
    total: i64,
) -> Result<Vec<Post>, DbError> {
    let window = window(limit, offset, total);
    let rows = if window.offset <= DAY_SEEK_AFTER {
        let sql = window.pick(sql.newest_first, sql.oldest_first);
        with_pool!(db, |pool| bind_author!(
            sqlx::query_as::<_, PostRow>(sql),
            author
        )
        .bind(window.limit)
        .bind(window.offset)
        .fetch_all(pool)
        .await)?
    } else {
        let mark = with_pool!(db, |pool| bind_author!(
            sqlx::query_as::<_, DayMark>(sql.find_day),
            author
        )
        .bind(offset)
        .fetch_optional(pool)
        .await)?;
        let Some(mark) = mark else {
            return Ok(Vec::new());
        };
        let end = mark.end()?;
        with_pool!(db, |pool| bind_author!(
            sqlx::query_as::<_, PostRow>(sql.from_day),
            author
        )
        .bind(end)
        .bind(limit)
        .bind(offset - mark.before)
        .fetch_all(pool)
        .await)?
    };
    into_posts(db, rows, Shown::Excerpt).await
}

/// The day marks of one listing: the newest day whose posts, with those of newer days, pass the
/// offset. `$days` is the per-day counts table, filtered by `$scope`.
macro_rules! find_day {
    ($days:literal, $scope:literal, $offset:literal) => {
        concat!(
            "select day, before from (select day, posts, cast(coalesce(sum(posts) over \
             (order by day desc rows between unbounded preceding and 1 preceding), 0) as bigint) \
             as before from ",
            $days,
            $scope,
            ") marks where before + posts > ",
            $offset,
            " order by day desc limit 1"
        )
    };
}

/// One page of all posts, newest first, with their authors, out of `total` posts.
pub async fn list_posts_page(
    db: &Db,
    limit: i64,
    offset: i64,
    total: i64,
) -> Result<Vec<Post>, DbError> {
    const SQL: ListingSql = ListingSql {
        newest_first: concat!(
            post_with_author!(),
            " where p.id in \
             (select id from posts where status = 'published' \
             order by date_posted desc, id desc limit $1 offset $2) \
             order by p.date_posted desc, p.id desc"
        ),
        oldest_first: concat!(
            post_with_author!(),
            " where p.id in \
             (select id from posts where status = 'published' \
             order by date_posted, id limit $1 offset $2) \
             order by p.date_posted desc, p.id desc"
        ),
        find_day: find_day!("post_days", "", "$1"),
        from_day: concat!(
            post_with_author!(),
            " where p.id in \
             (select id from posts where status = 'published' and date_posted < $1 \
              order by date_posted desc, id desc limit $2 offset $3) \
             order by p.date_posted desc, p.id desc"
        ),
    };
    list_page(db, &SQL, None, limit, offset, total).await
}

/// One page of one author's posts, newest first, out of the author's `total`.
pub async fn list_posts_by_author(
    db: &Db,
    user_id: i64,
    limit: i64,
    offset: i64,
    total: i64,
) -> Result<Vec<Post>, DbError> {
    const SQL: ListingSql = ListingSql {
        newest_first: concat!(
            post_with_author!(),
            " where p.id in \
             (select id from posts where user_id = $1 and status = 'published' \
              order by date_posted desc, id desc limit $2 offset $3) \
             order by p.date_posted desc, p.id desc"
        ),
        oldest_first: concat!(
            post_with_author!(),
            " where p.id in \
             (select id from posts where user_id = $1 and status = 'published' \
              order by date_posted, id limit $2 offset $3) \
             order by p.date_posted desc, p.id desc"
        ),
        find_day: find_day!("author_days", " where user_id = $1", "$2"),
        from_day: concat!(
            post_with_author!(),
            " where p.id in \
             (select id from posts where user_id = $1 and status = 'published' and date_posted < $2 \
              order by date_posted desc, id desc limit $3 offset $4) \
             order by p.date_posted desc, p.id desc"
        ),
    };
    list_page(db, &SQL, Some(user_id), limit, offset, total).await
}

/// Whose newest posts a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everyone's.
    All,
    /// One author's, by id.
    Author(i64),
    /// Those carrying one tag, by id.
    Tag(i64),
}

/// The `limit` newest published posts in `scope`, whole, with their authors and tags (for feeds).
pub async fn newest_posts(db: &Db, scope: Scope, limit: i64) -> Result<Vec<Post>, DbError> {
    let rows = match scope {
        Scope::All => {
            let sql = concat!(
                post_with_author!(),
                " where p.status = 'published' order by p.date_posted desc, p.id desc limit $1"
            );
            with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
                .bind(limit)
                .fetch_all(pool)
                .await)?
        }
        Scope::Author(user_id) => {
            let sql = concat!(
                post_with_author!(),
                " where p.user_id = $1 and p.status = 'published' \
                 order by p.date_posted desc, p.id desc limit $2"
            );
            with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
                .bind(user_id)
                .bind(limit)
                .fetch_all(pool)
                .await)?
        }
        Scope::Tag(tag_id) => {
            let sql = concat!(
                post_with_author!(),
                " where p.id in (select post_id from post_tags \
                 where tag_id = $1 and listed_at is not null \
                 order by listed_at desc, post_id desc limit $2) \
                 order by p.date_posted desc, p.id desc"
            );
            with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
                .bind(tag_id)
                .bind(limit)
                .fetch_all(pool)
                .await)?
        }
    };
    into_posts(db, rows, Shown::Whole).await
}

/// Ids and dates of posts in id order, `limit` from `offset` (for the sitemap).
pub async fn post_ids(
    db: &Db,
    limit: i64,
    offset: i64,
) -> Result<Vec<(i64, DateTime<Utc>)>, DbError> {
    let sql = "select id, date_posted from posts where status = 'published' \
               order by id limit $1 offset $2";
    Ok(with_pool!(db, |pool| sqlx::query_as::<
        _,
        (i64, DateTime<Utc>),
    >(sql)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await)?)
}

/// The published post with this id, with its author and tags.
pub async fn find_post(db: &Db, id: i64) -> Result<Option<Post>, DbError> {
    find_post_for(db, id, None).await
}

/// The post with this id as `viewer` may see it: published, or written by `viewer`. Another
/// author's draft is `None`, exactly as a post that does not exist, by the same one query.
pub async fn find_post_for(db: &Db, id: i64, viewer: Option<i64>) -> Result<Option<Post>, DbError> {
    let sql = concat!(
        post_with_author!(),
        " where p.id = $1 and (p.status = 'published' or p.user_id = $2)"
    );
    let row = with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
        .bind(id)
        .bind(viewer)
        .fetch_optional(pool)
        .await)?;
    let mut posts = into_posts(db, row.into_iter().collect(), Shown::Whole).await?;
    Ok(posts.pop())
}

/// An author's drafts and scheduled posts, the newest written first, at most `limit`.
pub async fn list_unpublished(db: &Db, user_id: i64, limit: i64) -> Result<Vec<Post>, DbError> {
    let sql = concat!(
        post_with_author!(),
        " where p.user_id = $1 and p.status <> 'published' order by p.id desc limit $2"
    );
    let rows = with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
        .bind(user_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    into_posts(db, rows, Shown::Excerpt).await
}

/// Changes a post's title and content, with the content rendered, keeping its standing and tags;
/// `false` when it no longer exists.
pub async fn update_post(db: &Db, id: i64, post: &NewPost) -> Result<bool, DbError> {
    let sql = "update posts set title = $1, content = $2, content_html = $3, excerpt_html = $4, \
               excerpt_more = $5, summary = $6, rendered_by = $7, updated_at = $8 where id = $9";
    let rendered = rendering_of(&post.content);
    Ok(with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        let updated = bind_rendering!(
            sqlx::query(sql).bind(&post.title).bind(&post.content),
            bind,
            rendered
        )
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if updated {
            write_post_pictures!(tx, id, &post.content);
        }
        tx.commit().await?;
        updated
    }))
}

/// Changes a post's title, content (rendered), standing and tags, in one transaction; a post
/// published by this change is dated now. `false` when it no longer exists.
pub async fn revise_post(
    db: &Db,
    id: i64,
    post: &NewPost,
    standing: Standing,
    tags: &[TagInput],
) -> Result<bool, DbError> {
    let sql = "update posts set title = $1, content = $2, content_html = $3, excerpt_html = $4, \
               excerpt_more = $5, summary = $6, rendered_by = $7, status = $8, publish_at = $9, \
               date_posted = case when status <> 'published' and $8 = 'published' then $10 \
               else date_posted end, updated_at = $10 where id = $11";
    let rendered = rendering_of(&post.content);
    Ok(with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        let updated = bind_rendering!(
            sqlx::query(sql).bind(&post.title).bind(&post.content),
            bind,
            rendered
        )
        .bind(standing.status.as_str())
        .bind(standing.publish_at)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if updated {
            write_tags!(&mut *tx, id, tags);
            write_post_pictures!(tx, id, &post.content);
        }
        tx.commit().await?;
        updated
    }))
}

/// Publishes every scheduled post whose time has come, each dated its scheduled time; their ids.
/// One statement: when several instances run it at once, each post is published by exactly one.
pub async fn publish_due(db: &Db, at: DateTime<Utc>) -> Result<Vec<i64>, DbError> {
    let sql = "update posts set status = 'published', date_posted = publish_at, publish_at = null \
               where status = 'scheduled' and publish_at <= $1 returning id";
    Ok(with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(at)
        .fetch_all(pool)
        .await)?)
}

/// Whether a scheduled post is due at `at` (a read, so that an idle check takes no write lock).
pub async fn any_due(db: &Db, at: DateTime<Utc>) -> Result<bool, DbError> {
    let sql = "select id from posts where status = 'scheduled' and publish_at <= $1 limit 1";
    let found: Option<i64> = with_pool!(db, |pool| sqlx::query_scalar(sql)
        .bind(at)
        .fetch_optional(pool)
        .await)?;
    Ok(found.is_some())
}

/// One page of the published posts carrying tag `tag_id`, newest first, out of the tag's
/// `total`, read from the tag's listing index; pages past the middle walk it from its oldest end,
/// so no page skips more than half of the tag's posts.
pub async fn list_posts_tagged(
    db: &Db,
    tag_id: i64,
    limit: i64,
    offset: i64,
    total: i64,
) -> Result<Vec<Post>, DbError> {
    let window = window(limit, offset, total);
    let sql = window.pick(
        concat!(
            post_with_author!(),
            " where p.id in (select post_id from post_tags \
             where tag_id = $1 and listed_at is not null \
             order by listed_at desc, post_id desc limit $2 offset $3) \
             order by p.date_posted desc, p.id desc"
        ),
        concat!(
            post_with_author!(),
            " where p.id in (select post_id from post_tags \
             where tag_id = $1 and listed_at is not null \
             order by listed_at, post_id limit $2 offset $3) \
             order by p.date_posted desc, p.id desc"
        ),
    );
    let rows = with_pool!(db, |pool| sqlx::query_as::<_, PostRow>(sql)
        .bind(tag_id)
        .bind(window.limit)
        .bind(window.offset)
        .fetch_all(pool)
        .await)?;
    into_posts(db, rows, Shown::Excerpt).await
}

/// A post stored by a renderer other than today's: its id and content.
#[derive(Debug, sqlx::FromRow)]
pub struct StaleRendering {
    /// The post.
    pub id: i64,
    /// Its Markdown, to render again.
    pub content: String,
}

/// Up to `limit` posts stored by a renderer other than today's, oldest id first.
pub async fn find_stale_renderings(db: &Db, limit: i64) -> Result<Vec<StaleRendering>, DbError> {
    let sql = "select id, content from posts where rendered_by <> $1 order by id limit $2";
    Ok(with_pool!(db, |pool| sqlx::query_as(sql)
        .bind(RENDERER_VERSION)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Stores `rendered` as today's rendering of post `id`, only while its content is still
/// `content` (an edit meanwhile stored its own); whether it was stored.
pub async fn store_rendering(
    db: &Db,
    id: i64,
    content: &str,
    rendered: &Rendered,
) -> Result<bool, DbError> {
    let sql = "update posts set content_html = $1, excerpt_html = $2, excerpt_more = $3, \
               summary = $4, rendered_by = $5 where id = $6 and content = $7";
    Ok(with_pool!(db, |pool| bind_rendering!(
        sqlx::query(sql),
        bind,
        rendered
    )
    .bind(id)
    .bind(content)
    .execute(pool)
    .await
    .map(|done| done.rows_affected() > 0))?)
}

/// Deletes a post, and the pictures it showed that no other post shows; `false` when it was
/// already gone.
pub async fn delete_post(db: &Db, id: i64) -> Result<bool, DbError> {
    Ok(with_pool!(db, |pool| {
        let mut tx = crate::server_only::db::begin_write(pool).await?;
        let pictures: Vec<i64> =
            sqlx::query_scalar("select picture_id from post_pictures where post_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let deleted = sqlx::query("delete from posts where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        free_unused!(tx, pictures);
        tx.commit().await?;
        deleted
    }))
}

/// How many posts there are: the total the database keeps, not a count of rows.
pub async fn count_posts(db: &Db) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select posts from totals where id = 1"
    )
    .fetch_one(pool)
    .await)?)
}

/// How many posts this user has written: the count the database keeps on the user.
pub async fn count_posts_by_author(db: &Db, user_id: i64) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select post_count from users where id = $1"
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?
    .unwrap_or(0))
}

/// The rows there really are, counted (for checking the kept totals).
pub async fn count_post_rows(db: &Db) -> Result<i64, DbError> {
    Ok(with_pool!(db, |pool| sqlx::query_scalar(
        "select count(*) from posts"
    )
    .fetch_one(pool)
    .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_ends_at_the_next_midnight_utc() {
        let mark = DayMark { day: 1, before: 0 };
        assert_eq!(
            mark.end().ok().map(|end| end.to_rfc3339()),
            Some("1970-01-03T00:00:00+00:00".to_string())
        );
    }

    #[test]
    fn early_pages_are_read_from_the_newest_end() {
        assert_eq!(
            window(5, 10, 100),
            Window {
                limit: 5,
                offset: 10,
                from_oldest: false
            }
        );
    }

    #[test]
    fn the_last_page_is_read_from_the_oldest_end() {
        assert_eq!(
            window(5, 95, 98),
            Window {
                limit: 3,
                offset: 0,
                from_oldest: true
            }
        );
    }

    #[test]
    fn a_page_past_the_middle_skips_only_what_lies_after_it() {
        assert_eq!(
            window(5, 60, 100),
            Window {
                limit: 5,
                offset: 35,
                from_oldest: true
            }
        );
    }
}
