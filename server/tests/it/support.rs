//! A real Quire on an ephemeral port with a fresh, seeded SQLite database, and a tiny HTTP/1.0
//! client that shows exactly what a browser would receive.

use std::net::SocketAddr;

use app::{
    import::seed::seed_sample,
    mail::mailer::Mailer,
    mail::queue::{Outcome, RetryPolicy, deliver_due},
    server_only::client::parse_trusted_proxies,
    server_only::db::Db,
    server_only::secret::load_secret_key,
    server_only::state::{AppState, Settings},
};
use leptos::prelude::LeptosOptions;
use tempfile::TempDir;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// A running server and its database.
pub struct TestServer {
    pub addr: SocketAddr,
    pub db: Db,
    pub url: String,
    pub dir: TempDir,
    pub state: AppState,
}

pub use app::test_util::{Backend, drop_postgres_schema, new_postgres_schema, postgres_base_url};

/// A server on `backend`, seeded like [`start`].
pub async fn start_on(backend: &Backend) -> TestServer {
    start_with(Options {
        backend: backend.clone(),
        ..Options::default()
    })
    .await
}

/// How to start a test server.
pub struct Options {
    /// The mailer, made for the server's temporary folder (default: its `outbox`).
    pub mailer: Box<dyn FnOnce(&std::path::Path) -> Mailer>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: &'static str,
    /// An existing database to share (default: a new seeded SQLite file).
    pub database_url: Option<String>,
    /// Serve with `QUIRE_SECURE_COOKIES`.
    pub secure_cookies: bool,
    /// Time limits.
    pub limits: server::router::Limits,
    /// Bundle file names carry content hashes.
    pub hashed_assets: bool,
    /// The database, when `database_url` is not given.
    pub backend: Backend,
    /// The bounds on live streams.
    pub live_bounds: app::live::hub::LiveBounds,
    /// Federation (default: on, insecure, as for a remote server on this machine).
    pub federation: app::federation::config::FederationSettings,
    /// How deliveries are retried, and the limit on activities per remote host.
    pub federation_limits: (
        app::federation::config::DeliveryPolicy,
        app::federation::state::HostLimit,
    ),
    /// Run the background tasks (federation's fan-out and deliveries among them).
    pub background: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mailer: Box::new(|dir| Mailer::outbox(dir.join("outbox"))),
            trusted_proxies: "",
            database_url: None,
            secure_cookies: false,
            limits: server::router::Limits::default(),
            hashed_assets: false,
            backend: Backend::Sqlite,
            live_bounds: app::live::hub::LiveBounds::default(),
            federation: app::federation::config::FederationSettings {
                enabled: true,
                insecure: true,
            },
            federation_limits: Default::default(),
            background: false,
        }
    }
}

/// Starts a server on the Flaskblog sample data (Corey and JohnDoe, password "password"),
/// writing mail to an outbox in its temporary folder.
pub async fn start() -> TestServer {
    start_with(Options::default()).await
}

/// Like [`start`], with the mailer `mailer` makes for the server's temporary folder.
pub async fn start_with_mailer(
    mailer: impl FnOnce(&std::path::Path) -> Mailer + 'static,
) -> TestServer {
    start_with(Options {
        mailer: Box::new(mailer),
        ..Options::default()
    })
    .await
}

/// A second instance on the database of `first`, as a deployment with two servers has.
pub async fn start_second(first: &TestServer) -> TestServer {
    start_with(Options {
        database_url: Some(first.url.clone()),
        ..Options::default()
    })
    .await
}

fn database_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("site.db").display())
}

/// Starts a server as `options` say.
pub async fn start_with(options: Options) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match (&options.database_url, &options.backend) {
        (Some(shared), _) => shared.clone(),
        (None, Backend::Sqlite) => database_url(dir.path()),
        (None, Backend::Postgres(url)) => url.clone(),
    };
    let db = Db::connect(&url).await.expect("open database");
    app::schema::migrate(&db).await.expect("migrate");
    if options.database_url.is_none() {
        seed_sample(&db).await.expect("seed");
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("quire")
        .site_root(dir.path().to_string_lossy().to_string())
        .hash_files(options.hashed_assets)
        .build();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let settings = Settings {
        secure_cookies: options.secure_cookies,
        public_url: format!("http://{addr}"),
        trusted_proxies: parse_trusted_proxies(options.trusted_proxies).expect("proxies"),
        federation: options.federation,
    };
    let secret = load_secret_key(&db, None).await.expect("secret key");
    let state = AppState::new(
        leptos_options,
        db.clone(),
        settings,
        (options.mailer)(dir.path()),
        secret,
    )
    .with_live_bounds(options.live_bounds)
    .with_federation_limits(options.federation_limits.0, options.federation_limits.1);
    if options.background {
        app::background::spawn_federation(&state);
    }
    tokio::spawn(server::router::serve(
        listener,
        state.clone(),
        options.limits,
        std::future::pending(),
    ));
    TestServer {
        addr,
        db,
        url,
        dir,
        state,
    }
}

impl TestServer {
    /// Sends one request and reads the whole response, within [`RESPONSE_TIMEOUT`].
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        tokio::time::timeout(
            RESPONSE_TIMEOUT,
            exchange(self.addr, method, path, headers, body),
        )
        .await
        .unwrap_or_else(|_| {
            panic!("{method} {path}: no complete response within {RESPONSE_TIMEOUT:?}")
        })
    }

    /// A GET as a browser sends it.
    pub async fn get(&self, path: &str) -> Response {
        self.request("GET", path, &[("Accept", "text/html")], b"")
            .await
    }

    /// A browser's GET with a cookie header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Response {
        self.request(
            "GET",
            path,
            &[("Accept", "text/html"), ("Cookie", cookie)],
            b"",
        )
        .await
    }

    /// A form POST as the app's own page sends it (same-origin), with an optional cookie.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Response {
        self.post_form_with(path, form, cookie, &[]).await
    }

    /// [`post_form`] with extra headers (`X-Forwarded-For`, `Accept`, …).
    pub async fn post_form_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Response {
        let body = form_body(form);
        let mut headers = vec![
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Sec-Fetch-Site", "same-origin"),
        ];
        if let Some(cookie) = cookie {
            headers.push(("Cookie", cookie));
        }
        headers.extend_from_slice(extra);
        self.request("POST", path, &headers, body.as_bytes()).await
    }

    /// Registers a user with a valid password.
    pub async fn register(&self, username: &str, email: &str) -> Response {
        self.post_form(
            "/api/register",
            &[
                ("username", username),
                ("email", email),
                ("password", "secret123"),
                ("confirm_password", "secret123"),
            ],
            None,
        )
        .await
    }

    /// Corey's session cookie (`quire_session=…`): he wrote posts 1 and 2 of the sample data.
    pub async fn as_corey(&self) -> String {
        self.login_as("C@demo.com", "password")
            .await
            .expect("Corey logs in")
    }

    /// JohnDoe's session cookie (`quire_session=…`): he wrote nothing in the sample data.
    pub async fn as_john(&self) -> String {
        self.login_as("jd@demo.com", "password")
            .await
            .expect("JohnDoe logs in")
    }

    /// Logs in and returns the session cookie (`quire_session=…`).
    pub async fn login_as(&self, email: &str, password: &str) -> Option<String> {
        self.post_form(
            "/api/login",
            &[("email", email), ("password", password)],
            None,
        )
        .await
        .cookie("quire_session")
    }

    /// Writes a post as `author` straight into the server's database; returns its id.
    pub async fn write_post(&self, author: &str, title: &str, content: &str) -> i64 {
        let user = app::users::repo::find_user_by_username(&self.db, author)
            .await
            .expect("query")
            .expect("author");
        let post = app::posts::model::NewPost {
            title: title.into(),
            content: content.into(),
        };
        app::posts::repo::insert_post(&self.db, user.id, &post)
            .await
            .expect("insert")
    }

    /// Delivers every due message of the mail queue now, as the background task would.
    pub async fn deliver_mail(&self) -> Vec<Outcome> {
        deliver_due(&self.state, &RetryPolicy::default())
            .await
            .expect("mail queue")
    }
}

/// What came back.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent.
    pub bytes: Vec<u8>,
}

impl Response {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `name=value` part of the `Set-Cookie` header for `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
            .find(|pair| pair.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// The whole `Set-Cookie` header for `name`, with its attributes.
    pub fn set_cookie_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .find(|v| v.starts_with(&format!("{name}=")))
    }
}

/// Longest a test waits for one response: a hang fails with a message instead of stalling CI.
pub const RESPONSE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("send head");
    // The server may answer (413) before reading a large body; that is not a test failure.
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let (head, bytes) = match raw.windows(4).position(|four| four == b"\r\n\r\n") {
        Some(at) => (&raw[..at], raw[at + 4..].to_vec()),
        None => (&raw[..], Vec::new()),
    };
    let head = String::from_utf8_lossy(head).to_string();
    let body = String::from_utf8_lossy(&bytes).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Response {
        status,
        headers,
        body,
        bytes,
    }
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A form body, percent-encoded.
pub fn form_body(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The process's peak resident memory, in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Starts measuring the peak resident memory from now (Linux: writing 5 resets VmHWM); returns
/// the current peak.
pub fn reset_peak_rss_kib() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    peak_rss_kib()
}
