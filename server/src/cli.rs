//! The `db`, `post`, `mail` and `federation` commands: each does one thing and prints what it
//! did, with counts.

use std::io::{BufRead, IsTerminal, Write};

use app::{
    federation::repo as federation,
    import::seed::{seed_demo, seed_sample},
    mail::repo as mail,
    posts::{model::NewPost, repo as posts},
    server_only::db::{Db, mask_password},
    users::repo as users,
};

use crate::{
    config::{DbCommand, FederationCommand, MailCommand, PostCommand},
    error::CliError,
};

/// Runs a `quire db …` command against `db` (opened from `url`).
pub async fn run_db(db: &Db, url: &str, command: DbCommand) -> Result<(), CliError> {
    match command {
        DbCommand::Migrate => {
            let applied = app::schema::migrate(&db).await?;
            println!(
                "Migrated {}: {applied} migration(s) applied.",
                mask_password(url)
            );
        }
        DbCommand::Reset { yes } => {
            confirm_reset(url, yes)?;
            let dropped = db.drop_all().await?;
            let applied = app::schema::migrate(&db).await?;
            println!(
                "Reset {}: dropped {dropped} table(s), applied {applied} migration(s).",
                mask_password(url)
            );
        }
        DbCommand::Seed { users, posts } => {
            app::schema::migrate(&db).await?;
            let report = match (users, posts) {
                (None, None) => seed_sample(db).await?,
                (users, posts) => seed_demo(db, users.unwrap_or(1), posts.unwrap_or(0)).await?,
            };
            println!(
                "Seeded {}: {} user(s), {} post(s).",
                mask_password(url),
                report.users,
                report.posts
            );
        }
    }
    Ok(())
}

/// Runs a `quire post …` command.
pub async fn run_post(db: &Db, command: PostCommand) -> Result<(), CliError> {
    match command {
        PostCommand::New {
            author,
            title,
            content,
        } => {
            app::schema::migrate(&db).await?;
            let post = NewPost { title, content };
            post.validate()?;
            let user = users::find_user_by_username(db, &author)
                .await?
                .ok_or_else(|| CliError::Invalid(format!("no user named {author:?}")))?;
            let id = posts::insert_post(db, user.id, &post).await?;
            println!("Created post {id} by {}.", user.username);
        }
        PostCommand::Render => {
            app::schema::migrate(&db).await?;
            let stored = app::posts::rendering::render_stale_posts(db).await?;
            println!("Rendered {stored} post(s) again with today's renderer.");
        }
    }
    Ok(())
}

/// Runs a `quire mail …` command.
pub async fn run_mail(db: &Db, command: MailCommand) -> Result<(), CliError> {
    match command {
        MailCommand::Status => {
            app::schema::migrate(&db).await?;
            print!("{}", mail_status(db).await?);
        }
    }
    Ok(())
}

/// What `quire mail status` prints: the counts, then one line per message not delivered.
pub async fn mail_status(db: &Db) -> Result<String, CliError> {
    let counts = mail::counts(db).await?;
    let mut report = format!(
        "Mail: {} queued, {} sent, {} failed.\n",
        counts.queued, counts.sent, counts.failed
    );
    for row in mail::list_undelivered(db).await? {
        let state = match row.failed_at {
            Some(at) => format!("FAILED at {}", unix_time(at)),
            None => format!("queued, next attempt {}", unix_time(row.next_attempt_at)),
        };
        let last_error = row
            .last_error
            .map(|error| format!("; last error: {error}"))
            .unwrap_or_default();
        report.push_str(&format!(
            "#{} {} to {} (queued {}, {} attempt(s)): {state}{last_error}\n",
            row.id,
            row.kind,
            row.recipient,
            unix_time(row.created_at),
            row.attempts,
        ));
    }
    Ok(report)
}

/// How many deliveries given up on `quire federation status` lists.
const FAILED_LISTED: i64 = 100;

/// Runs a `quire federation …` command against `db`.
pub async fn run_federation(db: &Db, command: FederationCommand) -> Result<(), CliError> {
    match command {
        FederationCommand::Status => {
            app::schema::migrate(db).await?;
            print!("{}", federation_status(db).await?);
        }
    }
    Ok(())
}

/// What `quire federation status` prints: the counts, then the newest deliveries given up on.
pub async fn federation_status(db: &Db) -> Result<String, CliError> {
    let counts = federation::delivery_counts(db).await?;
    let mut report = format!(
        "Deliveries: {} queued, {} given up on.\n",
        counts.queued, counts.failed
    );
    for row in federation::list_failed(db, FAILED_LISTED).await? {
        let last_error = row
            .last_error
            .map(|error| format!("; last error: {error}"))
            .unwrap_or_default();
        report.push_str(&format!(
            "#{} {} to {} (queued {}, {} attempt(s)): given up on at {}{last_error}\n",
            row.id,
            row.activity_id,
            row.inbox,
            unix_time(row.created_at),
            row.attempts,
            unix_time(row.failed_at),
        ));
    }
    Ok(report)
}

fn unix_time(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |at| at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// Asks before deleting everything, unless `--yes` was given; refuses when nobody can answer.
fn confirm_reset(url: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    let refused = || {
        CliError::NotConfirmed(
            "reset not confirmed: nothing was deleted (pass --yes to skip the question)".into(),
        )
    };
    if !std::io::stdin().is_terminal() {
        return Err(refused());
    }
    print!(
        "This deletes every table and row in {}. Type 'yes' to continue: ",
        mask_password(url)
    );
    std::io::stdout().flush().map_err(|_| refused())?;
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|_| refused())?;
    if answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(refused())
    }
}
