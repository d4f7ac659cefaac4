//! Which network addresses outgoing federation requests may reach: public ones only, never
//! loopback, private, link-local (cloud metadata among them), shared, multicast or reserved
//! ones, unless insecure mode allows everything for tests on one machine.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether a request may connect to `ip`.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        // 0/8 "this network", 100.64/10 shared (carrier-grade NAT), 192.0.0/24 protocol
        // assignments, 198.18/15 benchmarking, 240/4 reserved.
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // fc00::/7 unique local, fe80::/10 link-local, 2001:db8::/32 documentation,
        // 64:ff9b::/96 NAT64 (which can reach private IPv4 addresses).
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)
        || ip.to_ipv4().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(address: &str) -> bool {
        is_public(address.parse().expect("an address"))
    }

    #[test]
    fn loopback_is_refused() {
        assert!(!public("127.0.0.1"));
        assert!(!public("::1"));
    }

    #[test]
    fn private_ranges_are_refused() {
        for address in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "fd00::1",
        ] {
            assert!(!public(address), "{address}");
        }
    }

    #[test]
    fn link_local_and_the_metadata_address_are_refused() {
        assert!(!public("169.254.169.254"));
        assert!(!public("fe80::1"));
        assert!(!public("fd00:ec2::254"));
    }

    #[test]
    fn a_private_address_mapped_into_ipv6_is_refused() {
        assert!(!public("::ffff:127.0.0.1"));
        assert!(!public("::ffff:10.0.0.1"));
    }

    #[test]
    fn unspecified_multicast_and_reserved_addresses_are_refused() {
        for address in [
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::",
            "ff02::1",
        ] {
            assert!(!public(address), "{address}");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        assert!(public("93.184.216.34"));
        assert!(public("2606:2800:220:1:248:1893:25c8:1946"));
    }
}
