//! Where node work runs, and the plumbing of subscriptions.
//!
//! Every call into the node traits can read the database or run the
//! runtime, so none runs on the async workers that serve connections:
//! methods are registered as blocking methods (jsonrpsee runs them on the
//! blocking pool), and subscriptions hand each read to [`blocking`].

use crate::error::internal;
use entroos_primitives::Header;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{SubscriptionMessage, SubscriptionSink};
use tokio::sync::broadcast;

/// The client left (or its messages could not be encoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

/// Runs `work` on the blocking pool; -32603 if it panicked.
pub(crate) async fn blocking<T, F>(work: F) -> Result<T, ErrorObjectOwned>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| internal())
}

/// The next header of `receiver`, or `None` once the client left or the
/// source closed; headers missed under load are skipped.
pub(crate) async fn next_header(
    sink: &SubscriptionSink,
    receiver: &mut broadcast::Receiver<Header>,
) -> Option<Header> {
    loop {
        tokio::select! {
            _ = sink.closed() => return None,
            header = receiver.recv() => match header {
                Ok(header) => return Some(header),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            },
        }
    }
}

/// Sends one notification.
pub(crate) async fn send(
    sink: &SubscriptionSink,
    value: &impl serde::Serialize,
) -> Result<(), Closed> {
    let raw = serde_json::value::to_raw_value(value).map_err(|_| Closed)?;
    sink.send(SubscriptionMessage::from(raw))
        .await
        .map_err(|_| Closed)
}
