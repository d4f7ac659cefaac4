//! `quire import flaskblog` against a real Flaskblog instance (the shared fixture, or one made by
//! `tools/flaskblog/make_site_db.py` with Flask-SQLAlchemy and Flask-Bcrypt): its users log in
//! with their old passwords and its pages show their posts and pictures.

use std::path::{Path, PathBuf};

use app::{
    auth::repo::find_password_hash,
    posts::{
        model::NewPost,
        repo::{count_posts, find_post, insert_post},
    },
    server_only::db::Db,
    users::repo::{count_users, find_user_by_username},
};
use clap::Parser;
use server::config::Cli;

use crate::support::{
    Backend, Options, Response, encode, new_postgres_schema, postgres_base_url, start_with,
};

/// The fixture's users: email, password, and whether they have a picture of their own.
const FIXTURE_USERS: [(&str, &str, &str, bool); 4] = [
    ("Corey", "C@demo.com", "password", false),
    ("JohnDoe", "jd@demo.com", "testing123", true),
    (
        "jane.smith",
        "Jane.Smith@Example.com",
        "correct horse",
        true,
    ),
    ("Zoë", "zoe@example.org", "pässwörd-ü", false),
];

fn cli(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("quire").chain(args.iter().copied()))
        .expect("valid arguments")
}

/// A copy of the Flaskblog fixture (site.db and static/profile_pics) in a fresh folder:
/// `FLASKBLOG_FIXTURE`, else the shared fixture when it has its site.db.
fn fixture_copy() -> Option<tempfile::TempDir> {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/flaskblog");
    let folder = std::env::var("FLASKBLOG_FIXTURE")
        .ok()
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| shared.join("site.db").is_file().then_some(shared))?;
    let copy = tempfile::tempdir().expect("temp dir");
    std::fs::copy(folder.join("site.db"), copy.path().join("site.db")).expect("copy site.db");
    let pictures = copy.path().join("static/profile_pics");
    std::fs::create_dir_all(&pictures).expect("pictures folder");
    for entry in std::fs::read_dir(folder.join("static/profile_pics")).expect("fixture pictures") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), pictures.join(entry.file_name())).expect("copy picture");
    }
    Some(copy)
}

fn from_arg(fixture: &Path) -> String {
    format!("sqlite:///{}", fixture.join("site.db").display())
}

fn pictures_arg(fixture: &Path) -> String {
    fixture.join("static/profile_pics").display().to_string()
}

/// An empty Quire database on `backend`: its URL, and the folder holding it for SQLite.
async fn empty_database(backend: &Backend) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("quire.db").display()),
        Backend::Postgres(url) => url.clone(),
    };
    (url, dir)
}

async fn import(url: &str, extra: &[&str]) -> Result<(), server::error::CliError> {
    let mut args = vec!["--database-url", url, "import", "flaskblog"];
    args.extend_from_slice(extra);
    server::run(cli(&args)).await
}

macro_rules! with_fixture {
    () => {
        match fixture_copy() {
            Some(fixture) => fixture,
            None => {
                eprintln!("skipped: no Flaskblog fixture (FLASKBLOG_FIXTURE is not set)");
                return;
            }
        }
    };
}

on_both_backends!(every_flaskblog_user_logs_in_and_sees_their_posts_and_picture);

async fn every_flaskblog_user_logs_in_and_sees_their_posts_and_picture(backend: Backend) {
    let fixture = with_fixture!();
    let (url, _dir) = empty_database(&backend).await;
    let (from, pictures) = (from_arg(fixture.path()), pictures_arg(fixture.path()));
    import(&url, &["--from", &from, "--pictures", &pictures])
        .await
        .expect("import");
    let server = start_with(Options {
        database_url: Some(url),
        ..Options::default()
    })
    .await;
    assert_eq!(count_posts(&server.db).await.expect("count"), 23);
    for (username, email, password, has_picture) in FIXTURE_USERS {
        assert!(
            server.login_as(email, password).await.is_some(),
            "{username} logs in with the old password"
        );
        let user = find_user_by_username(&server.db, username)
            .await
            .expect("query")
            .expect("imported user");
        let hash = find_password_hash(&server.db, user.id)
            .await
            .expect("query")
            .expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{username}: upgraded");
        let Response {
            status, body: page, ..
        } = server.get(&format!("/user/{}", encode(username))).await;
        assert_eq!(status, 200);
        assert!(page.contains("Posts by"), "{page}");
        if has_picture {
            let avatar = format!("/avatars/{}", user.image_file);
            assert!(page.contains(&avatar), "{username}'s picture on the page");
            let picture = server.request("GET", &avatar, &[], b"").await;
            assert_eq!(picture.status, 200);
            assert_eq!(picture.header("content-type"), Some("image/jpeg"));
        } else {
            assert_eq!(user.image_file, "default.jpg");
        }
    }
}

on_both_backends!(ids_dates_and_html_are_kept_and_new_posts_follow_them);

async fn ids_dates_and_html_are_kept_and_new_posts_follow_them(backend: Backend) {
    let fixture = with_fixture!();
    let (url, _dir) = empty_database(&backend).await;
    import(&url, &["--from", &from_arg(fixture.path())])
        .await
        .expect("import");
    let db = Db::connect(&url).await.expect("open");
    let source = app::import::source::read(&app::import::source::SourceUrl::Sqlite(
        fixture.path().join("site.db"),
    ))
    .await
    .expect("read fixture");
    for flask in &source.posts {
        let post = find_post(&db, flask.id)
            .await
            .expect("query")
            .expect("kept id");
        assert_eq!(post.date_posted, flask.date_posted, "post {}", flask.id);
        assert_eq!(post.title, flask.title);
        assert_eq!(post.content, flask.content);
    }
    let corey = find_user_by_username(&db, "Corey")
        .await
        .expect("q")
        .expect("Corey");
    let post = NewPost {
        title: "After the move".into(),
        content: "New".into(),
    };
    let id = insert_post(&db, corey.id, &post).await.expect("a new post");
    assert_eq!(id, 24);
}

#[tokio::test]
async fn a_database_with_users_is_refused_without_merge() {
    let fixture = with_fixture!();
    let (url, _dir) = empty_database(&Backend::Sqlite).await;
    server::run(cli(&["--database-url", &url, "db", "seed"]))
        .await
        .expect("seed");
    let error = import(&url, &["--from", &from_arg(fixture.path())])
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("--merge"), "{error}");
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(count_users(&db).await.expect("count"), 2);
}

#[tokio::test]
async fn merging_twice_skips_what_is_there() {
    let fixture = with_fixture!();
    let (url, _dir) = empty_database(&Backend::Sqlite).await;
    let from = from_arg(fixture.path());
    import(&url, &["--from", &from])
        .await
        .expect("first import");
    import(&url, &["--from", &from, "--merge"])
        .await
        .expect("merge");
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(count_users(&db).await.expect("count"), 4);
    assert_eq!(count_posts(&db).await.expect("count"), 23);
}

/// Every post's title with its author's name.
async fn titles_by_author(db: &Db) -> std::collections::BTreeSet<(String, String)> {
    let sql = "select p.title, u.username from posts p join users u on u.id = p.user_id";
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
    .expect("posts with authors");
    rows.into_iter().collect()
}

on_both_backends!(merging_into_other_users_with_the_same_ids_keeps_every_post_with_its_author);

async fn merging_into_other_users_with_the_same_ids_keeps_every_post_with_its_author(
    backend: Backend,
) {
    let fixture = with_fixture!();
    let (url, _dir) = empty_database(&backend).await;
    let db = Db::connect(&url).await.expect("open");
    app::schema::migrate(&db).await.expect("migrate");
    for (name, email) in [("alice", "alice@example.net"), ("bob", "bob@example.net")] {
        let record = app::users::repo::UserRecord {
            username: name,
            email,
            password_hash: "$argon2id$unused",
        };
        let user = app::users::repo::insert_user(&db, &record)
            .await
            .expect("a Quire user");
        let post = NewPost {
            title: format!("By {name}"),
            content: "Written in Quire.".into(),
        };
        insert_post(&db, user.id, &post)
            .await
            .expect("a Quire post");
    }
    let before = titles_by_author(&db).await;
    import(&url, &["--from", &from_arg(fixture.path()), "--merge"])
        .await
        .expect("merge");
    let source = app::import::source::read(&app::import::source::SourceUrl::Sqlite(
        fixture.path().join("site.db"),
    ))
    .await
    .expect("read fixture");
    let names: std::collections::HashMap<i64, String> = source
        .users
        .iter()
        .map(|user| (user.id, user.username.clone()))
        .collect();
    let after = titles_by_author(&db).await;
    for flask in &source.posts {
        let pair = (flask.title.clone(), names[&flask.user_id].clone());
        assert!(
            after.contains(&pair),
            "post {} {pair:?} lost or misattributed",
            flask.id
        );
    }
    assert!(after.is_superset(&before));
    assert_eq!(count_posts(&db).await.expect("count"), 2 + 23);
    assert_eq!(count_users(&db).await.expect("count"), 2 + 4);
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let fixture = with_fixture!();
    let (url, _dir) = empty_database(&Backend::Sqlite).await;
    import(&url, &["--from", &from_arg(fixture.path()), "--dry-run"])
        .await
        .expect("dry run");
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(count_users(&db).await.expect("count"), 0);
}

#[tokio::test]
async fn a_row_quire_cannot_take_stops_the_whole_import() {
    let fixture = with_fixture!();
    let site = fixture.path().join("site.db");
    let source = Db::connect(&format!("sqlite://{}", site.display()))
        .await
        .expect("open fixture copy");
    if let Db::Sqlite(pool) = &source {
        sqlx::query(
            "insert into user (id, username, email, image_file, password) \
             values (99, 'Twin', 'c@DEMO.com', 'default.jpg', $1)",
        )
        .bind(format!("$2b$12${}", "a".repeat(53)))
        .execute(pool)
        .await
        .expect("add a user");
    }
    source.close().await;
    let (url, _dir) = empty_database(&Backend::Sqlite).await;
    let error = import(&url, &["--from", &from_arg(fixture.path())])
        .await
        .expect_err("refused");
    assert!(
        error.to_string().contains("nothing was imported"),
        "{error}"
    );
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(count_users(&db).await.expect("count"), 0);
    assert_eq!(count_posts(&db).await.expect("count"), 0);
}

#[tokio::test]
async fn a_missing_picture_falls_back_to_the_default() {
    let fixture = with_fixture!();
    let pictures = fixture.path().join("static/profile_pics");
    for entry in std::fs::read_dir(&pictures).expect("pictures") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }
    let (url, _dir) = empty_database(&Backend::Sqlite).await;
    let pictures = pictures_arg(fixture.path());
    import(
        &url,
        &["--from", &from_arg(fixture.path()), "--pictures", &pictures],
    )
    .await
    .expect("import");
    let db = Db::connect(&url).await.expect("open");
    let john = find_user_by_username(&db, "JohnDoe")
        .await
        .expect("q")
        .expect("John");
    assert_eq!(john.image_file, "default.jpg");
}

#[tokio::test]
async fn a_file_that_is_not_a_flaskblog_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notes.db");
    std::fs::write(&file, "just some text, not a database").expect("write");
    let (url, _db_dir) = empty_database(&Backend::Sqlite).await;
    let error = import(&url, &["--from", &format!("sqlite:///{}", file.display())])
        .await
        .expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("is not a Flaskblog database"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[tokio::test]
async fn an_empty_sqlite_file_has_no_flaskblog_tables() {
    let dir = tempfile::tempdir().expect("temp dir");
    let other = format!("sqlite://{}", dir.path().join("other.db").display());
    Db::connect(&other).await.expect("create").close().await;
    let (url, _db_dir) = empty_database(&Backend::Sqlite).await;
    let error = import(&url, &["--from", &other])
        .await
        .expect_err("refused");
    assert!(
        error.to_string().contains("has no table \"user\""),
        "{error}"
    );
}

#[tokio::test]
async fn a_postgres_flaskblog_imports_too() {
    let fixture = with_fixture!();
    let Some(base) = postgres_base_url() else {
        eprintln!("skipped: TEST_POSTGRES_URL is not set");
        return;
    };
    let (schema, source_url) = new_postgres_schema(&base).await;
    copy_fixture_to_postgres(&fixture.path().join("site.db"), &source_url).await;
    let (url, _dir) = empty_database(&Backend::Sqlite).await;
    import(&url, &["--from", &source_url])
        .await
        .expect("import");
    crate::support::drop_postgres_schema(&base, &schema).await;
    let db = Db::connect(&url).await.expect("open");
    assert_eq!(count_users(&db).await.expect("count"), 4);
    assert_eq!(count_posts(&db).await.expect("count"), 23);
}

/// The fixture's rows in the tables Flask-SQLAlchemy creates on Postgres.
async fn copy_fixture_to_postgres(site: &Path, url: &str) {
    let source =
        app::import::source::read(&app::import::source::SourceUrl::Sqlite(site.to_path_buf()))
            .await
            .expect("read fixture");
    let pool = sqlx::PgPool::connect(url).await.expect("connect");
    for statement in [
        "create table \"user\" (id serial not null, username varchar(20) not null, \
         email varchar(120) not null, image_file varchar(20) not null, \
         password varchar(60) not null, primary key (id), unique (username), unique (email))",
        "create table post (id serial not null, title varchar(100) not null, \
         date_posted timestamp without time zone not null, content text not null, \
         user_id integer not null, primary key (id), foreign key(user_id) references \"user\" (id))",
    ] {
        sqlx::query(statement).execute(&pool).await.expect("create");
    }
    for user in &source.users {
        sqlx::query("insert into \"user\" values ($1, $2, $3, $4, $5)")
            .bind(user.id as i32)
            .bind(&user.username)
            .bind(&user.email)
            .bind(&user.image_file)
            .bind(&user.password)
            .execute(&pool)
            .await
            .expect("user");
    }
    for post in &source.posts {
        sqlx::query("insert into post values ($1, $2, $3, $4, $5)")
            .bind(post.id as i32)
            .bind(&post.title)
            .bind(post.date_posted.naive_utc())
            .bind(&post.content)
            .bind(post.user_id as i32)
            .execute(&pool)
            .await
            .expect("post");
    }
    pool.close().await;
}
