//! `state_*`: storage, keys, runtime calls, versions, metadata and storage
//! subscriptions.

mod query;
mod subscribe;

pub use query::{MAX_QUERY_BLOCKS, MAX_QUERY_KEYS};

use crate::chain::at_or_best;
use crate::error::{StateError, CLIENT_ERROR};
use crate::params::{to_hex, Args};
use crate::server::Deps;
use codec::Decode;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::RpcModule;

/// The most keys one `state_getKeysPaged` returns.
pub const MAX_KEYS_PAGE: usize = 1000;

fn metadata(deps: &Deps, at: H256) -> Result<String, ErrorObjectOwned> {
    let encoded = deps.state.call(at, "Metadata_metadata", &[])?;
    let bytes = Vec::<u8>::decode(&mut &encoded[..]).map_err(|e| {
        ErrorObjectOwned::owned(CLIENT_ERROR, format!("Client error: {e}"), None::<()>)
    })?;
    Ok(to_hex(&bytes))
}

/// The value at `[key, hash?]`.
fn stored(p: &Params<'_>, d: &Deps) -> Result<Option<Vec<u8>>, ErrorObjectOwned> {
    let args = Args::parse(p)?;
    let key = args.bytes(0, "key")?;
    Ok(d.state.storage(at_or_best(d, args.hash(1)?), &key)?)
}

/// `state_getKeysPaged`: `[prefix?, count, start?, hash?]`.
fn keys_paged(d: &Deps, args: &Args) -> Result<Vec<String>, ErrorObjectOwned> {
    let prefix = args.opt_bytes(0, "prefix")?.unwrap_or_default();
    let count: usize = args.req(1, "count")?;
    if count > MAX_KEYS_PAGE {
        return Err(StateError::InvalidCount {
            value: count,
            max: MAX_KEYS_PAGE,
        }
        .into());
    }
    let start = args.opt_bytes(2, "start key")?;
    let at = at_or_best(d, args.hash(3)?);
    let keys = d.state.keys_paged(at, &prefix, start.as_deref(), count)?;
    Ok(keys.iter().map(|k| to_hex(k)).collect())
}

/// `state_call`: `[method, data, hash?]`.
fn call(d: &Deps, args: &Args) -> Result<String, ErrorObjectOwned> {
    let method: String = args.req(0, "method")?;
    let data = args.bytes(1, "data")?;
    // At the head, the next nonce counts the sender's pooled transactions
    // too (as `system_accountNextIndex` does), so that clients asking for
    // "the next nonce" this way can send several transactions in a row
    // without waiting for each block.
    if method == "AccountNonceApi_account_nonce" && args.hash(2)?.is_none() {
        if let Ok(account) = <[u8; 32]>::try_from(data.as_slice()) {
            return Ok(to_hex(&d.pool.next_nonce(account)?.to_le_bytes()));
        }
    }
    let at = at_or_best(d, args.hash(2)?);
    Ok(to_hex(&d.state.call(at, &method, &data)?))
}

/// Registers the `state_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    register_reads(module)?;
    register_runtime(module)?;
    register_subscriptions(module)
}

fn register_reads(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method("state_getStorage", |p, d, _| {
        Ok::<_, ErrorObjectOwned>(stored(&p, &d)?.map(|v| to_hex(&v)))
    })?;
    module.register_alias("state_getStorageAt", "state_getStorage")?;
    module.register_blocking_method("state_getStorageHash", |p, d, _| {
        Ok::<_, ErrorObjectOwned>(stored(&p, &d)?.map(|v| H256(blake2_256(&v))))
    })?;
    module.register_alias("state_getStorageHashAt", "state_getStorageHash")?;
    module.register_blocking_method("state_getStorageSize", |p, d, _| {
        Ok::<_, ErrorObjectOwned>(stored(&p, &d)?.map(|v| v.len() as u64))
    })?;
    module.register_alias("state_getStorageSizeAt", "state_getStorageSize")?;
    module.register_blocking_method("state_queryStorageAt", |p, d, _| {
        query::query_storage_at(&d, &Args::parse(&p)?)
    })?;
    module.register_blocking_method("state_queryStorage", |p, d, _| {
        query::query_storage(&d, &Args::parse(&p)?)
    })?;
    module.register_blocking_method("state_getKeysPaged", |p, d, _| {
        keys_paged(&d, &Args::parse(&p)?)
    })?;
    module.register_alias("state_getKeysPagedAt", "state_getKeysPaged")?;
    module.register_blocking_method("state_getReadProof", |p, d, _| {
        read_proof(&d, &Args::parse(&p)?)
    })?;
    Ok(())
}

/// `state_getReadProof`: `[keys, hash?]`, at most [`MAX_QUERY_KEYS`] keys;
/// Substrate's `ReadProof` `{at, proof}`, the proof being the trie nodes
/// that prove every key's value (or absence) against the block's state
/// root.
fn read_proof(d: &Deps, args: &Args) -> Result<serde_json::Value, ErrorObjectOwned> {
    let keys = query::keys_arg(args, 0)?;
    let at = at_or_best(d, args.hash(1)?);
    let proof = d.state.read_proof(at, &keys)?;
    let proof: Vec<String> = proof.iter().map(|node| to_hex(node)).collect();
    Ok(serde_json::json!({ "at": at, "proof": proof }))
}

fn register_runtime(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method("state_call", |p, d, _| call(&d, &Args::parse(&p)?))?;
    module.register_alias("state_callAt", "state_call")?;
    module.register_blocking_method("state_getRuntimeVersion", |p, d, _| {
        let args = Args::parse(&p)?;
        Ok::<_, ErrorObjectOwned>(d.state.runtime_version(at_or_best(&d, args.hash(0)?))?)
    })?;
    module.register_alias("chain_getRuntimeVersion", "state_getRuntimeVersion")?;
    module.register_blocking_method("state_getMetadata", |p, d, _| {
        let args = Args::parse(&p)?;
        metadata(&d, at_or_best(&d, args.hash(0)?))
    })?;
    Ok(())
}

fn register_subscriptions(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_subscription(
        "state_subscribeRuntimeVersion",
        "state_runtimeVersion",
        "state_unsubscribeRuntimeVersion",
        |_, pending, deps, _| subscribe::runtime_versions(pending, deps),
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
            match Args::parse(&p).and_then(|args| query::keys_arg(&args, 0)) {
                Ok(keys) => subscribe::storage_changes(pending, deps, keys).await,
                Err(e) => pending.reject(e).await,
            }
        },
    )?;
    Ok(())
}
