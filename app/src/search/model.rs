//! The search types shared by browser and server, and how a typed query becomes words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{shared::pagination::Pager, users::model::Author};

/// Longest query taken, in characters; the rest is cut.
pub const QUERY_MAX: usize = 200;
/// Most matches ranked for one query: the newest this many posts that match.
pub const CANDIDATES_MAX: i64 = 1_000;
/// Marks where a matched word starts in a snippet (a private-use character).
pub const MARK_START: char = '\u{E000}';
/// Marks where a matched word ends in a snippet.
pub const MARK_END: char = '\u{E001}';

/// One found post: its title, author and date, and a snippet of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// The post's id.
    pub id: i64,
    /// The post's title.
    pub title: String,
    /// When it was posted.
    #[serde(with = "chrono::serde::ts_microseconds")]
    pub date_posted: DateTime<Utc>,
    /// Who wrote it.
    pub author: Author,
    /// Words around the matches, the matched words marked.
    pub snippet: Vec<Piece>,
    /// The post's tags as links (see `Post::tag_links`).
    pub tag_links: String,
}

impl Hit {
    /// The post's own page.
    pub fn url(&self) -> String {
        format!("/post/{}", self.id)
    }
}

/// A stretch of snippet text, matched or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    /// The text, as written.
    pub text: String,
    /// It is one of the words searched for.
    pub matched: bool,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as it was used (trimmed and cut).
    pub query: String,
    /// The tag the search was narrowed to, as given; empty for all posts.
    pub tag: String,
    /// This page's hits, best first.
    pub hits: Vec<Hit>,
    /// Where this page sits; `None` for a blank query.
    pub pager: Option<Pager>,
}

/// The query as it is used: blank-trimmed, without NUL characters, at most [`QUERY_MAX`]
/// characters.
pub fn clean_query(raw: &str) -> String {
    raw.chars()
        .filter(|c| *c != '\0')
        .take(QUERY_MAX)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The words of a query, each taken literally: anything with a letter or digit in it.
pub fn words(query: &str) -> Vec<&str> {
    query
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .collect()
}

/// A snippet with [`MARK_START`]/[`MARK_END`] around matched words, as pieces.
pub fn pieces(marked: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut matched = false;
    for c in marked.chars() {
        let next = match c {
            MARK_START => true,
            MARK_END => false,
            _ => {
                text.push(c);
                continue;
            }
        };
        if !text.is_empty() {
            pieces.push(Piece {
                text: std::mem::take(&mut text),
                matched,
            });
        }
        matched = next;
    }
    if !text.is_empty() {
        pieces.push(Piece { text, matched });
    }
    pieces
}

/// `text` made safe as a query-string value.
pub fn encode_query_value(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_query_is_cut_to_200_characters() {
        assert_eq!(clean_query(&"é".repeat(300)).chars().count(), QUERY_MAX);
    }

    #[test]
    fn a_query_is_trimmed() {
        assert_eq!(clean_query("  chess \n"), "chess");
    }

    #[test]
    fn operators_and_punctuation_alone_are_not_words() {
        assert_eq!(
            words(r#"chess AND "jazz" -- * ( )"#),
            ["chess", "AND", r#""jazz""#]
        );
    }

    #[test]
    fn marks_become_matched_pieces() {
        let marked = format!("a {MARK_START}chess{MARK_END} game");
        assert_eq!(
            pieces(&marked),
            [
                Piece {
                    text: "a ".into(),
                    matched: false
                },
                Piece {
                    text: "chess".into(),
                    matched: true
                },
                Piece {
                    text: " game".into(),
                    matched: false
                },
            ]
        );
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("a b&c"), "a%20b%26c");
    }
}
