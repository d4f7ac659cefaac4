//! Rules for the sign-up and log-in forms, shared by browser and server.

use crate::{
    shared::error::{AppError, FieldErrors},
    shared::messages,
    users::model::{NewUser, email_error, password_error},
};

/// Checks a sign-up form: every [`NewUser`] rule, plus the confirmation matching the password.
pub fn validate_registration(user: &NewUser, confirm_password: &str) -> Result<(), AppError> {
    let mut errors = match user.validate() {
        Ok(()) => FieldErrors::default(),
        Err(AppError::Invalid(errors)) => errors,
        Err(other) => return Err(other),
    };
    if confirm_password != user.password {
        errors.add("confirm_password", messages::PASSWORDS_MUST_MATCH);
    }
    errors.into_result()
}

/// Checks a new password and its confirmation, reporting under `new_password`/`confirm_password`.
pub fn validate_new_password(new_password: &str, confirm_password: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Some(message) = password_error(new_password) {
        errors.add("new_password", message);
    }
    if confirm_password != new_password {
        errors.add("confirm_password", messages::PASSWORDS_MUST_MATCH);
    }
    errors
}

/// Checks the log-in form's shape before any account is looked up.
pub fn validate_login(email: &str, password: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    if let Some(message) = email_error(email) {
        errors.add("email", message);
    }
    if password.is_empty() {
        errors.add("password", messages::PASSWORD_REQUIRED);
    }
    errors.into_result()
}

/// `next` if it is a path on this site (`/…`), otherwise `None`: absolute and scheme-relative
/// (`//host`) URLs are ignored so log-in cannot send anyone elsewhere.
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    let next = next?;
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.bytes().all(|b| b.is_ascii_graphic());
    local.then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(password: &str) -> NewUser {
        NewUser {
            username: "Corey".into(),
            email: "c@demo.com".into(),
            password: password.into(),
        }
    }

    #[test]
    fn a_mismatched_confirmation_is_a_field_error() {
        let result = validate_registration(&user("password1"), "password2");
        assert!(matches!(result, Err(AppError::Invalid(e)) if e.get("confirm_password").is_some()));
    }

    #[test]
    fn a_matching_confirmation_is_valid() {
        assert_eq!(
            validate_registration(&user("password1"), "password1"),
            Ok(())
        );
    }

    #[test]
    fn a_local_path_is_a_safe_next() {
        assert_eq!(safe_next(Some("/account?tab=1")), Some("/account?tab=1"));
    }

    #[test]
    fn absolute_and_scheme_relative_urls_are_not_safe() {
        assert_eq!(safe_next(Some("https://evil.example/")), None);
        assert_eq!(safe_next(Some("//evil.example/")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
    }

    #[test]
    fn a_next_with_spaces_or_control_characters_is_not_safe() {
        assert_eq!(safe_next(Some("/a b")), None);
        assert_eq!(safe_next(Some("/a\r\nLocation: x")), None);
    }

    #[test]
    fn a_login_without_password_is_a_field_error() {
        assert!(
            matches!(validate_login("c@demo.com", ""), Err(AppError::Invalid(e)) if e.get("password").is_some())
        );
    }
}
