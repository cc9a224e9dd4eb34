//! `archive_v1_storage`: one `storage` event per item found, then
//! `storageDone` (or `storageError`). Descendants are read a page at a time
//! and each event waits for the client to take it, so a query over a large
//! prefix holds one page; `paginationStartKey` resumes strictly after the
//! given key.

use super::hash_arg;
use crate::params::Args;
use crate::server::Deps;
use crate::spec_v2::keys::{CancelGuard, Cancels, Key};
use crate::spec_v2::storage::{queries_param, Cursor, Item};
use crate::state::MAX_QUERY_KEYS;
use crate::tasks::{blocking, send};
use entroos_primitives::H256;
use jsonrpsee::types::Params;
use jsonrpsee::{PendingSubscriptionSink, SubscriptionSink};
use serde::Serialize;
use std::sync::Arc;

/// Items read per blocking read.
const PAGE: usize = 256;

/// One notification of `archive_v1_storage`.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "camelCase")]
enum StorageEvent {
    /// An item found.
    Storage(Item),
    /// Every item was sent.
    StorageDone,
    /// The storage could not be read.
    StorageError {
        /// Why.
        error: String,
    },
}

/// Runs one `archive_v1_storage` subscription.
pub(crate) async fn run(
    p: Params<'static>,
    pending: PendingSubscriptionSink,
    deps: Arc<Deps>,
    cancels: Arc<Cancels>,
) {
    let parsed = Args::parse(&p).and_then(|args| {
        let hash = hash_arg(&args, 0)?;
        let queries = queries_param(&args, 1, MAX_QUERY_KEYS)?;
        Ok((hash, queries, args.opt_bytes(2, "childTrie")?))
    });
    let (hash, mut queries, child_trie) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => return pending.reject(e).await,
    };
    let mut stopped = cancels.register(Key::new(
        pending.connection_id(),
        &pending.subscription_id(),
    ));
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if child_trie.is_some() {
        // The node keeps no child tries: nothing is under any child trie key.
        queries.clear();
    }
    let last = match stream(&sink, &deps, hash, Cursor::new(queries), &mut stopped).await {
        Some(Ok(())) => StorageEvent::StorageDone,
        Some(Err(error)) => StorageEvent::StorageError { error },
        None => return,
    };
    let _ = send(&sink, &last).await;
}

/// Sends every item; `None` if stopped or the client left, else whether
/// the storage could be read.
async fn stream(
    sink: &SubscriptionSink,
    deps: &Arc<Deps>,
    hash: H256,
    mut cursor: Cursor,
    stopped: &mut CancelGuard,
) -> Option<Result<(), String>> {
    let known = {
        let deps = deps.clone();
        blocking(move || deps.chain.header(hash)).await
    };
    match known {
        Ok(Ok(Some(_))) => {}
        Ok(Ok(None)) => return Some(Err(format!("unknown block {hash}"))),
        Ok(Err(e)) => return Some(Err(e.to_string())),
        Err(e) => return Some(Err(e.message().to_string())),
    }
    while !cursor.is_done() {
        let state = deps.state.clone();
        let read = blocking(move || {
            let items = cursor.read(&*state, hash, PAGE);
            (cursor, items)
        })
        .await;
        let items = match read {
            Ok((next, Ok(items))) => {
                cursor = next;
                items
            }
            Ok((_, Err(e))) => return Some(Err(e.to_string())),
            Err(e) => return Some(Err(e.message().to_string())),
        };
        for item in items {
            let event = StorageEvent::Storage(item);
            tokio::select! {
                _ = stopped.cancelled() => return None,
                sent = send(sink, &event) => sent.ok()?,
            }
        }
    }
    Some(Ok(()))
}
