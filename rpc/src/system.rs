//! `system_*`. Static facts are answered in place; whatever asks the node
//! (network, chain head, pool) runs on the blocking pool.

use crate::error::invalid_params;
use crate::params::Args;
use crate::server::Deps;
use entroos_primitives::AccountId32;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde_json::json;

/// Registers the `system_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_method("system_name", |_, d, _| d.info.impl_name.clone())?;
    module.register_method("system_version", |_, d, _| d.info.impl_version.clone())?;
    module.register_method("system_chain", |_, d, _| d.info.chain_name.clone())?;
    module.register_method("system_chainType", |_, d, _| d.info.chain_type.clone())?;
    module.register_method("system_properties", |_, d, _| d.info.properties.clone())?;
    module.register_blocking_method("system_health", |_, d, _| {
        Ok::<_, ErrorObjectOwned>(d.network.health())
    })?;
    module.register_blocking_method("system_localPeerId", |_, d, _| d.network.local_peer_id())?;
    module.register_blocking_method("system_localListenAddresses", |_, d, _| {
        d.network.listen_addresses()
    })?;
    module.register_method("system_nodeRoles", |_, d, _| d.info.roles.clone())?;
    module.register_blocking_method(
        "system_peers",
        |_, d, _| -> Result<Vec<crate::api::PeerSummary>, ErrorObjectOwned> {
            if d.deny_unsafe {
                return Err(crate::error::unsafe_call());
            }
            Ok(d.network.peers())
        },
    )?;
    module.register_blocking_method(
        "system_unstable_networkState",
        |_, d, _| -> Result<serde_json::Value, ErrorObjectOwned> {
            if d.deny_unsafe {
                return Err(crate::error::unsafe_call());
            }
            Ok(network_state(d.network.as_ref()))
        },
    )?;
    module.register_blocking_method("system_syncState", |_, d, _| {
        match d.network.sync_progress() {
            Some(progress) => json!(progress),
            None => {
                let best = d.chain.best().0;
                json!({ "startingBlock": 0, "currentBlock": best, "highestBlock": best })
            }
        }
    })?;
    module.register_blocking_method(
        "system_addReservedPeer",
        |p, d, _| -> Result<(), ErrorObjectOwned> {
            if d.deny_unsafe {
                return Err(crate::error::unsafe_call());
            }
            let text: String = Args::parse(&p)?.req(0, "peer")?;
            d.network
                .add_reserved_peer(&text)
                .map_err(crate::error::reserved_peer)
        },
    )?;
    module.register_blocking_method(
        "system_removeReservedPeer",
        |p, d, _| -> Result<(), ErrorObjectOwned> {
            if d.deny_unsafe {
                return Err(crate::error::unsafe_call());
            }
            let text: String = Args::parse(&p)?.req(0, "peer_id")?;
            d.network
                .remove_reserved_peer(&text)
                .map_err(crate::error::reserved_peer)
        },
    )?;
    module.register_blocking_method(
        "system_accountNextIndex",
        |p, d, _| -> Result<u32, ErrorObjectOwned> {
            let args = Args::parse(&p)?;
            let text: String = args.req(0, "account")?;
            let account = AccountId32::from_ss58_or_hex(&text)
                .map_err(|e| invalid_params(format!("account {text}: {e}")))?;
            Ok(d.pool.next_nonce(account.0)?)
        },
    )?;
    module.register_alias("account_nextIndex", "system_accountNextIndex")?;
    Ok(())
}

/// `system_unstable_networkState`: the local peer id and listen addresses,
/// the peer counts of `system_health`, and the connected peers keyed by
/// peer id with their roles and best blocks.
fn network_state(network: &dyn crate::api::NetworkApi) -> serde_json::Value {
    let connected: serde_json::Map<String, serde_json::Value> = network
        .peers()
        .into_iter()
        .map(|peer| {
            let entry = json!({
                "roles": peer.roles,
                "bestHash": peer.best_hash,
                "bestNumber": peer.best_number,
            });
            (peer.peer_id, entry)
        })
        .collect();
    json!({
        "peerId": network.local_peer_id(),
        "listenedAddresses": network.listen_addresses(),
        "health": network.health(),
        "connectedPeers": connected,
    })
}
