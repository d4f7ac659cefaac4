//! `quire import flaskblog`: reads the Flaskblog, checks every row, reports, then writes
//! everything in one transaction (or nothing, with `--dry-run` or when a row cannot be taken).

use app::{
    db::{Db, mask_password},
    import::{
        check::{Existing, plan},
        pictures::load_pictures,
        repo,
        source::{parse_source_url, read},
    },
    users::repo as users,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{config::ImportCommand, error::CliError};

/// Imports below this many posts finish too fast for a progress bar.
const PROGRESS_FROM: usize = 10_000;

/// Runs `quire import …` into `db` (opened from `url`).
pub async fn run_import(db: &Db, url: &str, command: ImportCommand) -> Result<(), CliError> {
    let ImportCommand::Flaskblog {
        from,
        pictures,
        dry_run,
        merge,
    } = command;
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
    db.migrate().await?;
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
    if plan.skipped_users + plan.skipped_posts > 0 {
        println!(
            "Already in Quire, skipped: {} user(s), {} post(s).",
            plan.skipped_users, plan.skipped_posts
        );
    }
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
