//! The fields of a refused script-free form post, so that the form it goes back to is filled in
//! again: nothing a user typed is lost, except passwords, which are never sent back.

/// The non-secret fields of a form body, put on the request that renders the refused form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubmittedFields(Vec<(String, String)>);

impl SubmittedFields {
    /// The fields of `body` (`application/x-www-form-urlencoded`) but the secret ones: any
    /// whose name holds `password`, and the token of a reset link.
    pub fn from_form_body(body: &[u8]) -> Self {
        Self(
            form_urlencoded::parse(body)
                .filter(|(name, _)| !name.contains("password") && name != "token")
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    /// The first value sent for `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// What a refused script-free post sent for `name`, while the server renders its form again;
/// `None` for any other request, and in the browser.
pub fn submitted(name: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()?
            .extensions
            .get::<SubmittedFields>()?
            .get(name)
            .map(str::to_owned)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = name;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_not_kept() {
        let fields = SubmittedFields::from_form_body(
            b"username=bob&password=s3cret&confirm_password=s3cret&current_password=x&new_password=y",
        );
        assert_eq!(fields.get("username"), Some("bob"));
        for secret in [
            "password",
            "confirm_password",
            "current_password",
            "new_password",
        ] {
            assert_eq!(fields.get(secret), None, "{secret}");
        }
    }

    #[test]
    fn text_comes_back_as_it_was_typed() {
        let fields = SubmittedFields::from_form_body(b"title=A+%26+B&content=line%0D%0Anext");
        assert_eq!(fields.get("title"), Some("A & B"));
        assert_eq!(fields.get("content"), Some("line\r\nnext"));
    }
}
