//! `AppError`: the one error type pages and server functions share, with its HTTP status and user-safe text.

use http::StatusCode;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de, ser::SerializeMap};

/// Messages for individual form fields, keyed by field name and kept in field-name order; they
/// travel as a JSON object. Every message is one of
/// [`messages::ALL`](crate::shared::messages::ALL): deserializing anything else fails.
///
/// A sorted list rather than a `BTreeMap`: a form has a handful of fields, and the map's code
/// would be compiled into every page's WASM for nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, &'static str)>);

impl Serialize for FieldErrors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, message) in &self.0 {
            map.serialize_entry(field, message)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FieldErrors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldErrorsVisitor)
    }
}

/// Reads [`FieldErrors`] from a map of field names to messages Quire knows.
struct FieldErrorsVisitor;

impl<'de> de::Visitor<'de> for FieldErrorsVisitor {
    type Value = FieldErrors;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a map of field names to messages")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<FieldErrors, A::Error> {
        let mut errors = FieldErrors::default();
        while let Some((field, text)) = map.next_entry::<String, String>()? {
            let message = crate::shared::messages::known(&text)
                .ok_or_else(|| de::Error::custom("unknown message for a field"))?;
            errors.add(&field, message);
        }
        Ok(errors)
    }
}

impl FieldErrors {
    /// Records `message` for `field`, keeping the first message a field gets.
    pub fn add(&mut self, field: &str, message: &'static str) {
        if let Err(at) = self.position(field) {
            self.0.insert(at, (field.to_owned(), message));
        }
    }

    /// Where `field` is in the sorted list, or where it would go.
    fn position(&self, field: &str) -> Result<usize, usize> {
        self.0
            .binary_search_by(|(known, _)| known.as_str().cmp(field))
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.position(field).ok().map(|at| self.0[at].1)
    }

    /// Every field's message, by field name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'static str)> {
        self.0
            .iter()
            .map(|(field, message)| (field.as_str(), *message))
    }

    /// True when no field has a message.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, otherwise these errors as an [`AppError::Invalid`].
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }

    /// A single field's error.
    pub fn single(field: &str, message: &'static str) -> Self {
        let mut errors = Self::default();
        errors.add(field, message);
        errors
    }
}

/// Everything that can go wrong between a page and the database, as the user should see it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// The page, user or post does not exist.
    #[error("Oops. Page Not Found (404)")]
    NotFound,
    /// The request itself is malformed (for example, arguments a form never sends).
    #[error("That request could not be understood (400)")]
    BadRequest,
    /// The visitor must log in first.
    #[error("Please log in to access this page.")]
    Unauthorized,
    /// The visitor is logged in but may not do this.
    #[error("You don't have permission to do that (403)")]
    Forbidden,
    /// Wrong email or password; deliberately the same message for both.
    #[error("Login Unsuccessful. Please check email and password")]
    LoginFailed,
    /// Too many attempts; the next try is allowed after this many seconds.
    #[error("Too many attempts. Please try again in {} minute(s).", retry_after_secs.div_ceil(60))]
    TooManyAttempts {
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// Input failed validation; each field says why.
    #[error("Please correct the highlighted fields.")]
    Invalid(FieldErrors),
    /// The server is too busy to do this now; try again after this many seconds.
    #[error("Quire is busy right now. Please try again in a few seconds.")]
    Busy {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// The database cannot be reached; try again after this many seconds.
    #[error("Quire is temporarily unavailable (503)")]
    Unavailable {
        /// Seconds to wait before trying again.
        retry_after_secs: u64,
    },
    /// The browser could not reach the server.
    #[error("Quire could not be reached. Check your connection and try again.")]
    Unreachable,
    /// Anything unexpected; the details are in the server log only.
    #[error("Something went wrong (500)")]
    Internal,
}

impl AppError {
    /// The HTTP status this error is served with.
    pub fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized | Self::LoginFailed => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } | Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unreachable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds the client should wait before retrying, for errors that say so (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts { retry_after_secs }
            | Self::Busy { retry_after_secs }
            | Self::Unavailable { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// True for errors that the form which caused them shows beside its fields; any other
    /// error gets a page of its own.
    pub fn is_shown_by_form(&self) -> bool {
        matches!(
            self,
            Self::Invalid(_) | Self::LoginFailed | Self::TooManyAttempts { .. } | Self::Busy { .. }
        )
    }

    /// The error page for an HTTP status, for statuses that have one.
    pub fn from_status(status: u16) -> Option<Self> {
        Some(match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            500 => Self::Internal,
            503 => Self::Unavailable {
                retry_after_secs: UNAVAILABLE_RETRY_AFTER_SECS,
            },
            _ => return None,
        })
    }

    /// A sentence under the heading of an error page, telling the user what to do next.
    pub fn advice(&self) -> &'static str {
        match self {
            Self::NotFound => {
                "The page you were looking for does not exist. It may have been moved or deleted."
            }
            Self::BadRequest => "Go back and try again.",
            Self::Unauthorized => "Log in, then try again.",
            Self::Forbidden => "Only the owner can do that.",
            Self::LoginFailed | Self::TooManyAttempts { .. } | Self::Busy { .. } => {
                "Go back and try again."
            }
            Self::Invalid(_) => "Go back, correct the form and submit it again.",
            Self::Unreachable => "Your changes, if any, were not sent.",
            Self::Unavailable { .. } => {
                "The site will be back shortly. Please try again in a minute."
            }
            Self::Internal => {
                "We're experiencing some trouble on our end. Please try again in a moment."
            }
        }
    }
}

/// The error as a plain-text answer with its status, for routes outside Leptos (feeds,
/// sitemaps); failures are logged, their details never sent.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        if self.status_code().is_server_error() {
            tracing::error!(error = %self, "a request failed");
        }
        (self.status_code(), self.to_string()).into_response()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => Self::Unreachable,
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => Self::BadRequest,
            ServerFnErrorErr::Registration(_) => Self::NotFound,
            _ => Self::Internal,
        }
    }
}

/// What a client is told to wait while the database is away.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// What a client turned away by a full work queue is told to wait.
#[cfg(feature = "ssr")]
pub const BUSY_RETRY_AFTER_SECS: u64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_keep_the_first_message_per_field() {
        let mut errors = FieldErrors::default();
        errors.add("title", "first");
        errors.add("title", "second");
        assert_eq!(errors.get("title"), Some("first"));
    }

    #[test]
    fn field_errors_are_equal_whatever_order_they_were_added_in() {
        let mut first = FieldErrors::default();
        first.add("title", "a");
        first.add("content", "b");
        let mut second = FieldErrors::default();
        second.add("content", "b");
        second.add("title", "a");
        assert_eq!(first, second);
    }

    #[test]
    fn field_errors_read_from_json_keep_the_first_message_per_field() {
        use crate::shared::messages::{EMAIL_TAKEN, TITLE_REQUIRED};
        let json =
            format!(r#"{{"Invalid":{{"title":"{TITLE_REQUIRED}","title":"{EMAIL_TAKEN}"}}}}"#);
        let read = serde_json::from_str::<AppError>(&json).expect("parses");
        assert_eq!(
            read,
            AppError::Invalid(FieldErrors::single("title", TITLE_REQUIRED))
        );
    }

    #[test]
    fn empty_field_errors_are_ok() {
        assert_eq!(FieldErrors::default().into_result(), Ok(()));
    }

    #[test]
    fn errors_map_to_their_http_status() {
        assert_eq!(AppError::NotFound.status_code(), StatusCode::NOT_FOUND);
        assert_eq!(
            AppError::Internal.status_code(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn too_many_attempts_says_when_to_retry() {
        let error = AppError::TooManyAttempts {
            retry_after_secs: 61,
        };
        assert_eq!(
            error.to_string(),
            "Too many attempts. Please try again in 2 minute(s)."
        );
    }

    #[test]
    fn field_errors_with_quire_messages_deserialize() {
        let errors = FieldErrors::single("email", crate::shared::messages::EMAIL_TAKEN);
        let json = serde_json::to_string(&AppError::Invalid(errors.clone())).expect("json");
        assert_eq!(
            serde_json::from_str::<AppError>(&json).expect("parses"),
            AppError::Invalid(errors)
        );
    }

    #[test]
    fn field_errors_with_foreign_text_do_not_deserialize() {
        let json = r#"{"Invalid":{"title":"Your account is locked. Call +1 555 0100."}}"#;
        assert!(serde_json::from_str::<AppError>(json).is_err());
    }

    #[test]
    fn internal_error_text_is_generic() {
        assert_eq!(AppError::Internal.to_string(), "Something went wrong (500)");
    }
}
