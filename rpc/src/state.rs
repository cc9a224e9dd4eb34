//! `state_*`: storage, keys, runtime calls, versions, metadata and storage
//! subscriptions.

use crate::chain::{at_or_best, follow, send};
use crate::error::invalid_params;
use crate::params::{hex_bytes, to_hex, Args};
use crate::server::Deps;
use codec::Decode;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::{json, Value};
use std::sync::Arc;

/// The most keys one `state_getKeysPaged` returns.
pub const MAX_KEYS_PAGE: usize = 1000;
/// The most blocks one `state_queryStorage` covers.
pub const MAX_QUERY_RANGE: u32 = 1000;

fn keys_arg(args: &Args, index: usize) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
    let keys: Vec<String> = args.req(index, "keys")?;
    keys.iter()
        .map(|k| hex_bytes(k).map_err(|e| invalid_params(format!("key {k}: {e}"))))
        .collect()
}

fn values_at(
    deps: &Deps,
    at: H256,
    keys: &[Vec<u8>],
) -> Result<Vec<Option<Vec<u8>>>, ErrorObjectOwned> {
    keys.iter()
        .map(|k| Ok(deps.state.storage(at, k)?))
        .collect()
}

fn change_set(at: H256, keys: &[Vec<u8>], values: &[Option<Vec<u8>>]) -> Value {
    let changes: Vec<Value> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| json!([to_hex(k), v.as_ref().map(|v| to_hex(v))]))
        .collect();
    json!({ "block": at, "changes": changes })
}

fn metadata(deps: &Deps, at: H256) -> Result<String, ErrorObjectOwned> {
    let encoded = deps.state.call(at, "Metadata_metadata", &[])?;
    let bytes = Vec::<u8>::decode(&mut &encoded[..]).map_err(|e| {
        ErrorObjectOwned::owned(
            crate::error::CLIENT_ERROR,
            format!("Client error: {e}"),
            None::<()>,
        )
    })?;
    Ok(to_hex(&bytes))
}

fn query_storage(deps: &Deps, args: &Args) -> Result<Value, ErrorObjectOwned> {
    let keys = keys_arg(args, 0)?;
    let from = args
        .hash(1)?
        .ok_or_else(|| invalid_params("missing parameter 1 (from block)"))?;
    let to = at_or_best(deps, args.hash(2)?);
    let header = |h| {
        deps.chain
            .header(h)
            .map_err(ErrorObjectOwned::from)?
            .ok_or_else(|| invalid_params(format!("unknown block {h}")))
    };
    let (from_n, to_n) = (header(from)?.number, header(to)?.number);
    if to_n < from_n || to_n - from_n > MAX_QUERY_RANGE {
        return Err(ErrorObjectOwned::owned(
            4001,
            format!("Invalid block range: {from_n}..{to_n} (at most {MAX_QUERY_RANGE} blocks)"),
            None::<()>,
        ));
    }
    let mut sets = Vec::new();
    let mut previous: Option<Vec<Option<Vec<u8>>>> = None;
    for n in from_n..=to_n {
        let Some(hash) = deps.chain.hash_of(n)? else {
            continue;
        };
        let values = values_at(deps, hash, &keys)?;
        sets.extend(changes_since(hash, &keys, previous.as_deref(), &values));
        previous = Some(values);
    }
    Ok(Value::Array(sets))
}

/// The value at `[key, hash?]`.
fn stored(p: &jsonrpsee::types::Params<'_>, d: &Deps) -> Result<Option<Vec<u8>>, ErrorObjectOwned> {
    let args = Args::parse(p)?;
    let key = args.bytes(0, "key")?;
    Ok(d.state.storage(at_or_best(d, args.hash(1)?), &key)?)
}

/// Registers the `state_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method("state_getStorage", |p, d, _| {
        let d: &Deps = &d;
        Ok::<_, ErrorObjectOwned>(stored(&p, d)?.map(|v| to_hex(&v)))
    })?;
    module.register_alias("state_getStorageAt", "state_getStorage")?;
    module.register_blocking_method("state_getStorageHash", |p, d, _| {
        let d: &Deps = &d;
        Ok::<_, ErrorObjectOwned>(stored(&p, d)?.map(|v| H256(blake2_256(&v))))
    })?;
    module.register_alias("state_getStorageHashAt", "state_getStorageHash")?;
    module.register_blocking_method("state_getStorageSize", |p, d, _| {
        let d: &Deps = &d;
        Ok::<_, ErrorObjectOwned>(stored(&p, d)?.map(|v| v.len() as u64))
    })?;
    module.register_alias("state_getStorageSizeAt", "state_getStorageSize")?;
    module.register_blocking_method("state_queryStorageAt", |p, d, _| {
        let d: &Deps = &d;
        let args = Args::parse(&p)?;
        let keys = keys_arg(&args, 0)?;
        let at = at_or_best(d, args.hash(1)?);
        let values = values_at(d, at, &keys)?;
        Ok::<_, ErrorObjectOwned>(json!([change_set(at, &keys, &values)]))
    })?;
    module.register_blocking_method("state_queryStorage", |p, d, _| {
        let d: &Deps = &d;
        query_storage(d, &Args::parse(&p)?)
    })?;
    module.register_blocking_method(
        "state_getKeysPaged",
        |p, d, _| -> Result<Vec<String>, ErrorObjectOwned> {
            let d: &Deps = &d;
            let args = Args::parse(&p)?;
            let prefix = args
                .opt::<String>(0)?
                .map(|p| hex_bytes(&p))
                .transpose()
                .map_err(invalid_params)?
                .unwrap_or_default();
            let count: usize = args.req(1, "count")?;
            if count > MAX_KEYS_PAGE {
                return Err(ErrorObjectOwned::owned(
                    4002,
                    format!("count exceeds maximum value. value: {count}, max: {MAX_KEYS_PAGE}"),
                    None::<()>,
                ));
            }
            let start = args
                .opt::<String>(2)?
                .map(|s| hex_bytes(&s))
                .transpose()
                .map_err(invalid_params)?;
            let keys = d.state.keys_paged(
                at_or_best(d, args.hash(3)?),
                &prefix,
                start.as_deref(),
                count,
            )?;
            Ok(keys.iter().map(|k| to_hex(k)).collect())
        },
    )?;
    module.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    module.register_blocking_method(
        "state_call",
        |p, d, _| -> Result<String, ErrorObjectOwned> {
            let d: &Deps = &d;
            let args = Args::parse(&p)?;
            let method: String = args.req(0, "method")?;
            let data = args.bytes(1, "data")?;
            // At the head, the next nonce counts the sender's pooled
            // transactions too (as `system_accountNextIndex` does), so that
            // clients asking for "the next nonce" this way can send several
            // transactions in a row without waiting for each block.
            if method == "AccountNonceApi_account_nonce" && args.hash(2)?.is_none() {
                if let Ok(account) = <[u8; 32]>::try_from(data.as_slice()) {
                    return Ok(to_hex(&d.pool.next_nonce(account)?.to_le_bytes()));
                }
            }
            Ok(to_hex(&d.state.call(
                at_or_best(d, args.hash(2)?),
                &method,
                &data,
            )?))
        },
    )?;
    module.register_alias("state_callAt", "state_call")?;
    module.register_blocking_method("state_getRuntimeVersion", |p, d, _| {
        let d: &Deps = &d;
        let args = Args::parse(&p)?;
        Ok::<_, ErrorObjectOwned>(d.state.runtime_version(at_or_best(d, args.hash(0)?))?)
    })?;
    module.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;
    module.register_blocking_method("state_getMetadata", |p, d, _| {
        let d: &Deps = &d;
        let args = Args::parse(&p)?;
        metadata(d, at_or_best(d, args.hash(0)?))
    })?;

    module.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, deps, _| async move { runtime_versions(pending, deps).await },
    )?;
    module.register_alias(
        "chain_subscribeRuntimeVersion",
        "state_subscribeRuntimeVersion",
    )?;
    module.register_alias(
        "chain_unsubscribeRuntimeVersion",
        "state_unsubscribeRuntimeVersion",
    )?;
    module.register_subscription(
        "state_subscribeStorage",
        "state_storage",
        "state_unsubscribeStorage",
        |p, pending, deps, _| async move {
            let keys = Args::parse(&p).and_then(|args| keys_arg(&args, 0));
            match keys {
                Ok(keys) => storage_changes(pending, deps, keys).await,
                Err(e) => pending.reject(e).await,
            }
        },
    )?;
    Ok(())
}

async fn runtime_versions(pending: PendingSubscriptionSink, deps: Arc<Deps>) {
    let heads = deps.chain.subscribe_best();
    let Ok(mut current) = deps.state.runtime_version(deps.chain.best().1) else {
        return pending
            .reject(invalid_params(
                "the best block's runtime version is unavailable",
            ))
            .await;
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if send(&sink, &current).await.is_err() {
        return;
    }
    follow(&sink, heads, |header| {
        let version = deps.state.runtime_version(header.hash()).ok()?;
        (version != current).then(|| {
            current = version;
            current.clone()
        })
    })
    .await;
}

/// The change set at `at` of the keys whose values differ from `previous`
/// (all of them when there is no previous), or `None` if none changed.
fn changes_since(
    at: H256,
    keys: &[Vec<u8>],
    previous: Option<&[Option<Vec<u8>>]>,
    values: &[Option<Vec<u8>>],
) -> Option<Value> {
    let changed: Vec<usize> = (0..keys.len())
        .filter(|&i| previous.is_none_or(|p| p.get(i) != values.get(i)))
        .collect();
    if changed.is_empty() {
        return None;
    }
    let ks: Vec<_> = changed
        .iter()
        .filter_map(|&i| keys.get(i).cloned())
        .collect();
    let vs: Vec<_> = changed
        .iter()
        .filter_map(|&i| values.get(i).cloned())
        .collect();
    Some(change_set(at, &ks, &vs))
}

async fn storage_changes(pending: PendingSubscriptionSink, deps: Arc<Deps>, keys: Vec<Vec<u8>>) {
    let heads = deps.chain.subscribe_best();
    let at = deps.chain.best().1;
    let mut values = match values_at(&deps, at, &keys) {
        Ok(values) => values,
        Err(e) => return pending.reject(e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if send(&sink, &change_set(at, &keys, &values)).await.is_err() {
        return;
    }
    follow(&sink, heads, |header| {
        let at = header.hash();
        let new = values_at(&deps, at, &keys).ok()?;
        let set = changes_since(at, &keys, Some(&values), &new);
        values = new;
        set
    })
    .await;
}
