//! The live pages' benchmark client: opens many `GET /live` streams on one Quire, then publishes
//! posts straight into its database and times how long each event takes to reach every stream;
//! then holds the streams open while the benchmark script loads the site.
//!
//! `live_streams URL DATABASE_URL STREAMS EVENTS HOLD_SECONDS`, e.g.
//! `live_streams http://127.0.0.1:3330 sqlite://site.db 1000 20 30`. Prints one `key value` per
//! line: `half` once half the streams are open (then waits 5 s), `opened`, `open_seconds`,
//! `events`, `p50_ms`, `p99_ms`, `max_ms`, then `holding` while the streams stay open.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use app::{posts::model::NewPost, server_only::db::Db};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::mpsc,
};

/// How long one event may take to reach every stream before the run fails.
const ARRIVAL: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, database_url, streams, events, hold] = args.as_slice() else {
        return Err("usage: live_streams URL DATABASE_URL STREAMS EVENTS HOLD_SECONDS".into());
    };
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()?;
    let (streams, events, hold): (usize, usize, u64) =
        (streams.parse()?, events.parse()?, hold.parse()?);

    let started = Instant::now();
    let (heard_tx, mut heard) = mpsc::unbounded_channel::<(i64, Instant)>();
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<()>();
    for opened in 0..streams {
        if opened == streams / 2 {
            wait_for_all(&mut ready, opened).await?;
            // Half are open: the benchmark reads the server's memory now and again at the end,
            // so what one stream takes is told apart from what opening any streams costs once.
            println!("half {opened}");
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        let mut socket = TcpStream::connect(addr).await?;
        let (heard_tx, ready_tx) = (heard_tx.clone(), ready_tx.clone());
        tokio::spawn(async move {
            let request =
                format!("GET /live HTTP/1.0\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
            if socket.write_all(request.as_bytes()).await.is_err() {
                return;
            }
            let mut text = String::new();
            let mut buffer = [0u8; 4096];
            let mut greeted = false;
            while let Ok(read) = socket.read(&mut buffer).await {
                if read == 0 {
                    return;
                }
                let at = Instant::now();
                text.push_str(&String::from_utf8_lossy(&buffer[..read]));
                while let Some(end) = text.find("\n\n") {
                    let event: String = text.drain(..end + 2).collect();
                    for line in event.lines() {
                        if line == "data: hello" && !greeted {
                            greeted = true;
                            let _ = ready_tx.send(());
                        } else if let Some(post) = line.strip_prefix("data: published\t") {
                            if let Some(id) = post.split('\t').next().and_then(|id| id.parse().ok())
                            {
                                let _ = heard_tx.send((id, at));
                            }
                        }
                    }
                }
            }
        });
    }
    drop(ready_tx);
    wait_for_all(&mut ready, streams - streams / 2).await?;
    println!("opened {streams}");
    println!("open_seconds {:.2}", started.elapsed().as_secs_f64());

    let db = Db::connect(database_url).await?;
    let author = app::users::repo::find_user_by_username(&db, "writer1")
        .await?
        .ok_or("the database has no writer1: seed it with `quire db seed`")?;
    let mut latencies = Vec::with_capacity(streams * events);
    for n in 0..events {
        let post = NewPost {
            title: format!("Live benchmark {n}"),
            content: "Fan-out.".into(),
        };
        let written = Instant::now();
        let id = app::posts::repo::insert_post(&db, author.id, &post).await?;
        let mut reached = 0;
        while reached < streams {
            let (heard_id, at) = tokio::time::timeout(ARRIVAL, heard.recv())
                .await
                .map_err(|_| format!("event {n} reached {reached} of {streams} streams"))?
                .ok_or("every stream closed")?;
            if heard_id == id {
                reached += 1;
                latencies.push(at.duration_since(written));
            }
        }
        // Events apart, as writers publish: each one's fan-out is timed alone.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    latencies.sort();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[index].as_secs_f64() * 1000.0
    };
    println!("events {events}");
    println!("p50_ms {:.1}", percentile(0.50));
    println!("p99_ms {:.1}", percentile(0.99));
    println!("max_ms {:.1}", percentile(1.0));
    println!("holding {hold}");
    tokio::time::sleep(Duration::from_secs(hold)).await;
    db.close().await;
    Ok(())
}

/// Waits until `count` more streams have been greeted.
async fn wait_for_all(ready: &mut mpsc::UnboundedReceiver<()>, count: usize) -> Result<(), String> {
    for greeted in 0..count {
        tokio::time::timeout(ARRIVAL, ready.recv())
            .await
            .map_err(|_| format!("only {greeted} of {count} streams opened"))?;
    }
    Ok(())
}
