//! What a live page hears about: a change to public posts or users, and its wire text.

/// One change that open pages may need to show. Carries ids and public tag keys only: drafts
/// and scheduled posts make no change until they are published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A post became public (written, or a draft or scheduled post published), by `author`,
    /// carrying the tags with these keys.
    Published {
        /// The post.
        post: i64,
        /// Its author's user id.
        author: i64,
        /// Its tags' keys.
        tags: Vec<String>,
    },
    /// A public post was edited.
    Edited {
        /// The post.
        post: i64,
    },
    /// A public post was deleted or taken back to a draft.
    Deleted {
        /// The post.
        post: i64,
    },
    /// A user joined, left, or changed their name or picture.
    Users,
    /// Changes were missed (the reader was away longer than the backlog keeps): everything
    /// shown may be out of date.
    Missed,
}

impl Change {
    /// The change as one line of an event stream: its kind and ids, separated by tabs (a tag
    /// key never holds a control character).
    pub fn to_wire(&self) -> String {
        match self {
            Self::Published { post, author, tags } => {
                let mut wire = format!("published\t{post}\t{author}");
                for tag in tags {
                    wire.push('\t');
                    wire.push_str(tag);
                }
                wire
            }
            Self::Edited { post } => format!("edited\t{post}"),
            Self::Deleted { post } => format!("deleted\t{post}"),
            Self::Users => "users".to_owned(),
            Self::Missed => "missed".to_owned(),
        }
    }

    /// Reads a change from its wire text; `None` for anything else (a greeting, or a kind
    /// this page does not know).
    pub fn from_wire(wire: &str) -> Option<Self> {
        let mut fields = wire.split('\t');
        let kind = fields.next()?;
        let mut id = || fields.next()?.parse::<i64>().ok();
        Some(match kind {
            "published" => Self::Published {
                post: id()?,
                author: id()?,
                tags: fields.map(str::to_owned).collect(),
            },
            "edited" => Self::Edited { post: id()? },
            "deleted" => Self::Deleted { post: id()? },
            "users" => Self::Users,
            "missed" => Self::Missed,
            _ => return None,
        })
    }
}

/// What the bar above a list says when `count` new posts wait to be shown.
pub fn new_posts_label(count: usize) -> String {
    if count == 1 {
        "1 new post: show".to_owned()
    } else {
        format!("{count} new posts: show")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_post_with_tags_survives_the_wire() {
        let change = Change::Published {
            post: 12,
            author: 3,
            tags: vec!["rust".to_owned(), "web assembly".to_owned()],
        };
        assert_eq!(Change::from_wire(&change.to_wire()), Some(change));
    }

    #[test]
    fn a_published_post_without_tags_survives_the_wire() {
        let change = Change::Published {
            post: 1,
            author: 2,
            tags: Vec::new(),
        };
        assert_eq!(change.to_wire(), "published\t1\t2");
        assert_eq!(Change::from_wire("published\t1\t2"), Some(change));
    }

    #[test]
    fn edits_deletions_users_and_missed_survive_the_wire() {
        for change in [
            Change::Edited { post: 7 },
            Change::Deleted { post: 8 },
            Change::Users,
            Change::Missed,
        ] {
            assert_eq!(Change::from_wire(&change.to_wire()), Some(change));
        }
    }

    #[test]
    fn unknown_or_broken_text_is_no_change() {
        for wire in ["", "hello", "edited", "edited\tseven", "published\t1"] {
            assert_eq!(Change::from_wire(wire), None, "{wire:?}");
        }
    }

    #[test]
    fn the_bar_counts_one_post_and_many() {
        assert_eq!(new_posts_label(1), "1 new post: show");
        assert_eq!(new_posts_label(2), "2 new posts: show");
        assert_eq!(new_posts_label(12), "12 new posts: show");
    }
}
