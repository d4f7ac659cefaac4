//! The Content-Security-Policy of every page: scripts only from this site or carrying the
//! page's nonce (which Leptos puts on its hydration scripts), no framing, no plugins.

use leptos::{nonce::use_nonce, prelude::use_context};
use leptos_axum::ResponseOptions;

/// The policy for a page whose inline scripts carry `nonce` (`None`: no inline scripts at all).
/// `wasm-unsafe-eval` lets the page compile its own WebAssembly, nothing else. Images may come
/// from any `http(s)` address: Markdown posts show pictures from the web.
pub fn policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; {scripts}; style-src 'self'; img-src 'self' data: https: http:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The nonce `policy` allows inline scripts by (`'nonce-…'`), if any.
pub fn nonce_of(policy: &str) -> Option<&str> {
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let length = policy[start..].find('\'')?;
    Some(&policy[start..start + length]).filter(|nonce| !nonce.is_empty())
}

/// Sets the page's policy, with the nonce of this render, on the response.
pub fn set_page_policy() {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce();
    if let Ok(value) = http::HeaderValue::from_str(&policy(nonce.as_deref())) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nonce_is_read_back_from_the_policy() {
        assert_eq!(nonce_of(&policy(Some("abc123"))), Some("abc123"));
    }

    #[test]
    fn a_policy_without_a_nonce_has_none() {
        assert_eq!(nonce_of(&policy(None)), None);
    }

    #[test]
    fn the_nonce_is_the_only_way_in_for_inline_scripts() {
        let policy = policy(Some("abc123"));
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
