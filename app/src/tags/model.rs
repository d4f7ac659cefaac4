//! The tag types shared by browser and server.

use serde::{Deserialize, Serialize};

use crate::{
    posts::model::{Post, tag_url},
    shared::pagination::Pager,
};

/// How many tags the tags page lists at a time.
pub const TAGS_PER_PAGE: i64 = 100;

/// A tag in use, with how many published posts carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagCount {
    /// As first written.
    pub name: String,
    /// Its normalized form, as in `/tag/KEY`.
    pub key: String,
    /// Published posts carrying it.
    pub posts: i64,
}

impl TagCount {
    /// The tag's page.
    pub fn url(&self) -> String {
        tag_url(&self.key)
    }
}

/// One page of the posts carrying a tag, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagPostPage {
    /// The tag; `posts` is the number of its posts.
    pub tag: TagCount,
    /// The posts on this page.
    pub posts: Vec<Post>,
    /// Where this page sits.
    pub pager: Pager,
}

/// One page of the tags in use, the most used first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagList {
    /// The tags on this page.
    pub tags: Vec<TagCount>,
    /// Where this page sits.
    pub pager: Pager,
}
