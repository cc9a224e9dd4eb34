//! Request-response on a substream: the requester writes one frame and
//! closes its side; the responder answers with one frame and closes. Both
//! frames are capped by the protocol's limits, and the whole exchange by
//! its timeout. A responder that closes without a frame refuses.

use crate::error::RequestFailure;
use crate::events::{NetworkEvent, Responder};
use crate::framing::{read_frame, write_frame, FrameError};
use crate::identity::PeerId;
use crate::worker::Report;
use futures::channel::oneshot;
use futures::io::AsyncWriteExt;
use libp2p::Stream;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit};

/// The requester's side, on an opened substream.
pub(crate) async fn exchange(
    mut stream: Stream,
    request: &[u8],
    max_response: usize,
) -> Result<Vec<u8>, RequestFailure> {
    write_frame(&mut stream, request)
        .await
        .map_err(|_| RequestFailure::ConnectionClosed)?;
    stream
        .close()
        .await
        .map_err(|_| RequestFailure::ConnectionClosed)?;
    read_frame(&mut stream, max_response)
        .await
        .map_err(|e| match e {
            FrameError::TooLarge { .. } => RequestFailure::ResponseTooLarge,
            FrameError::Closed | FrameError::BadLength | FrameError::Io(_) => {
                RequestFailure::Refused
            }
        })
}

/// An inbound request substream and what answering it needs.
pub(crate) struct Inbound {
    pub(crate) stream: Stream,
    pub(crate) peer: PeerId,
    pub(crate) protocol: Arc<str>,
    pub(crate) max_request: usize,
    pub(crate) max_response: usize,
    pub(crate) timeout: Duration,
    pub(crate) events: mpsc::Sender<NetworkEvent>,
    pub(crate) reports: mpsc::Sender<Report>,
    /// Held while the request is served: bounds concurrent inbound requests.
    pub(crate) permit: OwnedSemaphorePermit,
}

impl Inbound {
    /// Serves the request within the protocol's timeout.
    pub(crate) async fn serve(self) {
        let timeout = self.timeout;
        let _ = tokio::time::timeout(timeout, self.answer()).await;
    }

    async fn answer(mut self) {
        let request = match read_frame(&mut self.stream, self.max_request).await {
            Ok(request) => request,
            Err(FrameError::TooLarge { .. }) => {
                let _ = self
                    .reports
                    .send(Report::Misbehaved {
                        peer: self.peer.libp2p(),
                    })
                    .await;
                return;
            }
            Err(_) => return,
        };
        let (reply, response) = oneshot::channel();
        let event = NetworkEvent::Request {
            peer: self.peer,
            protocol: self.protocol.clone(),
            bytes: request,
            respond: Responder::new(reply, self.max_response),
        };
        if self.events.send(event).await.is_err() {
            return;
        }
        if let Ok(response) = response.await {
            if write_frame(&mut self.stream, &response).await.is_ok() {
                let _ = self.stream.close().await;
            }
        }
        drop(self.permit);
    }
}
