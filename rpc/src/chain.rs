//! `chain_*`: headers, blocks, hashes and head subscriptions.

use crate::params::{parse_number, Args};
use crate::server::Deps;
use crate::tasks::{blocking, next_header, send};
use entroos_primitives::generic::SignedBlock;
use entroos_primitives::{Block, Header, H256};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::broadcast;

/// The block to read: the given hash, or the best block.
pub(crate) fn at_or_best(deps: &Deps, at: Option<H256>) -> H256 {
    at.unwrap_or_else(|| deps.chain.best().1)
}

fn block_hash(deps: &Deps, args: &Args) -> Result<Value, ErrorObjectOwned> {
    let hash_of = |n| deps.chain.hash_of(n).map(|h| json!(h));
    match args.values().first() {
        None | Some(Value::Null) => Ok(json!(deps.chain.best().1)),
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| {
                parse_number(v)
                    .map_err(crate::error::invalid_params)
                    .and_then(|n| Ok(hash_of(n)?))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Some(_) => {
            let n = args.number(0)?.unwrap_or(0);
            Ok(hash_of(n)?)
        }
    }
}

fn block_json(deps: &Deps, hash: H256) -> Result<Option<SignedBlock>, ErrorObjectOwned> {
    let (Some(header), Some(extrinsics)) = (deps.chain.header(hash)?, deps.chain.body(hash)?)
    else {
        return Ok(None);
    };
    // A stored justification is the engine id followed by its proof.
    let justifications = deps.chain.justification(hash)?.and_then(|j| {
        let engine: [u8; 4] = j.get(..4)?.try_into().ok()?;
        Some(vec![(engine, j.get(4..).unwrap_or_default().to_vec())])
    });
    Ok(Some(SignedBlock {
        block: Block { header, extrinsics },
        justifications,
    }))
}

/// Registers the `chain_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method("chain_getBlockHash", |p, d, _| {
        let d: &Deps = &d;
        block_hash(d, &Args::parse(&p)?)
    })?;
    module.register_alias("chain_getHead", "chain_getBlockHash")?;
    module.register_blocking_method(
        "chain_getHeader",
        |p, d, _| -> Result<Option<Header>, ErrorObjectOwned> {
            let d: &Deps = &d;
            let args = Args::parse(&p)?;
            Ok(d.chain.header(at_or_best(d, args.hash(0)?))?)
        },
    )?;
    module.register_blocking_method("chain_getBlock", |p, d, _| {
        let d: &Deps = &d;
        let args = Args::parse(&p)?;
        block_json(d, at_or_best(d, args.hash(0)?))
    })?;
    module.register_blocking_method("chain_getFinalizedHead", |_, d, _| {
        let d: &Deps = &d;
        Ok::<_, ErrorObjectOwned>(d.chain.finalized().1)
    })?;
    module.register_alias("chain_getFinalisedHead", "chain_getFinalizedHead")?;

    subscription(
        module,
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |d| {
            (
                d.chain.subscribe_best(),
                d.chain.header(d.chain.best().1).ok().flatten(),
            )
        },
    )?;
    module.register_alias("chain_subscribeNewHead", "chain_subscribeNewHeads")?;
    module.register_alias("subscribe_newHead", "chain_subscribeNewHeads")?;
    module.register_alias("chain_unsubscribeNewHead", "chain_unsubscribeNewHeads")?;
    module.register_alias("unsubscribe_newHead", "chain_unsubscribeNewHeads")?;

    subscription(
        module,
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |d| {
            (
                d.chain.subscribe_finalized(),
                d.chain.header(d.chain.finalized().1).ok().flatten(),
            )
        },
    )?;
    module.register_alias(
        "chain_subscribeFinalisedHeads",
        "chain_subscribeFinalizedHeads",
    )?;
    module.register_alias(
        "chain_unsubscribeFinalisedHeads",
        "chain_unsubscribeFinalizedHeads",
    )?;

    subscription(
        module,
        "chain_subscribeAllHeads",
        "chain_allHead",
        "chain_unsubscribeAllHeads",
        |d| {
            (
                d.chain.subscribe_imported(),
                d.chain.header(d.chain.best().1).ok().flatten(),
            )
        },
    )?;
    Ok(())
}

/// A head subscription's source: its receiver, taken first so that no head
/// is missed, and the header it starts with.
type Source = fn(&Deps) -> (broadcast::Receiver<Header>, Option<Header>);

fn subscription(
    module: &mut RpcModule<Deps>,
    subscribe: &'static str,
    notification: &'static str,
    unsubscribe: &'static str,
    source: Source,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_subscription(
        subscribe,
        notification,
        unsubscribe,
        move |_, pending, deps, _| async move {
            forward_headers(pending, deps, source).await;
        },
    )?;
    Ok(())
}

async fn forward_headers(pending: PendingSubscriptionSink, deps: Arc<Deps>, source: Source) {
    let (mut receiver, current) = match blocking(move || source(&deps)).await {
        Ok(start) => start,
        Err(e) => return pending.reject(e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if let Some(header) = current {
        if send(&sink, &header).await.is_err() {
            return;
        }
    }
    while let Some(header) = next_header(&sink, &mut receiver).await {
        if send(&sink, &header).await.is_err() {
            return;
        }
    }
}
