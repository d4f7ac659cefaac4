//! Rate limits kept in the database, so every instance sharing it counts toward the same limits:
//! one counter row per key and fixed window, updated with a single upsert, and expired rows
//! swept by the background sweep (`background`).

pub mod repo;

use crate::{server_only::clock::unix_now, server_only::db::Db, shared::error::AppError};

/// How many requests one key may make within a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Prefix of the keys this limit counts (`login-account`, `signup`, …).
    pub name: &'static str,
    /// Requests allowed per window.
    pub max: i64,
    /// Length of the window, in seconds.
    pub window_secs: i64,
}

const FIFTEEN_MINUTES: i64 = 15 * 60;

/// Log-in attempts on one account from one client address; a success starts over.
pub const LOGIN_ACCOUNT_CLIENT: Limit = Limit {
    name: "login-account-client",
    max: 5,
    window_secs: FIFTEEN_MINUTES,
};
/// Log-in attempts on one account from every address together, by browsers that have not
/// logged in to it before. It is above [`LOGIN_CLIENT`]'s, so that no one address can lock an
/// account against its owner, and a trusted device is held to [`LOGIN_DEVICE`] instead, so that
/// no number of addresses can.
pub const LOGIN_ACCOUNT: Limit = Limit {
    name: "login-account",
    max: 50,
    window_secs: FIFTEEN_MINUTES,
};
/// Log-in attempts on an account from a browser that logged in to it before (its trusted-device
/// cookie), counted instead of [`LOGIN_ACCOUNT`]; a success starts over.
pub const LOGIN_DEVICE: Limit = Limit {
    name: "login-device",
    max: 10,
    window_secs: FIFTEEN_MINUTES,
};
/// Failed log-in attempts per client address, on any account; counted first.
pub const LOGIN_CLIENT: Limit = Limit {
    name: "login-client",
    max: 20,
    window_secs: FIFTEEN_MINUTES,
};
/// Sign-ups per client address.
pub const SIGNUP: Limit = Limit {
    name: "signup",
    max: 20,
    window_secs: 60 * 60,
};
/// Password-reset requests per client address.
pub const RESET_REQUEST: Limit = Limit {
    name: "reset-request",
    max: 5,
    window_secs: FIFTEEN_MINUTES,
};
/// Password-reset token checks per client address.
pub const RESET_TOKEN: Limit = Limit {
    name: "reset-token",
    max: 30,
    window_secs: FIFTEEN_MINUTES,
};
/// Current-password checks per account on the account page.
pub const PASSWORD_CHECK: Limit = Limit {
    name: "password-check",
    max: 5,
    window_secs: FIFTEEN_MINUTES,
};

/// The longest window of any limit: rows older than this are expired for every limit.
pub const LONGEST_WINDOW_SECS: i64 = 60 * 60;

impl Limit {
    /// The counter key for `subject` (a client address, an email, a user id).
    pub fn key(&self, subject: &str) -> String {
        format!("{}:{subject}", self.name)
    }
}

/// Counts one request by `subject` against `limit`, before the work it guards is done; beyond
/// the limit, [`AppError::TooManyAttempts`] says how long until the window ends.
pub async fn hit(db: &Db, limit: Limit, subject: &str) -> Result<(), AppError> {
    let now = unix_now();
    let counter = repo::hit(db, &limit.key(subject), now, limit.window_secs).await?;
    if counter.hits > limit.max {
        let retry_after_secs = (counter.window_start + limit.window_secs - now).max(1);
        return Err(AppError::TooManyAttempts {
            retry_after_secs: u64::try_from(retry_after_secs).unwrap_or(1),
        });
    }
    Ok(())
}

/// Takes back one counted request (a log-in that turned out to be right).
pub async fn refund(db: &Db, limit: Limit, subject: &str) -> Result<(), AppError> {
    Ok(repo::refund(db, &limit.key(subject)).await?)
}

/// Forgets every request counted for `subject` under `limit`.
pub async fn reset(db: &Db, limit: Limit, subject: &str) -> Result<(), AppError> {
    Ok(repo::clear(db, &limit.key(subject)).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_cannot_use_up_an_account_s_attempts() {
        assert!(LOGIN_CLIENT.max < LOGIN_ACCOUNT.max);
    }

    #[test]
    fn keys_name_their_limit() {
        assert_eq!(SIGNUP.key("203.0.113.9"), "signup:203.0.113.9");
    }

    #[test]
    fn no_limit_has_a_longer_window_than_the_sweep_keeps() {
        for limit in [
            LOGIN_ACCOUNT_CLIENT,
            LOGIN_ACCOUNT,
            LOGIN_DEVICE,
            LOGIN_CLIENT,
            SIGNUP,
            RESET_REQUEST,
            RESET_TOKEN,
            PASSWORD_CHECK,
        ] {
            assert!(limit.window_secs <= LONGEST_WINDOW_SECS, "{}", limit.name);
        }
    }
}
