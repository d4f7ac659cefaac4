//! What the server does for every response, through the real router: compression, caching,
//! security headers, request ids, health checks, time limits and graceful shutdown.

use std::{
    io::{Read, Write},
    net::SocketAddr,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::{Options, Response, TestServer, start, start_with};
use app::account::repo::insert_avatar;
use server::router::Limits;

/// Writes `contents` at `path` inside the server's site root.
fn site_file(server: &TestServer, path: &str, contents: &[u8]) {
    let file = server.dir.path().join(path);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).expect("folder");
    }
    std::fs::write(file, contents).expect("write");
}

/// A text long enough to be worth compressing.
fn text() -> Vec<u8> {
    "Quire serves every page compressed when the browser asks for it.\n"
        .repeat(200)
        .into_bytes()
}

/// A GET with these headers; the raw head and the body bytes exactly as sent.
async fn fetch_bytes(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (String, Vec<u8>) {
    let mut head = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(crate::support::RESPONSE_TIMEOUT))
            .expect("timeout");
        stream.write_all(head.as_bytes()).expect("send");
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .expect("a complete response in time");
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
        let body = raw.split_off(split + 4);
        (String::from_utf8_lossy(&raw).into_owned(), body)
    })
    .await
    .expect("join")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_response_decodes_to_the_same_bytes() {
    let server = start().await;
    site_file(&server, "notes.txt", &text());
    let (head, body) = fetch_bytes(server.addr, "/notes.txt", &[("Accept-Encoding", "gzip")]).await;
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: gzip"),
        "{head}"
    );
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut decoded)
        .expect("gzip");
    assert_eq!(decoded, text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_brotli_response_decodes_to_the_same_bytes() {
    let server = start().await;
    site_file(&server, "notes.txt", &text());
    let (head, body) = fetch_bytes(server.addr, "/notes.txt", &[("Accept-Encoding", "br")]).await;
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: br"),
        "{head}"
    );
    let mut decoded = Vec::new();
    brotli_decompressor::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut decoded)
        .expect("brotli");
    assert_eq!(decoded, text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_too() {
    let server = start().await;
    let (head, body) = fetch_bytes(
        server.addr,
        "/about",
        &[("Accept", "text/html"), ("Accept-Encoding", "br")],
    )
    .await;
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: br"),
        "{head}"
    );
    let mut page = String::new();
    brotli_decompressor::Decompressor::new(&body[..], 4096)
        .read_to_string(&mut page)
        .expect("brotli");
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("About"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_precompressed_file_is_served_as_it_was_compressed_at_build_time() {
    let server = start().await;
    site_file(&server, "pkg/quire.js", &text());
    site_file(&server, "pkg/quire.js.br", b"precompressed at build time");
    let (head, body) =
        fetch_bytes(server.addr, "/pkg/quire.js", &[("Accept-Encoding", "br")]).await;
    assert!(
        head.to_ascii_lowercase().contains("content-encoding: br"),
        "{head}"
    );
    assert_eq!(body, b"precompressed at build time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_bundle_files_are_immutable() {
    let server = start_with(Options {
        hashed_assets: true,
        ..Options::default()
    })
    .await;
    site_file(&server, "pkg/quire.3f9c0a1b.js", &text());
    let response = server
        .request("GET", "/pkg/quire.3f9c0a1b.js", &[], b"")
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unhashed_bundle_files_are_revalidated() {
    let server = start().await;
    site_file(&server, "pkg/quire.js", &text());
    let response = server.request("GET", "/pkg/quire.js", &[], b"").await;
    assert_eq!(response.header("cache-control"), Some("no-cache"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_avatar_is_answered_304() {
    let server = start().await;
    insert_avatar(
        &server.db,
        "0123456789abcdef.png",
        "image/png",
        b"png bytes",
    )
    .await
    .expect("insert");
    let first = server
        .request("GET", "/avatars/0123456789abcdef.png", &[], b"")
        .await;
    assert_eq!(first.status, 200);
    assert_eq!(
        first.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = first.header("etag").expect("an ETag").to_owned();
    let again = server
        .request(
            "GET",
            "/avatars/0123456789abcdef.png",
            &[("If-None-Match", etag.as_str())],
            b"",
        )
        .await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_the_security_headers_and_a_nonce_policy() {
    let server = start().await;
    let page = server
        .request("GET", "/", &[("Accept", "text/html")], b"")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert_eq!(page.header("cache-control"), Some("private, no-cache"));
    assert!(page.header("strict-transport-security").is_none());
    let policy = page.header("content-security-policy").expect("a CSP");
    assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"));
    let nonce = app::server_only::csp::nonce_of(policy).expect("a nonce");
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the policy's nonce"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_page_gets_its_own_nonce() {
    let server = start().await;
    let first = server
        .request("GET", "/about", &[("Accept", "text/html")], b"")
        .await;
    let second = server
        .request("GET", "/about", &[("Accept", "text/html")], b"")
        .await;
    assert_ne!(
        first.header("content-security-policy"),
        second.header("content-security-policy")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_pages_send_hsts() {
    let server = start_with(Options {
        secure_cookies: true,
        ..Options::default()
    })
    .await;
    let page = server
        .request("GET", "/about", &[("Accept", "text/html")], b"")
        .await;
    assert!(
        page.header("strict-transport-security")
            .is_some_and(|hsts| hsts.starts_with("max-age="))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_round_trips() {
    let server = start().await;
    let response = server
        .request("GET", "/healthz", &[("X-Request-Id", "lb-7f3a-0001")], b"")
        .await;
    assert_eq!(response.header("x-request-id"), Some("lb-7f3a-0001"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_without_an_id_gets_one() {
    let server = start().await;
    let response = server.request("GET", "/healthz", &[], b"").await;
    let id = response.header("x-request-id").expect("an id");
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_the_process_runs() {
    let server = start().await;
    let response = server.request("GET", "/healthz", &[], b"").await;
    assert_eq!((response.status, response.body.as_str()), (200, "ok\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_turns_503_when_the_database_goes_away() {
    let server = start().await;
    assert_eq!(server.request("GET", "/readyz", &[], b"").await.status, 200);
    server.db.close().await;
    let started = Instant::now();
    assert_eq!(server.request("GET", "/readyz", &[], b"").await.status, 503);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fail_fast_with_503_while_the_database_is_away() {
    let server = start().await;
    server.db.close().await;
    let started = Instant::now();
    let page = server
        .request("GET", "/", &[("Accept", "text/html")], b"")
        .await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(page.status, 503);
    assert!(page.header("retry-after").is_some());
    assert!(
        page.body.contains("temporarily unavailable"),
        "{}",
        page.body
    );
}

/// A server that waits one second for a silent client.
async fn impatient() -> TestServer {
    start_with(Options {
        limits: Limits {
            client_idle: Duration::from_secs(1),
            ..Limits::default()
        },
        ..Options::default()
    })
    .await
}

/// Sends `head` (a request whose body stops short of its length) to `server`; the status line
/// of the answer and how long it took to come.
async fn unfinished_request(server: &TestServer, head: String) -> (String, Duration) {
    let addr = server.addr;
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        // A server that never answers fails the test instead of hanging it.
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("read timeout");
        let started = Instant::now();
        stream.write_all(head.as_bytes()).expect("send");
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).into_owned();
        (
            text.lines().next().unwrap_or_default().to_owned(),
            started.elapsed(),
        )
    })
    .await
    .expect("join")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_at_a_trickle_is_cut_off() {
    let server = impatient().await;
    let addr = server.addr;
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Length: 100\r\n\r\nemail="
    );
    let (status_line, elapsed) = unfinished_request(&server, head).await;
    // A server function reports its unfinished body as a bad request; other routes say 408.
    assert!(
        status_line.contains(" 400 ") || status_line.contains(" 408 "),
        "{status_line:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_read_whose_arguments_stall_is_cut_off_with_408() {
    let server = impatient().await;
    let addr = server.addr;
    let head = format!(
        "POST /api/list_posts HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Length: 10\r\n\r\n{{\"pa"
    );
    let (status_line, elapsed) = unfinished_request(&server, head).await;
    assert!(status_line.contains(" 408 "), "{status_line:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_at_a_trickle_are_cut_off() {
    let server = impatient().await;
    let addr = server.addr;
    let elapsed = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let started = Instant::now();
        stream
            .write_all(b"GET /about HTTP/1.1\r\nHost: x\r\n")
            .expect("send");
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        started.elapsed()
    })
    .await
    .expect("join");
    assert!(
        elapsed < Duration::from_secs(5),
        "the connection was held for {elapsed:?}"
    );
}

/// A free loopback port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// The real `quire` binary serving a fresh database on a free port, with these variables.
async fn spawn_quire(
    dir: &std::path::Path,
    env: &[(&str, &str)],
) -> (std::process::Child, SocketAddr) {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_quire"));
    command
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("site.db").display()),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", dir)
        .env("QUIRE_OUTBOX", dir.join("outbox"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let child = command.spawn().expect("start quire");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "quire did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (child, addr)
}

fn terminate(child: &std::process::Child) {
    let signalled = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(signalled.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_request_in_flight_finish() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut quire, addr) = spawn_quire(dir.path(), &[]).await;
    let pid = quire.id().to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        let body = "email=nobody%40example.com&password=wrong-password";
        let head = format!(
            "POST /api/login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Sec-Fetch-Site: same-origin\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("send head");
        stream.write_all(&body.as_bytes()[..10]).expect("send part");
        std::thread::sleep(Duration::from_millis(300));
        let signalled = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
        assert!(signalled.success());
        std::thread::sleep(Duration::from_millis(300));
        stream.write_all(&body.as_bytes()[10..]).expect("send rest");
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        String::from_utf8_lossy(&raw).into_owned()
    })
    .await
    .expect("join");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let exit = tokio::task::spawn_blocking(move || quire.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(exit.success(), "{exit:?}");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "no longer listening"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_one_access_line_per_request_with_its_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env = [("QUIRE_LOG_FORMAT", "json"), ("RUST_LOG", "info")];
    let (quire, addr) = spawn_quire(dir.path(), &env).await;
    fetch_bytes(addr, "/about?secret=1", &[("X-Request-Id", "json-test-1")]).await;
    fetch_bytes(addr, "/healthz", &[]).await;
    terminate(&quire);
    let output = tokio::task::spawn_blocking(move || quire.wait_with_output())
        .await
        .expect("join")
        .expect("output");
    let log = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    let access: Vec<_> = lines
        .iter()
        .filter(|line| line["target"] == "quire::access")
        .collect();
    assert_eq!(access.len(), 1, "{log}");
    assert_eq!(access[0]["fields"]["path"], "/about");
    assert_eq!(access[0]["fields"]["status"], 200);
    assert_eq!(access[0]["span"]["id"], "json-test-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_name_longer_than_the_file_system_allows_is_a_404() {
    let server = start().await;
    let Response { status, .. } = server.get(&format!("/pkg/{}.js", "a".repeat(300))).await;
    assert_eq!(status, 404);
}
