//! Sample and demo data: the Flaskblog's two users and two posts, or many generated users and posts.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::{
    auth::password::{PasswordError, hash_password_for_setup},
    live::{hub::BACKLOG, repo::trim_events},
    posts::{
        model::NewPost,
        repo::{PostRecord, insert_post, insert_posts, tag_posts_titled},
        tagging::tag_key,
    },
    server_only::db::{Db, DbError},
    users::repo::{UserRecord, count_users, insert_user, insert_users, list_user_ids},
};

/// Rows per multi-row insert: well under both backends' bind-parameter limits.
const BATCH: usize = 1000;
/// Every seeded account's password.
pub const SEED_PASSWORD: &str = "password";

/// What a seed run inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    /// Users inserted.
    pub users: u64,
    /// Posts inserted.
    pub posts: u64,
}

/// Why seeding stopped.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Seeding only fills an empty database, so that it never mixes with real data.
    #[error(
        "the database already has {0} users; seeding needs an empty database (run `quire db reset --yes` first)"
    )]
    NotEmpty(i64),
    /// Posts were asked for without any user to write them.
    #[error("--posts needs at least one user (--users 1 or more)")]
    NoAuthors,
    /// The database refused.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The seed password could not be hashed.
    #[error(transparent)]
    Password(#[from] PasswordError),
}

async fn ensure_empty(db: &Db) -> Result<(), SeedError> {
    match count_users(db).await? {
        0 => Ok(()),
        n => Err(SeedError::NotEmpty(n)),
    }
}

/// The Flaskblog's sample data: users Corey and JohnDoe, and two posts by Corey.
pub async fn seed_sample(db: &Db) -> Result<SeedReport, SeedError> {
    ensure_empty(db).await?;
    let hash = hash_password_for_setup(SEED_PASSWORD.to_owned()).await?;
    let corey = insert_user(
        db,
        &UserRecord {
            username: "Corey",
            email: "C@demo.com",
            password_hash: &hash,
        },
    )
    .await?;
    insert_user(
        db,
        &UserRecord {
            username: "JohnDoe",
            email: "jd@demo.com",
            password_hash: &hash,
        },
    )
    .await?;
    for (title, content) in [
        ("Blog 1", "First Post Content!"),
        ("Blog 2", "Second Post Content!"),
    ] {
        insert_post(
            db,
            corey.id,
            &NewPost {
                title: title.into(),
                content: content.into(),
            },
        )
        .await?;
    }
    Ok(SeedReport { users: 2, posts: 2 })
}

/// `users` users (`writer1` … with the seed password) and `posts` generated posts spread over
/// a year, each tagged with its topic, the same every run. All users share one password hash, so seeding stays fast.
pub async fn seed_demo(db: &Db, users: u64, posts: u64) -> Result<SeedReport, SeedError> {
    ensure_empty(db).await?;
    if posts > 0 && users == 0 {
        return Err(SeedError::NoAuthors);
    }
    let hash = hash_password_for_setup(SEED_PASSWORD.to_owned()).await?;
    let mut inserted_users = 0;
    let mut start = 1;
    while start <= users {
        let end = (start + BATCH as u64 - 1).min(users);
        let names: Vec<(String, String)> = (start..=end)
            .map(|i| (format!("writer{i}"), format!("writer{i}@example.com")))
            .collect();
        let records: Vec<UserRecord> = names
            .iter()
            .map(|(username, email)| UserRecord {
                username,
                email,
                password_hash: &hash,
            })
            .collect();
        inserted_users += insert_users(db, &records).await?;
        start = end + 1;
    }

    let author_ids = list_user_ids(db).await?;
    let mut inserted_posts = 0;
    let mut index = 0;
    while index < posts {
        let end = (index + BATCH as u64).min(posts);
        let generated: Vec<DemoPost> = (index..end).map(|i| DemoPost::new(i, posts)).collect();
        let records: Vec<PostRecord> = generated
            .iter()
            .map(|post| PostRecord {
                title: &post.title,
                content: &post.content,
                date_posted: post.date_posted,
                user_id: author_ids[post.index as usize % author_ids.len()],
            })
            .collect();
        inserted_posts += insert_posts(db, &records).await?;
        index = end;
    }
    if inserted_posts > 0 {
        for topic in TOPICS {
            tag_posts_titled(db, topic, &tag_key(topic), &format!("% on {topic}")).await?;
        }
        // A million posts published at once leave a million live events: only the backlog is
        // worth keeping, and trimming now spares a server's first sweep the work.
        trim_events(db, BACKLOG).await?;
    }
    Ok(SeedReport {
        users: inserted_users,
        posts: inserted_posts,
    })
}

const TOPICS: [&str; 10] = [
    "Rust",
    "gardening",
    "sourdough",
    "cycling",
    "databases",
    "typography",
    "chess",
    "photography",
    "hiking",
    "jazz",
];
const OPENINGS: [&str; 5] = [
    "Some notes I keep coming back to.",
    "A short write-up of what I learned this week.",
    "Less obvious than it looks, at least to me.",
    "A few thoughts after trying it for a month.",
    "Mostly questions, a few answers.",
];
const BODIES: [&str; 4] = [
    "The first attempt went badly, the second one less so. The trick, it turns out, was patience.",
    "Everyone told me to start small. I did not, and I would not recommend my path to anyone.",
    "There is a lot of advice out there. Most of it is fine; some of it is wonderful.",
    "I wrote down every mistake I made. The list is long, and I am oddly proud of it.",
];

/// One generated post; post `i` of `n` is dated so that higher indexes are newer.
struct DemoPost {
    index: u64,
    title: String,
    content: String,
    date_posted: DateTime<Utc>,
}

impl DemoPost {
    fn new(index: u64, total: u64) -> Self {
        let topic = TOPICS[(index % TOPICS.len() as u64) as usize];
        let opening = OPENINGS[(index / 3 % OPENINGS.len() as u64) as usize];
        let body = BODIES[(index / 7 % BODIES.len() as u64) as usize];
        let year_seconds = 365 * 24 * 3600;
        let step = (year_seconds / total.max(1)).max(1) as i64;
        let start = Utc
            .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default();
        Self {
            index,
            title: format!("Post {} on {topic}", index + 1),
            content: format!("{opening}\n\n{body}"),
            date_posted: start + Duration::seconds(step * index as i64),
        }
    }
}
