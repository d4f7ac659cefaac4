//! Flash messages: a one-time note carried across a redirect in a short-lived cookie, and the
//! server function that hands it to the page once.

use leptos::prelude::*;

use crate::shared::server_call::JsonRead;
use serde::{Deserialize, Serialize};

use crate::shared::error::AppError;

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
    #[cfg(feature = "ssr")]
    fn code(self) -> char {
        match self {
            Self::Success => 's',
            Self::Info => 'i',
            Self::Danger => 'd',
        }
    }

    #[cfg(feature = "ssr")]
    fn from_code(code: char) -> Option<Self> {
        match code {
            's' => Some(Self::Success),
            'i' => Some(Self::Info),
            'd' => Some(Self::Danger),
            _ => None,
        }
    }

    /// The CSS classes of a message of this kind.
    pub fn class(self) -> &'static str {
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
    #[cfg(feature = "ssr")]
    pub fn encode(&self) -> String {
        format!("{}:{}", self.kind.code(), self.message)
    }

    /// Reads a cookie value written by [`Flash::encode`].
    #[cfg(feature = "ssr")]
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
#[server(endpoint = "take_flash", input = JsonRead)]
pub async fn take_flash() -> Result<Option<Flash>, AppError> {
    Ok(cookie::take_flash())
}

/// Server side of flash messages: the cookie.
#[cfg(feature = "ssr")]
pub mod cookie {
    use ::cookie::Cookie;

    use super::{Flash, FlashKind};
    use crate::server_only::cookies;

    /// The cookie that carries `flash` to the next page, `Secure` when `secure`.
    pub fn flash_cookie(flash: &Flash, secure: bool) -> Cookie<'static> {
        let mut cookie = cookies::build(cookies::FLASH, flash.encode(), secure);
        cookie.set_max_age(::cookie::time::Duration::minutes(5));
        cookie
    }

    /// Shows `message` on the next page this browser renders.
    pub fn set_flash(kind: FlashKind, message: &str) {
        let flash = Flash {
            kind,
            message: message.to_owned(),
        };
        cookies::set(&flash_cookie(&flash, cookies::secure()));
    }

    /// Reads the request's flash message and clears its cookie.
    pub fn take_flash() -> Option<Flash> {
        let value = cookies::from_request().flash?;
        cookies::set(&cookies::removal(cookies::FLASH, cookies::secure()));
        Flash::decode(&value)
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
