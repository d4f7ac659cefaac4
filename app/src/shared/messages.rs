//! Every field message Quire writes. An error that travels in a URL (a script-free form post's
//! `__err`) is shown only when its messages are in this list, so a crafted link cannot put its
//! own words on a page.

/// Username outside 2–20 characters.
pub const USERNAME_LENGTH: &str = "Username must be between 2 and 20 characters long.";
/// Username with a character outside letters, digits, `.`, `_`, `-`.
pub const USERNAME_CHARACTERS: &str =
    "Username may contain only letters, digits, '.', '_' and '-'.";
/// Username made only of punctuation.
pub const USERNAME_NEEDS_ALPHANUMERIC: &str = "Username must contain at least one letter or digit.";
/// Username another account has (regardless of case).
pub const USERNAME_TAKEN: &str = "That username is taken. Please choose a different one.";
/// Empty email.
pub const EMAIL_REQUIRED: &str = "Email is required.";
/// Email over 120 characters.
pub const EMAIL_LENGTH: &str = "Email must be at most 120 characters long.";
/// Email that is not an address.
pub const EMAIL_INVALID: &str = "Invalid email address.";
/// Email another account has (regardless of case).
pub const EMAIL_TAKEN: &str = "That email is taken. Please choose a different one.";
/// Password outside 8–128 characters.
pub const PASSWORD_LENGTH: &str = "Password must be between 8 and 128 characters long.";
/// Empty password on the log-in form.
pub const PASSWORD_REQUIRED: &str = "Password is required.";
/// Confirmation differs from the password.
pub const PASSWORDS_MUST_MATCH: &str = "Passwords must match.";
/// Wrong current password on the account page.
pub const CURRENT_PASSWORD_INCORRECT: &str = "Your current password is incorrect.";
/// Email change without the current password.
pub const CURRENT_PASSWORD_REQUIRED: &str = "Enter your current password to change your email.";
/// Empty title.
pub const TITLE_REQUIRED: &str = "Title is required.";
/// Title over 100 characters.
pub const TITLE_LENGTH: &str = "Title must be at most 100 characters long.";
/// Empty content.
pub const CONTENT_REQUIRED: &str = "Content is required.";
/// Content over 100,000 characters.
pub const CONTENT_LENGTH: &str = "Content must be at most 100000 characters long.";
/// A title with a control character (other than tab and line breaks): no feed reader could read it.
pub const TITLE_CONTROL: &str = "Title may not contain control characters.";
/// Content with a control character other than tab and line breaks.
pub const CONTENT_CONTROL: &str =
    "Content may not contain control characters (only tabs and line breaks).";
/// A tag that is empty after trimming (two commas in a row, or one at the end).
pub const TAG_EMPTY: &str = "A tag cannot be empty: remove the extra comma.";
/// A tag over 30 characters.
pub const TAG_LENGTH: &str = "Each tag must be at most 30 characters long.";
/// A tag with a control character.
pub const TAG_CONTROL: &str = "Tags may not contain control characters.";
/// A sixth tag.
pub const TAG_COUNT: &str = "A post can have at most 5 tags.";
/// A "Publish at" that is not a date and time.
pub const PUBLISH_AT_INVALID: &str = "Enter a date and time, like 2026-12-24 09:00.";
/// A "Publish at" that has passed.
pub const PUBLISH_AT_PAST: &str = "Choose a time in the future.";
/// A post's "Picture": no file.
pub const PICTURE_MISSING: &str = "Choose a picture to add.";
/// A post's "Picture": over the size limit.
pub const PICTURE_TOO_LARGE: &str = "A picture must be at most 10 MB.";
/// A post's "Picture": not a picture format Quire reads.
pub const PICTURE_WRONG_TYPE: &str = "A picture must be a JPEG, PNG, WebP or GIF file.";
/// A post's "Picture": damaged, or too many pixels.
pub const PICTURE_UNREADABLE: &str =
    "That file is not a picture Quire can read, or it has more than 40 million pixels.";
/// A post's "Picture": past the author's quota.
pub const PICTURE_OVER_QUOTA: &str =
    "Your pictures have reached the 200 MB quota. Delete posts with pictures you no longer need.";
/// A post's "Alt text": too long.
pub const PICTURE_ALT_LENGTH: &str = "Alt text must be at most 300 characters.";
/// A post's "Picture": an upload already in flight, or the site busy.
pub const PICTURE_BUSY: &str =
    "You are already uploading a picture, or the site is busy. Try again in a moment.";

/// Every message above.
pub const ALL: &[&str] = &[
    USERNAME_LENGTH,
    USERNAME_CHARACTERS,
    USERNAME_NEEDS_ALPHANUMERIC,
    USERNAME_TAKEN,
    EMAIL_REQUIRED,
    EMAIL_LENGTH,
    EMAIL_INVALID,
    EMAIL_TAKEN,
    PASSWORD_LENGTH,
    PASSWORD_REQUIRED,
    PASSWORDS_MUST_MATCH,
    CURRENT_PASSWORD_INCORRECT,
    CURRENT_PASSWORD_REQUIRED,
    TITLE_REQUIRED,
    TITLE_LENGTH,
    CONTENT_REQUIRED,
    TITLE_CONTROL,
    CONTENT_CONTROL,
    CONTENT_LENGTH,
    TAG_EMPTY,
    TAG_LENGTH,
    TAG_CONTROL,
    TAG_COUNT,
    PUBLISH_AT_INVALID,
    PUBLISH_AT_PAST,
    PICTURE_MISSING,
    PICTURE_TOO_LARGE,
    PICTURE_WRONG_TYPE,
    PICTURE_UNREADABLE,
    PICTURE_OVER_QUOTA,
    PICTURE_ALT_LENGTH,
    PICTURE_BUSY,
];

/// The message in [`ALL`] equal to `text`, if there is one.
pub fn known(text: &str) -> Option<&'static str> {
    ALL.iter().copied().find(|message| *message == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_messages_are_known() {
        assert_eq!(known(EMAIL_TAKEN), Some(EMAIL_TAKEN));
        assert_eq!(known("Your account is suspended. Call +1 555 0100."), None);
    }
}
