//! Profile pictures of imported users: each file `image_file` names is checked and shrunk like
//! an upload and stored under a new name; a missing or broken one leaves the default picture.

use std::path::Path;

use crate::{
    account::picture::{process_picture, random_picture_name},
    import::source::FlaskUser,
    users::model::DEFAULT_IMAGE,
};

/// A picture ready to store as a user's avatar.
#[derive(Debug)]
pub struct Picture {
    /// Its new name (the user's `image_file`).
    pub name: String,
    /// MIME type.
    pub content_type: &'static str,
    /// Encoded image, at most 125×125.
    pub data: Vec<u8>,
}

/// Loads the pictures of `users` from `folder` (the Flaskblog's `static/profile_pics`), giving
/// each user with one the picture's new name. Returns the pictures and a warning for each user
/// left with the default picture.
pub fn load_pictures(
    users: &mut [FlaskUser],
    folder: Option<&Path>,
) -> (Vec<Picture>, Vec<String>) {
    let mut pictures = Vec::new();
    let mut warnings = Vec::new();
    for user in users.iter_mut() {
        if user.image_file == DEFAULT_IMAGE {
            continue;
        }
        let file = std::mem::replace(&mut user.image_file, DEFAULT_IMAGE.to_owned());
        let who = format!("user {} {:?}", user.id, user.username);
        let Some(folder) = folder else {
            warnings.push(format!(
                "{who}: no --pictures folder was given for {file}; the default picture is used"
            ));
            continue;
        };
        // A name from the database must not lead out of the folder.
        if file.contains(['/', '\\']) || file.starts_with('.') {
            warnings.push(format!(
                "{who}: {file:?} is not a file name; the default picture is used"
            ));
            continue;
        }
        let bytes = match std::fs::read(folder.join(&file)) {
            Ok(bytes) => bytes,
            Err(error) => {
                warnings.push(format!(
                    "{who}: picture {file} cannot be read ({error}); the default picture is used"
                ));
                continue;
            }
        };
        match process_picture(&bytes, &file) {
            Ok(picture) => {
                let name = random_picture_name(picture.extension);
                user.image_file = name.clone();
                pictures.push(Picture {
                    name,
                    content_type: picture.content_type,
                    data: picture.data,
                });
            }
            Err(error) => warnings.push(format!(
                "{who}: picture {file} was refused: {} The default picture is used.",
                error.message()
            )),
        }
    }
    (pictures, warnings)
}
