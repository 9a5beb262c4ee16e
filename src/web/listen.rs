//! The server's connections: accepted, timed and capped so that idle or half-sent connections
//! cannot starve the clients that ask something.
//!
//! Invariants:
//! - A connection that sends or receives nothing for [`Limits::idle`] is closed, whether it
//!   never sent a byte, stopped half-way through a request's head, or kept a finished
//!   connection alive; a request's head must arrive within [`Limits::header_read`].
//! - At most [`Limits::max_connections`] are open: at the cap, the connection quiet for longest
//!   is closed to make room for the new one, so a flood of idle sockets cannot shut out a client.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How long connections may stay quiet, and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub idle: Duration,
    pub header_read: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            idle: Duration::from_secs(30),
            header_read: Duration::from_secs(10),
            // Well under the usual 1,024 open files a process may have.
            max_connections: 256,
        }
    }
}

/// Milliseconds since the server started: when a connection last moved a byte.
type Clock = Arc<AtomicU64>;

/// An open connection: when it last moved a byte, and how to close it.
struct Open {
    last: Clock,
    close: Arc<tokio::sync::Notify>,
}

/// Accepts connections on `listener` and answers each with `router` until `shutdown`.
pub async fn accept(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let started = Instant::now();
    let open: Arc<Mutex<BTreeMap<u64, Open>>> = Arc::default();
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or a connection reset before it was taken: the
                // listener itself is fine; breathe and go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let id = next_id;
        next_id += 1;
        let now = elapsed_ms(started);
        let last: Clock = Arc::new(AtomicU64::new(now));
        let close = Arc::new(tokio::sync::Notify::new());
        {
            let mut open = open.lock().unwrap_or_else(PoisonError::into_inner);
            if open.len() >= limits.max_connections {
                let quietest = open
                    .iter()
                    .min_by_key(|(_, connection)| connection.last.load(Ordering::Relaxed))
                    .map(|(id, _)| *id);
                if let Some(connection) = quietest.and_then(|id| open.remove(&id)) {
                    connection.close.notify_one();
                }
            }
            open.insert(
                id,
                Open {
                    last: last.clone(),
                    close: close.clone(),
                },
            );
        }
        let open = open.clone();
        let router = router.clone();
        tokio::spawn(async move {
            serve_one(stream, router, limits, started, last, close).await;
            open.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
        });
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Answers one connection until it ends, is told to close, or stays quiet too long.
async fn serve_one(
    stream: tokio::net::TcpStream,
    router: axum::Router,
    limits: Limits,
    started: Instant,
    last: Clock,
    close: Arc<tokio::sync::Notify>,
) {
    let io = TokioIo::new(Tracked {
        inner: stream,
        last: last.clone(),
        started,
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read)
        .serve_connection(io, TowerToHyperService::new(router));
    tokio::pin!(connection);
    let check = (limits.idle / 4).max(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = connection.as_mut() => return,
            () = close.notified() => return,
            () = tokio::time::sleep(check) => {
                let quiet = elapsed_ms(started).saturating_sub(last.load(Ordering::Relaxed));
                if Duration::from_millis(quiet) >= limits.idle {
                    // Dropping the connection closes the socket.
                    return;
                }
            }
        }
    }
}

/// A socket that notes when it last moved a byte.
struct Tracked {
    inner: tokio::net::TcpStream,
    last: Clock,
    started: Instant,
}

impl Tracked {
    fn moved(&self) {
        self.last.store(elapsed_ms(self.started), Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.moved();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(written)) if written > 0) {
            self.moved();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
