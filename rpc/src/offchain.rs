//! `offchain_localStorageGet` and `offchain_localStorageSet`: the node's
//! PERSISTENT off-chain storage, the one its off-chain workers read and
//! write. As in Substrate: parameters `(kind, key[, value])` with `kind`
//! `"PERSISTENT"` or `"LOCAL"` (anything else is -32602), both methods
//! unsafe (refused with -32601 after their parameters are read), and the
//! `LOCAL` kind answered with 5001 "This storage kind is not available yet".

use crate::error::{unavailable_storage_kind, unsafe_call};
use crate::params::{to_hex, Args};
use crate::server::Deps;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde::Deserialize;

/// The kinds of off-chain storage a client names.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
enum StorageKind {
    /// Kept across restarts and shared with the workers.
    #[serde(rename = "PERSISTENT")]
    Persistent,
    /// Substrate's fork-aware kind, which no node serves over RPC.
    #[serde(rename = "LOCAL")]
    Local,
}

/// Refuses unsafe calls on a safe node, then any kind but `PERSISTENT`.
fn check(deps: &Deps, kind: StorageKind) -> Result<(), ErrorObjectOwned> {
    if deps.deny_unsafe {
        return Err(unsafe_call());
    }
    match kind {
        StorageKind::Persistent => Ok(()),
        StorageKind::Local => Err(unavailable_storage_kind()),
    }
}

/// Registers the methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(
        "offchain_localStorageGet",
        |p, d, _| -> Result<Option<String>, ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let kind: StorageKind = args.req(0, "kind")?;
            let key = args.bytes(1, "key")?;
            check(&d, kind)?;
            Ok(d.offchain.get(&key)?.map(|value| to_hex(&value)))
        },
    )?;
    module.register_blocking_method(
        "offchain_localStorageSet",
        |p, d, _| -> Result<(), ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let kind: StorageKind = args.req(0, "kind")?;
            let key = args.bytes(1, "key")?;
            let value = args.bytes(2, "value")?;
            check(&d, kind)?;
            Ok(d.offchain.set(&key, &value)?)
        },
    )?;
    Ok(())
}
