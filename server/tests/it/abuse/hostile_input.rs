//! Hostile input: a decompression bomb, forged script-free forms, crafted error links, NUL and
//! control characters.

use super::*;

/// A PNG that declares a 100,000 × 100,000 canvas in under 100 bytes, with valid checksums.
fn decompression_bomb() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).expect("small").to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = 100_000u32.to_be_bytes().to_vec();
    header.extend_from_slice(&100_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decompression_bomb_gets_the_field_error() {
    let server = start().await;
    let session = server.as_corey().await;
    let boundary = "quireboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"picture\"; filename=\"bomb.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&decompression_bomb());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [
        ("Content-Type", content_type.as_str()),
        ("Cookie", session.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    let response = server
        .request("POST", "/account/picture", &headers, &body)
        .await;
    assert_eq!(
        response.header("location"),
        Some("/account?picture_error=not_an_image")
    );
    let corey = find_user_by_username(&server.db, "Corey")
        .await
        .expect("query")
        .expect("Corey");
    assert_eq!(corey.image_file, "default.jpg");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_script_free_delete_form_gets_the_403_page() {
    let server = start().await;
    let john = server.as_john().await;
    let referer = format!("http://{}/post/1", server.addr);
    let body = b"id=1";
    let headers = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Accept", "text/html"),
        ("Referer", referer.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
        ("Cookie", john.as_str()),
    ];
    let response = server
        .request("POST", "/api/delete_post", &headers, body)
        .await;
    assert_eq!(response.status, 403);
    assert!(
        response
            .body
            .contains("You don&#39;t have permission to do that")
            || response
                .body
                .contains("You don't have permission to do that"),
        "{}",
        response.body
    );
    assert!(find_post(&server.db, 1).await.expect("query").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crafted_error_link_cannot_put_its_words_on_the_page() {
    let server = start().await;
    let forged =
        URL_SAFE.encode(br#"{"Invalid":{"username":"Your account is locked. Call +1 555 0100."}}"#);
    let path = format!("/register?__path=%2Fapi%2Fregister&__err={forged}");
    let Response { status, body, .. } = server.get(&path).await;
    assert_eq!(status, 200);
    assert!(!body.contains("Call +1 555 0100"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_link_with_quire_s_own_message_shows_it() {
    let server = start().await;
    let error = URL_SAFE.encode(
        br#"{"Invalid":{"username":"That username is taken. Please choose a different one."}}"#,
    );
    let path = format!("/register?__path=%2Fapi%2Fregister&__err={error}");
    let Response { status, body, .. } = server.get(&path).await;
    assert_eq!(status, 200);
    assert!(body.contains("That username is taken"), "{body}");
}

async fn a_nul_character_in_a_user_address_is_not_found(backend: Backend) {
    let server = start_on(&backend).await;
    let response = server
        .request("GET", "/user/a%00b", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(response.status, 404);
}

async fn content_with_a_nul_character_gets_the_field_error(backend: Backend) {
    let server = start_on(&backend).await;
    let session = server.as_corey().await;
    let form = [("title", "Title"), ("content", "before\0after")];
    let accept = [("Accept", "application/json")];
    let response = server
        .post_form_with("/api/create_post", &form, Some(&session), &accept)
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response
            .body
            .contains(app::shared::messages::CONTENT_CONTROL),
        "{}",
        response.body
    );
}

async fn a_title_with_a_control_character_gets_the_field_error(backend: Backend) {
    let server = start_on(&backend).await;
    let session = server.as_corey().await;
    let form = [("title", "bell\u{7}"), ("content", "text")];
    let accept = [("Accept", "application/json")];
    let response = server
        .post_form_with("/api/create_post", &form, Some(&session), &accept)
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response.body.contains(app::shared::messages::TITLE_CONTROL),
        "{}",
        response.body
    );
}

on_both_backends!(
    a_nul_character_in_a_user_address_is_not_found,
    content_with_a_nul_character_gets_the_field_error,
    a_title_with_a_control_character_gets_the_field_error,
);
