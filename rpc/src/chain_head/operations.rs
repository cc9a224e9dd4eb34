//! The operations of a follow subscription (`chainHead_v1_body`, `_call`,
//! `_storage`): each runs in its own task once its `started` answer has
//! gone out, reads on the blocking pool, and reports through the
//! subscription's events.
//!
//! A block the node no longer has (discarded by finality, or its state
//! pruned) gives `operationInaccessible`; a failing runtime call or a
//! storage error gives `operationError`.

use super::event::FollowEvent;
use super::registry::OpHandle;
use crate::api::{ChainApi, ReadError, StateApi};
use crate::params::to_hex;
use crate::spec_v2::storage::{Cursor, Query};
use crate::tasks::blocking;
use entroos_primitives::H256;
use jsonrpsee::MethodResponseFuture;
use std::sync::Arc;

/// The event that ends an operation whose read failed.
fn failure(id: &str, error: &ReadError) -> FollowEvent {
    let operation_id = id.to_string();
    match error {
        ReadError::UnknownBlock(_) | ReadError::StateDiscarded(_) => {
            FollowEvent::OperationInaccessible { operation_id }
        }
        ReadError::Execution(_) | ReadError::Backend(_) => FollowEvent::OperationError {
            operation_id,
            error: error.to_string(),
        },
    }
}

/// The event of a task that did not complete (it panicked).
fn aborted(id: &str) -> FollowEvent {
    FollowEvent::OperationError {
        operation_id: id.to_string(),
        error: "the operation failed to complete".into(),
    }
}

/// `chainHead_v1_body`.
pub(crate) async fn body(
    chain: Arc<dyn ChainApi>,
    mut op: OpHandle,
    hash: H256,
    started: MethodResponseFuture,
) {
    if started.await.is_err() {
        return;
    }
    let read = blocking(move || chain.body(hash)).await;
    let id = op.id().to_string();
    let event = match read {
        Ok(Ok(Some(extrinsics))) => FollowEvent::OperationBodyDone {
            operation_id: id,
            value: extrinsics.iter().map(|x| to_hex(&x.to_wire())).collect(),
        },
        Ok(Ok(None)) => FollowEvent::OperationInaccessible { operation_id: id },
        Ok(Err(e)) => failure(&id, &e),
        Err(_) => aborted(&id),
    };
    op.send(event).await;
}

/// `chainHead_v1_call`.
pub(crate) async fn call(
    state: Arc<dyn StateApi>,
    mut op: OpHandle,
    hash: H256,
    call: (String, Vec<u8>),
    started: MethodResponseFuture,
) {
    if started.await.is_err() {
        return;
    }
    let (method, input) = call;
    let read = blocking(move || state.call(hash, &method, &input)).await;
    let id = op.id().to_string();
    let event = match read {
        Ok(Ok(output)) => FollowEvent::OperationCallDone {
            operation_id: id,
            output: to_hex(&output),
        },
        Ok(Err(e)) => failure(&id, &e),
        Err(_) => aborted(&id),
    };
    op.send(event).await;
}

/// `chainHead_v1_storage`: the items a page at a time; after each full page
/// it waits for `chainHead_v1_continue`.
pub(crate) async fn storage(
    state: Arc<dyn StateApi>,
    mut op: OpHandle,
    hash: H256,
    (queries, page): (Vec<Query>, usize),
    started: MethodResponseFuture,
) {
    if started.await.is_err() {
        return;
    }
    let page = page.max(1);
    let id = op.id().to_string();
    let mut cursor = Cursor::new(queries);
    loop {
        let reader = state.clone();
        let read = blocking(move || {
            let items = cursor.read(&*reader, hash, page);
            (cursor, items)
        })
        .await;
        let items = match read {
            Ok((next, Ok(items))) => {
                cursor = next;
                items
            }
            Ok((_, Err(e))) => {
                op.send(failure(&id, &e)).await;
                return;
            }
            Err(_) => {
                op.send(aborted(&id)).await;
                return;
            }
        };
        let full = items.len() >= page;
        if !items.is_empty() {
            let event = FollowEvent::OperationStorageItems {
                operation_id: id.clone(),
                items,
            };
            if !op.send(event).await {
                return;
            }
        }
        if cursor.is_done() {
            break;
        }
        if full && cursor.has_descendants() && !wait_for_continue(&mut op, &id).await {
            return;
        }
    }
    op.send(FollowEvent::OperationStorageDone { operation_id: id })
        .await;
}

/// Sends `operationWaitingForContinue` and waits; whether to go on.
async fn wait_for_continue(op: &mut OpHandle, id: &str) -> bool {
    op.pause();
    let waiting = FollowEvent::OperationWaitingForContinue {
        operation_id: id.to_string(),
    };
    op.send(waiting).await && op.resumed().await
}
