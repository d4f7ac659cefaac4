//! The one HTTP client of outgoing federation requests. Every address it connects to is
//! checked (no loopback, private, link-local or metadata addresses, after DNS and on every
//! redirect), it follows at most a few redirects, gives up after a time limit, and reads at
//! most a bounded body. Insecure mode, for tests on one machine, lifts the address and https
//! rules.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
    redirect,
};

use crate::federation::{
    address::is_public,
    signature::{self, Signer},
};

/// Longest wait for a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest time for a whole request, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 3;
/// Largest response body read.
pub const MAX_BODY: usize = 1024 * 1024;

/// The media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = "application/activity+json";

/// Why an outgoing request failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The address is not one federation may reach.
    #[error("address not allowed: {0}")]
    Refused(String),
    /// The server answered with an error status.
    #[error("server answered {0}")]
    Status(u16),
    /// The response was larger than [`MAX_BODY`].
    #[error("response larger than {MAX_BODY} bytes")]
    TooLarge,
    /// The response was not the JSON expected.
    #[error("response is not valid JSON")]
    NotJson,
    /// No connection, a time-out, a TLS failure, too many redirects.
    #[error("request failed: {0}")]
    Transport(String),
}

impl FetchError {
    /// True when trying again cannot help: the server refused for good, or the address may
    /// not be reached.
    pub fn is_permanent(&self) -> bool {
        match self {
            Self::Refused(_) => true,
            Self::Status(status) => matches!(status, 400 | 403 | 404 | 405 | 410 | 422),
            _ => false,
        }
    }
}

/// The federation client.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    insecure: bool,
}

impl Client {
    /// A client; `insecure` allows plain http and every address.
    pub fn new(insecure: bool, user_agent: &str) -> Result<Self, FetchError> {
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if let Err(error) = check_url(attempt.url(), insecure) {
                attempt.error(error)
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .redirect(policy)
            .dns_resolver(Arc::new(FilteringResolver { insecure }))
            .build()
            .map_err(|error| FetchError::Transport(error.to_string()))?;
        Ok(Self { http, insecure })
    }

    /// GETs the ActivityPub document at `url`, signed by `signer`.
    pub async fn get_document(
        &self,
        url: &str,
        signer: &Signer,
    ) -> Result<serde_json::Value, FetchError> {
        let url = self.parse(url)?;
        let date = signature::http_date(chrono::Utc::now());
        let host = host_header(&url);
        let target = request_target("get", &url);
        let header = signature::sign(
            signer,
            &[
                ("(request-target)", target.as_str()),
                ("host", host.as_str()),
                ("date", date.as_str()),
            ],
        );
        let response = self
            .http
            .get(url)
            .header("Accept", ACTIVITY_JSON)
            .header("Date", date)
            .header("Signature", header)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let body = read_bounded(response).await?;
        serde_json::from_slice(&body).map_err(|_| FetchError::NotJson)
    }

    /// POSTs `body` (an activity) to `inbox`, signed by `signer`, with its digest.
    pub async fn post_activity(
        &self,
        inbox: &str,
        body: &str,
        signer: &Signer,
    ) -> Result<(), FetchError> {
        let url = self.parse(inbox)?;
        let date = signature::http_date(chrono::Utc::now());
        let digest = signature::digest(body.as_bytes());
        let host = host_header(&url);
        let target = request_target("post", &url);
        let header = signature::sign(
            signer,
            &[
                ("(request-target)", target.as_str()),
                ("host", host.as_str()),
                ("date", date.as_str()),
                ("digest", digest.as_str()),
            ],
        );
        let response = self
            .http
            .post(url)
            .header("Content-Type", ACTIVITY_JSON)
            .header("Date", date)
            .header("Digest", digest)
            .header("Signature", header)
            .body(body.to_owned())
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(FetchError::Status(status.as_u16()))
        }
    }

    fn parse(&self, url: &str) -> Result<Url, FetchError> {
        let url = Url::parse(url).map_err(|_| FetchError::Refused(url.to_owned()))?;
        check_url(&url, self.insecure).map_err(FetchError::Refused)?;
        Ok(url)
    }
}

/// Whether a request may go to `url`: https (http too in insecure mode), with a host, and,
/// when the host is an address, a public one.
pub fn check_url(url: &Url, insecure: bool) -> Result<(), String> {
    match url.scheme() {
        "https" => {}
        "http" if insecure => {}
        other => return Err(format!("{other}: only https is allowed")),
    }
    let refused = |address: std::net::IpAddr| {
        if insecure || is_public(address) {
            Ok(())
        } else {
            Err(format!("{address} is not a public address"))
        }
    };
    match url.host() {
        None => Err("no host".into()),
        Some(url::Host::Ipv4(address)) => refused(address.into()),
        Some(url::Host::Ipv6(address)) => refused(address.into()),
        Some(url::Host::Domain(name)) if !insecure && name.eq_ignore_ascii_case("localhost") => {
            Err("localhost is not a public address".into())
        }
        Some(url::Host::Domain(_)) => Ok(()),
    }
}

/// The `Host` header a request to `url` carries.
fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The `(request-target)` of a request: its method in lower case, its path and query.
fn request_target(method: &str, url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{method} {}?{query}", url.path()),
        None => format!("{method} {}", url.path()),
    }
}

fn transport(error: reqwest::Error) -> FetchError {
    // Without the URL: it may carry what the remote server put in a redirect.
    FetchError::Transport(error.without_url().to_string())
}

async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, FetchError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BODY as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Resolves names, then keeps only the addresses federation may reach.
struct FilteringResolver {
    insecure: bool,
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let insecure = self.insecure;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|address| insecure || is_public(address.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{} has no public address", name.as_str()).into());
            }
            let addresses: Addrs = Box::new(found.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(url: &str, insecure: bool) -> bool {
        check_url(&Url::parse(url).expect("a URL"), insecure).is_ok()
    }

    #[test]
    fn plain_http_is_refused() {
        assert!(!allowed("http://mastodon.example/inbox", false));
    }

    #[test]
    fn an_address_literal_is_checked_like_a_resolved_one() {
        assert!(!allowed("https://127.0.0.1/inbox", false));
        assert!(!allowed("https://[::1]/inbox", false));
        assert!(!allowed("https://169.254.169.254/latest/meta-data", false));
        assert!(!allowed("https://localhost/inbox", false));
    }

    #[test]
    fn a_public_https_address_is_allowed() {
        assert!(allowed("https://mastodon.example/inbox", false));
        assert!(allowed("https://93.184.216.34/inbox", false));
    }

    #[test]
    fn insecure_mode_allows_http_on_loopback() {
        assert!(allowed("http://127.0.0.1:3000/inbox", true));
    }

    #[test]
    fn other_schemes_are_refused_even_in_insecure_mode() {
        assert!(!allowed("file:///etc/passwd", true));
    }

    #[test]
    fn a_request_target_keeps_the_query() {
        let url = Url::parse("https://a.example/users/x?page=2").expect("a URL");
        assert_eq!(request_target("get", &url), "get /users/x?page=2");
        assert_eq!(
            host_header(&Url::parse("http://127.0.0.1:8080/x").expect("a URL")),
            "127.0.0.1:8080"
        );
    }
}
