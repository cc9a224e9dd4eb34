//! One notification protocol with one peer: a session.
//!
//! Each side opens its own outbound substream and sends its handshake; the
//! other side answers on it with its own handshake. From then on the opener
//! writes notifications (one frame each) and the receiver only reads. A
//! session owns our outbound substream and the peer's inbound one:
//!
//! 1. open the outbound substream, write our handshake, read the peer's
//!    (both within [`HANDSHAKE_TIMEOUT`]), meanwhile answering the peer's
//!    substream, whose opener waits for our handshake just the same;
//! 2. register the send queue and emit `Connected`;
//! 3. write queued messages, answer the peer's inbound substream with our
//!    handshake, and emit every frame it carries as a `Notification`;
//! 4. end — unregister the queue, emit `Disconnected` — when either
//!    substream closes or fails, a write stalls past [`WRITE_TIMEOUT`], or
//!    a frame exceeds the limit.
//!
//! A handshake or a message above its limit, on either substream, reports
//! the peer as misbehaving (the worker bans and disconnects it).
//!
//! Notifications are read only after `Connected` has been emitted, so the
//! consumer always sees `Connected` first.

use crate::events::NetworkEvent;
use crate::framing::{read_frame, write_frame, FrameError};
use crate::identity::PeerId;
use crate::state::{Outbox, Shared};
use crate::substreams::OpenError;
use crate::worker::Report;
use futures::channel::oneshot;
use futures::future::{pending, BoxFuture, FutureExt};
use futures::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use futures::stream::{self, BoxStream, StreamExt};
use libp2p::Stream;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::timeout;

/// The longest a substream may take to open and exchange handshakes.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest one message may take to be written.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

type Frames = BoxStream<'static, Result<Vec<u8>, FrameError>>;

/// The frames of a reader, ending after the first error.
fn frames<R: AsyncRead + Unpin + Send + 'static>(reader: R, max: usize) -> Frames {
    stream::unfold(Some(reader), move |reader| async move {
        let mut reader = reader?;
        match read_frame(&mut reader, max).await {
            Ok(frame) => Some((Ok(frame), Some(reader))),
            Err(error) => Some((Err(error), None)),
        }
    })
    .boxed()
}

/// The peer's substream: none yet, its handshake under way, or open.
enum Incoming {
    Idle,
    Accepting(BoxFuture<'static, Option<Frames>>),
    Open(Frames),
}

impl Incoming {
    /// Finishes a handshake under way; pending otherwise. Cancel-safe.
    async fn accepted(&mut self) {
        let Incoming::Accepting(accepting) = self else {
            return pending().await;
        };
        *self = match accepting.await {
            Some(frames) => Incoming::Open(frames),
            None => Incoming::Idle,
        };
    }

    /// The next frame, once the handshake is done. Cancel-safe.
    async fn next_frame(&mut self) -> Option<Result<Vec<u8>, FrameError>> {
        loop {
            match self {
                Incoming::Idle => return pending().await,
                Incoming::Accepting(_) => self.accepted().await,
                Incoming::Open(frames) => return frames.next().await,
            }
        }
    }
}

/// Where a peer whose handshake is above the limit is reported.
struct Blame {
    peer: PeerId,
    reports: mpsc::Sender<Report>,
}

impl Blame {
    /// Reports the peer if `error` is a handshake above the limit.
    async fn if_too_large(&self, error: &FrameError) {
        if let FrameError::TooLarge { size, max } = error {
            tracing::debug!(peer = %self.peer, size, max, "handshake above the limit");
            let peer = self.peer.libp2p();
            let _ = self.reports.send(Report::Misbehaved { peer }).await;
        }
    }
}

/// Answers a peer's substream: reads its handshake, writes ours.
async fn accept(
    mut stream: Stream,
    handshake: Vec<u8>,
    (max_handshake, max_message): (usize, usize),
    blame: Blame,
) -> Option<Frames> {
    let exchange = async {
        if let Err(error) = read_frame(&mut stream, max_handshake).await {
            blame.if_too_large(&error).await;
            return None;
        }
        write_frame(&mut stream, &handshake).await.ok()
    };
    timeout(HANDSHAKE_TIMEOUT, exchange).await.ok().flatten()?;
    Some(frames(stream, max_message))
}

/// Why a session ended.
enum End {
    Closed,
    Misbehaved,
}

/// One notification protocol with one peer.
pub(crate) struct Session {
    pub(crate) id: u64,
    pub(crate) peer: PeerId,
    pub(crate) index: usize,
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: mpsc::Sender<NetworkEvent>,
    pub(crate) reports: mpsc::Sender<Report>,
}

impl Session {
    fn protocol(&self) -> Arc<str> {
        self.shared
            .protocols
            .notifications
            .get(self.index)
            .map_or_else(|| Arc::from(""), |p| p.name.clone())
    }

    fn limits(&self) -> (usize, usize, usize) {
        self.shared
            .protocols
            .notifications
            .get(self.index)
            .map_or((0, 0, 1), |p| {
                (
                    p.config.max_handshake_size,
                    p.config.max_message_size,
                    p.config.queue_size.max(1),
                )
            })
    }

    /// Runs the session to its end.
    pub(crate) async fn run(
        self,
        outbound: oneshot::Receiver<Result<Stream, OpenError>>,
        mut inbound: mpsc::Receiver<Stream>,
    ) {
        let (opened, incoming) = self.open_answering(outbound, &mut inbound).await;
        let Some((stream, handshake)) = opened else {
            tracing::debug!(peer = %self.peer, protocol = %self.protocol(), "notification protocol did not open");
            self.report_end(false, End::Closed).await;
            return;
        };
        let (queue, outbox) = mpsc::channel(self.limits().2);
        self.shared.register_outbox(
            self.peer,
            self.index,
            Outbox {
                session: self.id,
                queue,
            },
        );
        let connected = NetworkEvent::Connected {
            peer: self.peer,
            protocol: self.protocol(),
            handshake,
        };
        let end = if self.events.send(connected).await.is_ok() {
            let _ = self
                .reports
                .send(Report::SessionOpened {
                    peer: self.peer.libp2p(),
                    index: self.index,
                    id: self.id,
                })
                .await;
            self.serve(stream, outbox, inbound, incoming).await
        } else {
            End::Closed
        };
        self.shared
            .unregister_outbox(self.peer, self.index, self.id);
        let disconnected = NetworkEvent::Disconnected {
            peer: self.peer,
            protocol: self.protocol(),
        };
        let _ = self.events.send(disconnected).await;
        self.report_end(true, end).await;
    }

    async fn report_end(&self, opened: bool, end: End) {
        let peer = self.peer.libp2p();
        if let End::Misbehaved = end {
            let _ = self.reports.send(Report::Misbehaved { peer }).await;
        }
        let _ = self
            .reports
            .send(Report::SessionEnded {
                peer,
                index: self.index,
                id: self.id,
                opened,
            })
            .await;
    }

    /// Opens the outbound substream while answering the peer's, which it
    /// opens at the same time and which waits for our handshake too.
    async fn open_answering(
        &self,
        outbound: oneshot::Receiver<Result<Stream, OpenError>>,
        inbound: &mut mpsc::Receiver<Stream>,
    ) -> (Option<(Stream, Vec<u8>)>, Incoming) {
        let open = timeout(HANDSHAKE_TIMEOUT, self.open(outbound));
        tokio::pin!(open);
        let mut incoming = Incoming::Idle;
        loop {
            tokio::select! {
                opened = &mut open => return (opened.ok().flatten(), incoming),
                Some(stream) = inbound.recv() => incoming = self.accepting(stream),
                () = incoming.accepted() => {}
            }
        }
    }

    fn accepting(&self, stream: Stream) -> Incoming {
        let (max_handshake, max_message, _) = self.limits();
        let handshake = self.shared.handshake(self.index);
        let limits = (max_handshake, max_message);
        Incoming::Accepting(accept(stream, handshake, limits, self.blame()).boxed())
    }

    fn blame(&self) -> Blame {
        Blame {
            peer: self.peer,
            reports: self.reports.clone(),
        }
    }

    /// Opens the outbound substream and exchanges handshakes on it.
    async fn open(
        &self,
        outbound: oneshot::Receiver<Result<Stream, OpenError>>,
    ) -> Option<(Stream, Vec<u8>)> {
        let opened = outbound.await.unwrap_or(Err(OpenError::ConnectionClosed));
        let mut stream = opened
            .inspect_err(|error| tracing::debug!(peer = %self.peer, %error, "notification substream not opened"))
            .ok()?;
        write_frame(&mut stream, &self.shared.handshake(self.index))
            .await
            .ok()?;
        match read_frame(&mut stream, self.limits().0).await {
            Ok(handshake) => Some((stream, handshake)),
            Err(error) => {
                tracing::debug!(peer = %self.peer, %error, "no handshake back");
                self.blame().if_too_large(&error).await;
                None
            }
        }
    }

    async fn serve(
        &self,
        stream: Stream,
        mut outbox: mpsc::Receiver<Vec<u8>>,
        mut inbound: mpsc::Receiver<Stream>,
        mut incoming: Incoming,
    ) -> End {
        let (reader, mut writer) = stream.split();
        let mut closed = frames(reader, 0);
        loop {
            tokio::select! {
                Some(message) = outbox.recv() => {
                    if !write_message(&mut writer, &message).await {
                        return End::Closed;
                    }
                }
                Some(stream) = inbound.recv() => incoming = self.accepting(stream),
                frame = incoming.next_frame() => match frame {
                    Some(Ok(bytes)) => {
                        let event = NetworkEvent::Notification { peer: self.peer, protocol: self.protocol(), bytes };
                        if self.events.send(event).await.is_err() {
                            return End::Closed;
                        }
                    }
                    Some(Err(FrameError::TooLarge { .. })) => return End::Misbehaved,
                    Some(Err(_)) | None => return End::Closed,
                },
                _ = closed.next() => return End::Closed,
            }
        }
    }
}

async fn write_message<W: AsyncWrite + Unpin>(writer: &mut W, message: &[u8]) -> bool {
    matches!(
        timeout(WRITE_TIMEOUT, write_frame(writer, message)).await,
        Ok(Ok(()))
    )
}
