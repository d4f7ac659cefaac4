//! The allocators' settings for the server: how soon mimalloc gives freed memory back to the
//! system, and how many heaps glibc's malloc (SQLite's allocator) keeps.

use std::ffi::c_long;

use libmimalloc_sys::{mi_option_get, mi_option_set, mi_option_t};

/// `mi_option_purge_delay`'s place in mimalloc's `mi_option_t` (the same in its v2 and v3
/// headers); the bindings name no constant for it.
const PURGE_DELAY: mi_option_t = 15;

/// How long mimalloc keeps freed memory before giving it back, in milliseconds. Its default,
/// 1,000, keeps the heap of every burst of renders for a second; 10 ms lowers peak memory at no
/// cost in throughput, where 0 slows rendered pages (see BENCHMARKS.md).
pub const PURGE_DELAY_MS: c_long = 10;

/// The environment variable that overrides [`PURGE_DELAY_MS`], read by mimalloc itself.
const PURGE_DELAY_VAR: &str = "MIMALLOC_PURGE_DELAY";

/// How many heaps ("arenas") glibc's malloc may keep. Rust's allocations go to mimalloc; glibc's
/// malloc serves the C code, which is SQLite, whose every connection runs on a thread of its own.
/// glibc gives such threads heaps of their own (up to eight per core), and each keeps what its
/// connection's busiest search freed; one shared heap lowers the peak over searches for a little
/// search throughput (see BENCHMARKS.md).
pub const GLIBC_ARENAS: i32 = 1;

/// The environment variable that overrides [`GLIBC_ARENAS`], read by glibc itself.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const GLIBC_ARENAS_VAR: &str = "MALLOC_ARENA_MAX";

/// Sets mimalloc's purge delay to [`PURGE_DELAY_MS`], unless `MIMALLOC_PURGE_DELAY` chose one,
/// and glibc's heap count to [`GLIBC_ARENAS`], unless `MALLOC_ARENA_MAX` chose one. Call it
/// before the database's connections start their threads.
pub fn tune() {
    if std::env::var_os(PURGE_DELAY_VAR).is_none() {
        // SAFETY: mimalloc's options may be set at any time, from any thread; the index is
        // `mi_option_purge_delay` in the mimalloc this crate builds.
        unsafe { mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) };
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os(GLIBC_ARENAS_VAR).is_none() {
        // SAFETY: `mallopt` only records the limit; threads that already have a heap keep it.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, GLIBC_ARENAS) };
    }
}

/// mimalloc's purge delay now, in milliseconds.
pub fn purge_delay_ms() -> c_long {
    // SAFETY: reading an option is always allowed; see `tune` for the index.
    unsafe { mi_option_get(PURGE_DELAY) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tuning_shortens_mimallocs_default_purge_delay() {
        match std::env::var(PURGE_DELAY_VAR) {
            Ok(chosen) => {
                tune();
                assert_eq!(Ok(purge_delay_ms()), chosen.parse());
            }
            Err(_) => {
                // mimalloc's documented default: proof that the index names the purge delay.
                assert_eq!(purge_delay_ms(), 1_000);
                tune();
                assert_eq!(purge_delay_ms(), PURGE_DELAY_MS);
            }
        }
    }
}
