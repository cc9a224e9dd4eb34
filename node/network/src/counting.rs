//! Byte counters on the raw TCP stream, under WebSocket framing, noise and
//! yamux: what crosses the wire, in and out.

use futures::io::{AsyncRead, AsyncWrite};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// Bytes read from and written to every connection since start.
#[derive(Debug, Default)]
pub(crate) struct ByteCounters {
    inbound: AtomicU64,
    outbound: AtomicU64,
}

impl ByteCounters {
    pub(crate) fn inbound(&self) -> u64 {
        self.inbound.load(Ordering::Relaxed)
    }

    pub(crate) fn outbound(&self) -> u64 {
        self.outbound.load(Ordering::Relaxed)
    }
}

/// A stream that adds what passes through it to the counters.
#[derive(Debug)]
pub(crate) struct Counted<S> {
    inner: S,
    counters: Arc<ByteCounters>,
}

impl<S> Counted<S> {
    pub(crate) fn new(inner: S, counters: Arc<ByteCounters>) -> Self {
        Self { inner, counters }
    }
}

fn count(counter: &AtomicU64, result: &Poll<io::Result<usize>>) {
    if let Poll::Ready(Ok(n)) = result {
        counter.fetch_add(*n as u64, Ordering::Relaxed);
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        count(&self.counters.inbound, &result);
        result
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        count(&self.counters.outbound, &result);
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}
