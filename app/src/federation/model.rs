//! How an author can be followed from the fediverse, as their page shows it.

use serde::{Deserialize, Serialize};

/// An author's fediverse handle and how many follow them from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fediverse {
    /// `@username@host`, what to search for on Mastodon.
    pub handle: String,
    /// Followers on other servers.
    pub followers: i64,
}

impl Fediverse {
    /// "1 follower", "N followers".
    pub fn followers_text(&self) -> String {
        match self.followers {
            1 => "1 follower".to_owned(),
            n => format!("{n} followers"),
        }
    }
}
