//! Test support shared by the app's and the server's tests: the two backends a scenario runs on,
//! fresh Postgres schemas, and [`on_both_backends!`](crate::on_both_backends).

use std::{future::Future, pin::Pin, str::FromStr};

use sqlx::sqlite::SqliteConnectOptions;
use tempfile::TempDir;

use crate::server_only::db::Db;

/// The database a scenario runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A new SQLite file in a temporary folder.
    Sqlite,
    /// This Postgres URL: a fresh schema of `TEST_POSTGRES_URL`.
    Postgres(String),
}

/// `TEST_POSTGRES_URL`, when set.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A new, empty schema in the Postgres database at `base`; returns its name and a URL that
/// uses it.
pub async fn new_postgres_schema(base: &str) -> (String, String) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let schema = format!(
        "quire_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros()
    );
    let admin = sqlx::PgPool::connect(base)
        .await
        .expect("connect to TEST_POSTGRES_URL");
    sqlx::query(sqlx::AssertSqlSafe(format!("create schema {schema}")))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let separator = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
    (schema, url)
}

/// Drops a schema made by [`new_postgres_schema`].
pub async fn drop_postgres_schema(base: &str, schema: &str) {
    if let Ok(admin) = sqlx::PgPool::connect(base).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "drop schema if exists {schema} cascade"
        )))
        .execute(&admin)
        .await;
        admin.close().await;
    }
}

/// What a scenario is given, made for a backend, with whatever must outlive it (a temporary
/// folder).
pub type Opened<T> = (T, Option<TempDir>);

/// A scenario's argument, made for the backend it runs on: [`Backend`] itself (for scenarios that
/// start a server) or a migrated [`Db`] (for repository scenarios).
pub trait OpenOn: Sized {
    /// Makes the argument for `backend`.
    fn open_on(backend: Backend) -> Pin<Box<dyn Future<Output = Opened<Self>> + Send>>;
}

impl OpenOn for Backend {
    fn open_on(backend: Backend) -> Pin<Box<dyn Future<Output = Opened<Self>> + Send>> {
        Box::pin(async move { (backend, None) })
    }
}

impl OpenOn for Db {
    fn open_on(backend: Backend) -> Pin<Box<dyn Future<Output = Opened<Self>> + Send>> {
        Box::pin(async move {
            let (db, dir) = match backend {
                Backend::Sqlite => {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let options = SqliteConnectOptions::from_str("sqlite://test.db")
                        .expect("sqlite url")
                        .filename(dir.path().join("test.db"));
                    let db = Db::connect_sqlite(options).await.expect("open sqlite");
                    (db, Some(dir))
                }
                Backend::Postgres(url) => (Db::connect(&url).await.expect("open postgres"), None),
            };
            crate::schema::migrate(&db).await.expect("migrate");
            (db, dir)
        })
    }
}

/// Runs each scenario `async fn(Backend)` or `async fn(Db)` once per backend: `NAME::sqlite`
/// and `NAME::postgres`, the latter in a fresh schema of `TEST_POSTGRES_URL` (skipped, and
/// saying so, when it is unset). Attributes written before a scenario's name (`#[ignore = ".."]`)
/// go on both of its tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$attribute:meta])* $scenario:ident),* $(,)?) => {
        $(
            mod $scenario {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                $(#[$attribute])*
                async fn sqlite() {
                    let (given, _kept) =
                        $crate::test_util::OpenOn::open_on($crate::test_util::Backend::Sqlite).await;
                    super::$scenario(given).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                $(#[$attribute])*
                async fn postgres() {
                    let Some(base) = $crate::test_util::postgres_base_url() else {
                        eprintln!("skipped: TEST_POSTGRES_URL is not set");
                        return;
                    };
                    let (schema, url) = $crate::test_util::new_postgres_schema(&base).await;
                    let (given, _kept) =
                        $crate::test_util::OpenOn::open_on($crate::test_util::Backend::Postgres(url)).await;
                    super::$scenario(given).await;
                    $crate::test_util::drop_postgres_schema(&base, &schema).await;
                }
            }
        )*
    };
}
