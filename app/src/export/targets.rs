//! Who an archive's authors become in this Quire: one user named on the command line, the users
//! of the same usernames, or new users (with a password nobody knows: they set theirs with
//! "Forgot password").

use crate::{
    account::picture::{process_picture, random_picture_name},
    auth::password::hash_password_for_setup,
    export::{import::ImportPlan, repo::AuthorTarget},
    server_only::{
        db::{Db, DbError},
        random::random_hex,
    },
    users::{
        model::{email_error, username_error},
        repo as users,
    },
};

/// Why an archive's authors cannot be placed.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The database could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Something about an author, for the person importing to fix.
    #[error("{0}")]
    Refused(String),
}

/// The target of each author of `plan` (the user `into` for a one-author export), with notes
/// saying where each went.
pub async fn authors_for(
    db: &Db,
    plan: &ImportPlan,
    into: Option<&str>,
) -> Result<(Vec<AuthorTarget>, Vec<String>), TargetError> {
    if let Some(name) = into {
        if plan.authors.len() != 1 {
            return Err(TargetError::Refused(format!(
                "--into takes the export of one author; this one holds {}.",
                plan.authors.len()
            )));
        }
        let user = users::find_user_by_username(db, name)
            .await?
            .ok_or_else(|| TargetError::Refused(format!("There is no user named {name:?}.")))?;
        return Ok((vec![AuthorTarget::Existing(user.id)], Vec::new()));
    }
    let (mut targets, mut notes) = (Vec::new(), Vec::new());
    for author in &plan.authors {
        let (username, email) = (&author.file.username, &author.file.email);
        if let Some(user) = users::find_user_by_username(db, username).await? {
            notes.push(format!(
                "Author {username:?} is Quire user {}: their posts go there.",
                user.id
            ));
            targets.push(AuthorTarget::Existing(user.id));
            continue;
        }
        if let Some(message) = username_error(username).or_else(|| email_error(email)) {
            return Err(TargetError::Refused(format!(
                "Author {username:?}: {message}"
            )));
        }
        if users::find_user_by_email(db, email).await?.is_some() {
            return Err(TargetError::Refused(format!(
                "Author {username:?} has the email of another Quire user; import their export \
                 with --into USERNAME."
            )));
        }
        let avatar = author.profile.as_ref().and_then(|(name, bytes)| {
            let picture = process_picture(bytes, name).ok()?;
            Some((
                random_picture_name(picture.extension),
                picture.content_type,
                picture.data,
            ))
        });
        let password_hash = hash_password_for_setup(random_hex(32))
            .await
            .map_err(|error| TargetError::Refused(error.to_string()))?;
        notes.push(format!(
            "Author {username:?} is new: they set a password with \"Forgot password\"."
        ));
        targets.push(AuthorTarget::New {
            username: username.clone(),
            email: email.clone(),
            password_hash,
            avatar,
        });
    }
    Ok((targets, notes))
}
