//! A post as an exported Markdown file: TOML front matter between `+++` lines (as Hugo and Zola
//! read it), then the post's Markdown.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The line that opens and closes the front matter.
const FENCE: &str = "+++";

/// What an exported post says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontMatter {
    /// Title.
    pub title: String,
    /// When it was posted (for a draft, when it was written).
    pub date: DateTime<Utc>,
    /// When it was last edited, if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// `published`, `draft` or `scheduled`.
    pub status: String,
    /// When a scheduled post goes public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_at: Option<DateTime<Utc>>,
    /// Its tags, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Its address on the site it came from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
}

/// The file's text: the front matter, then `content`.
pub fn write(front: &FrontMatter, content: &str) -> Result<String, toml::ser::Error> {
    Ok(format!(
        "{FENCE}\n{}{FENCE}\n\n{content}",
        toml::to_string(front)?
    ))
}

/// The front matter and the content of a file's `text`, or why it cannot be read.
pub fn read(text: &str) -> Result<(FrontMatter, String), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix(FENCE)
        .and_then(|rest| {
            rest.strip_prefix('\n')
                .or_else(|| rest.strip_prefix("\r\n"))
        })
        .ok_or("it does not start with +++ front matter")?;
    let end = rest
        .find("\n+++")
        .ok_or("its front matter has no closing +++ line")?;
    let front: FrontMatter = toml::from_str(&rest[..end])
        .map_err(|error| format!("its front matter: {}", error.message()))?;
    let body = &rest[end + 4..];
    let body = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    let content = body
        .strip_prefix("\r\n")
        .or_else(|| body.strip_prefix('\n'))
        .unwrap_or(body);
    Ok((front, content.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> FrontMatter {
        FrontMatter {
            title: "A \"quoted\" title +++".into(),
            date: "2026-12-05T10:00:00Z".parse().expect("date"),
            updated: Some("2026-12-06T08:30:00.123456Z".parse().expect("date")),
            status: "published".into(),
            publish_at: None,
            tags: vec!["rust".into(), "web, apps".into()],
            address: "https://blog.example/post/7".into(),
        }
    }

    #[test]
    fn a_post_reads_back_as_written() {
        let content = "First line\n\n+++\nnot front matter\n";
        let text = write(&sample(), content).expect("written");
        assert!(text.starts_with("+++\ntitle = "));
        assert_eq!(read(&text).expect("read"), (sample(), content.to_owned()));
    }

    #[test]
    fn a_file_without_front_matter_is_refused() {
        assert_eq!(
            read("# Just Markdown").unwrap_err(),
            "it does not start with +++ front matter"
        );
    }

    #[test]
    fn an_unknown_status_type_is_refused() {
        let error = read("+++\ntitle = 3\n+++\n").unwrap_err();
        assert!(error.starts_with("its front matter:"), "{error}");
    }
}
