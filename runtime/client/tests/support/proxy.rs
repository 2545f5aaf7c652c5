//! A tiny HTTP proxy on 127.0.0.1 for tests: a CONNECT request opens a
//! tunnel (bytes copied both ways), an absolute-form request is passed on
//! as it came; every request head is recorded. Only loopback targets are
//! reached: any other gets a 502, so no test leaves the machine. Shared by
//! path (`#[path]`) by the runtime's tests and the command line's.

#![allow(dead_code)] // each test file uses a different part

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One request head as the proxy saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// `CONNECT host:port HTTP/1.1`, or `GET http://host:port/path HTTP/1.1`.
    pub line: String,
    pub proxy_authorization: Option<String>,
}

impl Seen {
    pub fn method(&self) -> &str {
        self.line.split(' ').next().unwrap_or_default()
    }

    /// The `host:port` the client asked for, either way.
    pub fn target(&self) -> String {
        let target = self.line.split(' ').nth(1).unwrap_or_default();
        let target = target.strip_prefix("http://").unwrap_or(target);
        target.split('/').next().unwrap_or_default().to_owned()
    }
}

pub struct TestProxy {
    /// `http://127.0.0.1:port`.
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl TestProxy {
    /// A proxy that lets everyone through (to loopback).
    pub async fn start() -> TestProxy {
        TestProxy::serve(None).await
    }

    /// A proxy that answers 407 unless `Proxy-Authorization` is `expected`.
    pub async fn requiring(expected: &str) -> TestProxy {
        TestProxy::serve(Some(expected.to_owned())).await
    }

    async fn serve(required: Option<String>) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let task = tokio::spawn({
            let seen = seen.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let seen = seen.clone();
                    let required = required.clone();
                    tokio::spawn(async move {
                        let _ = handle(stream, seen, required).await;
                    });
                }
            }
        });
        TestProxy { url, seen, task }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The `host:port` of every request, in order.
    pub fn targets(&self) -> Vec<String> {
        self.seen().iter().map(Seen::target).collect()
    }

    /// `host:port` of this proxy, as a tunnel error names it.
    pub fn authority(&self) -> &str {
        self.url.trim_start_matches("http://")
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// `host:port` of an `http://host:port` URL.
pub fn authority(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split('/').next().unwrap_or_default().to_owned()
}

async fn handle(
    mut client: TcpStream,
    seen: Arc<Mutex<Vec<Seen>>>,
    required: Option<String>,
) -> std::io::Result<()> {
    // The head, and whatever came after it in the same reads.
    let mut buffer = Vec::new();
    let end = loop {
        let mut chunk = [0u8; 4096];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let mut lines = head.lines();
    let line = lines.next().unwrap_or_default().to_owned();
    let proxy_authorization = lines.find_map(|header| {
        let (name, value) = header.split_once(':')?;
        name.eq_ignore_ascii_case("proxy-authorization")
            .then(|| value.trim().to_owned())
    });
    let request = Seen {
        line,
        proxy_authorization,
    };
    seen.lock().unwrap().push(request.clone());

    if required.is_some() && request.proxy_authorization != required {
        let answer = "HTTP/1.1 407 Proxy Authentication Required\r\n\
                      Proxy-Authenticate: Basic realm=\"test\"\r\ncontent-length: 0\r\n\r\n";
        return client.write_all(answer.as_bytes()).await;
    }
    let target = request.target();
    let host = target.rsplit_once(':').map_or(target.as_str(), |(h, _)| h);
    let upstream = match host {
        "127.0.0.1" | "localhost" | "[::1]" => TcpStream::connect(&target).await.ok(),
        _ => None,
    };
    let Some(mut upstream) = upstream else {
        let answer = "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n";
        return client.write_all(answer.as_bytes()).await;
    };
    if request.method() == "CONNECT" {
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await?;
        upstream.write_all(&buffer[end..]).await?;
    } else {
        // An absolute-form request: servers take it as it is.
        upstream.write_all(&buffer).await?;
    }
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}
