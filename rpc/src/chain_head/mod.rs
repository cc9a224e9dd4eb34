//! `chainHead_v1_*`: following the head of the chain, and reading pinned
//! blocks (header, body, runtime calls, storage) through operations whose
//! results come as events of the follow subscription. Every block a
//! subscription reports is pinned in the node until the subscription
//! unpins it or ends, so its body and state stay readable meanwhile.
//!
//! Subscriptions belong to their connection. A call naming a subscription
//! that is not running (unknown, stopped, or another connection's) is
//! answered as the spec says for a stale one: `limitReached` for an
//! operation, `null` for a header, and no effect otherwise.

mod event;
mod follow;
mod operations;
mod registry;
mod tree;

use crate::error::invalid_params;
use crate::params::{to_hex, Args};
use crate::server::Deps;
use crate::spec_v2::error::SpecError;
use crate::spec_v2::keys::{connection, id_param, Key};
use crate::spec_v2::storage::queries_param;
use crate::spec_v2::SpecV2Config;
use codec::Encode;
use entroos_primitives::H256;
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::{Extensions, ResponsePayload, RpcModule};
use registry::{Follow, Follows, OpHandle, Refusal};
use serde_json::{json, Value};
use std::sync::Arc;

type Answer = ResponsePayload<'static, Value>;

/// Registers every `chainHead_v1_*` method.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
    config: &SpecV2Config,
) -> Result<(), RegisterMethodError> {
    let follows = Follows::new(config.clone());
    register_follow(module, &follows)?;
    register_operations(module, &follows)?;
    register_controls(module, &follows)
}

fn register_follow(
    module: &mut RpcModule<Deps>,
    follows: &Arc<Follows>,
) -> Result<(), RegisterMethodError> {
    let running = follows.clone();
    module.register_subscription(
        "chainHead_v1_follow",
        "chainHead_v1_followEvent",
        "chainHead_v1_unfollow",
        move |p, pending, deps, _| {
            let follows = running.clone();
            async move {
                match Args::parse(&p).and_then(|a| a.req::<bool>(0, "withRuntime")) {
                    Ok(with_runtime) => follow::run(pending, deps, follows, with_runtime).await,
                    Err(e) => pending.reject(e).await,
                }
            }
        },
    )?;
    let ending = follows.clone();
    module.remove_method("chainHead_v1_unfollow");
    module.register_method(
        "chainHead_v1_unfollow",
        move |p, _, ext| -> Result<(), ErrorObjectOwned> {
            let id = id_param(&Args::parse(&p)?, 0, "followSubscription")?;
            ending.remove(&Key::named(connection(ext), id));
            Ok(())
        },
    )?;
    let reading = follows.clone();
    module.register_method(
        "chainHead_v1_header",
        move |p, _, ext| -> Result<Option<String>, ErrorObjectOwned> {
            let (follow, hash) = match target(&reading, &p, ext)? {
                (Some(follow), hash) => (follow, hash),
                (None, _) => return Ok(None),
            };
            let header = follow.header(&hash).ok_or(SpecError::InvalidBlock)?;
            Ok(Some(to_hex(&header.encode())))
        },
    )?;
    Ok(())
}

fn register_operations(
    module: &mut RpcModule<Deps>,
    follows: &Arc<Follows>,
) -> Result<(), RegisterMethodError> {
    let f = follows.clone();
    module.register_method("chainHead_v1_body", move |p, d, ext| {
        answer(body(&f, d, &p, ext))
    })?;
    let f = follows.clone();
    module.register_method("chainHead_v1_call", move |p, d, ext| {
        answer(call(&f, d, &p, ext))
    })?;
    let f = follows.clone();
    module.register_method("chainHead_v1_storage", move |p, d, ext| {
        answer(storage(&f, d, &p, ext))
    })?;
    Ok(())
}

fn register_controls(
    module: &mut RpcModule<Deps>,
    follows: &Arc<Follows>,
) -> Result<(), RegisterMethodError> {
    let f = follows.clone();
    module.register_method(
        "chainHead_v1_continue",
        move |p, _, ext| -> Result<(), ErrorObjectOwned> {
            match operation(&f, &p, ext)? {
                Some(operation) => Ok(operation.resume()?),
                None => Ok(()),
            }
        },
    )?;
    let f = follows.clone();
    module.register_method(
        "chainHead_v1_stopOperation",
        move |p, _, ext| -> Result<(), ErrorObjectOwned> {
            if let Some(operation) = operation(&f, &p, ext)? {
                operation.stop();
            }
            Ok(())
        },
    )?;
    let f = follows.clone();
    // A blocking method: unpinning releases the node's pins, a database write.
    module.register_blocking_method(
        "chainHead_v1_unpin",
        move |p, _, ext| -> Result<(), ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let id = id_param(&args, 0, "followSubscription")?;
            let hashes = hashes_param(&args)?;
            match f.get(&Key::named(connection(&ext), id)) {
                Some(follow) => Ok(follow.unpin(&hashes)?),
                None => Ok(()),
            }
        },
    )?;
    Ok(())
}

/// The subscription (if running) and block a call names.
fn target(
    follows: &Follows,
    p: &Params<'_>,
    ext: &Extensions,
) -> Result<(Option<Arc<Follow>>, H256), ErrorObjectOwned> {
    let args = Args::parse(p)?;
    let id = id_param(&args, 0, "followSubscription")?;
    let hash = args
        .hash(1)?
        .ok_or_else(|| invalid_params("missing parameter 1 (hash)"))?;
    Ok((follows.get(&Key::named(connection(ext), id)), hash))
}

/// The running operation a call names, if any.
fn operation(
    follows: &Follows,
    p: &Params<'_>,
    ext: &Extensions,
) -> Result<Option<Arc<registry::Operation>>, ErrorObjectOwned> {
    let args = Args::parse(p)?;
    let id = id_param(&args, 0, "followSubscription")?;
    let operation = id_param(&args, 1, "operationId")?;
    Ok(follows
        .get(&Key::named(connection(ext), id))
        .and_then(|follow| follow.operation(&operation)))
}

/// `hashOrHashes`: one hash or an array of them.
fn hashes_param(args: &Args) -> Result<Vec<H256>, ErrorObjectOwned> {
    let parse = |text: &str| {
        text.parse::<H256>()
            .map_err(|e| invalid_params(format!("parameter 1 (hashOrHashes): {e}")))
    };
    match args.req::<Value>(1, "hashOrHashes")? {
        Value::String(text) => Ok(vec![parse(&text)?]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str().map_or_else(
                    || Err(invalid_params("parameter 1 (hashOrHashes): not a hash")),
                    parse,
                )
            })
            .collect(),
        _ => Err(invalid_params("parameter 1 (hashOrHashes): not a hash")),
    }
}

fn answer(result: Result<Answer, ErrorObjectOwned>) -> Answer {
    result.unwrap_or_else(ResponsePayload::error)
}

fn limit_reached() -> Answer {
    ResponsePayload::success(json!({ "result": "limitReached" }))
}

/// Starts an operation wanting `wanted` slots on a pinned block; `None`
/// when the subscription is not running or has no slot free.
fn start(
    follow: Option<Arc<Follow>>,
    hash: &H256,
    wanted: usize,
) -> Result<Option<(OpHandle, usize)>, ErrorObjectOwned> {
    let Some(follow) = follow else {
        return Ok(None);
    };
    match follow.start(hash, wanted) {
        Ok(started) => Ok(Some(started)),
        Err(Refusal::NotPinned) => Err(SpecError::InvalidBlock.into()),
        Err(Refusal::LimitReached) => Ok(None),
    }
}

/// The `started` answer, and the future that resolves once it is sent.
fn started(op: &OpHandle, discarded: Option<usize>) -> (Answer, jsonrpsee::MethodResponseFuture) {
    let mut value = json!({ "result": "started", "operationId": op.id() });
    if let Some(discarded) = discarded {
        value["discardedItems"] = json!(discarded);
    }
    ResponsePayload::success(value).notify_on_completion()
}

fn body(
    follows: &Follows,
    d: &Deps,
    p: &Params<'_>,
    ext: &Extensions,
) -> Result<Answer, ErrorObjectOwned> {
    let (follow, hash) = target(follows, p, ext)?;
    let Some((op, _)) = start(follow, &hash, 1)? else {
        return Ok(limit_reached());
    };
    let (answer, sent) = started(&op, None);
    tokio::spawn(operations::body(d.chain.clone(), op, hash, sent));
    Ok(answer)
}

fn call(
    follows: &Follows,
    d: &Deps,
    p: &Params<'_>,
    ext: &Extensions,
) -> Result<Answer, ErrorObjectOwned> {
    let args = Args::parse(p)?;
    let function: String = args.req(2, "function")?;
    let input = args.bytes(3, "callParameters")?;
    let (follow, hash) = target(follows, p, ext)?;
    if let Some(follow) = &follow {
        if follow.header(&hash).is_none() {
            return Err(SpecError::InvalidBlock.into());
        }
        if !follow.with_runtime {
            return Err(SpecError::NoRuntime.into());
        }
    }
    let Some((op, _)) = start(follow, &hash, 1)? else {
        return Ok(limit_reached());
    };
    let (answer, sent) = started(&op, None);
    tokio::spawn(operations::call(
        d.state.clone(),
        op,
        hash,
        (function, input),
        sent,
    ));
    Ok(answer)
}

fn storage(
    follows: &Follows,
    d: &Deps,
    p: &Params<'_>,
    ext: &Extensions,
) -> Result<Answer, ErrorObjectOwned> {
    let args = Args::parse(p)?;
    let mut queries = queries_param(&args, 2, usize::MAX)?;
    let child_trie = args.opt_bytes(3, "childTrie")?;
    let (follow, hash) = target(follows, p, ext)?;
    let wanted = queries.len();
    let Some((op, granted)) = start(follow, &hash, wanted.max(1))? else {
        return Ok(limit_reached());
    };
    queries.truncate(granted);
    if child_trie.is_some() {
        // The node keeps no child tries: nothing is under any child trie key.
        queries.clear();
    }
    let (answer, sent) = started(&op, Some(wanted.saturating_sub(granted)));
    let page = follows.config().storage_items_per_page;
    tokio::spawn(operations::storage(
        d.state.clone(),
        op,
        hash,
        (queries, page),
        sent,
    ));
    Ok(answer)
}
