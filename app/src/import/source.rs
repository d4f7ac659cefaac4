//! Reading a Flaskblog's database: the Flask-SQLAlchemy tables `user` and `post`, from SQLite
//! (`sqlite:///path/site.db`, as Flask configures it) or Postgres.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::{Connection, PgConnection, SqliteConnection, sqlite::SqliteConnectOptions};

/// A row of the Flaskblog's `user` table.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FlaskUser {
    /// Primary key, kept.
    pub id: i64,
    /// Username, kept.
    pub username: String,
    /// Email address, kept.
    pub email: String,
    /// Picture file name in `static/profile_pics`, or `default.jpg`.
    pub image_file: String,
    /// Flask-Bcrypt hash, kept.
    pub password: String,
}

/// A row of the Flaskblog's `post` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaskPost {
    /// Primary key, kept.
    pub id: i64,
    /// Title, kept.
    pub title: String,
    /// When it was posted: SQLAlchemy stores naive UTC.
    pub date_posted: DateTime<Utc>,
    /// Content, kept.
    pub content: String,
    /// The author's id.
    pub user_id: i64,
}

/// Everything read from a Flaskblog.
#[derive(Debug, Clone, Default)]
pub struct Flaskblog {
    /// Users by id.
    pub users: Vec<FlaskUser>,
    /// Posts by id.
    pub posts: Vec<FlaskPost>,
}

/// Where a Flaskblog's database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceUrl {
    /// A `site.db` file.
    Sqlite(PathBuf),
    /// A Postgres URL, as sqlx takes it.
    Postgres(String),
}

/// Why a Flaskblog could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("--from must be sqlite:///path/site.db or postgres://…, not {0}")]
    Url(String),
    /// The file does not exist.
    #[error("{0} does not exist")]
    Missing(String),
    /// The database could not be opened.
    #[error("cannot open {0}: {1}")]
    Open(String, String),
    /// It opened, but it is not what a Flaskblog writes.
    #[error("{0} is not a Flaskblog database: {1}")]
    NotFlaskblog(String, String),
}

/// Reads `--from`: SQLAlchemy's `sqlite:///relative/site.db` and `sqlite:////absolute/site.db`,
/// sqlx's `sqlite://path`, or a `postgres://`/`postgresql://` URL.
pub fn parse_source_url(url: &str) -> Result<SourceUrl, SourceError> {
    if let Some(rest) = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
    {
        return Ok(SourceUrl::Postgres(format!("postgres://{rest}")));
    }
    let path = url
        .strip_prefix("sqlite:///")
        .or_else(|| url.strip_prefix("sqlite://"))
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| SourceError::Url(url.to_owned()))?;
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() {
        return Err(SourceError::Url(url.to_owned()));
    }
    let relative = PathBuf::from(path);
    // `sqlite:///tmp/site.db` is relative to SQLAlchemy; people usually mean the absolute path.
    let absolute = Path::new("/").join(path);
    if !relative.exists() && absolute.exists() {
        return Ok(SourceUrl::Sqlite(absolute));
    }
    Ok(SourceUrl::Sqlite(relative))
}

/// Reads every user and post of the Flaskblog at `url`, never writing to it.
pub async fn read(url: &SourceUrl) -> Result<Flaskblog, SourceError> {
    match url {
        SourceUrl::Sqlite(path) => read_sqlite(path).await,
        SourceUrl::Postgres(url) => read_postgres(url).await,
    }
}

const USERS_SQL: &str = "select cast(id as bigint) as id, username, email, image_file, password from \"user\" order by id";

async fn read_sqlite(path: &Path) -> Result<Flaskblog, SourceError> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(SourceError::Missing(name));
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|error| SourceError::Open(name.clone(), error.to_string()))?;
    let not_flaskblog =
        |error: sqlx::Error| SourceError::NotFlaskblog(name.clone(), reason(&error));
    let tables: Vec<String> = sqlx::query_scalar(
        "select name from sqlite_master where type = 'table' and name in ('user', 'post')",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(not_flaskblog)?;
    require_tables(&name, &tables)?;
    let users = sqlx::query_as::<_, FlaskUser>(USERS_SQL)
        .fetch_all(&mut conn)
        .await
        .map_err(not_flaskblog)?;
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "select id, title, cast(date_posted as text), content, user_id from post order by id",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(not_flaskblog)?;
    let mut posts = Vec::with_capacity(rows.len());
    for (id, title, date, content, user_id) in rows {
        let date_posted = parse_naive_utc(&date).ok_or_else(|| {
            SourceError::NotFlaskblog(name.clone(), format!("post {id} has the date {date:?}"))
        })?;
        posts.push(FlaskPost {
            id,
            title,
            date_posted,
            content,
            user_id,
        });
    }
    Ok(Flaskblog { users, posts })
}

async fn read_postgres(url: &str) -> Result<Flaskblog, SourceError> {
    let name = crate::server_only::db::mask_password(url);
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|error| SourceError::Open(name.clone(), reason(&error)))?;
    let not_flaskblog =
        |error: sqlx::Error| SourceError::NotFlaskblog(name.clone(), reason(&error));
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables \
         where table_schema = current_schema() and table_name in ('user', 'post')",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(not_flaskblog)?;
    require_tables(&name, &tables)?;
    let users = sqlx::query_as::<_, FlaskUser>(USERS_SQL)
        .fetch_all(&mut conn)
        .await
        .map_err(not_flaskblog)?;
    let rows: Vec<(i64, String, NaiveDateTime, String, i64)> = sqlx::query_as(
        "select id::bigint, title::text, date_posted::timestamp, content, user_id::bigint \
         from post order by id",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(not_flaskblog)?;
    let posts = rows
        .into_iter()
        .map(|(id, title, date, content, user_id)| FlaskPost {
            id,
            title,
            date_posted: date.and_utc(),
            content,
            user_id,
        })
        .collect();
    Ok(Flaskblog { users, posts })
}

fn require_tables(name: &str, found: &[String]) -> Result<(), SourceError> {
    for table in ["user", "post"] {
        if !found.iter().any(|t| t == table) {
            return Err(SourceError::NotFlaskblog(
                name.to_owned(),
                format!("it has no table \"{table}\""),
            ));
        }
    }
    Ok(())
}

/// A database error as a short reason: the message, without sqlx's wording around it.
fn reason(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}

/// SQLAlchemy's naive UTC text, `2018-05-04 09:30:15.123456` (or with a `T`).
pub fn parse_naive_utc(text: &str) -> Option<DateTime<Utc>> {
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text.trim(), format).ok())
    .map(|naive| naive.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlalchemy_dates_keep_their_microseconds() {
        let date = parse_naive_utc("2018-05-04 09:30:15.123456").map(|d| d.to_rfc3339());
        assert_eq!(date.as_deref(), Some("2018-05-04T09:30:15.123456+00:00"));
    }

    #[test]
    fn a_date_that_is_not_one_is_none() {
        assert_eq!(parse_naive_utc("yesterday"), None);
    }

    #[test]
    fn postgres_urls_are_taken_as_they_are() {
        assert_eq!(
            parse_source_url("postgresql://u@h/db").ok(),
            Some(SourceUrl::Postgres("postgres://u@h/db".into()))
        );
    }

    #[test]
    fn a_flask_sqlite_url_names_a_relative_file() {
        assert_eq!(
            parse_source_url("sqlite:///no/such/dir/site.db").ok(),
            Some(SourceUrl::Sqlite(PathBuf::from("no/such/dir/site.db")))
        );
    }

    #[test]
    fn other_schemes_are_refused() {
        assert!(matches!(
            parse_source_url("mysql://x/y"),
            Err(SourceError::Url(_))
        ));
    }
}
