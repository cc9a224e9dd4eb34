//! `archive_v1_*` (spec at `paritytech/json-rpc-interface-spec` 06e3bae):
//! any kept block, by hash or height, with `archive_v1_storage` and
//! `archive_v1_storageDiff` as subscriptions. Registered only on a node
//! that prunes no state, where a finalized block's answers never change.

mod diff;
mod storage;

use crate::api::ReadError;
use crate::error::invalid_params;
use crate::params::{parse_number, to_hex, Args};
use crate::server::Deps;
use crate::spec_v2::keys::Cancels;
use crate::spec_v2::{unsubscribe, IfUnknown};
use codec::Encode;
use entroos_primitives::{BlockNumber, H256};
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Registers every `archive_v1_*` method.
pub(crate) fn register(module: &mut RpcModule<Deps>) -> Result<(), RegisterMethodError> {
    register_blocks(module)?;
    let cancels = Arc::new(Cancels::default());
    let running = cancels.clone();
    module.register_subscription(
        "archive_v1_storage",
        "archive_v1_storageEvent",
        "archive_v1_stopStorage",
        move |p, pending, deps, _| storage::run(p, pending, deps, running.clone()),
    )?;
    unsubscribe(module, "archive_v1_stopStorage", cancels, IfUnknown::Ignore)?;
    let cancels = Arc::new(Cancels::default());
    let running = cancels.clone();
    module.register_subscription(
        "archive_v1_storageDiff",
        "archive_v1_storageDiffEvent",
        "archive_v1_stopStorageDiff",
        move |p, pending, deps, _| diff::run(p, pending, deps, running.clone()),
    )?;
    unsubscribe(
        module,
        "archive_v1_stopStorageDiff",
        cancels,
        IfUnknown::Ignore,
    )
}

/// The block hash at `index`, required.
fn hash_arg(args: &Args, index: usize) -> Result<H256, ErrorObjectOwned> {
    args.hash(index)?
        .ok_or_else(|| invalid_params(format!("missing parameter {index} (hash)")))
}

fn register_blocks(module: &mut RpcModule<Deps>) -> Result<(), RegisterMethodError> {
    module.register_blocking_method(
        "archive_v1_body",
        |p, d, _| -> Result<Option<Vec<String>>, ErrorObjectOwned> {
            let hash = hash_arg(&Args::parse(&p)?, 0)?;
            let body = d.chain.body(hash)?;
            Ok(body.map(|xts| xts.iter().map(|x| to_hex(&x.to_wire())).collect()))
        },
    )?;
    module.register_blocking_method("archive_v1_call", |p, d, _| call(&d, &Args::parse(&p)?))?;
    module.register_blocking_method("archive_v1_finalizedHeight", |_, d, _| {
        d.chain.finalized().0
    })?;
    module.register_blocking_method("archive_v1_genesisHash", |_, d, _| {
        Ok::<_, ErrorObjectOwned>(d.chain.genesis_hash())
    })?;
    module.register_blocking_method(
        "archive_v1_hashByHeight",
        |p, d, _| -> Result<Vec<H256>, ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let value: Value = args.req(0, "height")?;
            let height = parse_number(&value).map_err(invalid_params)?;
            Ok(hashes_at(&d, height)?)
        },
    )?;
    module.register_blocking_method(
        "archive_v1_header",
        |p, d, _| -> Result<Option<String>, ErrorObjectOwned> {
            let hash = hash_arg(&Args::parse(&p)?, 0)?;
            Ok(d.chain.header(hash)?.map(|h| to_hex(&h.encode())))
        },
    )?;
    Ok(())
}

/// `archive_v1_call`: `null` for an unknown block, else the output or the
/// reason the call failed.
fn call(d: &Deps, args: &Args) -> Result<Value, ErrorObjectOwned> {
    let hash = hash_arg(args, 0)?;
    let function: String = args.req(1, "function")?;
    let input = args.bytes(2, "callParameters")?;
    if d.chain.header(hash)?.is_none() {
        return Ok(Value::Null);
    }
    Ok(match d.state.call(hash, &function, &input) {
        Ok(output) => json!({ "success": true, "value": to_hex(&output) }),
        Err(ReadError::UnknownBlock(_)) => Value::Null,
        Err(e) => json!({ "success": false, "error": e.to_string() }),
    })
}

/// The blocks at `height`: the finalized one at or below the finalized
/// height, else every kept block at that height (on any branch).
fn hashes_at(d: &Deps, height: BlockNumber) -> Result<Vec<H256>, ReadError> {
    if height <= d.chain.finalized().0 {
        return Ok(d.chain.hash_of(height)?.into_iter().collect());
    }
    let (mut found, mut seen) = (BTreeSet::new(), BTreeSet::new());
    for leaf in d.chain.leaves()? {
        let mut cursor = d.chain.header(leaf)?.map(|h| (leaf, h));
        while let Some((hash, header)) = cursor {
            if header.number == height {
                found.insert(hash);
            }
            if header.number <= height || !seen.insert(hash) {
                break;
            }
            let parent = header.parent_hash;
            cursor = d.chain.header(parent)?.map(|h| (parent, h));
        }
    }
    Ok(found.into_iter().collect())
}
