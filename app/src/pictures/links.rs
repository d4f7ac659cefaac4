//! A picture's addresses, its Markdown, and the pictures a post's Markdown uses: found and
//! rewritten by address, for linking posts to pictures, the export and the import.

/// Where pictures are served.
pub const PREFIX: &str = "/pictures/";
/// How an exported post (`authors/NAME/posts/FILE.md`) reaches the archive's `pictures/`.
pub const EXPORTED_PREFIX: &str = "../../../pictures/";
/// Most pictures one post links to its pictures.
pub const PICTURES_PER_POST: usize = 100;

/// The address of a picture's full copy.
pub fn address(hash: &str, extension: &str) -> String {
    format!("{PREFIX}{hash}.{extension}")
}

/// The address of a picture's smaller copy.
pub fn small_address(hash: &str, extension: &str) -> String {
    format!("{PREFIX}small/{hash}.{extension}")
}

/// The file extension of a content type Quire stores.
pub fn extension_of(content_type: &str) -> &'static str {
    if content_type == "image/png" {
        "png"
    } else {
        "jpg"
    }
}

/// The content type of a stored picture's extension.
pub fn content_type_of(extension: &str) -> Option<&'static str> {
    match extension {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        _ => None,
    }
}

/// Rendered `html` with Quire's own pictures shown from their smaller copy, at `site` (empty
/// for this site's pages, the public address for feeds), loaded when scrolled to: what lists and
/// feeds show. The renderer writes every image as `<img src="…"`, so this exact text can only be
/// its own.
pub fn shown_small(html: &str, site: &str) -> String {
    html.replace(
        "<img src=\"/pictures/",
        &format!("<img loading=\"lazy\" src=\"{site}/pictures/small/"),
    )
}

/// The Markdown that shows the picture at `address` with `alt` as its text: brackets and
/// backslashes escaped, line breaks made spaces.
pub fn markdown(alt: &str, address: &str) -> String {
    let mut escaped = String::with_capacity(alt.len());
    for c in alt.trim().chars() {
        match c {
            '\\' | '[' | ']' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '\r' | '\n' | '\t' => escaped.push(' '),
            c => escaped.push(c),
        }
    }
    format!("![{escaped}]({address})")
}

/// A picture address found in Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range of the whole address in the text.
    pub span: std::ops::Range<usize>,
    /// The picture's content hash (32 lowercase hex digits).
    pub hash: String,
    /// `jpg` or `png`.
    pub extension: String,
}

/// Every picture address in `text`, as served (`/pictures/H.jpg`) or as exported
/// (`../../../pictures/H.jpg`), in order.
pub fn find(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(PREFIX).map(|at| at + from) {
        from = at + PREFIX.len();
        let rest = &text[from..];
        let Some(hash) = rest.get(..32).filter(|hash| is_hash(hash)) else {
            continue;
        };
        let extension = ["jpg", "png"].into_iter().find(|ext| {
            rest[32..]
                .strip_prefix('.')
                .is_some_and(|r| r.starts_with(ext))
        });
        let Some(extension) = extension else {
            continue;
        };
        let up = &EXPORTED_PREFIX[..EXPORTED_PREFIX.len() - PREFIX.len()];
        let start = if text[..at].ends_with(up) {
            at - up.len()
        } else {
            at
        };
        let end = from + 33 + extension.len();
        found.push(Found {
            span: start..end,
            hash: hash.to_owned(),
            extension: extension.to_owned(),
        });
        from = end;
    }
    found
}

/// The distinct hashes of the pictures `text` uses, at most [`PICTURES_PER_POST`].
pub fn hashes(text: &str) -> Vec<String> {
    let mut hashes: Vec<String> = Vec::new();
    for found in find(text) {
        if hashes.len() == PICTURES_PER_POST {
            break;
        }
        if !hashes.contains(&found.hash) {
            hashes.push(found.hash);
        }
    }
    hashes
}

/// `text` with each picture address replaced by what `to` makes of it (`None` keeps it).
pub fn rewrite(text: &str, mut to: impl FnMut(&Found) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in find(text) {
        if let Some(replacement) = to(&found) {
            out.push_str(&text[last..found.span.start]);
            out.push_str(&replacement);
            last = found.span.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// True for 32 lowercase hex digits.
pub fn is_hash(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn the_markdown_escapes_brackets_in_the_alt_text() {
        assert_eq!(
            markdown(" a [cat]\nsleeping ", "/pictures/x.jpg"),
            "![a \\[cat\\] sleeping](/pictures/x.jpg)"
        );
    }

    #[test]
    fn served_and_exported_addresses_are_found() {
        let text = format!("![a](/pictures/{HASH}.jpg) and ![b](../../../pictures/{HASH}.png)");
        let found = find(&text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            &text[found[0].span.clone()],
            format!("/pictures/{HASH}.jpg")
        );
        assert_eq!(
            &text[found[1].span.clone()],
            format!("../../../pictures/{HASH}.png")
        );
        assert_eq!(found[1].extension, "png");
    }

    #[test]
    fn addresses_that_are_not_pictures_are_left_alone() {
        let text = format!(
            "/pictures/{} /pictures/{HASH}.gif /pictures/small/{HASH}.jpg",
            &HASH[..31]
        );
        assert!(find(&text).is_empty());
    }

    #[test]
    fn a_rewrite_replaces_only_what_it_maps() {
        let text = format!("x /pictures/{HASH}.jpg y");
        let rewritten = rewrite(&text, |found| {
            Some(format!(
                "{EXPORTED_PREFIX}{}.{}",
                found.hash, found.extension
            ))
        });
        assert_eq!(rewritten, format!("x ../../../pictures/{HASH}.jpg y"));
        assert_eq!(rewrite(&rewritten, |_| None), rewritten);
    }

    #[test]
    fn lists_and_feeds_show_the_smaller_copy() {
        let html = format!("<p><img src=\"/pictures/{HASH}.jpg\" alt=\"x\"></p>");
        assert_eq!(
            shown_small(&html, "https://blog.example"),
            format!(
                "<p><img loading=\"lazy\" src=\"https://blog.example/pictures/small/{HASH}.jpg\" alt=\"x\"></p>"
            )
        );
    }

    #[test]
    fn hashes_are_distinct() {
        let text = format!("/pictures/{HASH}.jpg /pictures/{HASH}.jpg");
        assert_eq!(hashes(&text), vec![HASH.to_owned()]);
    }
}
