//! Flash messages: a one-time note carried across a redirect in a short-lived cookie and shown once.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use serde::{Deserialize, Serialize};

use crate::{auth::context::Auth, error::AppError};

/// How a flash message looks and is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    /// Something worked.
    Success,
    /// Something to know.
    Info,
    /// Something went wrong.
    Danger,
}

impl FlashKind {
    fn code(self) -> char {
        match self {
            Self::Success => 's',
            Self::Info => 'i',
            Self::Danger => 'd',
        }
    }

    fn from_code(code: char) -> Option<Self> {
        match code {
            's' => Some(Self::Success),
            'i' => Some(Self::Info),
            'd' => Some(Self::Danger),
            _ => None,
        }
    }

    fn class(self) -> &'static str {
        match self {
            Self::Success => "flash flash-success",
            Self::Info => "flash flash-info",
            Self::Danger => "flash flash-danger",
        }
    }
}

/// One message to show once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Its kind.
    pub kind: FlashKind,
    /// Its text.
    pub message: String,
}

impl Flash {
    /// The cookie value: a kind code, a colon, the message.
    pub fn encode(&self) -> String {
        format!("{}:{}", self.kind.code(), self.message)
    }

    /// Reads a cookie value written by [`Flash::encode`].
    pub fn decode(value: &str) -> Option<Self> {
        let (code, message) = value.split_once(':')?;
        let mut chars = code.chars();
        let kind = FlashKind::from_code(chars.next()?)?;
        (chars.next().is_none() && !message.is_empty()).then(|| Self {
            kind,
            message: message.to_owned(),
        })
    }
}

/// Takes (reads and clears) the flash message waiting for this browser, if any.
#[server(endpoint = "take_flash")]
pub async fn take_flash() -> Result<Option<Flash>, AppError> {
    Ok(cookie::take_flash())
}

/// Server side of flash messages: the cookie.
#[cfg(feature = "ssr")]
pub mod cookie {
    use ::cookie::{Cookie, SameSite};

    use super::{Flash, FlashKind};
    use crate::auth::session::{request_cookie, set_cookie};

    /// Name of the flash cookie.
    pub const FLASH_COOKIE: &str = "quire_flash";

    /// The cookie that carries `flash` to the next page.
    pub fn flash_cookie(flash: &Flash) -> Cookie<'static> {
        Cookie::build((FLASH_COOKIE, flash.encode()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(::cookie::time::Duration::minutes(5))
            .build()
    }

    /// Shows `message` on the next page this browser renders.
    pub fn set_flash(kind: FlashKind, message: &str) {
        set_cookie(&flash_cookie(&Flash {
            kind,
            message: message.to_owned(),
        }));
    }

    /// Reads the request's flash message and clears its cookie.
    pub fn take_flash() -> Option<Flash> {
        let value = request_cookie(FLASH_COOKIE)?;
        let mut removal = Cookie::build((FLASH_COOKIE, "")).path("/").build();
        removal.make_removal();
        set_cookie(&removal);
        Flash::decode(&value)
    }
}

/// The flash message for this page, announced to screen readers.
#[component]
pub fn FlashMessages() -> impl IntoView {
    let location = use_location();
    // Also after a form that redirects to its own page: that changes no URL.
    let submissions = use_context::<Auth>().map(|auth| auth.same_page_runs);
    let flash = Resource::new(
        move || {
            (
                location.pathname.get(),
                location.search.get(),
                submissions.map(|n| n.get()),
            )
        },
        |_| take_flash(),
    );
    view! {
        <Transition>
            {move || Suspend::new(async move {
                flash.await.ok().flatten().map(|flash| {
                    let role = if flash.kind == FlashKind::Danger { "alert" } else { "status" };
                    view! { <div class=flash.kind.class() role=role>{flash.message}</div> }
                })
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_round_trips_through_its_cookie_value() {
        let flash = Flash {
            kind: FlashKind::Success,
            message: "Your account has been updated!".into(),
        };
        assert_eq!(Flash::decode(&flash.encode()), Some(flash));
    }

    #[test]
    fn a_tampered_cookie_value_is_ignored() {
        assert_eq!(Flash::decode("x:hello"), None);
        assert_eq!(Flash::decode("nonsense"), None);
    }
}
