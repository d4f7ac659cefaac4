//! HTTP signatures as the fediverse uses them (draft-cavage-http-signatures, `rsa-sha256` and
//! `hs2019` with RSA keys): signing outgoing requests, and checking incoming ones: the signed
//! headers, the body's `Digest`, the `Date` within Mastodon's window, then the signature itself
//! against the key its `keyId` names.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, TimeDelta, Utc};
use http::HeaderMap;
use sha2::{Digest as _, Sha256};

use std::sync::Arc;

use rsa::{
    RsaPublicKey,
    pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey},
    pkcs8::DecodePublicKey,
};

/// A key that signs requests: its id (an actor's key address) and the key.
#[derive(Clone)]
pub struct Signer {
    /// The `keyId` receivers fetch the public key from.
    pub key_id: String,
    /// The private key.
    pub key: Arc<ring::signature::RsaKeyPair>,
}

/// How far a request's `Date` may be from now, either way (Mastodon's window).
pub const DATE_WINDOW: TimeDelta = TimeDelta::hours(12);

/// Headers every signed POST must cover.
pub const REQUIRED_HEADERS: [&str; 4] = ["(request-target)", "host", "date", "digest"];

/// Why an incoming request's signature is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Signature` header (nor `Authorization: Signature`).
    #[error("the request is not signed")]
    Missing,
    /// The header could not be read.
    #[error("the Signature header is malformed")]
    Malformed,
    /// An algorithm other than rsa-sha256 or hs2019.
    #[error("unsupported signature algorithm {0}")]
    Algorithm(String),
    /// The signature does not cover a header it must.
    #[error("the signature does not cover {0}")]
    Uncovered(&'static str),
    /// A signed header is absent from the request.
    #[error("signed header {0} is missing")]
    MissingHeader(String),
    /// The `Digest` header is absent, has no SHA-256, or does not match the body.
    #[error("the Digest header does not match the body")]
    Digest,
    /// The `Date` header is unreadable or outside the window.
    #[error("the Date header is missing or outside the accepted window")]
    Date,
    /// The signature does not verify with the key.
    #[error("the signature does not verify")]
    Invalid,
}

/// A parsed `Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The key's id: an actor's key address.
    pub key_id: String,
    /// The signed headers, in order, lower case.
    pub headers: Vec<String>,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

/// An incoming request, checked up to the signature itself: what to verify, with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The key that must verify it.
    pub key_id: String,
    /// The string the signature covers.
    pub signing_string: String,
    /// The signature's bytes.
    pub signature: Vec<u8>,
}

/// `time` as an HTTP date (`Sun, 06 Dec 2026 10:00:00 GMT`).
pub fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The `Digest` header of `body`: `SHA-256=` and the base64 of its SHA-256.
pub fn digest(body: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(Sha256::digest(body)))
}

/// The `Signature` header that `signer` gives the `(name, value)` pairs, in order.
pub fn sign(signer: &Signer, covered: &[(&str, &str)]) -> String {
    let signing_string = covered
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut signature = vec![0; signer.key.public().modulus_len()];
    // Signing fails only for a buffer of the wrong length, which the modulus length rules out.
    let signed = signer.key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signing_string.as_bytes(),
        &mut signature,
    );
    if signed.is_err() {
        tracing::error!("a request could not be signed");
    }
    let names = covered
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"{names}\",signature=\"{}\"",
        signer.key_id,
        STANDARD.encode(signature)
    )
}

/// Reads the `Signature` header (or `Authorization: Signature …`) of `headers`.
pub fn parse_header(headers: &HeaderMap) -> Result<SignatureHeader, SignatureError> {
    let value = match headers.get("signature") {
        Some(value) => value.to_str().map_err(|_| SignatureError::Malformed)?,
        None => headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Signature "))
            .ok_or(SignatureError::Missing)?,
    };
    let (mut key_id, mut names, mut signature) = (None, None, None);
    for (name, value) in parameters(value)? {
        match name.as_str() {
            "keyId" => key_id = Some(value),
            "headers" => names = Some(value),
            "signature" => signature = Some(value),
            "algorithm" => {
                let algorithm = value.to_ascii_lowercase();
                if algorithm != "rsa-sha256" && algorithm != "hs2019" {
                    return Err(SignatureError::Algorithm(value));
                }
            }
            _ => {}
        }
    }
    let key_id = key_id
        .filter(|id| !id.is_empty())
        .ok_or(SignatureError::Malformed)?;
    let signature = signature
        .and_then(|signature| STANDARD.decode(signature).ok())
        .ok_or(SignatureError::Malformed)?;
    // The draft's default when `headers` is absent.
    let headers = names
        .unwrap_or_else(|| "date".to_owned())
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    Ok(SignatureHeader {
        key_id,
        headers,
        signature,
    })
}

/// `name="value"` pairs separated by commas.
fn parameters(value: &str) -> Result<Vec<(String, String)>, SignatureError> {
    let mut found = Vec::new();
    let mut rest = value.trim();
    while !rest.is_empty() {
        let (name, after) = rest.split_once('=').ok_or(SignatureError::Malformed)?;
        let after = after.strip_prefix('"').ok_or(SignatureError::Malformed)?;
        let (value, after) = after.split_once('"').ok_or(SignatureError::Malformed)?;
        found.push((name.trim().to_owned(), value.to_owned()));
        rest = after.trim_start().trim_start_matches(',').trim_start();
    }
    Ok(found)
}

/// Checks an incoming POST up to its signature: the signature covers `(request-target)`,
/// `host`, `date` and `digest`; `Digest` matches `body`; `Date` is within [`DATE_WINDOW`] of
/// `now`. Returns what the key must verify.
pub fn check_post(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<SignedRequest, SignatureError> {
    let parsed = parse_header(headers)?;
    for required in REQUIRED_HEADERS {
        if !parsed.headers.iter().any(|name| name == required) {
            return Err(SignatureError::Uncovered(required));
        }
    }
    check_digest(headers, body)?;
    check_date(headers, now)?;
    let signing_string = signing_string(method, path_and_query, headers, &parsed.headers)?;
    Ok(SignedRequest {
        key_id: parsed.key_id,
        signing_string,
        signature: parsed.signature,
    })
}

fn check_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
    let value = headers
        .get("digest")
        .and_then(|value| value.to_str().ok())
        .ok_or(SignatureError::Digest)?;
    let expected = digest(body);
    let matches = value.split(',').any(|entry| {
        let entry = entry.trim();
        entry.len() == expected.len()
            && entry[..8].eq_ignore_ascii_case("SHA-256=")
            && entry[8..] == expected[8..]
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Digest)
    }
}

fn check_date(headers: &HeaderMap, now: DateTime<Utc>) -> Result<(), SignatureError> {
    let sent = headers
        .get("date")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| DateTime::parse_from_rfc2822(value).ok())
        .ok_or(SignatureError::Date)?;
    if (now - sent.with_timezone(&Utc)).abs() <= DATE_WINDOW {
        Ok(())
    } else {
        Err(SignatureError::Date)
    }
}

fn signing_string(
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    names: &[String],
) -> Result<String, SignatureError> {
    let mut lines = Vec::with_capacity(names.len());
    for name in names {
        let value = if name == "(request-target)" {
            format!("{} {path_and_query}", method.to_ascii_lowercase())
        } else {
            let values: Vec<&str> = headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|value| value.to_str().ok())
                .map(str::trim)
                .collect();
            if values.is_empty() {
                return Err(SignatureError::MissingHeader(name.clone()));
            }
            values.join(", ")
        };
        lines.push(format!("{name}: {value}"));
    }
    Ok(lines.join("\n"))
}

/// Whether `request`'s signature verifies with `public_key` (PEM: SubjectPublicKeyInfo or
/// PKCS#1).
pub fn verify(request: &SignedRequest, public_key: &str) -> Result<(), SignatureError> {
    let der = public_key_der(public_key).ok_or(SignatureError::Invalid)?;
    ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, der)
        .verify(request.signing_string.as_bytes(), &request.signature)
        .map_err(|_| SignatureError::Invalid)
}

/// The PKCS#1 DER of a public key in PEM (SubjectPublicKeyInfo, as Mastodon publishes it, or
/// PKCS#1), as the verifier takes it.
pub fn public_key_der(pem: &str) -> Option<Vec<u8>> {
    let key = RsaPublicKey::from_public_key_pem(pem.trim())
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
        .ok()?;
    key.to_pkcs1_der().ok().map(|der| der.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).expect("a header value"));
        }
        map
    }

    #[test]
    fn an_http_date_is_in_imf_fixdate_form() {
        let time = DateTime::from_timestamp(1_796_551_200, 0).expect("a time");
        assert_eq!(http_date(time), "Sun, 06 Dec 2026 10:00:00 GMT");
    }

    #[test]
    fn a_mastodon_signature_header_is_read() {
        let parsed = parse_header(&headers(&[(
            "signature",
            "keyId=\"https://m.example/users/a#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\"AAEC\"",
        )]))
        .expect("parsed");
        assert_eq!(parsed.key_id, "https://m.example/users/a#main-key");
        assert_eq!(parsed.headers[0], "(request-target)");
        assert_eq!(parsed.signature, vec![0, 1, 2]);
    }

    #[test]
    fn an_unknown_algorithm_is_refused() {
        let refused = parse_header(&headers(&[(
            "signature",
            "keyId=\"k\",algorithm=\"hmac-sha256\",headers=\"date\",signature=\"AAEC\"",
        )]));
        assert_eq!(
            refused,
            Err(SignatureError::Algorithm("hmac-sha256".into()))
        );
    }

    #[test]
    fn a_signature_that_leaves_out_the_digest_is_refused() {
        let now = Utc::now();
        let request = headers(&[
            (
                "signature",
                "keyId=\"k\",headers=\"(request-target) host date\",signature=\"AAEC\"",
            ),
            ("host", "blog.example"),
            ("date", &http_date(now)),
            ("digest", &digest(b"{}")),
        ]);
        assert_eq!(
            check_post("POST", "/inbox", &request, b"{}", now),
            Err(SignatureError::Uncovered("digest"))
        );
    }

    #[test]
    fn a_digest_of_another_body_is_refused() {
        let now = Utc::now();
        let request = headers(&[
            (
                "signature",
                "keyId=\"k\",headers=\"(request-target) host date digest\",signature=\"AAEC\"",
            ),
            ("host", "blog.example"),
            ("date", &http_date(now)),
            ("digest", &digest(b"{\"a\":1}")),
        ]);
        assert_eq!(
            check_post("POST", "/inbox", &request, b"{\"a\":2}", now),
            Err(SignatureError::Digest)
        );
    }

    #[test]
    fn a_date_older_than_the_window_is_refused() {
        let now = Utc::now();
        let request = headers(&[
            (
                "signature",
                "keyId=\"k\",headers=\"(request-target) host date digest\",signature=\"AAEC\"",
            ),
            ("host", "blog.example"),
            ("date", &http_date(now - TimeDelta::hours(13))),
            ("digest", &digest(b"{}")),
        ]);
        assert_eq!(
            check_post("POST", "/inbox", &request, b"{}", now),
            Err(SignatureError::Date)
        );
    }

    #[test]
    fn the_signing_string_follows_the_signed_headers_order() {
        let now = Utc::now();
        let date = http_date(now);
        let request = headers(&[
            (
                "signature",
                "keyId=\"k\",headers=\"(request-target) host date digest\",signature=\"AAEC\"",
            ),
            ("host", "blog.example"),
            ("date", &date),
            ("digest", &digest(b"{}")),
        ]);
        let checked = check_post("POST", "/user/a/inbox", &request, b"{}", now).expect("checked");
        assert_eq!(
            checked.signing_string,
            format!(
                "(request-target): post /user/a/inbox\nhost: blog.example\ndate: {date}\ndigest: {}",
                digest(b"{}")
            )
        );
    }
}
