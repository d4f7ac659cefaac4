//! Which request paths can name a file: a longer name than the file system allows would make
//! opening it fail with an error (a 500) instead of a plain "not found".

/// Longest path segment, in bytes as sent: file systems refuse longer names (`NAME_MAX`).
pub const MAX_SEGMENT: usize = 255;

/// True when every segment of `path` is short enough to be a file name.
pub fn can_name_a_file(path: &str) -> bool {
    path.split('/').all(|segment| segment.len() <= MAX_SEGMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_of_255_bytes_can_name_a_file() {
        assert!(can_name_a_file(&format!("/pkg/{}", "a".repeat(255))));
    }

    #[test]
    fn a_segment_of_256_bytes_cannot() {
        assert!(!can_name_a_file(&format!("/pkg/{}/x", "a".repeat(256))));
    }
}
