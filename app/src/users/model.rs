//! The user types shared by browser and server, and the rules their fields must meet.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    shared::error::{AppError, FieldErrors},
    shared::messages,
};

/// Shortest username accepted at sign-up.
pub const USERNAME_MIN: usize = 2;
/// Longest username (the database enforces it too).
pub const USERNAME_MAX: usize = 20;
/// Longest email address (the database enforces it too).
pub const EMAIL_MAX: usize = 120;
/// Shortest password accepted.
pub const PASSWORD_MIN: usize = 8;
/// Longest password accepted.
pub const PASSWORD_MAX: usize = 128;
/// The avatar every new user starts with.
pub const DEFAULT_IMAGE: &str = "default.jpg";

/// A registered user, without any secret: this is what may leave the server.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct User {
    /// Primary key.
    pub id: i64,
    /// Unique public name, at most 20 characters.
    pub username: String,
    /// Unique email address, at most 120 characters.
    pub email: String,
    /// File name of the avatar under `/profile_pics/`.
    pub image_file: String,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "User('{}', '{}', '{}')",
            self.username, self.email, self.image_file
        )
    }
}

/// The public face of a user, shown beside their posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The user's id.
    pub id: i64,
    /// The user's name.
    pub username: String,
    /// The user's avatar file.
    pub image_file: String,
}

impl Author {
    /// Where the browser loads this author's avatar from.
    pub fn avatar_url(&self) -> String {
        avatar_url(&self.image_file)
    }

    /// The author's own page.
    pub fn page_url(&self) -> String {
        format!("/user/{}", self.username)
    }
}

impl From<User> for Author {
    fn from(user: User) -> Self {
        Self {
            id: user.id,
            username: user.username,
            image_file: user.image_file,
        }
    }
}

/// A row of the user list: who, and how much they wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct UserSummary {
    /// The user's id.
    pub id: i64,
    /// The user's name.
    pub username: String,
    /// The user's avatar file.
    pub image_file: String,
    /// How many posts the user has written.
    pub post_count: i64,
}

/// Users listed per page of `/users`.
pub const USERS_PER_PAGE: i64 = 20;

/// One page of the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    /// The users on this page, by name.
    pub users: Vec<UserSummary>,
    /// Where this page sits; `pager.total` is the number of users.
    pub pager: crate::shared::pagination::Pager,
}

/// Where an avatar is served: the default from `public/profile_pics/`, uploads from the database.
pub fn avatar_url(image_file: &str) -> String {
    if image_file == DEFAULT_IMAGE {
        format!("/profile_pics/{image_file}")
    } else {
        format!("/avatars/{image_file}")
    }
}

/// A user about to be created, with the password still in plain text.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct NewUser {
    /// Wanted username.
    pub username: String,
    /// Email address.
    pub email: String,
    /// Plain-text password; hashed before it is stored.
    pub password: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NewUser('{}', '{}')", self.username, self.email)
    }
}

impl NewUser {
    /// Checks every field, reporting each problem under its own field name.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        if let Some(message) = username_error(&self.username) {
            errors.add("username", message);
        }
        if let Some(message) = email_error(&self.email) {
            errors.add("email", message);
        }
        if let Some(message) = password_error(&self.password) {
            errors.add("password", message);
        }
        errors.into_result()
    }
}

/// Why `username` is not acceptable, if it is not. Expects a name already passed through
/// [`normalize_username`].
pub fn username_error(username: &str) -> Option<&'static str> {
    let length = username.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&length) {
        return Some(messages::USERNAME_LENGTH);
    }
    if !username
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Some(messages::USERNAME_CHARACTERS);
    }
    if !username.chars().any(char::is_alphanumeric) {
        return Some(messages::USERNAME_NEEDS_ALPHANUMERIC);
    }
    None
}

/// A username as it is stored and compared: trimmed, in Unicode normalization form NFKC, so two
/// names that look the same are the same name. Its case is kept.
#[cfg(feature = "ssr")]
pub fn normalize_username(username: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    username.trim().nfkc().collect()
}

/// Why `email` is not a usable address, if it is not.
pub fn email_error(email: &str) -> Option<&'static str> {
    if email.is_empty() {
        return Some(messages::EMAIL_REQUIRED);
    }
    if email.chars().count() > EMAIL_MAX {
        return Some(messages::EMAIL_LENGTH);
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    (!valid).then_some(messages::EMAIL_INVALID)
}

/// Why `password` is not acceptable, if it is not.
pub fn password_error(password: &str) -> Option<&'static str> {
    let length = password.chars().count();
    (!(PASSWORD_MIN..=PASSWORD_MAX).contains(&length)).then_some(messages::PASSWORD_LENGTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_messages_state_the_configured_limits() {
        use messages::{EMAIL_LENGTH, PASSWORD_LENGTH, USERNAME_LENGTH};
        assert!(USERNAME_LENGTH.contains(&format!("{USERNAME_MIN} and {USERNAME_MAX}")));
        assert!(EMAIL_LENGTH.contains(&EMAIL_MAX.to_string()));
        assert!(PASSWORD_LENGTH.contains(&format!("{PASSWORD_MIN} and {PASSWORD_MAX}")));
    }

    fn new_user(username: &str, email: &str, password: &str) -> NewUser {
        NewUser {
            username: username.into(),
            email: email.into(),
            password: password.into(),
        }
    }

    fn field_error(user: &NewUser, field: &str) -> Option<&'static str> {
        match user.validate() {
            Err(AppError::Invalid(errors)) => errors.get(field),
            _ => None,
        }
    }

    #[test]
    fn a_well_formed_user_is_valid() {
        assert_eq!(
            new_user("Corey", "C@demo.com", "password").validate(),
            Ok(())
        );
    }

    #[test]
    fn a_21_character_username_is_rejected() {
        let user = new_user(&"a".repeat(21), "a@b.co", "password");
        assert!(field_error(&user, "username").is_some());
    }

    #[test]
    fn a_20_character_username_is_accepted() {
        assert_eq!(username_error(&"é".repeat(20)), None);
    }

    #[test]
    fn a_username_with_a_slash_is_rejected() {
        assert!(username_error("a/b").is_some());
    }

    #[test]
    fn a_username_of_only_dots_is_rejected() {
        assert_eq!(
            username_error(".."),
            Some(messages::USERNAME_NEEDS_ALPHANUMERIC)
        );
        assert_eq!(
            username_error("._-"),
            Some(messages::USERNAME_NEEDS_ALPHANUMERIC)
        );
    }

    #[test]
    fn a_username_with_one_letter_among_dots_is_accepted() {
        assert_eq!(username_error(".a."), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn look_alike_names_normalize_to_one_name() {
        // Fullwidth letters and the "fi" ligature are compatibility forms of plain ones.
        assert_eq!(normalize_username(" \u{FF23}orey "), "Corey");
        assert_eq!(normalize_username("\u{FB01}sh"), "fish");
    }

    #[test]
    fn an_email_without_domain_dot_is_rejected() {
        assert!(email_error("me@localhost").is_some());
    }

    #[test]
    fn an_email_over_120_characters_is_rejected() {
        let email = format!("{}@example.com", "a".repeat(110));
        assert!(email_error(&email).is_some());
    }

    #[test]
    fn a_short_password_is_rejected() {
        assert!(password_error("1234567").is_some());
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let user = new_user("Corey", "C@demo.com", "hunter22secret");
        assert!(!format!("{user:?}").contains("hunter22secret"));
    }

    #[test]
    fn user_debug_shows_name_email_and_image() {
        let user = User {
            id: 1,
            username: "Corey".into(),
            email: "C@demo.com".into(),
            image_file: "default.jpg".into(),
        };
        assert_eq!(
            format!("{user:?}"),
            "User('Corey', 'C@demo.com', 'default.jpg')"
        );
    }
}
