//! Subscriptions and operations of the new API are owned by the connection
//! that started them: another connection naming the same id finds nothing.
//! This module names them, and ends them on request.

use crate::params::Args;
use jsonrpsee::core::server::ConnectionId;
use jsonrpsee::types::{ErrorObjectOwned, SubscriptionId};
use jsonrpsee::Extensions;
use parking_lot::Mutex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::oneshot;

/// A subscription or operation: its connection and its id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    conn: usize,
    id: String,
}

impl Key {
    /// The key of a subscription id on a connection.
    pub(crate) fn new(conn: ConnectionId, id: &SubscriptionId<'_>) -> Key {
        Key {
            conn: conn.0,
            id: id_text(id),
        }
    }

    /// The key of an id given as text on a connection.
    pub(crate) fn named(conn: ConnectionId, id: String) -> Key {
        Key { conn: conn.0, id }
    }
}

/// A subscription id as text (jsonrpsee ids are strings or numbers).
pub(crate) fn id_text(id: &SubscriptionId<'_>) -> String {
    match id {
        SubscriptionId::Num(n) => n.to_string(),
        SubscriptionId::Str(s) => s.to_string(),
    }
}

/// The connection a call came on. Every call served by jsonrpsee carries
/// one; a call without one owns nothing.
pub(crate) fn connection(extensions: &Extensions) -> ConnectionId {
    extensions
        .get::<ConnectionId>()
        .copied()
        .unwrap_or(ConnectionId(usize::MAX))
}

/// An id parameter (a subscription or operation id), text or number.
pub(crate) fn id_param(args: &Args, index: usize, name: &str) -> Result<String, ErrorObjectOwned> {
    match args.req::<Value>(index, name)? {
        Value::String(text) => Ok(text),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(crate::error::invalid_params(format!(
            "parameter {index} ({name}): {other} is not an id"
        ))),
    }
}

/// Subscriptions that end on request (`transactionWatch_v1_unwatch`,
/// `archive_v1_stopStorage`, …).
#[derive(Default)]
pub(crate) struct Cancels(Mutex<HashMap<Key, oneshot::Sender<()>>>);

impl Cancels {
    /// Registers a running subscription; it stays cancellable until the
    /// returned guard is dropped.
    pub(crate) fn register(self: &Arc<Self>, key: Key) -> CancelGuard {
        let (sender, receiver) = oneshot::channel();
        self.0.lock().insert(key.clone(), sender);
        CancelGuard {
            cancels: self.clone(),
            key,
            receiver,
        }
    }

    /// Cancels the subscription; whether it was running.
    pub(crate) fn cancel(&self, key: &Key) -> bool {
        match self.0.lock().remove(key) {
            Some(sender) => {
                let _ = sender.send(());
                true
            }
            None => false,
        }
    }
}

/// A running cancellable subscription.
pub(crate) struct CancelGuard {
    cancels: Arc<Cancels>,
    key: Key,
    receiver: oneshot::Receiver<()>,
}

impl CancelGuard {
    /// Resolves once the subscription is cancelled.
    pub(crate) async fn cancelled(&mut self) {
        let _ = (&mut self.receiver).await;
    }
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        self.cancels.0.lock().remove(&self.key);
    }
}
