//! Writing an export: one ZIP, streamed to any writer a file at a time. It holds a
//! `README.txt`, then per author `authors/NAME/author.toml`, their profile picture and
//! `posts/DATE-ID-SLUG.md` (front matter, then Markdown), and at the top `pictures/HASH.EXT`,
//! each picture once. Posts are read 100 at a time, so memory stays bounded whatever the blog's
//! size: one batch of posts, one picture, and the ZIP's directory (about 100 bytes an entry).

use std::{collections::HashSet, io::Write};

use chrono::{DateTime, Datelike, Timelike, Utc};
use tokio::runtime::Handle;
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use crate::{
    account::repo::find_avatar,
    export::{
        front_matter::{self, FrontMatter},
        repo::{self, ExportAuthor, ExportPost},
    },
    pictures::{links, repo as pictures},
    posts::repo::tags_by_post,
    server_only::db::{Db, DbError},
    users::model::DEFAULT_IMAGE,
};

/// Posts read at once.
const BATCH: i64 = 100;
/// Authors read at once.
const AUTHORS: i64 = 100;

/// Whose blog an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One author's, by id.
    Author(i64),
    /// Everyone's.
    Site,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportStats {
    /// Authors.
    pub authors: usize,
    /// Posts.
    pub posts: usize,
    /// Pictures.
    pub pictures: usize,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The database could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The archive could not be written (the reader went away, the disk is full).
    #[error("the archive could not be written: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// Front matter that TOML cannot hold.
    #[error("a post's front matter could not be written: {0}")]
    FrontMatter(#[from] toml::ser::Error),
    /// Writing failed.
    #[error("the archive could not be written: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes the export of `scope` to `out`, reading `db` on `handle`'s runtime (call it from a
/// blocking thread); `site_url` makes each post's original address.
pub fn write_export<W: Write>(
    handle: &Handle,
    db: &Db,
    scope: Scope,
    site_url: &str,
    out: W,
) -> Result<ExportStats, ExportError> {
    let mut zip = ZipWriter::new_stream(out);
    let mut stats = ExportStats::default();
    zip.start_file("README.txt", text_options(None))?;
    zip.write_all(README.as_bytes())?;
    let only = match scope {
        Scope::Author(id) => Some(id),
        Scope::Site => None,
    };
    let mut written = HashSet::new();
    let mut after = 0;
    loop {
        let authors = handle.block_on(repo::authors_after(db, only, after, AUTHORS))?;
        let Some(last) = authors.last() else {
            break;
        };
        after = last.id;
        for author in &authors {
            write_author(
                handle,
                db,
                &mut zip,
                author,
                site_url,
                &mut written,
                &mut stats,
            )?;
            stats.authors += 1;
        }
    }
    zip.finish()?.flush()?;
    Ok(stats)
}

fn write_author<W: Write>(
    handle: &Handle,
    db: &Db,
    zip: &mut ZipWriter<zip::write::StreamWriter<W>>,
    author: &ExportAuthor,
    site_url: &str,
    written: &mut HashSet<String>,
    stats: &mut ExportStats,
) -> Result<(), ExportError> {
    let folder = format!("authors/{}", folder_name(&author.username));
    let avatar = if author.image_file == DEFAULT_IMAGE {
        None
    } else {
        handle.block_on(find_avatar(db, &author.image_file))?
    };
    let profile = avatar
        .as_ref()
        .map(|avatar| format!("profile.{}", links::extension_of(&avatar.content_type)));
    let mut about = toml::Table::new();
    about.insert("username".into(), author.username.clone().into());
    about.insert("email".into(), author.email.clone().into());
    if let Some(profile) = &profile {
        about.insert("picture".into(), profile.clone().into());
    }
    zip.start_file(format!("{folder}/author.toml"), text_options(None))?;
    zip.write_all(toml::to_string(&about)?.as_bytes())?;
    if let (Some(avatar), Some(profile)) = (avatar, profile) {
        zip.start_file(format!("{folder}/{profile}"), stored_options())?;
        zip.write_all(&avatar.data)?;
    }
    let mut after = 0;
    loop {
        let posts = handle.block_on(repo::posts_after(db, author.id, after, BATCH))?;
        let Some(last) = posts.last() else {
            break;
        };
        after = last.id;
        let ids: Vec<i64> = posts.iter().map(|post| post.id).collect();
        let tags = handle.block_on(tags_by_post(db, &ids))?;
        for post in &posts {
            let names = tags
                .iter()
                .filter(|(id, _)| *id == post.id)
                .map(|(_, tag)| tag.name.clone())
                .collect();
            zip.start_file(
                format!("{folder}/posts/{}", file_name(post)),
                text_options(Some(post.updated_at.unwrap_or(post.date_posted))),
            )?;
            zip.write_all(post_file(post, names, site_url)?.as_bytes())?;
            stats.posts += 1;
        }
        for (_, hash) in handle.block_on(repo::picture_hashes_of(db, &ids))? {
            if written.contains(&hash) {
                continue;
            }
            if let Some(picture) = handle.block_on(pictures::find_exported(db, &hash))? {
                let extension = links::extension_of(&picture.content_type);
                zip.start_file(format!("pictures/{hash}.{extension}"), stored_options())?;
                zip.write_all(&picture.data)?;
                stats.pictures += 1;
            }
            written.insert(hash);
        }
    }
    Ok(())
}

/// A post's file: its front matter, then its Markdown with picture addresses made to reach the
/// archive's `pictures/` folder.
fn post_file(post: &ExportPost, tags: Vec<String>, site_url: &str) -> Result<String, ExportError> {
    let front = FrontMatter {
        title: post.title.clone(),
        date: post.date_posted,
        updated: post.updated_at,
        status: post.status.clone(),
        publish_at: post.publish_at,
        tags,
        address: format!("{site_url}/post/{}", post.id),
    };
    let content = links::rewrite(&post.content, |found| {
        Some(format!(
            "{}{}.{}",
            links::EXPORTED_PREFIX,
            found.hash,
            found.extension
        ))
    });
    Ok(front_matter::write(&front, &content)?)
}

/// `DATE-ID-SLUG.md`: sorted by date in any file list, unique by id, readable by title.
fn file_name(post: &ExportPost) -> String {
    let mut slug = String::new();
    for c in post.title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.chars().count() >= 50 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let date = post.date_posted.format("%Y-%m-%d");
    if slug.is_empty() {
        format!("{date}-{}.md", post.id)
    } else {
        format!("{date}-{}-{slug}.md", post.id)
    }
}

/// An author's folder: their username, which holds only letters, digits, `.`, `_` and `-`
/// (anything else, from an older account, becomes `_`), never `.` or `..`.
fn folder_name(username: &str) -> String {
    let name: String = username
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.chars().all(|c| c == '.') {
        name.replace('.', "_")
    } else {
        name
    }
}

/// Text, compressed, dated `at` (the ZIP's time has no zone: UTC is written).
fn text_options(at: Option<DateTime<Utc>>) -> SimpleFileOptions {
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    match at.and_then(|at| {
        zip::DateTime::from_date_and_time(
            u16::try_from(at.year()).ok()?,
            at.month() as u8,
            at.day() as u8,
            at.hour() as u8,
            at.minute() as u8,
            at.second() as u8,
        )
        .ok()
    }) {
        Some(time) => options.last_modified_time(time),
        None => options,
    }
}

/// Pictures are compressed already: stored as they are.
fn stored_options() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

/// What the archive's `README.txt` says.
const README: &str = "\
This is an export of a blog from Quire.

What is inside:

  authors/NAME/author.toml   the author: username, email, and the profile picture's file
  authors/NAME/profile.jpg   the profile picture (or profile.png), when the author set one
  authors/NAME/posts/*.md    one file per post, named DATE-ID-TITLE.md
  pictures/HASH.jpg          every picture the posts show (or HASH.png), named by the
                             hash of its bytes

Each post is Markdown with TOML front matter between +++ lines, as Hugo and Zola read it:
title, date (posted), updated (last edit, when it was edited), status (published, draft or
scheduled), publish_at (for a scheduled post), tags, and address (where it was on the site).
Pictures in posts link to ../../../pictures/, so the Markdown shows them when the folder is
opened as it is.

To bring it into another Quire: `quire import zip FILE` on the command line (every author), or
the Import button on your account page (your own export).
";

#[cfg(test)]
mod tests {
    use super::*;

    fn post(title: &str) -> ExportPost {
        ExportPost {
            id: 42,
            title: title.into(),
            content: String::new(),
            date_posted: "2026-12-05T10:00:00Z".parse().expect("date"),
            updated_at: None,
            status: "published".into(),
            publish_at: None,
        }
    }

    #[test]
    fn a_file_name_has_the_date_the_id_and_a_slug() {
        assert_eq!(
            file_name(&post("Hello, World! Ünïcode")),
            "2026-12-05-42-hello-world-ünïcode.md"
        );
        assert_eq!(file_name(&post("???")), "2026-12-05-42.md");
    }

    #[test]
    fn a_folder_name_never_climbs() {
        assert_eq!(folder_name(".."), "__");
        assert_eq!(folder_name("a/b"), "a_b");
        assert_eq!(folder_name("corey.s"), "corey.s");
    }
}
