//! The post types shared by browser and server, and the rules a new post must meet.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    shared::error::{AppError, FieldErrors},
    shared::messages,
    shared::pagination::Pager,
    shared::xml_text::is_xml_char,
    users::model::Author,
};

/// Longest title (the database enforces it too).
pub const TITLE_MAX: usize = 100;
/// Longest page description made from a post, in characters.
pub const SUMMARY_MAX: usize = 160;
/// Longest content accepted.
pub const CONTENT_MAX: usize = 100_000;
/// Most tags on one post.
pub const TAGS_MAX: usize = 5;
/// Longest tag, in characters.
pub const TAG_MAX: usize = 30;

/// Where a post stands: only published posts are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostStatus {
    /// Seen only by its author.
    Draft,
    /// Seen only by its author until `publish_at`, then published.
    Scheduled,
    /// Public.
    #[default]
    Published,
}

impl PostStatus {
    /// The value stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
        }
    }

    /// The status stored as `value`; anything unknown is taken as a draft, which shows nothing.
    pub fn from_stored(value: &str) -> Self {
        match value {
            "published" => Self::Published,
            "scheduled" => Self::Scheduled,
            _ => Self::Draft,
        }
    }
}

/// A tag on a post: as first written, and the key its page is found by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag as its first writer spelled it.
    pub name: String,
    /// Its normalized form (NFKC and case fold), as in `/tag/KEY`.
    pub key: String,
}

impl Tag {
    /// The tag's page.
    pub fn url(&self) -> String {
        tag_url(&self.key)
    }
}

/// What a tag key keeps as it is in an address; everything else is percent-encoded.
const TAG_IN_PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `tags` as the `<li>` links lists show ([`Post::tag_links`]), their names escaped.
#[cfg(feature = "ssr")]
pub fn tag_links(tags: &[Tag]) -> String {
    tags.iter()
        .map(|tag| {
            format!(
                "<li><a href=\"{}\" rel=\"tag\">{}</a></li>",
                tag.url(),
                crate::components::page_title::escape_html(&tag.name)
            )
        })
        .collect()
}

/// The page of the tag whose key is `key`, its key percent-encoded.
pub fn tag_url(key: &str) -> String {
    format!(
        "/tag/{}",
        percent_encoding::utf8_percent_encode(key, TAG_IN_PATH)
    )
}

/// A post together with its author.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Post {
    /// Primary key.
    pub id: i64,
    /// Title, at most 100 characters.
    pub title: String,
    /// When it was posted (UTC).
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub date_posted: DateTime<Utc>,
    /// Body text as typed, in Markdown.
    pub content: String,
    /// The content rendered to sanitised HTML on the server: the whole post, or on list pages
    /// only its first block.
    pub html: String,
    /// On list pages, the post goes on past `html` ("Read more").
    pub more: bool,
    /// The first words as plain text, for the page's description; empty on list pages.
    pub summary: String,
    /// Who wrote it.
    pub author: Author,
    /// Its tags as links to their pages (`<li>` items, escaped), made on the server; empty for a
    /// post without tags. Lists show them as they show `html`, so the browser reads no tag type.
    pub tag_links: String,
    /// Its tags, in the order written (server side: feeds, the editor's field).
    #[serde(skip)]
    pub tags: Vec<Tag>,
    /// Draft, scheduled or published (server side; the author's pages get [`OwnPost`]).
    #[serde(skip)]
    pub status: PostStatus,
    /// When a scheduled post goes public (server side).
    #[serde(skip)]
    pub publish_at: Option<DateTime<Utc>>,
}

/// A post as its author works on it: the post, where it stands, and its tags as the editor's
/// field shows them. Only the author's own pages (the editor, a draft's page, the drafts page)
/// read it, so the lists every visitor loads carry none of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPost {
    /// The post.
    pub post: Post,
    /// Draft, scheduled or published.
    pub status: PostStatus,
    /// When a scheduled post goes public.
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    pub publish_at: Option<DateTime<Utc>>,
    /// Its tags, separated by commas.
    pub tags: String,
}

impl OwnPost {
    /// `post` as its author sees it.
    #[cfg(feature = "ssr")]
    pub fn of(post: Post) -> Self {
        Self {
            status: post.status,
            publish_at: post.publish_at,
            tags: post
                .tags
                .iter()
                .map(|tag| tag.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            post,
        }
    }
}

impl fmt::Debug for Post {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Post('{}', '{}')",
            self.title,
            crate::shared::dates::machine_time(&self.date_posted)
        )
    }
}

impl Post {
    /// The post's own page.
    pub fn url(&self) -> String {
        format!("/post/{}", self.id)
    }

    /// The date as shown to readers, e.g. `2026-11-25`.
    pub fn display_date(&self) -> String {
        crate::shared::dates::day(&self.date_posted)
    }
}

/// One page of the newest posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPage {
    /// The posts on this page, newest first.
    pub posts: Vec<Post>,
    /// Where this page sits.
    pub pager: Pager,
}

/// One page of a single author's posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorPostPage {
    /// Whose posts these are.
    pub author: Author,
    /// The posts on this page, newest first.
    pub posts: Vec<Post>,
    /// Where this page sits; `pager.total` is the author's post count.
    pub pager: Pager,
    /// The author's fediverse handle and followers, when federation is on.
    pub fediverse: Option<crate::federation::model::Fediverse>,
}

/// An author's drafts and scheduled posts, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drafts {
    /// The drafts and scheduled posts.
    pub posts: Vec<OwnPost>,
}

/// What the author asked for with the button they pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// "Post", "Publish" or "Update": publish (or schedule, with "Publish at").
    #[default]
    Publish,
    /// "Save draft".
    Draft,
}

/// A post about to be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPost {
    /// Title.
    pub title: String,
    /// Body text.
    pub content: String,
}

impl NewPost {
    /// Checks both fields, reporting each problem under its own field name.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        let title_length = self.title.trim().chars().count();
        if title_length == 0 {
            errors.add("title", messages::TITLE_REQUIRED);
        } else if self.title.chars().count() > TITLE_MAX {
            errors.add("title", messages::TITLE_LENGTH);
        } else if !self.title.chars().all(is_xml_char) {
            errors.add("title", messages::TITLE_CONTROL);
        }
        if self.content.trim().is_empty() {
            errors.add("content", messages::CONTENT_REQUIRED);
        } else if self.content.chars().count() > CONTENT_MAX {
            errors.add("content", messages::CONTENT_LENGTH);
        } else if !self.content.chars().all(is_xml_char) {
            errors.add("content", messages::CONTENT_CONTROL);
        }
        errors.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_messages_state_the_configured_limits() {
        use crate::shared::messages::{CONTENT_LENGTH, TITLE_LENGTH};
        assert!(TITLE_LENGTH.contains(&TITLE_MAX.to_string()));
        assert!(CONTENT_LENGTH.contains(&CONTENT_MAX.to_string()));
    }

    fn post(title: &str, content: &str) -> NewPost {
        NewPost {
            title: title.into(),
            content: content.into(),
        }
    }

    #[test]
    fn a_post_with_title_and_content_is_valid() {
        assert_eq!(post("Blog 1", "First Post Content!").validate(), Ok(()));
    }

    #[test]
    fn a_blank_title_is_rejected() {
        assert!(
            matches!(post("  ", "text").validate(), Err(AppError::Invalid(e)) if e.get("title").is_some())
        );
    }

    #[test]
    fn a_101_character_title_is_rejected() {
        assert!(
            matches!(post(&"t".repeat(101), "text").validate(), Err(AppError::Invalid(e)) if e.get("title").is_some())
        );
    }

    #[test]
    fn a_title_with_a_nul_character_is_rejected() {
        assert!(
            matches!(post("a\0b", "text").validate(), Err(AppError::Invalid(e)) if e.get("title") == Some(messages::TITLE_CONTROL))
        );
    }

    #[test]
    fn a_title_with_a_control_character_is_rejected() {
        assert!(
            matches!(post("a\u{1}b", "text").validate(), Err(AppError::Invalid(e)) if e.get("title") == Some(messages::TITLE_CONTROL))
        );
    }

    #[test]
    fn content_with_a_vertical_tab_is_rejected() {
        assert!(
            matches!(post("Title", "a\u{b}b").validate(), Err(AppError::Invalid(e)) if e.get("content") == Some(messages::CONTENT_CONTROL))
        );
    }

    #[test]
    fn content_with_a_non_character_is_rejected() {
        assert!(
            matches!(post("Title", "a\u{FFFF}b").validate(), Err(AppError::Invalid(e)) if e.get("content") == Some(messages::CONTENT_CONTROL))
        );
    }

    #[test]
    fn content_with_tabs_and_browser_line_breaks_is_valid() {
        assert_eq!(post("Title", "a\tb\r\nc").validate(), Ok(()));
    }

    #[test]
    fn empty_content_is_rejected() {
        assert!(
            matches!(post("Title", "").validate(), Err(AppError::Invalid(e)) if e.get("content").is_some())
        );
    }

    #[test]
    fn post_debug_shows_title_and_date() {
        let post = Post {
            id: 1,
            title: "Blog 1".into(),
            date_posted: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            content: "secret body".into(),
            html: "<p>secret body</p>".into(),
            more: false,
            summary: "secret body".into(),
            author: Author {
                id: 1,
                username: "Corey".into(),
                image_file: "default.jpg".into(),
            },
            tag_links: String::new(),
            tags: Vec::new(),
            status: PostStatus::Published,
            publish_at: None,
        };
        assert_eq!(
            format!("{post:?}"),
            "Post('Blog 1', '1970-01-01T00:00:00Z')"
        );
    }
}
