//! `quire export` and `quire import zip`: a blog out as one ZIP, and such a ZIP back in.

use std::{fs::File, io::BufWriter, path::Path};

use app::{
    export::{
        archive::{Scope, write_export},
        import::read_archive,
        limits::COMMAND_LINE,
        repo::write_import,
        targets::authors_for,
    },
    server_only::db::Db,
    users::repo as users,
};

use crate::error::CliError;

/// Runs `quire export`: `user`'s blog, or every author's, written to `output`.
pub async fn run_export(
    db: &Db,
    site_url: &str,
    user: Option<String>,
    output: &Path,
) -> Result<(), CliError> {
    let scope = match user {
        Some(name) => {
            let user = users::find_user_by_username(db, &name)
                .await?
                .ok_or_else(|| CliError::Invalid(format!("there is no user named {name:?}")))?;
            Scope::Author(user.id)
        }
        None => Scope::Site,
    };
    let file = File::create(output).map_err(|error| {
        CliError::Invalid(format!("cannot write {}: {error}", output.display()))
    })?;
    let handle = tokio::runtime::Handle::current();
    let (db, site_url) = (db.clone(), site_url.trim_end_matches('/').to_owned());
    let written = tokio::task::spawn_blocking(move || {
        write_export(&handle, &db, scope, &site_url, BufWriter::new(file))
    })
    .await
    .map_err(|error| CliError::Invalid(format!("the export stopped: {error}")))?
    .map_err(|error| CliError::Invalid(format!("the export stopped: {error}")))?;
    println!(
        "Exported to {}: {} author(s), {} post(s), {} picture(s).",
        output.display(),
        written.authors,
        written.posts,
        written.pictures
    );
    Ok(())
}

/// Runs `quire import zip FILE`: the archive checked whole, then written in one transaction.
pub async fn run_import_zip(
    db: &Db,
    file: &Path,
    into: Option<String>,
    dry_run: bool,
) -> Result<(), CliError> {
    let opened = File::open(file)
        .map_err(|error| CliError::Invalid(format!("cannot read {}: {error}", file.display())))?;
    let plan = tokio::task::spawn_blocking(move || read_archive(opened, COMMAND_LINE))
        .await
        .map_err(|error| CliError::Invalid(format!("the archive could not be read: {error}")))?
        .map_err(|refused| CliError::Invalid(format!("nothing was imported. {refused}")))?;
    app::schema::migrate(db).await?;
    println!(
        "{}: {} author(s), {} post(s), {} picture(s).",
        file.display(),
        plan.authors.len(),
        plan.posts.len(),
        plan.pictures.len()
    );
    if plan.missing_pictures > 0 {
        println!(
            "warning: posts show {} picture address(es) the archive does not hold.",
            plan.missing_pictures
        );
    }
    let (targets, notes) = authors_for(db, &plan, into.as_deref())
        .await
        .map_err(|refused| CliError::Invalid(format!("nothing was imported. {refused}")))?;
    for note in notes {
        println!("{note}");
    }
    if dry_run {
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let report = write_import(db, &plan, &targets).await?;
    println!(
        "Imported: {} post(s), {} picture(s), {} new author(s); {} post(s) already present skipped.",
        report.posts, report.pictures, report.authors_created, report.skipped
    );
    Ok(())
}
