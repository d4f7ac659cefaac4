//! Random tokens and names from the operating system's generator, hex-encoded.

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// `bytes` random bytes, as `2 × bytes` lowercase hex characters.
pub fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

/// A 256-bit secret token (64 hex characters).
pub fn new_token() -> String {
    random_hex(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_characters_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
