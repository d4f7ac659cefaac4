//! Authentication: password hashing now, sessions and accounts as they arrive.

#[cfg(feature = "ssr")]
pub mod password;
