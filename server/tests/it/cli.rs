//! The `quire` commands, run through `server::run` as the binary runs them.

use app::{server_only::db::Db, users::repo as users};
use clap::Parser;
use server::config::Cli;

fn cli(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("quire").chain(args.iter().copied()))
        .expect("valid arguments")
}

#[tokio::test]
async fn an_unreachable_database_is_one_line_with_the_password_masked() {
    let error = server::run(cli(&[
        "--database-url",
        "postgres://quire:s3cret@127.0.0.1:1/quire",
        "db",
        "migrate",
    ]))
    .await
    .expect_err("no server listens on port 1");
    let message = error.to_string();
    assert!(
        message.contains("postgres://quire:***@127.0.0.1:1/quire"),
        "{message}"
    );
    assert!(
        !message.contains("s3cret") && !message.contains('\n'),
        "{message}"
    );
}

#[tokio::test]
async fn reset_without_confirmation_refuses_and_keeps_the_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    server::run(cli(&["--database-url", &url, "db", "seed"]))
        .await
        .expect("seed");
    let refused = server::run(cli(&["--database-url", &url, "db", "reset"])).await;
    assert!(refused.is_err());
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(users::count_users(&db).await.expect("count"), 2);
}

#[tokio::test]
async fn reset_with_yes_empties_the_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    server::run(cli(&["--database-url", &url, "db", "seed"]))
        .await
        .expect("seed");
    server::run(cli(&["--database-url", &url, "db", "reset", "--yes"]))
        .await
        .expect("reset");
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(users::count_users(&db).await.expect("count"), 0);
}

#[tokio::test]
async fn a_post_with_an_empty_title_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    server::run(cli(&["--database-url", &url, "db", "seed"]))
        .await
        .expect("seed");
    let error = server::run(cli(&[
        "--database-url",
        &url,
        "post",
        "new",
        "--author",
        "Corey",
        "--title",
        "",
        "--content",
        "x",
    ]))
    .await
    .expect_err("empty title");
    assert!(error.to_string().contains("title"), "{error}");
}

#[tokio::test]
async fn mail_status_counts_and_lists_what_is_not_delivered() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let db = Db::connect(&url).await.expect("open");
    app::schema::migrate(&db).await.expect("migrate");
    app::mail::queue::enqueue_password_reset(&db, "c@demo.com")
        .await
        .expect("enqueue");
    let report = server::cli::mail_status(&db).await.expect("status");
    assert!(
        report.starts_with("Mail: 1 queued, 0 sent, 0 failed."),
        "{report}"
    );
    assert!(report.contains("password_reset to c@demo.com"), "{report}");
}

#[tokio::test]
async fn post_render_stores_the_rendering_of_posts_stored_before() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    server::run(cli(&["--database-url", &url, "db", "seed"]))
        .await
        .expect("seed");
    let db = Db::connect(&url).await.expect("open");
    let Db::Sqlite(pool) = &db else {
        panic!("a SQLite database");
    };
    sqlx::query("update posts set content_html = '', rendered_by = 0")
        .execute(pool)
        .await
        .expect("forget the renderings");
    server::run(cli(&["--database-url", &url, "post", "render"]))
        .await
        .expect("render");
    let stale: i64 =
        sqlx::query_scalar("select count(*) from posts where rendered_by = 0 or content_html = ''")
            .fetch_one(pool)
            .await
            .expect("count");
    assert_eq!(stale, 0);
}

#[tokio::test]
async fn quire_export_then_import_zip_fills_an_empty_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let from = format!("sqlite://{}", dir.path().join("from.db").display());
    let to = format!("sqlite://{}", dir.path().join("to.db").display());
    let zip = dir.path().join("site.zip");
    let zip = zip.to_str().expect("path");
    server::run(cli(&["--database-url", &from, "db", "seed"]))
        .await
        .expect("seed");
    server::run(cli(&["--database-url", &from, "export", "--output", zip]))
        .await
        .expect("export");
    server::run(cli(&["--database-url", &to, "import", "zip", zip]))
        .await
        .expect("import");
    let (from, to) = (
        Db::connect(&from).await.expect("open"),
        Db::connect(&to).await.expect("open"),
    );
    assert_eq!(users::count_users(&to).await.expect("count"), 2);
    assert_eq!(
        app::posts::repo::count_post_rows(&to).await.expect("count"),
        app::posts::repo::count_post_rows(&from)
            .await
            .expect("count")
    );
}

#[tokio::test]
async fn quire_import_zip_of_a_truncated_file_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let zip = dir.path().join("cut.zip");
    std::fs::write(&zip, b"PK\x03\x04 cut off").expect("write");
    let error = server::run(cli(&[
        "--database-url",
        &url,
        "import",
        "zip",
        zip.to_str().expect("path"),
    ]))
    .await
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "nothing was imported. The file is not a complete ZIP archive: it may be cut off or damaged."
    );
}
