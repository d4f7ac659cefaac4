//! The bounds an imported ZIP must stay within: it is untrusted input, and a few hundred bytes of
//! ZIP can claim gigabytes (a zip bomb).

/// The bounds of one import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Most entries in the archive.
    pub entries: usize,
    /// Most bytes all entries may hold, uncompressed.
    pub total_bytes: u64,
    /// Most bytes one entry may hold, uncompressed.
    pub entry_bytes: u64,
    /// Most an entry may expand: its uncompressed size over its compressed size.
    pub ratio: u64,
}

/// The command line's bounds (`quire import zip`).
pub const COMMAND_LINE: ArchiveLimits = ArchiveLimits {
    entries: 200_000,
    total_bytes: 4 * 1024 * 1024 * 1024,
    entry_bytes: 16 * 1024 * 1024,
    ratio: 200,
};

/// The account page's bounds: an upload of at most [`UPLOAD_BYTES`].
pub const ACCOUNT_PAGE: ArchiveLimits = ArchiveLimits {
    entries: 20_000,
    total_bytes: 512 * 1024 * 1024,
    entry_bytes: 16 * 1024 * 1024,
    ratio: 200,
};

/// Largest archive the account page takes.
pub const UPLOAD_BYTES: usize = 100 * 1024 * 1024;

/// Entries smaller than this are never refused for their ratio: short text compresses well.
pub const RATIO_FLOOR: u64 = 64 * 1024;
