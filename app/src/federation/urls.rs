//! The addresses of the site's actors, posts, inboxes and collections, made from its public URL.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a username keeps as it is in an address.
const NAME_IN_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The ActivityStreams address of everyone.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The site's addresses, from its public URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    site: String,
}

impl Urls {
    /// Addresses under `site` (with or without a trailing slash).
    pub fn new(site: &str) -> Self {
        Self {
            site: site.trim_end_matches('/').to_owned(),
        }
    }

    /// The site's address, without a trailing slash.
    pub fn site(&self) -> &str {
        &self.site
    }

    /// The host (and port, when it is not the scheme's) that handles name: `@name@HOST`.
    pub fn host(&self) -> &str {
        let rest = self
            .site
            .split_once("://")
            .map_or(self.site.as_str(), |(_, rest)| rest);
        rest.split('/').next().unwrap_or(rest)
    }

    /// An author's actor, which is their page's address.
    pub fn actor(&self, username: &str) -> String {
        format!(
            "{}/user/{}",
            self.site,
            utf8_percent_encode(username, NAME_IN_PATH)
        )
    }

    /// The id of an author's public key.
    pub fn key_id(&self, username: &str) -> String {
        format!("{}#main-key", self.actor(username))
    }

    /// An author's inbox.
    pub fn inbox(&self, username: &str) -> String {
        format!("{}/inbox", self.actor(username))
    }

    /// An author's outbox.
    pub fn outbox(&self, username: &str) -> String {
        format!("{}/outbox", self.actor(username))
    }

    /// The collection of an author's followers.
    pub fn followers(&self, username: &str) -> String {
        format!("{}/followers", self.actor(username))
    }

    /// The collection of whom an author follows (nobody).
    pub fn following(&self, username: &str) -> String {
        format!("{}/following", self.actor(username))
    }

    /// The inbox every author shares.
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.site)
    }

    /// The instance's own actor, which signs the fetches no author makes.
    pub fn instance_actor(&self) -> String {
        format!("{}/actor", self.site)
    }

    /// A post, which is also its article's id.
    pub fn post(&self, id: i64) -> String {
        format!("{}/post/{id}", self.site)
    }

    /// A path of the site as a whole address.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.site)
    }

    /// The username whose actor `address` is, if it is one of this site's actors.
    pub fn username_of_actor(&self, address: &str) -> Option<String> {
        let rest = address.strip_prefix(&self.site)?.strip_prefix("/user/")?;
        if rest.is_empty() || rest.contains('/') || rest.contains('#') || rest.contains('?') {
            return None;
        }
        percent_encoding::percent_decode_str(rest)
            .decode_utf8()
            .ok()
            .map(|name| name.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_keeps_a_port_and_drops_the_scheme() {
        assert_eq!(Urls::new("http://127.0.0.1:3000/").host(), "127.0.0.1:3000");
        assert_eq!(Urls::new("https://blog.example").host(), "blog.example");
    }

    #[test]
    fn an_actor_is_the_author_page_with_its_name_encoded() {
        let urls = Urls::new("https://blog.example");
        assert_eq!(urls.actor("Corey"), "https://blog.example/user/Corey");
        assert_eq!(urls.actor("Zoë"), "https://blog.example/user/Zo%C3%AB");
    }

    #[test]
    fn an_actor_address_gives_back_its_username() {
        let urls = Urls::new("https://blog.example");
        assert_eq!(
            urls.username_of_actor(&urls.actor("Zoë")).as_deref(),
            Some("Zoë")
        );
        assert_eq!(
            urls.username_of_actor("https://blog.example/user/Corey/inbox"),
            None
        );
        assert_eq!(
            urls.username_of_actor("https://other.example/user/Corey"),
            None
        );
    }
}
