//! Which characters XML 1.0 can carry: the rule posts are checked against, and the filter every
//! feed and sitemap applies to stored text.

/// True for a character an XML 1.0 document may hold: tab, line feed, carriage return and
/// everything from U+0020 on except the non-characters U+FFFE and U+FFFF. (Rust strings hold
/// no surrogates, the other excluded range.)
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// `text` without the characters XML cannot carry; borrowed when there were none.
#[cfg(feature = "ssr")]
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| is_xml_char(*c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn tab_and_line_breaks_are_kept() {
        assert_eq!(xml_safe("a\tb\r\nc"), "a\tb\r\nc");
    }

    #[test]
    fn other_control_characters_are_dropped() {
        assert_eq!(xml_safe("a\u{0}b\u{1}c\u{1f}d"), "abcd");
    }

    #[test]
    fn the_two_last_non_characters_of_the_first_plane_are_dropped() {
        assert_eq!(xml_safe("a\u{FFFE}b\u{FFFF}c"), "abc");
    }

    #[test]
    fn text_without_control_characters_is_borrowed() {
        assert!(matches!(xml_safe("plain ünïcode ✓"), Cow::Borrowed(_)));
    }
}
