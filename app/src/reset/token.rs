//! Password-reset tokens: `USER.EXPIRES.MAC`, signed with the server's secret key (HMAC-SHA256).
//! The MAC also covers the user's current password hash and email, so a token stops working once
//! the password changes (it can be used once) or the email changes (a link sent to an old
//! address dies with it).

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a reset link works.
pub const TOKEN_LIFETIME: Duration = Duration::minutes(30);
/// Longest token even looked at.
const MAX_TOKEN_LENGTH: usize = 200;

/// A token's parts, before its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedToken {
    /// Whose password it resets.
    pub user_id: i64,
    /// Unix time after which it is invalid.
    pub expires: i64,
    mac: Vec<u8>,
}

fn mac(
    secret: &[u8],
    user_id: i64,
    expires: i64,
    password_hash: &str,
    email: &str,
) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    // Lengths first, so no two different inputs can be joined into the same bytes.
    mac.update(
        format!(
            "password-reset|{user_id}|{expires}|{}:{password_hash}|{}:{email}",
            password_hash.len(),
            email.len()
        )
        .as_bytes(),
    );
    mac
}

/// A token for `user_id`, valid for [`TOKEN_LIFETIME`] from `now` and until the password or
/// the email changes.
pub fn issue_token(
    secret: &[u8],
    user_id: i64,
    password_hash: &str,
    email: &str,
    now: DateTime<Utc>,
) -> String {
    let expires = (now + TOKEN_LIFETIME).timestamp();
    let signature = mac(secret, user_id, expires, password_hash, email)
        .finalize()
        .into_bytes();
    format!("{user_id}.{expires}.{}", hex::encode(signature))
}

/// Splits a token into its parts; anything malformed is `None`.
pub fn parse_token(token: &str) -> Option<ParsedToken> {
    if token.len() > MAX_TOKEN_LENGTH {
        return None;
    }
    let mut parts = token.split('.');
    let (user_id, expires, mac_hex) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || mac_hex.len() != 64 {
        return None;
    }
    let mac = hex::decode(mac_hex).ok()?;
    Some(ParsedToken {
        user_id: user_id.parse().ok()?,
        expires: expires.parse().ok()?,
        mac,
    })
}

impl ParsedToken {
    /// True when the signature matches (in constant time), the token has not expired and
    /// neither the password nor the email has changed since it was issued.
    pub fn is_valid(
        &self,
        secret: &[u8],
        password_hash: &str,
        email: &str,
        now: DateTime<Utc>,
    ) -> bool {
        now.timestamp() < self.expires
            && mac(secret, self.user_id, self.expires, password_hash, email)
                .verify_slice(&self.mac)
                .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"test secret";
    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$abc$def";

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    const EMAIL: &str = "c@demo.com";

    fn check(token: &str, hash: &str, at: DateTime<Utc>) -> bool {
        parse_token(token).is_some_and(|parsed| parsed.is_valid(SECRET, hash, EMAIL, at))
    }

    #[test]
    fn a_fresh_token_is_valid() {
        assert!(check(
            &issue_token(SECRET, 7, HASH, EMAIL, now()),
            HASH,
            now()
        ));
    }

    #[test]
    fn a_token_expires_after_30_minutes() {
        let token = issue_token(SECRET, 7, HASH, EMAIL, now());
        assert!(check(&token, HASH, now() + Duration::minutes(29)));
        assert!(!check(&token, HASH, now() + Duration::minutes(30)));
    }

    #[test]
    fn a_token_dies_when_the_password_changes() {
        assert!(!check(
            &issue_token(SECRET, 7, HASH, EMAIL, now()),
            "$argon2id$other",
            now()
        ));
    }

    #[test]
    fn a_token_dies_when_the_email_changes() {
        let token = issue_token(SECRET, 7, HASH, EMAIL, now());
        let parsed = parse_token(&token).expect("parses");
        assert!(!parsed.is_valid(SECRET, HASH, "new@demo.com", now()));
    }

    #[test]
    fn a_tampered_user_id_is_invalid() {
        let token = issue_token(SECRET, 7, HASH, EMAIL, now());
        assert!(!check(&token.replacen('7', "8", 1), HASH, now()));
    }

    #[test]
    fn another_secret_is_invalid() {
        let token = issue_token(b"another secret", 7, HASH, EMAIL, now());
        assert!(!check(&token, HASH, now()));
    }

    #[test]
    fn garbage_of_any_length_is_not_a_token() {
        for token in [
            "",
            ".",
            "a.b.c",
            "1.2.zz",
            "1.2.3.4",
            &"x".repeat(5000),
            "é.é.é",
        ] {
            assert_eq!(parse_token(token), None, "{token}");
        }
    }
}
