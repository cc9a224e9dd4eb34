//! `chainSpec_v1_*`: facts of the chain spec that never change while the
//! node runs.

use crate::server::Deps;
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;

/// Registers `chainSpec_v1_chainName`, `_genesisHash` and `_properties`.
pub(crate) fn register(module: &mut RpcModule<Deps>) -> Result<(), RegisterMethodError> {
    module.register_method("chainSpec_v1_chainName", |_, d, _| {
        d.info.chain_name.clone()
    })?;
    module.register_blocking_method("chainSpec_v1_genesisHash", |_, d, _| {
        Ok::<_, ErrorObjectOwned>(d.chain.genesis_hash())
    })?;
    module.register_method("chainSpec_v1_properties", |_, d, _| {
        d.info.properties.clone()
    })?;
    Ok(())
}
