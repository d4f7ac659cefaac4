//! `quire import flaskblog`: reads the Flaskblog, checks every row, reports, then writes
//! everything in one transaction (or nothing, with `--dry-run` or when a row cannot be taken).

use app::{
    import::{
        check::{Existing, Plan, plan},
        pictures::load_pictures,
        repo,
        source::{parse_source_url, read},
    },
    server_only::db::{Db, mask_password},
    users::repo as users,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{config::ImportCommand, error::CliError};

/// Imports below this many posts finish too fast for a progress bar.
const PROGRESS_FROM: usize = 10_000;

/// Runs `quire import …` into `db` (opened from `url`).
pub async fn run_import(db: &Db, url: &str, command: ImportCommand) -> Result<(), CliError> {
    let (from, pictures, dry_run, merge) = match command {
        ImportCommand::Flaskblog {
            from,
            pictures,
            dry_run,
            merge,
        } => (from, pictures, dry_run, merge),
        ImportCommand::Zip {
            file,
            into,
            dry_run,
        } => return crate::archive::run_import_zip(db, &file, into, dry_run).await,
    };
    let source_url = parse_source_url(&from).map_err(|e| CliError::Invalid(e.to_string()))?;
    let source = read(&source_url)
        .await
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    println!(
        "Flaskblog {}: {} user(s), {} post(s).",
        mask_password(&from),
        source.users.len(),
        source.posts.len()
    );
    app::schema::migrate(&db).await?;
    let existing = if merge {
        repo::existing(db).await?
    } else {
        let count = users::count_users(db).await?;
        if count > 0 {
            return Err(CliError::Invalid(format!(
                "{} has {count} user(s) already; pass --merge to add the Flaskblog to them",
                mask_password(url)
            )));
        }
        Existing::default()
    };
    let mut plan = plan(source, &existing);
    let (pictures, warnings) = load_pictures(&mut plan.users, pictures.as_deref());
    for warning in &warnings {
        println!("warning: {warning}");
    }
    report_merge(&plan);
    if !plan.problems.is_empty() {
        println!("Rows Quire cannot take:");
        for problem in &plan.problems {
            println!("  {}: {}", problem.row, problem.reason);
        }
        return Err(CliError::Invalid(format!(
            "nothing was imported: {} problem(s) above",
            plan.problems.len()
        )));
    }
    println!(
        "To import: {} user(s) ({} picture(s)), {} post(s).",
        plan.users.len(),
        pictures.len(),
        plan.posts.len()
    );
    if dry_run {
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let bar = if plan.posts.len() >= PROGRESS_FROM {
        let bar = ProgressBar::new(plan.posts.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} posts ({eta})") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut progress = |written: u64| bar.inc(written);
    repo::write(db, &plan.users, &pictures, &plan.posts, &mut progress).await?;
    bar.finish_and_clear();
    println!(
        "Imported into {}: {} user(s) ({} picture(s)), {} post(s).",
        mask_password(url),
        plan.users.len(),
        pictures.len(),
        plan.posts.len()
    );
    Ok(())
}

/// Says what a merge does with the rows Quire has already: users matched by email, rows given
/// new ids, posts already imported.
fn report_merge(plan: &Plan) {
    for matched in &plan.matched_users {
        println!(
            "User {} {:?} has the email of Quire user {} {:?}: their posts go to that user.",
            matched.source_id, matched.source_username, matched.quire.id, matched.quire.username
        );
    }
    for renumbered in &plan.renumbered_users {
        println!(
            "User {} is written as user {} (Quire has another user {}).",
            renumbered.from, renumbered.to, renumbered.from
        );
    }
    for renumbered in &plan.renumbered_posts {
        println!(
            "Post {} is written as post {} (Quire has another post {}).",
            renumbered.from, renumbered.to, renumbered.from
        );
    }
    if plan.skipped_posts > 0 {
        println!(
            "Already in Quire (same id, author and title), skipped: {} post(s).",
            plan.skipped_posts
        );
    }
}
