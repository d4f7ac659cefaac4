//! `GET /live`: a new stream hears what is published after it opened, on this instance and on
//! another sharing the database; a reconnecting stream first gets what it missed, or `missed`
//! beyond the backlog; drafts stay silent; the bounds refuse extra streams; shutdown ends them;
//! a page carries the newest event it shows, where its first stream resumes.

use std::time::Duration;

use app::{
    live::{hub::LiveBounds, repo::trim_events},
    posts::{model::NewPost, repo as post_repo, repo::Standing},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::support::{Backend, Options, TestServer, start_on, start_second, start_with};

on_both_backends!(
    a_new_stream_starts_with_the_newest_id_and_hears_a_post_published_after,
    a_post_published_on_one_instance_reaches_a_stream_on_another,
    a_stream_resuming_after_an_id_first_gets_what_it_missed,
    a_stream_resuming_before_the_backlog_is_told_it_missed_changes,
    a_draft_is_not_heard_until_it_is_published,
    a_page_rendered_while_events_are_read_resumes_after_the_newest_it_shows,
);

/// How long an event may take to arrive.
const ARRIVAL: Duration = Duration::from_secs(5);

/// An open stream: the status line and headers, then the events as they come.
struct Live {
    socket: TcpStream,
    head: String,
    text: String,
}

/// One event: its id (if it carried one) and data.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Heard {
    id: Option<String>,
    data: String,
}

impl Live {
    /// Opens `/live` (with `path`'s query) on `server`, sending `headers`.
    async fn open(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Self {
        let mut socket = TcpStream::connect(server.addr).await.expect("connect");
        let mut request = format!(
            "GET {path} HTTP/1.0\r\nHost: {}\r\nAccept: text/event-stream\r\n",
            server.addr
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        socket.write_all(request.as_bytes()).await.expect("send");
        let mut live = Self {
            socket,
            head: String::new(),
            text: String::new(),
        };
        while !live.text.contains("\r\n\r\n") {
            assert!(
                live.read().await,
                "the stream closed before its headers:\n{}",
                live.text
            );
        }
        let (head, rest) = live.text.split_once("\r\n\r\n").expect("headers");
        (live.head, live.text) = (head.to_owned(), rest.to_owned());
        live
    }

    /// Reads more; false at the end of the stream.
    async fn read(&mut self) -> bool {
        let mut buffer = [0u8; 4096];
        let read = tokio::time::timeout(ARRIVAL, self.socket.read(&mut buffer))
            .await
            .expect("the stream went quiet")
            .expect("read");
        self.text
            .push_str(&String::from_utf8_lossy(&buffer[..read]));
        read > 0
    }

    /// The next event carrying data (comments and id-only events are skipped).
    async fn next(&mut self) -> Heard {
        loop {
            if let Some((event, rest)) = self.text.split_once("\n\n") {
                let (event, rest) = (event.to_owned(), rest.to_owned());
                self.text = rest;
                let field = |name: &str| {
                    event
                        .lines()
                        .find_map(|line| line.strip_prefix(name))
                        .map(str::to_owned)
                };
                if let Some(data) = field("data: ") {
                    return Heard {
                        id: field("id: "),
                        data,
                    };
                }
                continue;
            }
            assert!(self.read().await, "the stream ended");
        }
    }

    /// Whether the server ends the stream within [`ARRIVAL`] (data before the end is read).
    async fn ends(&mut self) -> bool {
        loop {
            let mut buffer = [0u8; 4096];
            match tokio::time::timeout(ARRIVAL, self.socket.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => {}
                Err(_) => return false,
            }
        }
    }
}

fn post(title: &str) -> NewPost {
    NewPost {
        title: title.into(),
        content: format!("{title}, written while you read."),
    }
}

async fn corey(server: &TestServer) -> i64 {
    app::users::repo::find_user_by_username(&server.db, "Corey")
        .await
        .expect("query")
        .expect("Corey")
        .id
}

async fn a_new_stream_starts_with_the_newest_id_and_hears_a_post_published_after(backend: Backend) {
    let server = start_on(&backend).await;
    let mut live = Live::open(&server, "/live", &[]).await;
    assert!(live.head.starts_with("HTTP/1.0 200"), "{}", live.head);
    assert!(
        live.head.contains("content-type: text/event-stream"),
        "{}",
        live.head
    );
    let hello = live.next().await;
    assert_eq!(hello.data, "hello");
    let id = server.write_post("Corey", "Heard live", "Fresh.").await;
    let heard = live.next().await;
    assert_eq!(
        heard.data,
        format!("published\t{id}\t{}", corey(&server).await)
    );
    assert!(
        heard.id.expect("an id").parse::<i64>().expect("a number")
            > hello.id.expect("an id").parse::<i64>().expect("a number")
    );
}

async fn a_post_published_on_one_instance_reaches_a_stream_on_another(backend: Backend) {
    let first = start_on(&backend).await;
    let second = start_second(&first).await;
    let mut live = Live::open(&second, "/live", &[]).await;
    live.next().await;
    let id = first
        .write_post("Corey", "Written elsewhere", "Across instances.")
        .await;
    let heard = live.next().await;
    assert!(
        heard.data.starts_with(&format!("published\t{id}\t")),
        "{heard:?}"
    );
}

async fn a_stream_resuming_after_an_id_first_gets_what_it_missed(backend: Backend) {
    let server = start_on(&backend).await;
    let mut live = Live::open(&server, "/live", &[]).await;
    let left_at = live.next().await.id.expect("an id");
    drop(live);
    let written = server.write_post("Corey", "While away", "Missed it.").await;
    post_repo::delete_post(&server.db, written)
        .await
        .expect("delete");
    let mut back = Live::open(&server, "/live", &[("Last-Event-ID", &left_at)]).await;
    assert_eq!(back.next().await.data, "hello");
    assert!(
        back.next()
            .await
            .data
            .starts_with(&format!("published\t{written}\t"))
    );
    assert_eq!(back.next().await.data, format!("deleted\t{written}"));
    // A page that reopens the stream itself says where it left off in the address.
    let mut reopened = Live::open(&server, &format!("/live?after={left_at}"), &[]).await;
    reopened.next().await;
    assert!(
        reopened
            .next()
            .await
            .data
            .starts_with(&format!("published\t{written}\t"))
    );
}

async fn a_stream_resuming_before_the_backlog_is_told_it_missed_changes(backend: Backend) {
    let server = start_on(&backend).await;
    let mut live = Live::open(&server, "/live", &[]).await;
    let left_at = live.next().await.id.expect("an id");
    drop(live);
    for n in 0..3 {
        server
            .write_post("Corey", &format!("Post {n}"), "Many.")
            .await;
    }
    // Federated first (nobody follows: nothing is sent), as the running fan-out does within a
    // second: the sweep keeps events federation has yet to send.
    app::federation::fanout::fan_out(&server.state)
        .await
        .expect("fan-out");
    trim_events(&server.db, 1).await.expect("trim");
    let mut back = Live::open(&server, "/live", &[("Last-Event-ID", &left_at)]).await;
    assert_eq!(back.next().await.data, "missed");
    let id = server.write_post("Corey", "After", "Live again.").await;
    assert!(
        back.next()
            .await
            .data
            .starts_with(&format!("published\t{id}\t"))
    );
}

async fn a_draft_is_not_heard_until_it_is_published(backend: Backend) {
    let server = start_on(&backend).await;
    let mut live = Live::open(&server, "/live", &[]).await;
    live.next().await;
    let author = corey(&server).await;
    let id = post_repo::insert_post_as(&server.db, author, &post("Secret"), Standing::DRAFT, &[])
        .await
        .expect("draft");
    post_repo::revise_post(
        &server.db,
        id,
        &post("Public now"),
        Standing::PUBLISHED,
        &[],
    )
    .await
    .expect("publish");
    assert_eq!(live.next().await.data, format!("published\t{id}\t{author}"));
}

/// The resume point a page carries for its first stream, if any.
fn resume_point(page: &str) -> Option<i64> {
    let (_, rest) = page.split_once(r#"<meta name="quire-live-after" content=""#)?;
    rest.split_once('"')?.0.parse().ok()
}

async fn a_page_rendered_while_events_are_read_resumes_after_the_newest_it_shows(backend: Backend) {
    let server = start_on(&backend).await;
    let mut live = Live::open(&server, "/live", &[]).await;
    live.next().await;
    server
        .write_post("Corey", "Shown on the page", "Read.")
        .await;
    let heard = live.next().await;
    let newest = heard.id.expect("an id").parse::<i64>().expect("a number");
    let page = server.get("/").await;
    assert!(page.body.contains("Shown on the page"));
    assert_eq!(resume_point(&page.body), Some(newest));
}

#[tokio::test]
async fn a_page_rendered_before_this_instance_reads_events_has_no_resume_point() {
    let server = start_with(Options::default()).await;
    let page = server.get("/").await;
    assert_eq!(page.status, 200);
    assert_eq!(resume_point(&page.body), None);
}

#[tokio::test]
async fn a_client_over_its_streams_gets_503_with_retry_after() {
    let server = start_with(Options {
        live_bounds: LiveBounds {
            per_client: 2,
            ..LiveBounds::default()
        },
        ..Options::default()
    })
    .await;
    let _one = Live::open(&server, "/live", &[]).await;
    let _two = Live::open(&server, "/live", &[]).await;
    let refused = Live::open(&server, "/live", &[]).await;
    assert!(refused.head.starts_with("HTTP/1.0 503"), "{}", refused.head);
    assert!(refused.head.contains("retry-after: 30"), "{}", refused.head);
    drop(_one);
    // The place is freed once the server sees the client gone.
    let mut admitted = false;
    for _ in 0..50 {
        if Live::open(&server, "/live", &[])
            .await
            .head
            .starts_with("HTTP/1.0 200")
        {
            admitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(admitted, "a closed stream gave back its place");
}

#[tokio::test]
async fn a_server_shutting_down_ends_its_streams() {
    let server = start_with(Options::default()).await;
    let mut live = Live::open(&server, "/live", &[]).await;
    live.next().await;
    server.state.live.close();
    assert!(live.ends().await, "the stream ended");
}

#[tokio::test]
async fn a_stream_is_never_kept_by_the_page_cache_nor_compressed() {
    let server = start_with(Options::default()).await;
    let live = Live::open(&server, "/live", &[("Accept-Encoding", "br, gzip")]).await;
    assert!(!live.head.contains("content-encoding"), "{}", live.head);
    assert!(
        live.head.contains("cache-control: no-cache"),
        "{}",
        live.head
    );
    assert!(live.head.contains("x-accel-buffering: no"), "{}", live.head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the process to itself: run alone with --ignored"]
async fn an_open_stream_holds_little_memory() {
    let server = start_with(Options {
        live_bounds: LiveBounds {
            per_client: 1_000,
            ..LiveBounds::default()
        },
        ..Options::default()
    })
    .await;
    // Warm up: the pool, the reading task, the first allocations.
    let mut warm = Vec::new();
    for _ in 0..50 {
        let mut live = Live::open(&server, "/live", &[]).await;
        live.next().await;
        warm.push(live);
    }
    let before = crate::support::reset_peak_rss_kib();
    let mut open = Vec::new();
    for _ in 0..300 {
        let mut live = Live::open(&server, "/live", &[]).await;
        live.next().await;
        open.push(live);
    }
    let each = crate::support::peak_rss_kib().saturating_sub(before) / 300;
    // Client and server share this process: the bound covers both ends of each stream.
    assert!(each < 64, "each open stream took {each} KiB");
}
