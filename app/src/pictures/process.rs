//! A post picture made safe to serve: decoded within bounds, re-encoded without any metadata,
//! scaled to at most 1600 px wide, with a smaller copy for lists and feeds, named by the hash
//! of its bytes.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, codecs::jpeg::JpegEncoder, imageops::FilterType};
use sha2::{Digest, Sha256};

use crate::pictures::{
    decode::{Bounds, DecodeError, carries_no_metadata, decode_bounded, format_of},
    links,
    model::{MAX_PIXELS, MAX_WIDTH, SMALL_WIDTH, UPLOAD_MAX_BYTES, UploadError},
};

/// The formats an upload may be in.
const UPLOADED: [ImageFormat; 4] = [
    ImageFormat::Jpeg,
    ImageFormat::Png,
    ImageFormat::WebP,
    ImageFormat::Gif,
];
/// The formats Quire stores, and so the ones an export carries.
const STORED: [ImageFormat; 2] = [ImageFormat::Jpeg, ImageFormat::Png];
/// The bounds of every decode: no side beyond 20,000 px, at most [`MAX_PIXELS`].
const BOUNDS: Bounds = Bounds {
    max_side: 20_000,
    max_pixels: MAX_PIXELS,
};
/// JPEG quality of stored pictures.
const JPEG_QUALITY: u8 = 85;

/// A picture ready to store.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The first 32 hex digits of the SHA-256 of [`Picture::data`]: part of its address.
    pub hash: String,
    /// `image/jpeg` or `image/png`.
    pub content_type: &'static str,
    /// Width of the full copy.
    pub width: u32,
    /// Height of the full copy.
    pub height: u32,
    /// The full copy.
    pub data: Vec<u8>,
    /// The smaller copy, for lists and feeds.
    pub small: Vec<u8>,
}

impl Picture {
    /// `jpg` or `png`.
    pub fn extension(&self) -> &'static str {
        links::extension_of(self.content_type)
    }

    /// Where the full copy is served.
    pub fn address(&self) -> String {
        links::address(&self.hash, self.extension())
    }

    /// Bytes it takes, both copies, as an author's quota counts them.
    pub fn bytes(&self) -> i64 {
        (self.data.len() + self.small.len()) as i64
    }
}

/// Decodes an uploaded picture (JPEG, PNG, WebP or a GIF's first frame) and re-encodes it:
/// opaque pictures as JPEG, others as PNG, with no metadata, scaled to [`MAX_WIDTH`].
pub fn process_upload(bytes: &[u8]) -> Result<Picture, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Missing);
    }
    if bytes.len() > UPLOAD_MAX_BYTES {
        return Err(UploadError::TooLarge);
    }
    let format = format_of(bytes, &UPLOADED).map_err(upload_error)?;
    let image = decode_bounded(bytes, format, BOUNDS).map_err(upload_error)?;
    encode(&scaled(image, MAX_WIDTH)).ok_or(UploadError::NotAnImage)
}

/// A picture from an export: kept byte for byte when it is already as Quire stores it (a JPEG
/// or PNG at most [`MAX_WIDTH`] wide with no metadata), so its hash and address survive a round
/// trip; otherwise processed like an upload.
pub fn process_imported(bytes: &[u8]) -> Result<Picture, UploadError> {
    let Ok(format) = format_of(bytes, &STORED) else {
        return process_upload(bytes);
    };
    if !carries_no_metadata(bytes, format) {
        return process_upload(bytes);
    }
    let image = decode_bounded(bytes, format, BOUNDS).map_err(upload_error)?;
    if image.width() > MAX_WIDTH || bytes.len() > UPLOAD_MAX_BYTES {
        return process_upload(bytes);
    }
    let small = encode_as(&scaled(image.clone(), SMALL_WIDTH), opaque(&image))
        .ok_or(UploadError::NotAnImage)?;
    Ok(Picture {
        hash: hash_of(bytes),
        content_type: if format == ImageFormat::Png {
            "image/png"
        } else {
            "image/jpeg"
        },
        width: image.width(),
        height: image.height(),
        data: bytes.to_vec(),
        small,
    })
}

fn upload_error(error: DecodeError) -> UploadError {
    match error {
        DecodeError::WrongType => UploadError::WrongType,
        DecodeError::NotAnImage => UploadError::NotAnImage,
    }
}

/// `image`, scaled down to `width` if it is wider.
fn scaled(image: DynamicImage, width: u32) -> DynamicImage {
    if image.width() <= width {
        return image;
    }
    let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width())).max(1);
    image.resize_exact(width, height as u32, FilterType::Triangle)
}

/// True when no pixel of `image` is see-through.
fn opaque(image: &DynamicImage) -> bool {
    !image.color().has_alpha() || image.to_rgba8().pixels().all(|pixel| pixel.0[3] == u8::MAX)
}

/// Both copies of `image`, encoded.
fn encode(image: &DynamicImage) -> Option<Picture> {
    let opaque = opaque(image);
    let data = encode_as(image, opaque)?;
    let small = encode_as(&scaled(image.clone(), SMALL_WIDTH), opaque)?;
    Some(Picture {
        hash: hash_of(&data),
        content_type: if opaque { "image/jpeg" } else { "image/png" },
        width: image.width(),
        height: image.height(),
        data,
        small,
    })
}

/// `image` as a JPEG (`opaque`) or a PNG, with nothing but its pixels.
fn encode_as(image: &DynamicImage, opaque: bool) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    if opaque {
        let encoder = JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY);
        DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(encoder)
            .ok()?;
    } else {
        DynamicImage::ImageRgba8(image.to_rgba8())
            .write_to(&mut Cursor::new(&mut data), ImageFormat::Png)
            .ok()?;
    }
    Some(data)
}

/// The content hash of stored bytes: 32 hex digits of their SHA-256.
pub fn hash_of(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..16])
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, ImageEncoder, Rgb, Rgba};

    use super::*;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image =
            DynamicImage::ImageRgb8(ImageBuffer::from_pixel(width, height, Rgb([20, 120, 200])));
        let mut data = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut data), format)
            .expect("encode");
        data
    }

    #[test]
    fn a_wide_picture_is_scaled_to_1600_with_a_smaller_copy() {
        let picture = process_upload(&encoded(3200, 800, ImageFormat::Png)).expect("processed");
        assert_eq!((picture.width, picture.height), (1600, 400));
        let small = image::load_from_memory(&picture.small).expect("small decodes");
        assert_eq!((small.width(), small.height()), (480, 120));
        assert_eq!(picture.content_type, "image/jpeg");
    }

    #[test]
    fn a_see_through_picture_stays_a_png() {
        let image = DynamicImage::ImageRgba8(ImageBuffer::from_pixel(10, 10, Rgba([1, 2, 3, 100])));
        let mut data = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut data), ImageFormat::Png)
            .expect("encode");
        assert_eq!(
            process_upload(&data).expect("processed").content_type,
            "image/png"
        );
    }

    #[test]
    fn a_gif_is_accepted() {
        let picture = process_upload(&encoded(20, 10, ImageFormat::Gif)).expect("processed");
        assert_eq!((picture.width, picture.height), (20, 10));
    }

    #[test]
    fn exif_is_not_kept() {
        let image = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(64, 64, Rgb([9, 9, 9])));
        let mut data = Vec::new();
        let mut encoder = JpegEncoder::new(&mut data);
        encoder
            .set_exif_metadata(b"MM\0*\0\0\0\x08\0\0\0\0\0\0GPSMARK".to_vec())
            .expect("exif");
        encoder
            .write_image(image.as_bytes(), 64, 64, image::ExtendedColorType::Rgb8)
            .expect("encode");
        assert!(data.windows(4).any(|w| w == b"Exif"));
        let picture = process_upload(&data).expect("processed");
        assert!(!picture.data.windows(4).any(|w| w == b"Exif"));
        assert!(!picture.data.windows(7).any(|w| w == b"GPSMARK"));
        assert!(carries_no_metadata(&picture.data, ImageFormat::Jpeg));
    }

    #[test]
    fn text_is_the_wrong_type() {
        assert_eq!(
            process_upload(b"hello").unwrap_err(),
            UploadError::WrongType
        );
    }

    #[test]
    fn a_cut_off_jpeg_is_not_an_image() {
        let data = encoded(300, 300, ImageFormat::Jpeg);
        assert_eq!(
            process_upload(&data[..data.len() / 3]).unwrap_err(),
            UploadError::NotAnImage
        );
    }

    #[test]
    fn a_picture_over_the_pixel_bound_is_refused_before_decoding() {
        // A small JPEG whose frame header claims 10,000 × 5,000 pixels.
        let mut data = encoded(16, 16, ImageFormat::Jpeg);
        let frame = data
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF0");
        data[frame + 5..frame + 9].copy_from_slice(&[0x13, 0x88, 0x27, 0x10]);
        assert_eq!(process_upload(&data).unwrap_err(), UploadError::NotAnImage);
    }

    #[test]
    fn a_stored_picture_imports_byte_for_byte() {
        let stored = process_upload(&encoded(200, 100, ImageFormat::Jpeg)).expect("processed");
        let imported = process_imported(&stored.data).expect("imported");
        assert_eq!(imported.hash, stored.hash);
        assert_eq!(imported.data, stored.data);
    }

    #[test]
    fn an_imported_picture_with_metadata_is_processed_again() {
        let image = DynamicImage::ImageRgb8(ImageBuffer::from_pixel(8, 8, Rgb([9, 9, 9])));
        let mut data = Vec::new();
        let mut encoder = JpegEncoder::new(&mut data);
        encoder
            .set_exif_metadata(b"MM\0*\0\0\0\x08\0\0".to_vec())
            .expect("exif");
        encoder
            .write_image(image.as_bytes(), 8, 8, image::ExtendedColorType::Rgb8)
            .expect("encode");
        let imported = process_imported(&data).expect("imported");
        assert_ne!(imported.data, data);
        assert!(carries_no_metadata(&imported.data, ImageFormat::Jpeg));
    }
}
