//! Decoding an untrusted picture within bounds: its size read from its header first, the
//! decoder's memory capped, a cut-off JPEG caught, and the camera's orientation applied.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Most memory the decoder may allocate for one picture.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a picture could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// Not one of the formats asked for.
    WrongType,
    /// Damaged, cut off, or larger than the bounds.
    NotAnImage,
}

/// The bounds of one decode.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Widest and tallest side.
    pub max_side: u32,
    /// Most pixels (width × height), checked before decoding.
    pub max_pixels: u64,
}

/// The format of `bytes`, if it is one of `accepted`.
pub fn format_of(bytes: &[u8], accepted: &[ImageFormat]) -> Result<ImageFormat, DecodeError> {
    image::guess_format(bytes)
        .ok()
        .filter(|format| accepted.contains(format))
        .ok_or(DecodeError::WrongType)
}

/// Decodes `bytes` as `format` within `bounds`, upright (a camera's orientation tag applied,
/// since the tag itself is dropped); a GIF's first frame.
pub fn decode_bounded(
    bytes: &[u8],
    format: ImageFormat,
    bounds: Bounds,
) -> Result<DynamicImage, DecodeError> {
    if format == ImageFormat::Jpeg && !has_jpeg_end(bytes) {
        return Err(DecodeError::NotAnImage);
    }
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| DecodeError::NotAnImage)?;
    if width == 0
        || height == 0
        || width > bounds.max_side
        || height > bounds.max_side
        || u64::from(width) * u64::from(height) > bounds.max_pixels
    {
        return Err(DecodeError::NotAnImage);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(bounds.max_side);
    limits.max_image_height = Some(bounds.max_side);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| DecodeError::NotAnImage)?;
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| DecodeError::NotAnImage)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

/// True when a JPEG's end-of-image marker is present near its end. The decoder pads a
/// truncated JPEG with grey instead of failing, so a cut-off upload is caught here.
pub fn has_jpeg_end(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    tail.windows(2).any(|pair| pair == [0xFF, 0xD9])
}

/// True when `bytes` carry nothing but the picture: a JPEG without application segments past
/// JFIF's or comments (so no EXIF, GPS, XMP or ICC data), a PNG with only its image chunks.
pub fn carries_no_metadata(bytes: &[u8], format: ImageFormat) -> bool {
    match format {
        ImageFormat::Jpeg => jpeg_segments_are_plain(bytes),
        ImageFormat::Png => png_chunks_are_plain(bytes),
        _ => false,
    }
}

fn jpeg_segments_are_plain(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xDA {
            return true;
        }
        if (0xE1..=0xEF).contains(&marker) || marker == 0xFE {
            return false;
        }
        if marker == 0xE0 && !bytes[at + 4..].starts_with(b"JFIF\0") {
            return false;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        at += 2 + length;
    }
    false
}

fn png_chunks_are_plain(bytes: &[u8]) -> bool {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) {
        return false;
    }
    let mut at = SIGNATURE.len();
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let kind = &bytes[at + 4..at + 8];
        if !matches!(kind, b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS") {
            return false;
        }
        if kind == b"IEND" {
            return true;
        }
        at = at.saturating_add(12).saturating_add(length as usize);
    }
    false
}
