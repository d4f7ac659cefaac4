//! The export and its import: a round trip through an empty instance gives back the same posts,
//! text and pictures; a refused archive writes nothing.

use std::{collections::BTreeMap, io::Read, str::FromStr};

use super::*;
use app::{
    export::{
        archive::{Scope, write_export},
        front_matter,
        import::{ImportError, read_archive},
        limits::COMMAND_LINE,
        repo::write_import,
        targets::authors_for,
    },
    pictures::{process::process_upload, repo as pictures},
    posts::{repo::Standing, tagging::parse_tags},
    test_util::{drop_postgres_schema, new_postgres_schema, postgres_base_url},
};
use sqlx::sqlite::SqliteConnectOptions;

on_both_backends!(
    an_export_imported_into_an_empty_instance_exports_the_same,
    an_import_refused_midway_writes_nothing,
);

/// An empty database of the same backend as `db`, and what removes it afterwards.
async fn empty_twin(db: &Db) -> (Db, Option<tempfile::TempDir>, Option<(String, String)>) {
    match db {
        Db::Sqlite(_) => {
            let dir = tempfile::tempdir().expect("temp dir");
            let options = SqliteConnectOptions::from_str("sqlite://twin.db")
                .expect("url")
                .filename(dir.path().join("twin.db"));
            let twin = Db::connect_sqlite(options).await.expect("open");
            app::schema::migrate(&twin).await.expect("migrate");
            (twin, Some(dir), None)
        }
        Db::Postgres(_) => {
            let base = postgres_base_url().expect("TEST_POSTGRES_URL");
            let (schema, url) = new_postgres_schema(&base).await;
            let twin = Db::connect(&url).await.expect("open");
            app::schema::migrate(&twin).await.expect("migrate");
            (twin, None, Some((base, schema)))
        }
    }
}

/// The export of everyone in `db`, as bytes.
async fn export(db: &Db) -> Vec<u8> {
    let (handle, db) = (tokio::runtime::Handle::current(), db.clone());
    tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        write_export(
            &handle,
            &db,
            Scope::Site,
            "https://blog.example",
            &mut bytes,
        )
        .expect("export");
        bytes
    })
    .await
    .expect("export thread")
}

/// What an export says, entry by entry: posts as their front matter (without the address,
/// which holds the post's id) and text; pictures and other files as their bytes.
fn contents(zip: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP");
    let mut entries = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        let name = entry.name().to_owned();
        if name.ends_with(".md") {
            let (mut front, content) =
                front_matter::read(&String::from_utf8(bytes).expect("text")).expect("a post");
            front.address.clear();
            let title = front.title.clone();
            entries.insert(format!("post {title}"), format!("{front:?}\n{content}"));
        } else {
            entries.insert(name, hex::encode(bytes));
        }
    }
    entries
}

/// Corey's blog: a published post with tags and a picture, an edited one, a draft and a
/// scheduled post; and JohnDoe's post.
async fn a_blog(db: &Db) {
    let corey = add_user(db, "Corey").await;
    let john = add_user(db, "JohnDoe").await;
    let picture = process_upload(&png(40)).expect("picture");
    pictures::insert_picture(db, corey.id, &picture, Utc::now())
        .await
        .expect("store picture");
    let with_picture = NewPost {
        title: "Kites".into(),
        content: format!("Look:\n\n![A red kite]({})\n", picture.address()),
    };
    let tags = parse_tags("birds, Outdoors").expect("tags");
    post_repo::insert_post_as(db, corey.id, &with_picture, Standing::PUBLISHED, &tags)
        .await
        .expect("post");
    let edited = post_repo::insert_post(db, corey.id, &post_named("Edited"))
        .await
        .expect("post");
    post_repo::update_post(db, edited, &post_named("Edited, twice"))
        .await
        .expect("edit");
    post_repo::insert_post_as(db, corey.id, &post_named("Draft"), Standing::DRAFT, &[])
        .await
        .expect("draft");
    let at = Utc
        .with_ymd_and_hms(2030, 1, 1, 9, 0, 0)
        .single()
        .expect("date");
    post_repo::insert_post_as(
        db,
        corey.id,
        &post_named("Later"),
        Standing::scheduled(at),
        &[],
    )
    .await
    .expect("scheduled");
    post_repo::insert_post(db, john.id, &post_named("John's"))
        .await
        .expect("post");
}

fn post_named(title: &str) -> NewPost {
    NewPost {
        title: title.into(),
        content: format!("About {title}."),
    }
}

async fn import(db: &Db, zip: Vec<u8>) -> Result<app::export::repo::ImportReport, ImportError> {
    let plan = read_archive(std::io::Cursor::new(zip), COMMAND_LINE)?;
    let (targets, _) = authors_for(db, &plan, None).await.expect("authors");
    Ok(write_import(db, &plan, &targets).await.expect("written"))
}

async fn an_export_imported_into_an_empty_instance_exports_the_same(db: Db) {
    a_blog(&db).await;
    let first = export(&db).await;
    let (twin, _dir, schema) = empty_twin(&db).await;
    let report = import(&twin, first.clone()).await.expect("imported");
    assert_eq!(
        (report.posts, report.pictures, report.authors_created),
        (5, 1, 2)
    );
    let again = export(&twin).await;
    let (before, after) = (contents(&first), contents(&again));
    assert_eq!(before.len(), 9, "{:?}", before.keys());
    assert_eq!(before, after);
    assert!(before.keys().any(|name| name.starts_with("pictures/")));
    if let Some((base, schema)) = schema {
        drop_postgres_schema(&base, &schema).await;
    }
}

async fn an_import_refused_midway_writes_nothing(db: Db) {
    a_blog(&db).await;
    let mut zip = export(&db).await;
    // A picture's bytes altered: its entry no longer matches its checksum.
    let at = zip
        .windows(3)
        .position(|window| window == [0xFF, 0xD8, 0xFF])
        .expect("the picture");
    zip[at + 40] ^= 0xFF;
    let (twin, _dir, schema) = empty_twin(&db).await;
    let refused = import(&twin, zip).await.expect_err("refused");
    assert!(matches!(refused, ImportError::Damaged(_)), "{refused:?}");
    assert_eq!(post_repo::count_post_rows(&twin).await.expect("count"), 0);
    assert_eq!(user_repo::count_users(&twin).await.expect("count"), 0);
    if let Some((base, schema)) = schema {
        drop_postgres_schema(&base, &schema).await;
    }
}
