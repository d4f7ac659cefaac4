//! Reading an export for import, as untrusted input: the archive's size, entry count, expansion
//! and names are checked before anything is decompressed, every entry is read within its
//! declared size, every post is checked as the editor checks it, and every picture is decoded
//! again. The result is a plan to write in one transaction, or the reason nothing was imported.

use std::{
    collections::HashMap,
    io::{Read, Seek},
};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use zip::ZipArchive;

use crate::{
    export::{
        front_matter,
        limits::{ArchiveLimits, RATIO_FLOOR},
    },
    pictures::{
        links,
        process::{Picture, process_imported},
    },
    posts::{
        model::NewPost,
        repo::Standing,
        tagging::{TagInput, parse_tags},
    },
    shared::error::AppError,
};

/// Why an archive was refused. Nothing of it was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Not a ZIP, or one cut off.
    #[error("The file is not a complete ZIP archive: it may be cut off or damaged.")]
    NotAZip,
    /// More entries than the bound.
    #[error("The archive has {0} entries; at most {1} are accepted.")]
    TooManyEntries(usize, usize),
    /// An entry's name leaves the archive's folder, or is absolute.
    #[error("The archive was refused: the entry {0:?} points outside the archive.")]
    UnsafePath(String),
    /// A symbolic link.
    #[error("The archive was refused: the entry {0:?} is a symbolic link.")]
    Symlink(String),
    /// An encrypted entry.
    #[error("The archive was refused: the entry {0:?} is encrypted.")]
    Encrypted(String),
    /// An entry expands far more than any export does, or past its declared size.
    #[error("The archive was refused: the entry {0:?} expands suspiciously (a zip bomb?).")]
    Bomb(String),
    /// An entry, or all of them, past the size bound.
    #[error("The archive was refused: {0} holds more than {1} MB uncompressed.")]
    TooLarge(String, u64),
    /// An entry that cannot be read back (a bad checksum, a cut-off entry).
    #[error("The archive was refused: the entry {0:?} is damaged.")]
    Damaged(String),
    /// A post or author file that cannot be taken, and why.
    #[error("{0}: {1}")]
    Invalid(String, String),
    /// Posts with no author file, or more or fewer authors than the import takes.
    #[error("{0}")]
    Authors(String),
}

/// An author of the archive, from `authors/NAME/author.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuthorFile {
    /// Username.
    pub username: String,
    /// Email address.
    pub email: String,
    /// The profile picture's file name beside it, if any.
    #[serde(default)]
    pub picture: Option<String>,
}

/// An author to import, with their profile picture's bytes.
#[derive(Debug, Clone)]
pub struct PlannedAuthor {
    /// What `author.toml` says.
    pub file: AuthorFile,
    /// The profile picture (a JPEG or PNG as exported; decoded again before it is stored).
    pub profile: Option<(String, Vec<u8>)>,
}

/// A post to import.
#[derive(Debug, Clone)]
pub struct PlannedPost {
    /// Index of its author in [`ImportPlan::authors`].
    pub author: usize,
    /// The file it came from, for messages.
    pub file: String,
    /// Title and content, picture addresses rewritten to where they are now stored.
    pub post: NewPost,
    /// When it was posted.
    pub date: DateTime<Utc>,
    /// When it was last edited.
    pub updated: Option<DateTime<Utc>>,
    /// Draft, scheduled or published.
    pub standing: Standing,
    /// Its tags.
    pub tags: Vec<TagInput>,
}

/// What an archive holds, checked and ready to write.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    /// Authors, in the archive's order.
    pub authors: Vec<PlannedAuthor>,
    /// Posts, oldest first.
    pub posts: Vec<PlannedPost>,
    /// The pictures the posts show, each stored once.
    pub pictures: Vec<Picture>,
    /// Picture addresses a post shows that the archive does not hold.
    pub missing_pictures: usize,
}

/// Where an entry belongs.
enum Entry {
    Author(String),
    Profile(String, String),
    Post(String),
    Picture,
    Other,
}

fn classify(name: &str) -> Entry {
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        ["authors", author, "author.toml"] => Entry::Author((*author).to_owned()),
        ["authors", author, file] if file.starts_with("profile.") => {
            Entry::Profile((*author).to_owned(), (*file).to_owned())
        }
        ["authors", author, "posts", file] if file.ends_with(".md") => {
            Entry::Post((*author).to_owned())
        }
        ["pictures", file] if links::find(&format!("{}{file}", links::PREFIX)).len() == 1 => {
            Entry::Picture
        }
        _ => Entry::Other,
    }
}

/// Reads and checks the archive in `reader` within `limits`.
pub fn read_archive<R: Read + Seek>(
    reader: R,
    limits: ArchiveLimits,
) -> Result<ImportPlan, ImportError> {
    let mut archive = ZipArchive::new(reader).map_err(|_| ImportError::NotAZip)?;
    if archive.len() > limits.entries {
        return Err(ImportError::TooManyEntries(archive.len(), limits.entries));
    }
    check_entries(&mut archive, limits)?;
    let mut authors: Vec<(String, AuthorFile)> = Vec::new();
    let mut profiles: HashMap<String, (String, Vec<u8>)> = HashMap::new();
    let mut posts: Vec<(String, String, String)> = Vec::new();
    let mut pictures: HashMap<String, Picture> = HashMap::new();
    for index in 0..archive.len() {
        let (name, bytes) = read_entry(&mut archive, index)?;
        match classify(&name) {
            Entry::Author(folder) => {
                let file: AuthorFile =
                    toml::from_str(&text_of(&name, bytes)?).map_err(|error| {
                        ImportError::Invalid(name.clone(), error.message().to_owned())
                    })?;
                authors.push((folder, file));
            }
            Entry::Profile(folder, file) => {
                profiles.insert(folder, (file, bytes));
            }
            Entry::Post(folder) => posts.push((folder, name.clone(), text_of(&name, bytes)?)),
            Entry::Picture => {
                let old = name.trim_start_matches("pictures/");
                let hash = old.split('.').next().unwrap_or_default().to_owned();
                let picture = process_imported(&bytes).map_err(|refused| {
                    ImportError::Invalid(name.clone(), refused.message().to_owned())
                })?;
                pictures.insert(hash, picture);
            }
            Entry::Other => {}
        }
    }
    plan(authors, profiles, posts, pictures)
}

/// Refuses the archive on any entry's name, kind or size, before decompressing anything.
fn check_entries<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    limits: ArchiveLimits,
) -> Result<(), ImportError> {
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|_| ImportError::NotAZip)?;
        let name = entry.name().to_owned();
        let enclosed = entry.enclosed_name();
        if enclosed.as_deref().and_then(|path| path.to_str()) != Some(name.trim_end_matches('/'))
            || name.contains('\\')
        {
            return Err(ImportError::UnsafePath(name));
        }
        if entry.is_symlink() {
            return Err(ImportError::Symlink(name));
        }
        if entry.encrypted() {
            return Err(ImportError::Encrypted(name));
        }
        let size = entry.size();
        if size > limits.entry_bytes {
            return Err(ImportError::TooLarge(
                name,
                limits.entry_bytes / (1024 * 1024),
            ));
        }
        if size > RATIO_FLOOR && size / entry.compressed_size().max(1) > limits.ratio {
            return Err(ImportError::Bomb(name));
        }
        total = total.saturating_add(size);
        if total > limits.total_bytes {
            return Err(ImportError::TooLarge(
                "the archive".into(),
                limits.total_bytes / (1024 * 1024),
            ));
        }
    }
    Ok(())
}

/// Entry `index`'s name and bytes, read no further than its declared size.
fn read_entry<R: Read + Seek>(
    archive: &mut ZipArchive<R>,
    index: usize,
) -> Result<(String, Vec<u8>), ImportError> {
    let entry = archive.by_index(index).map_err(|_| ImportError::NotAZip)?;
    let name = entry.name().to_owned();
    if entry.is_dir() {
        return Ok((name, Vec::new()));
    }
    let declared = entry.size();
    let mut bytes = Vec::with_capacity(declared.min(1024 * 1024) as usize);
    entry
        .take(declared + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| ImportError::Damaged(name.clone()))?;
    if bytes.len() as u64 != declared {
        return Err(ImportError::Bomb(name));
    }
    Ok((name, bytes))
}

fn text_of(name: &str, bytes: Vec<u8>) -> Result<String, ImportError> {
    String::from_utf8(bytes)
        .map_err(|_| ImportError::Invalid(name.to_owned(), "it is not UTF-8 text".into()))
}

/// Checks every post and ties it to its author; rewrites picture addresses.
fn plan(
    authors: Vec<(String, AuthorFile)>,
    mut profiles: HashMap<String, (String, Vec<u8>)>,
    posts: Vec<(String, String, String)>,
    pictures: HashMap<String, Picture>,
) -> Result<ImportPlan, ImportError> {
    let folders: Vec<String> = authors.iter().map(|(folder, _)| folder.clone()).collect();
    let mut plan = ImportPlan {
        authors: authors
            .into_iter()
            .map(|(folder, file)| {
                let profile = file.picture.as_ref().and_then(|_| profiles.remove(&folder));
                PlannedAuthor { file, profile }
            })
            .collect(),
        ..ImportPlan::default()
    };
    let mut used: Vec<String> = Vec::new();
    for (folder, file, text) in posts {
        let author = folders
            .iter()
            .position(|known| *known == folder)
            .ok_or_else(|| {
                ImportError::Authors(format!(
                    "{file}: its folder has no author.toml, so its author is unknown."
                ))
            })?;
        let planned = plan_post(
            author,
            &file,
            &text,
            &pictures,
            &mut used,
            &mut plan.missing_pictures,
        )?;
        plan.posts.push(planned);
    }
    plan.posts.sort_by_key(|post| post.date);
    plan.pictures = used
        .iter()
        .filter_map(|old| pictures.get(old).cloned())
        .collect();
    Ok(plan)
}

fn plan_post(
    author: usize,
    file: &str,
    text: &str,
    pictures: &HashMap<String, Picture>,
    used: &mut Vec<String>,
    missing: &mut usize,
) -> Result<PlannedPost, ImportError> {
    let invalid = |reason: String| ImportError::Invalid(file.to_owned(), reason);
    let (front, content) = front_matter::read(text).map_err(invalid)?;
    let content = links::rewrite(&content, |found| match pictures.get(&found.hash) {
        Some(picture) => {
            if !used.contains(&found.hash) {
                used.push(found.hash.clone());
            }
            Some(picture.address())
        }
        None => {
            *missing += 1;
            Some(links::address(&found.hash, &found.extension))
        }
    });
    let post = NewPost {
        title: front.title.trim().to_owned(),
        content,
    };
    if let Err(AppError::Invalid(errors)) = post.validate() {
        let reasons: Vec<&str> = errors.iter().map(|(_, message)| message).collect();
        return Err(invalid(reasons.join(" ")));
    }
    let tags = parse_tags(&front.tags.join(",")).map_err(|message| invalid(message.to_owned()))?;
    let standing = match (front.status.as_str(), front.publish_at) {
        ("published", _) => Standing::PUBLISHED,
        ("draft", _) => Standing::DRAFT,
        ("scheduled", Some(at)) => Standing::scheduled(at),
        ("scheduled", None) => return Err(invalid("a scheduled post needs publish_at".into())),
        (other, _) => {
            return Err(invalid(format!(
                "status {other:?} is none of published, draft and scheduled"
            )));
        }
    };
    Ok(PlannedPost {
        author,
        file: file.to_owned(),
        post,
        date: front.date,
        updated: front.updated,
        standing,
        tags,
    })
}
