//! `state_queryStorageAt` (one block) and `state_queryStorage` (a range of
//! blocks), with their bounds.
//!
//! Both read every requested key at every block they cover, so both are
//! bounded: at most [`MAX_QUERY_KEYS`] keys, and for a range at most
//! [`MAX_QUERY_BLOCKS`] blocks, refused beyond that with Substrate's state
//! errors (4002 "count exceeds maximum value", 4001 "Cannot resolve a block
//! range"). `state_queryStorage` is also unsafe, as in Substrate.

use crate::api::ReadError;
use crate::chain::at_or_best;
use crate::error::{invalid_params, StateError};
use crate::params::{hex_param, to_hex, Args};
use crate::server::Deps;
use entroos_primitives::{BlockNumber, Header, H256};
use jsonrpsee::types::ErrorObjectOwned;
use serde_json::{json, Value};

/// The most keys one storage query (or storage subscription) reads: a full
/// `state_getKeysPaged` page.
pub const MAX_QUERY_KEYS: usize = 1000;
/// The most blocks one `state_queryStorage` covers, both ends included.
pub const MAX_QUERY_BLOCKS: u32 = 1000;

/// The hex keys at `index`, decoded; not bounded.
fn parse_keys(args: &Args, index: usize) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
    let keys: Vec<String> = args.req(index, "keys")?;
    keys.iter().map(|k| hex_param(k, index, "keys")).collect()
}

/// Refuses more than [`MAX_QUERY_KEYS`] keys.
fn check_key_count(keys: &[Vec<u8>]) -> Result<(), StateError> {
    if keys.len() > MAX_QUERY_KEYS {
        return Err(StateError::InvalidCount {
            value: keys.len(),
            max: MAX_QUERY_KEYS,
        });
    }
    Ok(())
}

/// The hex keys at `index`, at most [`MAX_QUERY_KEYS`] of them.
pub(crate) fn keys_arg(args: &Args, index: usize) -> Result<Vec<Vec<u8>>, ErrorObjectOwned> {
    let keys = parse_keys(args, index)?;
    check_key_count(&keys)?;
    Ok(keys)
}

/// The values of `keys` at `at`.
pub(crate) fn values_at(
    deps: &Deps,
    at: H256,
    keys: &[Vec<u8>],
) -> Result<Vec<Option<Vec<u8>>>, StateError> {
    keys.iter()
        .map(|k| Ok(deps.state.storage(at, k)?))
        .collect()
}

/// Substrate's `StorageChangeSet` JSON.
pub(crate) fn change_set(at: H256, keys: &[Vec<u8>], values: &[Option<Vec<u8>>]) -> Value {
    let changes: Vec<Value> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| json!([to_hex(k), v.as_ref().map(|v| to_hex(v))]))
        .collect();
    json!({ "block": at, "changes": changes })
}

/// The change set at `at` of the keys whose values differ from `previous`
/// (all of them when there is no previous), or `None` if none changed.
pub(crate) fn changes_since(
    at: H256,
    keys: &[Vec<u8>],
    previous: Option<&[Option<Vec<u8>>]>,
    values: &[Option<Vec<u8>>],
) -> Option<Value> {
    let (ks, vs): (Vec<Vec<u8>>, Vec<Option<Vec<u8>>>) = keys
        .iter()
        .zip(values)
        .enumerate()
        .filter(|(i, (_, v))| previous.is_none_or(|p| p.get(*i) != Some(*v)))
        .map(|(_, (k, v))| (k.clone(), v.clone()))
        .unzip();
    (!ks.is_empty()).then(|| change_set(at, &ks, &vs))
}

/// `state_queryStorageAt`: one change set listing every key.
pub(crate) fn query_storage_at(deps: &Deps, args: &Args) -> Result<Value, ErrorObjectOwned> {
    let keys = keys_arg(args, 0)?;
    let at = at_or_best(deps, args.hash(1)?);
    let values = values_at(deps, at, &keys)?;
    Ok(json!([change_set(at, &keys, &values)]))
}

/// `state_queryStorage`: every key at the first block, then the keys that
/// changed at each later one (blocks where none changed are left out).
pub(crate) fn query_storage(deps: &Deps, args: &Args) -> Result<Value, ErrorObjectOwned> {
    let keys = parse_keys(args, 0)?;
    let from = args
        .hash(1)?
        .ok_or_else(|| invalid_params("missing parameter 1 (from block)"))?;
    let to = args.hash(2)?;
    if deps.deny_unsafe {
        return Err(StateError::UnsafeRpcCalled.into());
    }
    check_key_count(&keys)?;
    let mut sets = Vec::new();
    let mut previous: Option<Vec<Option<Vec<u8>>>> = None;
    for hash in block_range(deps, from, at_or_best(deps, to))? {
        let values = values_at(deps, hash, &keys)?;
        sets.extend(changes_since(hash, &keys, previous.as_deref(), &values));
        previous = Some(values);
    }
    Ok(Value::Array(sets))
}

/// One end of a block range.
struct Bound {
    hash: H256,
    header: Header,
}

impl Bound {
    /// A known block; an unknown one is refused as Substrate refuses it.
    fn known(deps: &Deps, hash: H256, range: (H256, H256)) -> Result<Bound, StateError> {
        let header = deps
            .chain
            .header(hash)
            .and_then(|header| header.ok_or(ReadError::UnknownBlock(hash)))
            .map_err(|e| StateError::InvalidBlockRange {
                from: format!("{:?}", range.0),
                to: format!("{:?}", Some(range.1)),
                details: e.to_string(),
            })?;
        Ok(Bound { hash, header })
    }

    /// The block as Substrate names it in range errors: `number (hash)`.
    fn describe(&self) -> String {
        format!("{} ({:?})", self.header.number, self.hash)
    }
}

/// The hashes from `from` to `to` along `to`'s ancestry, oldest first;
/// refused when either is unknown, `from` is after `to` or on another fork,
/// or the range has more than [`MAX_QUERY_BLOCKS`] blocks.
fn block_range(deps: &Deps, from: H256, to: H256) -> Result<Vec<H256>, StateError> {
    let first = Bound::known(deps, from, (from, to))?;
    let last = Bound::known(deps, to, (from, to))?;
    let refuse = |low: &Bound, details: String| StateError::InvalidBlockRange {
        from: low.describe(),
        to: last.describe(),
        details,
    };
    let (low, high) = (first.header.number, last.header.number);
    if low > high {
        return Err(refuse(&first, "from number > to number".into()));
    }
    let blocks = high.abs_diff(low).saturating_add(1);
    if blocks > MAX_QUERY_BLOCKS {
        let details = format!("the range has {blocks} blocks, at most {MAX_QUERY_BLOCKS} allowed");
        return Err(refuse(&first, details));
    }
    let hashes = ancestry(deps, &last, low, refuse)?;
    if hashes.first() != Some(&from) {
        return Err(refuse(&first, "from and to are on different forks".into()));
    }
    Ok(hashes)
}

/// The hashes of `top` and its ancestors down to block `number`, oldest
/// first; a missing ancestor is refused with `refuse`, naming its child.
fn ancestry(
    deps: &Deps,
    top: &Bound,
    number: BlockNumber,
    refuse: impl Fn(&Bound, String) -> StateError,
) -> Result<Vec<H256>, StateError> {
    let mut hashes = vec![top.hash];
    let mut at = Bound {
        hash: top.hash,
        header: top.header.clone(),
    };
    while at.header.number > number {
        let parent = at.header.parent_hash;
        let header = deps
            .chain
            .header(parent)
            .and_then(|header| header.ok_or(ReadError::UnknownBlock(parent)))
            .map_err(|e| refuse(&at, e.to_string()))?;
        at = Bound {
            hash: parent,
            header,
        };
        hashes.push(parent);
    }
    hashes.reverse();
    Ok(hashes)
}
