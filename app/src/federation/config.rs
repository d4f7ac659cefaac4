//! Whether federation is on, and whether it may reach plain http and private addresses.

/// How federation is set (`QUIRE_FEDERATION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FederationMode {
    /// On when the public URL is https (or insecure mode is set), off otherwise.
    #[default]
    Auto,
    /// Always on.
    On,
    /// Off: no WebFinger, actors, inboxes or deliveries.
    Off,
}

/// Federation as this server runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FederationSettings {
    /// Federation endpoints answer and posts are delivered.
    pub enabled: bool,
    /// Outgoing requests may use plain http and reach loopback and private addresses
    /// (`QUIRE_FEDERATION_INSECURE=1`, for tests on one machine).
    pub insecure: bool,
}

impl FederationSettings {
    /// The settings `mode` and `insecure` give for a site at `public_url`.
    pub fn resolve(mode: FederationMode, insecure: bool, public_url: &str) -> Self {
        let enabled = match mode {
            FederationMode::Off => false,
            FederationMode::On => true,
            FederationMode::Auto => public_url.starts_with("https://") || insecure,
        };
        Self { enabled, insecure }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_on_for_an_https_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Auto, false, "https://blog.example");
        assert!(settings.enabled);
    }

    #[test]
    fn auto_is_off_for_a_plain_http_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Auto, false, "http://127.0.0.1:3000");
        assert!(!settings.enabled);
    }

    #[test]
    fn insecure_mode_turns_auto_on_for_a_plain_http_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Auto, true, "http://127.0.0.1:3000");
        assert!(settings.enabled && settings.insecure);
    }

    #[test]
    fn off_wins_over_an_https_site() {
        let settings =
            FederationSettings::resolve(FederationMode::Off, false, "https://blog.example");
        assert!(!settings.enabled);
    }
}
