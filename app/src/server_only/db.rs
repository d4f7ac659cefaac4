//! The database handle: picks SQLite or Postgres from the URL, sets SQLite's pragmas, runs and resets migrations.

use std::{str::FromStr, time::Duration};

use crate::shared::{
    error::{AppError, FieldErrors, UNAVAILABLE_RETRY_AFTER_SECS},
    messages,
};
use sqlx::{
    AssertSqlSafe, Connection,
    migrate::Migrator,
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
    },
};

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

/// A connection pool on one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    /// An embedded SQLite file (the default, `sqlite://site.db`).
    Sqlite(SqlitePool),
    /// A PostgreSQL server.
    Postgres(PgPool),
}

/// Runs the same code against whichever pool a [`Db`] holds, so each query is written once.
///
/// `with_pool!(db, |pool| body)` binds the pool; `with_pool!(db, |pool, DB| body)` also names
/// the `sqlx::Database` type, for builders that need it.
#[macro_export]
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::server_only::db::Db::Sqlite($pool) => $body,
            $crate::server_only::db::Db::Postgres($pool) => $body,
        }
    };
    ($db:expr, |$pool:ident, $backend:ident| $body:expr) => {
        match $db {
            $crate::server_only::db::Db::Sqlite($pool) => {
                #[allow(dead_code)]
                type $backend = ::sqlx::Sqlite;
                $body
            }
            $crate::server_only::db::Db::Postgres($pool) => {
                #[allow(dead_code)]
                type $backend = ::sqlx::Postgres;
                $body
            }
        }
    };
}

/// What the data layer reports; the app layer turns it into user-safe text.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names neither SQLite nor Postgres.
    #[error("unsupported database URL {0}: use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The URL could not be parsed.
    #[error("invalid database URL {url}: {source}")]
    InvalidUrl { url: String, source: sqlx::Error },
    /// The server or file could not be opened.
    #[error("cannot connect to database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    /// A migration failed to apply.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A unique constraint rejected the value of this field.
    #[error("that {0} is already taken")]
    Taken(&'static str),
    /// Any other failed statement.
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
}

impl DbError {
    /// True when the database cannot be reached at all (down, unreadable, its pool closed or
    /// exhausted), as opposed to one statement that failed.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Query(error) => is_unavailable(error),
            Self::Connect { .. } => true,
            _ => false,
        }
    }

    /// True when a text value could not be stored as text: Postgres refuses NUL characters
    /// (SQLSTATE 22021, and 22P05 for untranslatable characters). The input is at fault.
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, Self::Query(sqlx::Error::Database(db))
            if db.code().is_some_and(|code| code == "22021" || code == "22P05"))
    }
}

fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // SQLite: I/O error, cannot open, not a database (primary result codes 10, 14, 26).
            // Postgres: connection exceptions (class 08), shutting down or starting (57P0x),
            // too many connections.
            let sqlite = code
                .parse::<i32>()
                .is_ok_and(|code| matches!(code & 0xff, 10 | 14 | 26));
            sqlite || code.starts_with("08") || code.starts_with("57P0") || code == "53300"
        }),
        _ => false,
    }
}

/// Starts the transaction of a write of several statements. On SQLite it begins `IMMEDIATE`,
/// taking the write lock at once, so a transaction that reads before it writes cannot fail with
/// "database is locked" when another writer got there first; Postgres begins as usual.
pub async fn begin_write<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
) -> Result<sqlx::Transaction<'static, DB>, sqlx::Error> {
    let statement = if DB::NAME == "SQLite" {
        "begin immediate"
    } else {
        "begin"
    };
    pool.begin_with(statement).await
}

/// How long a request waits for a database connection before it is told the site is
/// unavailable: a database that is down fails requests fast instead of holding them.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(1);

/// SQLite connections in the pool: two per core, at least four. SQLite's work is CPU on a local
/// file, so connections beyond the cores only queue, and each one keeps its own page cache,
/// prepared statements and worker thread, so more connections only cost memory (see
/// BENCHMARKS.md).
pub fn sqlite_connections() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    u32::try_from(cores.saturating_mul(2)).map_or(u32::MAX, |n| n.max(4))
}

impl Db {
    /// Opens a pool for `url`: `sqlite:` (file created if missing) or `postgres:`/`postgresql:`.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        let masked = mask_password(url);
        let invalid = |source| DbError::InvalidUrl {
            url: masked.clone(),
            source,
        };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url).map_err(invalid)?;
            // One direct connection first: a pool would only report its timeout, not the cause.
            probe::<sqlx::SqliteConnection>(&options.clone().create_if_missing(true), &masked)
                .await?;
            Self::connect_sqlite(options)
                .await
                .map_err(|source| DbError::Connect {
                    url: masked.clone(),
                    source,
                })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).map_err(invalid)?;
            probe::<sqlx::PgConnection>(&options, &masked).await?;
            Self::connect_postgres(options)
                .await
                .map_err(|source| DbError::Connect {
                    url: masked.clone(),
                    source,
                })
        } else {
            Err(DbError::UnsupportedUrl(masked))
        }
    }

    /// Opens SQLite with WAL, a busy timeout and foreign keys enforced. Each connection keeps a
    /// 1 MB page cache (half SQLite's default): deep pages scan far more than any cache holds, and
    /// the connections' caches were a large part of the process under that load. The pool holds
    /// [`sqlite_connections`] connections.
    pub async fn connect_sqlite(options: SqliteConnectOptions) -> Result<Self, sqlx::Error> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("cache_size", "-1000");
        let pool = SqlitePoolOptions::new()
            .max_connections(sqlite_connections())
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Self::Sqlite(pool))
    }

    /// Opens Postgres, failing fast when the server is unreachable.
    pub async fn connect_postgres(options: PgConnectOptions) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Self::Postgres(pool))
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Applies pending SQL migrations; returns how many were applied now. The schema module's
    /// `migrate` runs these and then the data steps only Rust can compute.
    pub async fn run_migrations(&self) -> Result<usize, DbError> {
        let migrator = match self {
            Self::Sqlite(_) => &SQLITE_MIGRATOR,
            Self::Postgres(_) => &POSTGRES_MIGRATOR,
        };
        let before = self.applied_migrations().await?;
        with_pool!(self, |pool| migrator.run(pool).await)?;
        Ok(self.applied_migrations().await?.saturating_sub(before))
    }

    async fn applied_migrations(&self) -> Result<usize, DbError> {
        let exists: bool = match self {
            Self::Sqlite(pool) => sqlx::query_scalar(
                "select count(*) > 0 from sqlite_master where type = 'table' and name = '_sqlx_migrations'",
            )
            .fetch_one(pool)
            .await?,
            Self::Postgres(pool) => sqlx::query_scalar("select to_regclass('_sqlx_migrations') is not null")
                .fetch_one(pool)
                .await?,
        };
        if !exists {
            return Ok(0);
        }
        let count: i64 = with_pool!(self, |pool| sqlx::query_scalar(
            "select count(*) from _sqlx_migrations where success"
        )
        .fetch_one(pool)
        .await)?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    /// Drops every table (data and migration history); returns how many were dropped.
    pub async fn drop_all(&self) -> Result<usize, DbError> {
        match self {
            Self::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                let tables: Vec<String> = sqlx::query_scalar(
                    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' \
                     order by sql like 'create virtual table%' desc",
                )
                .fetch_all(&mut *conn)
                .await?;
                // Foreign keys are switched off for this connection only, so tables drop in any order.
                sqlx::query("pragma foreign_keys = off")
                    .execute(&mut *conn)
                    .await?;
                let mut tx = conn.begin().await?;
                for table in &tables {
                    // Table names come from the catalog and are quoted. A virtual table goes
                    // first and takes its shadow tables with it, hence `if exists`.
                    sqlx::query(AssertSqlSafe(format!(
                        "drop table if exists \"{}\"",
                        table.replace('"', "\"\"")
                    )))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                sqlx::query("pragma foreign_keys = on")
                    .execute(&mut *conn)
                    .await?;
                Ok(tables.len())
            }
            Self::Postgres(pool) => {
                let tables: Vec<String> = sqlx::query_scalar(
                    "select tablename::text from pg_tables where schemaname = current_schema()",
                )
                .fetch_all(pool)
                .await?;
                if !tables.is_empty() {
                    let list = tables
                        .iter()
                        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                        .collect::<Vec<_>>()
                        .join(", ");
                    sqlx::query(AssertSqlSafe(format!(
                        "drop table if exists {list} cascade"
                    )))
                    .execute(pool)
                    .await?;
                }
                Ok(tables.len())
            }
        }
    }

    /// Runs `select 1`: whether the database answers at all.
    pub async fn ping(&self) -> Result<(), DbError> {
        with_pool!(self, |pool| sqlx::query("select 1")
            .execute(pool)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection in the pool.
    pub async fn close(&self) {
        with_pool!(self, |pool| pool.close().await)
    }
}

/// Opens and closes one connection, so that a failure names its real cause.
async fn probe<C: Connection>(options: &C::Options, masked: &str) -> Result<(), DbError> {
    let connect = |source| DbError::Connect {
        url: masked.to_owned(),
        source,
    };
    let connection = tokio::time::timeout(Duration::from_secs(10), C::connect_with(options))
        .await
        .map_err(|_| connect(sqlx::Error::PoolTimedOut))?
        .map_err(connect)?;
    let _ = connection.close().await;
    Ok(())
}

/// The URL with any password replaced by `***`, safe to print.
pub fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.to_owned();
    };
    format!(
        "{}{}:***{}",
        &url[..scheme_end + 3],
        &authority[..colon],
        &rest[at..]
    )
}

/// True when `err` is a unique-constraint violation.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The name of the constraint `err` violated, where the backend reports it (Postgres does, SQLite does not).
pub fn violated_constraint(err: &sqlx::Error) -> Option<&str> {
    match err {
        sqlx::Error::Database(db) => db.constraint(),
        _ => None,
    }
}

/// A database failure as the user is told of it: a taken username or email is a field error, an
/// unreachable database a 503, text it cannot store a 400, anything else a logged 500.
impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Taken(field) => AppError::Invalid(FieldErrors::single(
                field,
                if field == "email" {
                    messages::EMAIL_TAKEN
                } else {
                    messages::USERNAME_TAKEN
                },
            )),
            unavailable if unavailable.is_unavailable() => {
                log_unavailable(&unavailable);
                AppError::Unavailable {
                    retry_after_secs: UNAVAILABLE_RETRY_AFTER_SECS,
                }
            }
            unstorable if unstorable.is_unstorable_text() => AppError::BadRequest,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

/// Logs that the database is away at most once every ten seconds, however many requests fail.
fn log_unavailable(error: &DbError) {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST_LOGGED: AtomicI64 = AtomicI64::new(i64::MIN);
    let now = crate::server_only::clock::unix_now();
    let last = LAST_LOGGED.load(Ordering::Relaxed);
    if now.saturating_sub(last) >= 10
        && LAST_LOGGED
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        tracing::error!(%error, "database unavailable: answering 503 (logged at most every 10 s)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_password_hides_the_password() {
        assert_eq!(
            mask_password("postgres://quire:s3cret@db.example:5432/quire"),
            "postgres://quire:***@db.example:5432/quire"
        );
    }

    #[test]
    fn mask_password_keeps_urls_without_password() {
        assert_eq!(
            mask_password("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(mask_password("sqlite://site.db"), "sqlite://site.db");
    }

    #[test]
    fn the_sqlite_pool_has_at_least_four_connections() {
        assert!(sqlite_connections() >= 4);
    }

    #[tokio::test]
    async fn connect_rejects_unknown_schemes() {
        let err = Db::connect("mysql://root@localhost/db").await.unwrap_err();
        assert!(matches!(err, DbError::UnsupportedUrl(_)));
    }
}
