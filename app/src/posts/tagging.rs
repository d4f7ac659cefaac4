//! The "Tags" field read: names split at commas, checked, matched by key and de-duplicated
//! (server only).

use crate::{
    posts::model::{TAG_MAX, TAGS_MAX},
    shared::messages,
    shared::xml_text::is_xml_char,
    users::identity::identity_key,
};

/// A tag as the author typed it, with the key it is matched by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInput {
    /// As written, trimmed, each run of spaces made one.
    pub name: String,
    /// Its key: NFKC and case fold, as usernames are matched.
    pub key: String,
}

/// `name` trimmed, with each run of white space made one space.
fn tidy(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key the tag written `name` is matched and addressed by.
pub fn tag_key(name: &str) -> String {
    identity_key(&tidy(name))
}

/// The tags in the "Tags" field, in the order written, each once; a blank field is no tags.
/// An empty tag, one over [`TAG_MAX`] characters or with a control character, or more than
/// [`TAGS_MAX`] tags is the message to show under the field.
pub fn parse_tags(field: &str) -> Result<Vec<TagInput>, &'static str> {
    if field.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut tags: Vec<TagInput> = Vec::new();
    for written in field.split(',') {
        if written.chars().any(|c| c.is_control() || !is_xml_char(c)) {
            return Err(messages::TAG_CONTROL);
        }
        let name = tidy(written);
        if name.is_empty() {
            return Err(messages::TAG_EMPTY);
        }
        if name.chars().count() > TAG_MAX {
            return Err(messages::TAG_LENGTH);
        }
        let key = identity_key(&name);
        if key.is_empty() {
            return Err(messages::TAG_EMPTY);
        }
        if !tags.iter().any(|tag| tag.key == key) {
            tags.push(TagInput { name, key });
        }
    }
    if tags.len() > TAGS_MAX {
        return Err(messages::TAG_COUNT);
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(field: &str) -> Vec<String> {
        parse_tags(field)
            .unwrap_or_default()
            .into_iter()
            .map(|tag| tag.name)
            .collect()
    }

    #[test]
    fn a_blank_field_is_no_tags() {
        assert_eq!(parse_tags("  "), Ok(Vec::new()));
    }

    #[test]
    fn tags_are_split_at_commas_and_trimmed() {
        assert_eq!(names(" Rust ,travel"), vec!["Rust", "travel"]);
    }

    #[test]
    fn spaces_inside_a_tag_are_made_one() {
        assert_eq!(names("open   source"), vec!["open source"]);
    }

    #[test]
    fn a_tag_is_keyed_by_nfkc_and_case_fold() {
        assert_eq!(tag_key("Straße"), "strasse");
        assert_eq!(tag_key("ＲＵＳＴ"), "rust");
    }

    #[test]
    fn the_same_tag_twice_is_kept_once_as_first_written() {
        assert_eq!(names("Rust, rust, RUST"), vec!["Rust"]);
    }

    #[test]
    fn an_empty_tag_between_commas_is_refused() {
        assert_eq!(parse_tags("a,,b"), Err(messages::TAG_EMPTY));
    }

    #[test]
    fn a_trailing_comma_is_an_empty_tag() {
        assert_eq!(parse_tags("a, "), Err(messages::TAG_EMPTY));
    }

    #[test]
    fn a_31_character_tag_is_refused() {
        assert_eq!(parse_tags(&"t".repeat(31)), Err(messages::TAG_LENGTH));
    }

    #[test]
    fn a_30_character_tag_is_accepted() {
        assert_eq!(names(&"é".repeat(30)).len(), 1);
    }

    #[test]
    fn a_tag_with_a_control_character_is_refused() {
        assert_eq!(parse_tags("a\u{7}b"), Err(messages::TAG_CONTROL));
    }

    #[test]
    fn a_sixth_tag_is_refused() {
        assert_eq!(parse_tags("a, b, c, d, e, f"), Err(messages::TAG_COUNT));
    }

    #[test]
    fn five_tags_are_accepted() {
        assert_eq!(names("a, b, c, d, e").len(), 5);
    }
}
