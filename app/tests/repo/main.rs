//! Repository tests against real databases: every scenario runs on a fresh SQLite file and,
//! when `TEST_POSTGRES_URL` is set, in a fresh Postgres schema (`app::on_both_backends!`).
//! One module per resource; the helpers they share are here.

#[macro_use]
extern crate app;

mod drafts;
mod export;
mod live;
mod mail_queue;
mod pictures;
mod posts;
mod rate_limits;
mod rendering;
mod schema;
mod search;
mod sessions;
mod tags;
mod totals;
mod users;

use app::{
    import::seed::{SeedError, seed_demo, seed_sample},
    posts::{
        model::NewPost,
        repo::{self as post_repo, PostRecord},
    },
    search::{model as search_model, repo as search_repo},
    server_only::db::{Db, DbError},
    users::repo::{self as user_repo, UserRecord},
};
use chrono::{Duration, TimeZone, Utc};

const HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";

async fn add_user(db: &Db, username: &str) -> app::users::model::User {
    let email = format!("{username}@example.com");
    user_repo::insert_user(
        db,
        &UserRecord {
            username,
            email: &email,
            password_hash: HASH,
        },
    )
    .await
    .expect("insert user")
}

/// A PNG of `width` × 20 pixels, all one colour.
fn png(width: u32) -> Vec<u8> {
    let image = image::DynamicImage::ImageRgb8(image::ImageBuffer::from_pixel(
        width,
        20,
        image::Rgb([10, 120, 220]),
    ));
    let mut data = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut data),
            image::ImageFormat::Png,
        )
        .expect("encode");
    data
}

/// Inserts `count` posts by `user_id`, one day apart, numbered from 1 (the oldest).
async fn add_posts(db: &Db, user_id: i64, count: usize) {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .expect("date");
    let titles: Vec<String> = (1..=count).map(|i| format!("Post {i}")).collect();
    let records: Vec<PostRecord> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| PostRecord {
            title,
            content: "text",
            date_posted: start + Duration::days(i as i64),
            user_id,
        })
        .collect();
    post_repo::insert_posts(db, &records)
        .await
        .expect("insert posts");
}

/// Every post id, newest first, as a plain sort of the whole table gives them.
async fn ids_newest_first(db: &Db, user_id: Option<i64>) -> Vec<i64> {
    app::with_pool!(db, |pool| sqlx::query_scalar(
        "select id from posts where $1 is null or user_id = $1 order by date_posted desc, id desc"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)
    .expect("ids")
}

/// Inserts `count` posts alternating between two authors, `minutes` apart, several sharing one
/// instant and some falling exactly on midnight.
async fn add_crowded_posts(db: &Db, authors: [i64; 2], count: usize, minutes: i64) {
    let start = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    let titles: Vec<String> = (0..count).map(|i| format!("Crowded {i}")).collect();
    let records: Vec<PostRecord> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| PostRecord {
            title,
            content: "text",
            // Pairs of posts share an instant, so ties are broken by id.
            date_posted: start + Duration::minutes(minutes * (i as i64 / 2)),
            user_id: authors[i % 2],
        })
        .collect();
    for batch in records.chunks(1_000) {
        post_repo::insert_posts(db, batch)
            .await
            .expect("insert posts");
    }
}
