//! The benchmark's yardstick: hand-written axum + sqlx handlers, with no framework around them,
//! reading the same SQLite database with the same three queries Quire makes:
//! - `GET /` serves the home page's HTML (nav, five newest posts with their authors and tags,
//!   page links);
//! - `POST /api/list_posts` answers `{"page": N}` with that page's posts and pager as JSON, the
//!   fields Quire's `list_posts` sends.
//!
//! `DATABASE_URL=sqlite://site.db cargo run --release -p server --example plain_home -- 127.0.0.1:3301`

use std::fmt::Write as _;

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::Html,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use sqlx::{SqlitePool, sqlite::SqliteConnectOptions};

/// A post as the home page shows it.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    title: String,
    date_posted: DateTime<Utc>,
    content: String,
    user_id: i64,
    username: String,
    image_file: String,
    #[sqlx(skip)]
    tags: Vec<(String, String)>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://site.db".to_owned());
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3301".to_owned());
    let options: SqliteConnectOptions = url.parse()?;
    let pool = SqlitePool::connect_with(options).await?;
    let app = Router::new()
        .route("/", get(home))
        .route("/api/list_posts", post(list_posts))
        .with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn home(State(pool): State<SqlitePool>) -> Result<Html<String>, StatusCode> {
    let (posts, total) = page_of_posts(&pool, 1).await?;
    Ok(Html(render(&posts, total)))
}

/// Page `page` of the newest posts as JSON, with the same fields as Quire's `list_posts`.
async fn list_posts(
    State(pool): State<SqlitePool>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, StatusCode> {
    let page = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|args| args.get("page")?.as_i64())
        .filter(|page| *page >= 1)
        .ok_or(StatusCode::BAD_REQUEST)?;
    let (posts, total) = page_of_posts(&pool, page).await?;
    if posts.is_empty() && page > 1 {
        return Err(StatusCode::NOT_FOUND);
    }
    let posts: Vec<_> = posts
        .iter()
        .map(|post| {
            serde_json::json!({
                "id": post.id,
                "title": post.title,
                "date_posted": post.date_posted.timestamp_micros(),
                "content": post.content,
                "html": format!("<p>{}</p>", escape(&post.content)),
                "more": false,
                "summary": "",
                "author": {"id": post.user_id, "username": post.username, "image_file": post.image_file},
                "status": "published",
                "publish_at": null,
                "tags": post.tags.iter().map(|(name, key)| serde_json::json!({"name": name, "key": key})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "posts": posts,
        "pager": {"page": page, "per_page": 5, "total": total},
    })))
}

/// The newest published posts' page `page` (five a page) with their authors and tags, and the
/// number of posts.
async fn page_of_posts(pool: &SqlitePool, page: i64) -> Result<(Vec<Row>, i64), StatusCode> {
    let failed = |_| StatusCode::INTERNAL_SERVER_ERROR;
    let total: i64 = sqlx::query_scalar("select posts from totals where id = 1")
        .fetch_one(pool)
        .await
        .map_err(failed)?;
    let mut posts: Vec<Row> = sqlx::query_as(
        "select p.id, p.title, p.date_posted, p.content, p.user_id, u.username, u.image_file \
         from posts p join users u on u.id = p.user_id where p.id in \
         (select id from posts where status = 'published' \
          order by date_posted desc, id desc limit 5 offset ?) \
         order by p.date_posted desc, p.id desc",
    )
    .bind((page - 1) * 5)
    .fetch_all(pool)
    .await
    .map_err(failed)?;
    let ids: Vec<String> = posts.iter().map(|post| post.id.to_string()).collect();
    if !ids.is_empty() {
        let sql = format!(
            "select pt.post_id, t.name, t.key from post_tags pt join tags t on t.id = pt.tag_id \
             where pt.post_id in ({}) order by pt.post_id, pt.position",
            ids.join(", ")
        );
        let tags: Vec<(i64, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(pool)
            .await
            .map_err(failed)?;
        for (post_id, name, key) in tags {
            if let Some(post) = posts.iter_mut().find(|post| post.id == post_id) {
                post.tags.push((name, key));
            }
        }
    }
    Ok((posts, total))
}

fn render(posts: &[Row], total: i64) -> String {
    let mut html = String::with_capacity(8192);
    html.push_str(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <link rel=\"stylesheet\" href=\"/pkg/quire.css\"/><title>Quire</title></head><body>\
         <header class=\"site-header\"><nav class=\"nav\" aria-label=\"Main\">\
         <a href=\"/\" class=\"brand\">Quire</a><div class=\"nav-links\"><a href=\"/\">Home</a>\
         <a href=\"/users\">Users</a><a href=\"/about\">About</a><a href=\"/login\">Login</a>\
         <a href=\"/register\">Register</a></div></nav></header><main class=\"container\">",
    );
    for post in posts {
        let avatar = if post.image_file == "default.jpg" {
            "/profile_pics/"
        } else {
            "/avatars/"
        };
        let _ = write!(
            html,
            "<article class=\"post\"><img class=\"avatar\" src=\"{avatar}{}\" alt=\"\" width=\"64\" \
             height=\"64\"/><div class=\"post-body\"><div class=\"post-meta\"><a class=\"author\" \
             href=\"/user/{}\">{}</a><time datetime=\"{}\">{}</time></div><h2 class=\"post-title\">\
             <a href=\"/post/{}\">{}</a></h2><ul class=\"tags\">{}</ul>\
             <p class=\"post-content\">{}</p></div></article>",
            escape(&post.image_file),
            escape(&post.username),
            escape(&post.username),
            post.date_posted.to_rfc3339(),
            post.date_posted.format("%Y-%m-%d"),
            post.id,
            escape(&post.title),
            post.tags
                .iter()
                .map(|(name, key)| format!(
                    "<li><a href=\"/tag/{}\" rel=\"tag\">{}</a></li>",
                    escape(key),
                    escape(name)
                ))
                .collect::<String>(),
            escape(&post.content),
        );
    }
    let pages = (total + 4) / 5;
    html.push_str("<nav class=\"pagination\" aria-label=\"Pages\">");
    for page in [1, 2, 3].into_iter().filter(|page| *page <= pages) {
        let _ = write!(html, "<a href=\"/?page={page}\">{page}</a>");
    }
    if pages > 3 {
        let _ = write!(html, "<span>…</span><a href=\"/?page={pages}\">{pages}</a>");
    }
    html.push_str("</nav></main><footer class=\"site-footer\">Quire</footer></body></html>");
    html
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
