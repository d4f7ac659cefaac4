//! Who is asking: the client address of a request, taken from `X-Forwarded-For` only when the
//! connection comes from a trusted proxy, and the key it is counted under for rate limits.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use ipnet::IpNet;

/// Parses `QUIRE_TRUSTED_PROXIES`: addresses or CIDR blocks separated by commas or spaces.
pub fn parse_trusted_proxies(list: &str) -> Result<Vec<IpNet>, String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{item:?} is not an IP address or CIDR block"))
        })
        .collect()
}

fn is_trusted(addr: IpAddr, trusted: &[IpNet]) -> bool {
    let addr = canonical(addr);
    trusted.iter().any(|net| net.contains(&addr))
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) as the IPv4 address they are.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: the peer itself, unless the peer is a trusted proxy; then the nearest
/// address in `X-Forwarded-For` that is not a trusted proxy (hops are read from the right,
/// since only the part the trusted proxies appended can be believed).
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let mut client = canonical(peer);
    if !is_trusted(client, trusted) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        let Some(addr) = parse_hop(hop) else {
            break;
        };
        client = addr;
        if !is_trusted(addr, trusted) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` hop as an address: `ip`, `ip:port`, `[v6]` or `[v6]:port` (proxies
/// write all four); `None` for anything else.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let addr = hop
        .parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|inner| inner.parse::<std::net::Ipv6Addr>().ok())
                .map(IpAddr::V6)
        })?;
    Some(canonical(addr))
}

/// The rate-limit key of an address: IPv4 as it is, IPv6 by its /64 network (one household
/// or server usually holds a whole /64).
pub fn client_key(addr: IpAddr) -> String {
    match canonical(addr) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            format!(
                "{:x}:{:x}:{:x}:{:x}::/64",
                segments[0], segments[1], segments[2], segments[3]
            )
        }
    }
}

/// The rate-limit key of the client of the current request.
pub async fn current_client_key() -> String {
    use axum::extract::ConnectInfo;
    use leptos::prelude::with_context;

    let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
        return "unknown".to_owned();
    };
    let addr = with_context::<crate::server_only::state::AppState, _>(|state| {
        with_context::<http::request::Parts, _>(|parts| {
            client_addr(peer.ip(), &parts.headers, &state.settings.trusted_proxies)
        })
    })
    .flatten()
    .unwrap_or(peer.ip());
    client_key(addr)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn forwarded(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static(value));
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let addr = client_addr(ip("198.51.100.7"), &forwarded("203.0.113.1"), &[]);
        assert_eq!(addr, ip("198.51.100.7"));
    }

    #[test]
    fn a_trusted_proxy_passes_on_the_client_address() {
        let trusted = parse_trusted_proxies("10.0.0.0/8").expect("parses");
        let addr = client_addr(ip("10.0.0.2"), &forwarded("203.0.113.1"), &trusted);
        assert_eq!(addr, ip("203.0.113.1"));
    }

    #[test]
    fn a_spoofed_left_entry_does_not_hide_the_real_client() {
        let trusted = parse_trusted_proxies("10.0.0.2").expect("parses");
        let headers = forwarded("1.2.3.4, 203.0.113.1");
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.1")
        );
    }

    #[test]
    fn chained_trusted_proxies_are_skipped() {
        let trusted = parse_trusted_proxies("10.0.0.2, 10.0.0.3").expect("parses");
        let headers = forwarded("203.0.113.1, 10.0.0.3");
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.1")
        );
    }

    #[test]
    fn a_hop_with_a_port_is_its_address() {
        let trusted = parse_trusted_proxies("10.0.0.2").expect("parses");
        let headers = forwarded("203.0.113.1:51234");
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("203.0.113.1")
        );
    }

    #[test]
    fn a_bracketed_ipv6_hop_with_a_port_is_its_address() {
        let trusted = parse_trusted_proxies("10.0.0.2").expect("parses");
        let headers = forwarded("[2001:db8::7]:443");
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn a_bracketed_ipv6_hop_without_a_port_is_its_address() {
        let trusted = parse_trusted_proxies("10.0.0.2").expect("parses");
        let headers = forwarded("[2001:db8::7]");
        assert_eq!(
            client_addr(ip("10.0.0.2"), &headers, &trusted),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(client_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            client_key(ip("2001:db8:1:2:ffff::9")),
            client_key(ip("2001:db8:1:2::1"))
        );
        assert_ne!(
            client_key(ip("2001:db8:1:3::1")),
            client_key(ip("2001:db8:1:2::1"))
        );
    }

    #[test]
    fn mapped_ipv4_is_plain_ipv4() {
        assert_eq!(client_key(ip("::ffff:203.0.113.5")), "203.0.113.5");
    }

    #[test]
    fn a_bad_entry_in_the_list_is_refused() {
        assert!(parse_trusted_proxies("10.0.0.0/8, nonsense").is_err());
    }
}
