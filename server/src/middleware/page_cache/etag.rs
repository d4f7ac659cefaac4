//! Entity tags of kept pages: a digest of the page with its nonce left out, so that the same page
//! has the same tag on every instance, whatever nonce each answer carries; and the check of a
//! browser's `If-None-Match` against it.

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, header},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// The weak tag of a page cut into `pieces` wherever its nonce stood: weak, since answers differ
/// in their nonce (and their compression) while saying the same.
pub fn tag_of(pieces: &[Bytes]) -> HeaderValue {
    let mut digest = Sha256::new();
    for piece in pieces {
        digest.update((piece.len() as u64).to_le_bytes());
        digest.update(piece);
    }
    let digest = digest.finalize();
    let tag = format!("W/\"{}\"", URL_SAFE_NO_PAD.encode(&digest[..18]));
    HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("W/\"\""))
}

/// Whether the request's `If-None-Match` names `tag` (compared weakly, as that header is).
pub fn is_fresh(request: &HeaderMap, tag: &HeaderValue) -> bool {
    let ours = opaque(tag.as_bytes());
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|value| value.as_bytes().split(|byte| *byte == b','))
        .map(|candidate| candidate.trim_ascii())
        .any(|candidate| candidate == b"*" || opaque(candidate) == ours)
}

/// A tag without its weakness mark.
fn opaque(tag: &[u8]) -> &[u8] {
    tag.strip_prefix(b"W/").unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_page_has_one_tag_whatever_its_nonce() {
        let first = tag_of(&[Bytes::from_static(b"<p>a</p>"), Bytes::from_static(b"b")]);
        let again = tag_of(&[Bytes::from_static(b"<p>a</p>"), Bytes::from_static(b"b")]);
        assert_eq!(first, again);
    }

    #[test]
    fn moving_a_nonce_changes_the_tag() {
        let first = tag_of(&[Bytes::from_static(b"<p>a"), Bytes::from_static(b"</p>")]);
        let moved = tag_of(&[Bytes::from_static(b"<p>a</p>"), Bytes::new()]);
        assert_ne!(first, moved);
    }

    #[test]
    fn a_different_page_has_a_different_tag() {
        assert_ne!(
            tag_of(&[Bytes::from_static(b"<p>a</p>")]),
            tag_of(&[Bytes::from_static(b"<p>b</p>")])
        );
    }

    #[test]
    fn a_listed_tag_is_fresh_strong_or_weak() {
        let tag = tag_of(&[Bytes::from_static(b"page")]);
        let listed = format!("\"other\", {}", tag.to_str().expect("ascii"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&listed).expect("header"),
        );
        assert!(is_fresh(&headers, &tag));
        let strong = tag
            .to_str()
            .expect("ascii")
            .trim_start_matches("W/")
            .to_owned();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&strong).expect("header"),
        );
        assert!(is_fresh(&headers, &tag));
    }

    #[test]
    fn another_tag_is_not_fresh() {
        let tag = tag_of(&[Bytes::from_static(b"page")]);
        assert!(!is_fresh(&asking("W/\"other\""), &tag));
        assert!(!is_fresh(&HeaderMap::new(), &tag));
    }

    #[test]
    fn any_tag_is_fresh_for_a_star() {
        assert!(is_fresh(&asking("*"), &tag_of(&[])));
    }
}
