//! Trusted devices (OWASP's "device cookies"): a browser that logged in to an account keeps a
//! signed cookie naming the account and itself, sent only with log-in attempts. Its attempts on
//! that account count against its own limit instead of the account-wide one, so guesses from
//! anywhere else cannot lock the owner out.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server_only::{cookies, random::random_hex, state::app_state};

/// How long a device stays trusted after its last log-in.
pub const TRUSTED_FOR_DAYS: i64 = 365;
/// Longest cookie value even looked at.
const MAX_TOKEN_LENGTH: usize = 200;

/// A device that logged in to an account before, from its verified cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The account it logged in to.
    pub user_id: i64,
    /// The device's own random id, the key of its log-in limit.
    pub id: String,
}

fn mac(secret: &[u8], user_id: i64, id: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(format!("login-device|{user_id}|{id}").as_bytes());
    mac
}

/// The cookie value for `device`: `USER.ID.MAC`, signed with the server's secret key.
pub fn sign(secret: &[u8], device: &Device) -> String {
    let signature = mac(secret, device.user_id, &device.id)
        .finalize()
        .into_bytes();
    format!(
        "{}.{}.{}",
        device.user_id,
        device.id,
        hex::encode(signature)
    )
}

/// The device a cookie value names, when its signature is the server's.
pub fn verify(secret: &[u8], token: &str) -> Option<Device> {
    if token.len() > MAX_TOKEN_LENGTH {
        return None;
    }
    let mut parts = token.split('.');
    let (user_id, id, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let user_id = user_id.parse().ok()?;
    let signature = hex::decode(signature).ok()?;
    mac(secret, user_id, id).verify_slice(&signature).ok()?;
    Some(Device {
        user_id,
        id: id.to_owned(),
    })
}

/// The current request's device, when its cookie is valid and names the account `user_id`.
pub fn trusted_device(user_id: i64) -> Option<Device> {
    let token = cookies::from_request().device?;
    let secret = app_state().ok()?.secret;
    verify(&secret, &token).filter(|device| device.user_id == user_id)
}

/// Trusts this browser for `user_id` from now on (keeping its id when it was trusted already),
/// for [`TRUSTED_FOR_DAYS`] after this log-in; its cookie is sent to `login_path` only.
pub fn trust_this_device(user_id: i64, known: Option<Device>, login_path: &'static str) {
    let Ok(state) = app_state() else {
        return;
    };
    let device = known.unwrap_or_else(|| Device {
        user_id,
        id: random_hex(16),
    });
    cookies::set(&device_cookie(
        sign(&state.secret, &device),
        state.settings.secure_cookies,
        login_path,
    ));
}

/// The device cookie: sent only to the log-in function at `login_path`, script-hidden, same-site.
fn device_cookie(value: String, secure: bool, login_path: &'static str) -> cookie::Cookie<'static> {
    cookie::Cookie::build((cookies::device_name(secure), value))
        .path(login_path)
        .http_only(true)
        .same_site(cookie::SameSite::Strict)
        .secure(secure)
        .max_age(cookie::time::Duration::days(TRUSTED_FOR_DAYS))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test secret";

    fn device() -> Device {
        Device {
            user_id: 7,
            id: "00ff".into(),
        }
    }

    #[test]
    fn a_signed_device_verifies() {
        assert_eq!(verify(SECRET, &sign(SECRET, &device())), Some(device()));
    }

    #[test]
    fn a_device_moved_to_another_account_does_not_verify() {
        let token = sign(SECRET, &device()).replacen("7.", "8.", 1);
        assert_eq!(verify(SECRET, &token), None);
    }

    #[test]
    fn another_servers_signature_does_not_verify() {
        assert_eq!(verify(b"other", &sign(SECRET, &device())), None);
    }

    #[test]
    fn malformed_values_do_not_verify() {
        for token in [
            "",
            "7",
            "7.00ff",
            "7..ab",
            "x.00ff.ab",
            "7.00ff.zz",
            "7.00ff.ab.cd",
        ] {
            assert_eq!(verify(SECRET, token), None, "{token}");
        }
    }

    #[test]
    fn the_cookie_goes_only_to_the_log_in() {
        let cookie = device_cookie("v".into(), true, "/api/login");
        assert_eq!(cookie.name(), "__Secure-quire_device");
        assert_eq!(cookie.path(), Some("/api/login"));
        assert_eq!(cookie.http_only(), Some(true));
    }
}
