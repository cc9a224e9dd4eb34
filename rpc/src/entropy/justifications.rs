//! `entropy_subscribeJustifications`: one notification per justification
//! stored with a finalized block — `number`, `hash`, `setId`, `round` and
//! `justification` (hex of its SCALE, without the engine id). Blocks
//! finalized without one (and notices missed under load) send nothing.

use super::proof::stored_justification;
use crate::server::Deps;
use crate::tasks::{blocking, next_header, send};
use codec::Encode;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_subscription(
        "entropy_subscribeJustifications",
        "entropy_justification",
        "entropy_unsubscribeJustifications",
        |_, pending, deps, _| async move { forward(pending, deps).await },
    )?;
    Ok(())
}

async fn forward(pending: PendingSubscriptionSink, deps: Arc<Deps>) {
    let source = deps.clone();
    let mut justified = match blocking(move || source.chain.subscribe_justified()).await {
        Ok(receiver) => receiver,
        Err(e) => return pending.reject(e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    while let Some(header) = next_header(&sink, &mut justified).await {
        let deps = deps.clone();
        let read = blocking(move || notification(&deps, &header)).await;
        let Ok(Some(value)) = read else { continue };
        if send(&sink, &value).await.is_err() {
            return;
        }
    }
}

/// The notification of `header`, if it has a readable justification.
fn notification(deps: &Deps, header: &entroos_primitives::Header) -> Option<Value> {
    let hash = header.hash();
    let justification = stored_justification(deps, header.number, hash).ok()??;
    Some(json!({
        "number": header.number,
        "hash": hash,
        "setId": justification.set_id,
        "round": justification.round,
        "justification": crate::params::to_hex(&justification.encode()),
    }))
}
