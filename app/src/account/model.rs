//! Why a profile picture was refused, as a short code the upload redirect carries in the URL.

/// Largest picture accepted, in bytes.
#[cfg(feature = "ssr")]
pub const PICTURE_MAX_BYTES: usize = 5 * 1024 * 1024;

/// What was wrong with an uploaded picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureError {
    /// No file was chosen.
    Missing,
    /// The file is larger than [`PICTURE_MAX_BYTES`].
    TooLarge,
    /// The file is not named `.jpg`, `.jpeg` or `.png`.
    WrongType,
    /// The content is not the image its name says, cannot be decoded, or is too large a canvas.
    NotAnImage,
    /// Too many pictures are being processed right now.
    Busy,
}

impl PictureError {
    /// The code used in `/account?picture_error=CODE`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooLarge => "too_large",
            Self::WrongType => "wrong_type",
            Self::NotAnImage => "not_an_image",
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
            Self::Busy,
        ]
        .into_iter()
        .find(|e| e.code() == code)
    }

    /// The message shown under the picture field.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "Choose a picture to upload.",
            Self::TooLarge => "The picture must be at most 5 MB.",
            Self::WrongType => "The picture must be a JPG or PNG file.",
            Self::NotAnImage => {
                "That file is not a valid JPG or PNG image of at most 4096×4096 pixels."
            }
            Self::Busy => {
                "Many pictures are being processed right now. Please try again in a moment."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for error in [
            PictureError::Missing,
            PictureError::TooLarge,
            PictureError::WrongType,
            PictureError::NotAnImage,
            PictureError::Busy,
        ] {
            assert_eq!(PictureError::from_code(error.code()), Some(error));
        }
        assert_eq!(PictureError::from_code("<script>"), None);
    }
}
