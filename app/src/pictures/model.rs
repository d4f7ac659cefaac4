//! A post picture's limits, and why an upload was refused, as the editor shows it.

use crate::shared::messages;

/// Largest picture file accepted, in bytes.
pub const UPLOAD_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels a picture may have; checked from its header, before it is decoded.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Widest picture kept; anything wider is scaled down to this width.
pub const MAX_WIDTH: u32 = 1600;
/// Width of the smaller copy shown in lists and feeds.
pub const SMALL_WIDTH: u32 = 480;
/// Most bytes of pictures one author may keep (both copies counted).
pub const QUOTA_BYTES: i64 = 200 * 1024 * 1024;
/// Most characters of alt text.
pub const ALT_MAX: usize = 300;

/// What was wrong with an uploaded post picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadError {
    /// No file was sent.
    Missing,
    /// The file is larger than [`UPLOAD_MAX_BYTES`].
    TooLarge,
    /// The file is not a JPEG, PNG, WebP or GIF image.
    WrongType,
    /// The file cannot be decoded, or has more than [`MAX_PIXELS`] pixels.
    NotAnImage,
    /// The author's pictures would pass [`QUOTA_BYTES`].
    OverQuota,
    /// The alt text is longer than [`ALT_MAX`].
    AltTooLong,
    /// Too many pictures are being uploaded or processed right now.
    Busy,
}

impl UploadError {
    /// The code a script-free form carries back in its field error.
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooLarge => "too_large",
            Self::WrongType => "wrong_type",
            Self::NotAnImage => "not_an_image",
            Self::OverQuota => "over_quota",
            Self::AltTooLong => "alt_too_long",
            Self::Busy => "busy",
        }
    }

    /// The error for a code; unknown codes mean nothing.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Missing,
            Self::TooLarge,
            Self::WrongType,
            Self::NotAnImage,
            Self::OverQuota,
            Self::AltTooLong,
            Self::Busy,
        ]
        .into_iter()
        .find(|error| error.code() == code)
    }

    /// The message shown under the "Picture" field.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => messages::PICTURE_MISSING,
            Self::TooLarge => messages::PICTURE_TOO_LARGE,
            Self::WrongType => messages::PICTURE_WRONG_TYPE,
            Self::NotAnImage => messages::PICTURE_UNREADABLE,
            Self::OverQuota => messages::PICTURE_OVER_QUOTA,
            Self::AltTooLong => messages::PICTURE_ALT_LENGTH,
            Self::Busy => messages::PICTURE_BUSY,
        }
    }

    /// The HTTP status an upload refused for this reason gets.
    pub fn status(self) -> u16 {
        match self {
            Self::TooLarge => 413,
            Self::WrongType | Self::NotAnImage => 415,
            Self::Busy => 429,
            Self::Missing | Self::OverQuota | Self::AltTooLong => 422,
        }
    }
}

/// What the preview says of `missing` pictures without alt text.
pub fn missing_alt_note(missing: usize) -> String {
    let pictures = if missing == 1 {
        "1 picture has".to_owned()
    } else {
        format!("{missing} pictures have")
    };
    format!(
        "{pictures} no alt text. Describe each between its brackets, as in ![A red kite over the hill](…), for readers who cannot see it."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for error in [
            UploadError::Missing,
            UploadError::TooLarge,
            UploadError::WrongType,
            UploadError::NotAnImage,
            UploadError::OverQuota,
            UploadError::AltTooLong,
            UploadError::Busy,
        ] {
            assert_eq!(UploadError::from_code(error.code()), Some(error));
        }
        assert_eq!(UploadError::from_code("<b>"), None);
    }
}
