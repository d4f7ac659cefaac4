//! The document title, `Quire – <page>`, safe for any text a user typed.

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the document title to `Quire – {text}`.
///
/// leptos_meta writes the title into the server's HTML without escaping it, so a post titled
/// `</title><script>…` could break out of the element. On the server the text is escaped here;
/// in the browser it is assigned to `document.title`, which takes text as it is.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let full = format!("Quire – {text}");
    #[cfg(feature = "ssr")]
    let full = escape_html(&full);
    view! { <Title text=full/> }
}

/// `text` with `&`, `<`, `>` and `"` replaced by character references.
#[cfg(feature = "ssr")]
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_html("</title><b>&\""),
            "&lt;/title&gt;&lt;b&gt;&amp;&quot;"
        );
    }
}
