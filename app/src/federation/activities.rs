//! The JSON documents federation serves and sends: an author's `Person`, the instance's
//! `Application`, a post's `Article`, the `Create`, `Update`, `Delete` and `Accept` activities,
//! and the outbox and follower collections. Shaped as Mastodon reads them.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::{
    federation::urls::{PUBLIC, Urls},
    posts::model::Post,
    users::model::Author,
};

/// The JSON-LD contexts of every document: ActivityStreams and the security vocabulary (keys).
fn context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1"
    ])
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The media type of a picture, from its file name.
fn media_type(file: &str) -> &'static str {
    match file
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => "image/jpeg",
    }
}

/// An author's actor.
pub fn person(urls: &Urls, author: &Author, public_key: &str) -> Value {
    let actor = urls.actor(&author.username);
    json!({
        "@context": context(),
        "id": actor,
        "type": "Person",
        "preferredUsername": author.username,
        "name": author.username,
        "summary": format!("<p>Posts by {} on {}.</p>", escape(&author.username), escape(urls.host())),
        "url": actor,
        "inbox": urls.inbox(&author.username),
        "outbox": urls.outbox(&author.username),
        "followers": urls.followers(&author.username),
        "following": urls.following(&author.username),
        "endpoints": { "sharedInbox": urls.shared_inbox() },
        "manuallyApprovesFollowers": false,
        "discoverable": true,
        "icon": {
            "type": "Image",
            "mediaType": media_type(&author.image_file),
            "url": urls.absolute(&author.avatar_url()),
        },
        "publicKey": {
            "id": urls.key_id(&author.username),
            "owner": actor,
            "publicKeyPem": public_key,
        },
    })
}

/// The instance's own actor, which signs fetches that no author makes.
pub fn instance_actor(urls: &Urls, public_key: &str) -> Value {
    let actor = urls.instance_actor();
    json!({
        "@context": context(),
        "id": actor,
        "type": "Application",
        "preferredUsername": urls.host(),
        "name": "Quire",
        "url": urls.site(),
        "inbox": urls.shared_inbox(),
        "outbox": format!("{actor}/outbox"),
        "manuallyApprovesFollowers": true,
        "publicKey": {
            "id": format!("{actor}#main-key"),
            "owner": actor,
            "publicKeyPem": public_key,
        },
    })
}

/// A post's article: its title, its rendered text with every link and picture made absolute,
/// the pictures again as attachments, its tags as hashtags.
pub fn article(urls: &Urls, post: &Post) -> Value {
    let content = absolute_links(urls, &post.html);
    let attachments: Vec<Value> = pictures_in(urls, &content)
        .into_iter()
        .map(|url| json!({ "type": "Image", "mediaType": media_type(&url), "url": url }))
        .collect();
    let tags: Vec<Value> = post
        .tags
        .iter()
        .filter_map(|tag| {
            let name: String = tag
                .name
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty()).then(|| {
                json!({ "type": "Hashtag", "href": urls.absolute(&tag.url()), "name": format!("#{name}") })
            })
        })
        .collect();
    json!({
        "id": urls.post(post.id),
        "type": "Article",
        "attributedTo": urls.actor(&post.author.username),
        "name": post.title,
        "content": content,
        "mediaType": "text/html",
        "url": urls.post(post.id),
        "published": time(post.date_posted),
        "to": [PUBLIC],
        "cc": [urls.followers(&post.author.username)],
        "tag": tags,
        "attachment": attachments,
    })
}

/// The article alone, as a document of its own (with its context).
pub fn article_document(urls: &Urls, post: &Post) -> Value {
    let mut document = article(urls, post);
    document["@context"] = context();
    document
}

/// An activity by the author of `object`, addressed to everyone and the author's followers.
fn activity(urls: &Urls, kind: &str, id: String, username: &str, object: Value) -> Value {
    json!({
        "@context": context(),
        "id": id,
        "type": kind,
        "actor": urls.actor(username),
        "published": time(Utc::now()),
        "to": [PUBLIC],
        "cc": [urls.followers(username)],
        "object": object,
    })
}

/// The `Create` of a newly public post; `event` makes its id unique.
pub fn create(urls: &Urls, post: &Post, event: i64) -> Value {
    let id = format!("{}#create-{event}", urls.post(post.id));
    activity(
        urls,
        "Create",
        id,
        &post.author.username,
        article(urls, post),
    )
}

/// The `Update` of an edited post.
pub fn update(urls: &Urls, post: &Post, event: i64) -> Value {
    let mut object = article(urls, post);
    object["updated"] = Value::String(time(Utc::now()));
    let id = format!("{}#update-{event}", urls.post(post.id));
    activity(urls, "Update", id, &post.author.username, object)
}

/// The `Delete` of a post no longer public.
pub fn delete(urls: &Urls, post_id: i64, username: &str, event: i64) -> Value {
    let id = format!("{}#delete-{event}", urls.post(post_id));
    let object = json!({ "id": urls.post(post_id), "type": "Tombstone" });
    activity(urls, "Delete", id, username, object)
}

/// The author's `Accept` of `follow` (the Follow as received).
pub fn accept(urls: &Urls, username: &str, follow: &Value, follower_id: &str) -> Value {
    let actor = urls.actor(username);
    json!({
        "@context": context(),
        "id": format!("{actor}#accept-{}", crate::server_only::random::random_hex(8)),
        "type": "Accept",
        "actor": actor,
        "to": [follower_id],
        "object": follow,
    })
}

/// An author's outbox: how many posts, and the newest as `Create`s.
pub fn outbox(urls: &Urls, username: &str, total: i64, newest: &[Post]) -> Value {
    let items: Vec<Value> = newest
        .iter()
        .map(|post| {
            let mut created = create(urls, post, 0);
            created["id"] = Value::String(format!("{}#create", urls.post(post.id)));
            created["published"] = Value::String(time(post.date_posted));
            if let Some(object) = created.as_object_mut() {
                object.remove("@context");
            }
            created
        })
        .collect();
    json!({
        "@context": context(),
        "id": urls.outbox(username),
        "type": "OrderedCollection",
        "totalItems": total,
        "orderedItems": items,
    })
}

/// A collection known only by its size (followers: who they are is not published).
pub fn counted_collection(id: String, total: i64) -> Value {
    json!({
        "@context": context(),
        "id": id,
        "type": "OrderedCollection",
        "totalItems": total,
        "orderedItems": [],
    })
}

/// `html` with every site-relative link and picture address (`href="/…"`, `src="/…"`) made
/// absolute, so they work on another server.
pub fn absolute_links(urls: &Urls, html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = find_relative(rest) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        out.push_str(urls.site());
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Where in `html` the next site-relative address starts (just after its opening quote).
fn find_relative(html: &str) -> Option<usize> {
    ["href=\"/", "src=\""]
        .iter()
        .filter_map(|attribute| {
            let mut from = 0;
            while let Some(found) = html[from..].find(attribute) {
                let start = from + found + attribute.len() - usize::from(attribute.ends_with('/'));
                let value = &html[start..];
                if value.starts_with('/') && !value.starts_with("//") {
                    return Some(start);
                }
                from = start;
            }
            None
        })
        .min()
}

/// The addresses of this site's pictures that `html` (links already absolute) shows.
fn pictures_in(urls: &Urls, html: &str) -> Vec<String> {
    let prefix = format!("src=\"{}", urls.absolute("/pictures/"));
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&prefix) {
        let start = at + "src=\"".len();
        let Some(end) = rest[start..].find('"') else {
            break;
        };
        let url = rest[start..start + end].to_owned();
        if !found.contains(&url) {
            found.push(url);
        }
        rest = &rest[start + end..];
    }
    found
}

fn escape(text: &str) -> String {
    crate::components::page_title::escape_html(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_and_pictures_become_absolute() {
        let urls = Urls::new("https://blog.example");
        let html = r#"<p><a href="/tag/rust">r</a> <img src="/pictures/ab.png" alt=""> <a href="https://x.example/">x</a> <a href="//cdn.example/a">c</a></p>"#;
        assert_eq!(
            absolute_links(&urls, html),
            r#"<p><a href="https://blog.example/tag/rust">r</a> <img src="https://blog.example/pictures/ab.png" alt=""> <a href="https://x.example/">x</a> <a href="//cdn.example/a">c</a></p>"#
        );
    }

    #[test]
    fn pictures_are_found_once_each() {
        let urls = Urls::new("https://blog.example");
        let html = r#"<img src="https://blog.example/pictures/a.png"><img src="https://blog.example/pictures/a.png"><img src="https://blog.example/pictures/b.jpg">"#;
        assert_eq!(
            pictures_in(&urls, html),
            vec![
                "https://blog.example/pictures/a.png".to_owned(),
                "https://blog.example/pictures/b.jpg".to_owned()
            ]
        );
    }
}
