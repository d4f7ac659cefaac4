//! Post content as Markdown: CommonMark with GitHub's tables, strikethrough and autolinks,
//! rendered on the server and sanitised with an allow-list before it reaches any page. A post is
//! rendered when it is written ([`render_post`]) and its rendering stored beside it, marked with
//! [`RENDERER_VERSION`].

use std::{borrow::Cow, collections::HashSet, sync::OnceLock};

use ammonia::Builder;
use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use crate::pictures::links;

/// What a list page shows of a post: its first block, and whether anything follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// The first paragraph (or heading, list, table…), rendered and sanitised.
    pub html: String,
    /// The post goes on past it.
    pub more: bool,
}

/// The whole of `source`, rendered and sanitised.
pub fn render(source: &str) -> String {
    sanitise(&to_html(events(source)))
}

/// The version of this renderer, stored with each post's rendering. Raise it when a change to
/// the renderer should reach the posts already stored: they are rendered again (see
/// `posts::rendering`).
pub const RENDERER_VERSION: i64 = 1;

/// A post's content rendered once, when it is written, for every page that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The whole post, rendered and sanitised (its own page, feeds).
    pub html: String,
    /// Its first block, for list pages.
    pub excerpt: Excerpt,
    /// Its first words as plain text, for the page's description.
    pub summary: String,
}

/// Everything a page shows of `source`, each at most `summary_max` characters of summary.
pub fn render_post(source: &str, summary_max: usize) -> Rendered {
    Rendered {
        html: render(source),
        excerpt: excerpt(source),
        summary: plain_summary(source, summary_max),
    }
}

/// The first block of `source`, rendered and sanitised.
pub fn excerpt(source: &str) -> Excerpt {
    let mut events = events(source).peekable();
    let mut first = Vec::new();
    let mut depth = 0usize;
    while let Some(event) = events.next() {
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        first.push(event);
        if depth == 0 {
            break;
        }
    }
    Excerpt {
        html: links::shown_small(&sanitise(&to_html(first.into_iter())), ""),
        more: events.peek().is_some(),
    }
}

/// How many pictures in `source` have no alt text, for the preview to flag.
pub fn pictures_without_alt(source: &str) -> usize {
    let (mut missing, mut in_image, mut text) = (0, false, String::new());
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Start(Tag::Image { .. }) => {
                in_image = true;
                text.clear();
            }
            Event::End(TagEnd::Image) => {
                in_image = false;
                if text.trim().is_empty() {
                    missing += 1;
                }
            }
            Event::Text(part) | Event::Code(part) if in_image => text.push_str(&part),
            _ => {}
        }
    }
    missing
}

/// The first words of `source` as plain text, at most `max` characters, for descriptions.
pub fn plain_summary(source: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
        if text.chars().count() > max {
            break;
        }
    }
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() <= max {
        return words;
    }
    let keep = max.saturating_sub(1);
    let cut: String = words.chars().take(keep).collect();
    let cut = if words.chars().nth(keep) == Some(' ') {
        cut.as_str()
    } else {
        cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head)
    };
    format!("{}…", cut.trim_end())
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The parser's events, adjusted: raw HTML becomes text, single line breaks are kept, and bare
/// web addresses become links.
fn events(source: &str) -> impl Iterator<Item = Event<'_>> {
    let mut in_link_or_code = 0usize;
    let mut block_lines = 0usize;
    Parser::new_ext(source, options()).flat_map(move |event| match event {
        Event::Start(Tag::HtmlBlock) => {
            block_lines = 0;
            vec![Event::Start(Tag::Paragraph)]
        }
        Event::End(TagEnd::HtmlBlock) => vec![Event::End(TagEnd::Paragraph)],
        Event::Html(text) => literal_lines(&text, &mut block_lines),
        Event::InlineHtml(text) => vec![Event::Text(text)],
        Event::SoftBreak => vec![Event::HardBreak],
        Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_))) => {
            in_link_or_code += 1;
            vec![Event::Start(tag)]
        }
        Event::End(tag @ (TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock)) => {
            in_link_or_code = in_link_or_code.saturating_sub(1);
            vec![Event::End(tag)]
        }
        Event::Text(text) if in_link_or_code == 0 => autolink(text),
        other => vec![other],
    })
}

/// Part of an HTML block, shown as typed: one text event per line, with line breaks between
/// them and after the `lines` already shown of the same block.
fn literal_lines(text: &str, lines: &mut usize) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    for line in text.trim_end_matches('\n').split('\n') {
        if *lines > 0 {
            out.push(Event::HardBreak);
        }
        *lines += 1;
        out.push(Event::Text(CowStr::from(line.to_owned())));
    }
    out
}

/// Text with its bare `http(s)://` and `www.` addresses turned into links, as GitHub does.
fn autolink(text: CowStr<'_>) -> Vec<Event<'_>> {
    static FINDER: OnceLock<LinkFinder> = OnceLock::new();
    let finder = FINDER.get_or_init(|| {
        let mut finder = LinkFinder::new();
        finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
        finder
    });
    let mut out = Vec::new();
    let mut plain = String::new();
    for span in finder.spans(&text) {
        let piece = span.as_str();
        let lower = piece.to_ascii_lowercase();
        let href = if span.kind().is_none() {
            None
        } else if lower.starts_with("http://") || lower.starts_with("https://") {
            Some(piece.to_owned())
        } else if lower.starts_with("www.") {
            Some(format!("http://{piece}"))
        } else {
            None
        };
        match href {
            Some(href) => {
                if !plain.is_empty() {
                    out.push(Event::Text(CowStr::from(std::mem::take(&mut plain))));
                }
                out.push(Event::Start(Tag::Link {
                    link_type: LinkType::Autolink,
                    dest_url: CowStr::from(href),
                    title: CowStr::from(""),
                    id: CowStr::from(""),
                }));
                out.push(Event::Text(CowStr::from(piece.to_owned())));
                out.push(Event::End(TagEnd::Link));
            }
            None => plain.push_str(piece),
        }
    }
    if !plain.is_empty() {
        out.push(Event::Text(CowStr::from(plain)));
    }
    out
}

/// The classes a table cell's alignment becomes (`style/main.css` aligns them).
const ALIGNMENT_CLASSES: [&str; 3] = ["align-left", "align-center", "align-right"];

/// The HTML of `events`, with table cells aligned by class: the Content-Security-Policy's
/// `style-src 'self'` would drop the inline `style` the renderer writes. The renderer escapes
/// every `<` of the text, so these exact tags can only be its own.
fn to_html<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    let mut out = String::new();
    html::push_html(&mut out, events);
    if !out.contains(" style=\"text-align: ") {
        return out;
    }
    let mut aligned = out;
    for cell in ["th", "td"] {
        for side in ["left", "center", "right"] {
            aligned = aligned.replace(
                &format!("<{cell} style=\"text-align: {side}\">"),
                &format!("<{cell} class=\"align-{side}\">"),
            );
        }
    }
    aligned
}

/// Keeps only the tags and attributes Markdown produces, links marked as user content, and
/// images from `http(s)` addresses only.
fn sanitise(html: &str) -> String {
    static CLEANER: OnceLock<Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut builder = Builder::empty();
            builder
                .add_tags([
                    "p",
                    "br",
                    "hr",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "em",
                    "strong",
                    "del",
                    "code",
                    "pre",
                    "blockquote",
                    "ul",
                    "ol",
                    "li",
                    "a",
                    "img",
                    "table",
                    "thead",
                    "tbody",
                    "tr",
                    "th",
                    "td",
                ])
                .add_tag_attributes("a", ["href", "title"])
                .add_tag_attributes("img", ["src", "alt", "title"])
                .add_tag_attributes("ol", ["start"])
                .add_allowed_classes("th", ALIGNMENT_CLASSES)
                .add_allowed_classes("td", ALIGNMENT_CLASSES)
                .url_schemes(HashSet::from(["http", "https", "mailto"]))
                .url_relative(ammonia::UrlRelative::PassThrough)
                .link_rel(Some("nofollow ugc noopener"))
                .attribute_filter(allowed_value);
            builder
        })
        .clean(html)
        .to_string()
}

/// Images only from `http(s)` addresses, or Quire's own pictures (`/pictures/HASH.EXT`).
fn allowed_value<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        ("img", "src") => {
            let lower = value.trim_start().to_ascii_lowercase();
            let own = links::find(value).first().is_some_and(|found| {
                found.span == (0..value.len()) && value.starts_with(links::PREFIX)
            });
            (own || lower.starts_with("http://") || lower.starts_with("https://"))
                .then_some(Cow::Borrowed(value))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_post_holds_its_page_its_excerpt_and_its_summary() {
        let source = "A *first* paragraph.\n\nAnd a second.";
        let rendered = render_post(source, 160);
        assert_eq!(rendered.html, render(source));
        assert_eq!(rendered.excerpt, excerpt(source));
        assert_eq!(rendered.summary, "A first paragraph. And a second.");
    }

    #[test]
    fn each_source_gets_its_own_excerpt() {
        let one = excerpt("Only in this test: one.");
        let other = excerpt("Only in this test: other.");
        assert_ne!(one.html, other.html);
    }

    #[test]
    fn a_long_source_is_excerpted_to_its_first_block() {
        let source = format!("{}\n\nMore.", "long ".repeat(5_000));
        let excerpt = excerpt(&source);
        assert!(excerpt.more);
        assert!(!excerpt.html.contains("More."));
    }

    #[test]
    fn emphasis_and_headings_render() {
        assert_eq!(
            render("# Hi\n\nSome *words* and **more**."),
            "<h1>Hi</h1>\n<p>Some <em>words</em> and <strong>more</strong>.</p>\n"
        );
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("<img src=x onerror=\"alert(1)\">\nsecond line");
        assert_eq!(
            html,
            "<p>&lt;img src=x onerror=\"alert(1)\"&gt;<br>\nsecond line</p>\n"
        );
    }

    #[test]
    fn inline_html_is_shown_as_text() {
        assert_eq!(
            render("a <script>x()</script> b"),
            "<p>a &lt;script&gt;x()&lt;/script&gt; b</p>\n"
        );
    }

    #[test]
    fn single_line_breaks_are_kept() {
        assert_eq!(render("one\ntwo"), "<p>one<br>\ntwo</p>\n");
    }

    #[test]
    fn links_are_marked_as_user_content() {
        assert_eq!(
            render("[site](https://example.com)"),
            "<p><a href=\"https://example.com\" rel=\"nofollow ugc noopener\">site</a></p>\n"
        );
    }

    #[test]
    fn javascript_links_lose_their_address() {
        let html = render("[click](javascript:alert(1))");
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains(">click</a>"), "{html}");
    }

    #[test]
    fn data_images_are_dropped() {
        let html = render("![x](data:image/png;base64,AAAA)");
        assert!(!html.contains("data:"), "{html}");
    }

    #[test]
    fn relative_images_lose_their_source() {
        let html = render("![x](/avatars/a.jpg)");
        assert!(!html.contains("src="), "{html}");
    }

    #[test]
    fn own_pictures_are_kept_and_lists_show_their_smaller_copy() {
        let source = "![a cat](/pictures/0123456789abcdef0123456789abcdef.jpg)";
        assert_eq!(
            render(source),
            "<p><img src=\"/pictures/0123456789abcdef0123456789abcdef.jpg\" alt=\"a cat\"></p>\n"
        );
        assert!(excerpt(source).html.contains(
            "<img loading=\"lazy\" src=\"/pictures/small/0123456789abcdef0123456789abcdef.jpg\""
        ));
    }

    #[test]
    fn a_lookalike_of_an_own_picture_loses_its_source() {
        let html = render("![x](/pictures/0123456789abcdef0123456789abcdef.jpg/../../evil)");
        assert!(!html.contains("src="), "{html}");
    }

    #[test]
    fn pictures_without_alt_text_are_counted() {
        assert_eq!(
            pictures_without_alt("![](/a.jpg) ![ ](/b.jpg) ![cat](/c.jpg)"),
            2
        );
    }

    #[test]
    fn https_images_are_kept() {
        assert_eq!(
            render("![cat](https://example.com/cat.png)"),
            "<p><img src=\"https://example.com/cat.png\" alt=\"cat\"></p>\n"
        );
    }

    #[test]
    fn bare_addresses_become_links() {
        assert_eq!(
            render("see www.example.com/a and https://x.org."),
            "<p>see <a href=\"http://www.example.com/a\" rel=\"nofollow ugc noopener\">www.example.com/a</a> \
             and <a href=\"https://x.org\" rel=\"nofollow ugc noopener\">https://x.org</a>.</p>\n"
        );
    }

    #[test]
    fn addresses_in_code_stay_text() {
        assert_eq!(
            render("`https://x.org`"),
            "<p><code>https://x.org</code></p>\n"
        );
    }

    #[test]
    fn tables_render_with_alignment() {
        let html = render("| a | b |\n|:-:|---|\n| 1 | 2 |");
        assert!(html.contains("<th class=\"align-center\">a</th>"), "{html}");
        assert!(html.contains("<td>2</td>"), "{html}");
    }

    #[test]
    fn no_table_cell_carries_an_inline_style() {
        let html = render("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("<td class=\"align-right\">3</td>"), "{html}");
    }

    #[test]
    fn a_typed_class_attribute_stays_text() {
        let html = render("<td class=\"align-left\">x</td>");
        assert!(!html.contains("<td"), "{html}");
    }

    /// Markdown as people write it: syntax, raw HTML, links, tables and any character.
    fn markdown_source() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            4 => prop::collection::vec(any::<char>(), 0..20)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
            1 => prop::sample::select(vec![
                "# ", "**", "_", "`", "```\n", "\n\n", "\n", "> ", "- ", "1. ", "~~", "| a | b |\n|:-:|--:|\n| 1 | 2 |\n",
                "[x](javascript:alert(1))", "![i](data:x)", "![i](https://e.com/i.png)", "<script>", "</p>",
                "<img src=x onerror=y>", "https://example.com/a?b=c&d", "www.example.com", "&amp;", "&#0;",
                "\u{202E}", "\u{0}", "\u{b}", "<td class=\"align-left\">",
            ])
            .prop_map(str::to_owned),
        ];
        prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(512))]

        #[test]
        fn rendered_markdown_passes_the_cleaner_unchanged(source in markdown_source()) {
            let html = render(&source);
            proptest::prop_assert_eq!(sanitise(&html), html);
        }
    }

    #[test]
    fn strikethrough_renders() {
        assert_eq!(render("~~gone~~"), "<p><del>gone</del></p>\n");
    }

    #[test]
    fn an_excerpt_is_the_first_paragraph() {
        let excerpt = excerpt("First *part*.\n\nSecond part.");
        assert_eq!(excerpt.html, "<p>First <em>part</em>.</p>\n");
        assert!(excerpt.more);
    }

    #[test]
    fn a_one_paragraph_post_has_nothing_more() {
        assert!(!excerpt("Only this.\nAnd this line.").more);
    }

    #[test]
    fn a_plain_summary_cuts_at_a_word() {
        assert_eq!(
            plain_summary("**Hello**, there my\nfriend of old", 16),
            "Hello, there my…"
        );
    }
}
