//! The module of every method, and the server serving it over WebSocket and
//! HTTP on one port.

use crate::api::{ChainApi, NetworkApi, PoolApi, StateApi, SystemInfo};
use jsonrpsee::server::{RandomStringIdProvider, Server, ServerConfig, ServerHandle};
use jsonrpsee::RpcModule;
use std::net::SocketAddr;
use std::sync::Arc;

/// What the methods are given.
pub struct Deps {
    /// Chain reads.
    pub chain: Arc<dyn ChainApi>,
    /// State reads and runtime calls.
    pub state: Arc<dyn StateApi>,
    /// The transaction pool.
    pub pool: Arc<dyn PoolApi>,
    /// Network status.
    pub network: Arc<dyn NetworkApi>,
    /// Node and chain facts.
    pub info: SystemInfo,
    /// Whether unsafe methods are refused.
    pub deny_unsafe: bool,
}

/// Which methods are served (`--rpc-methods`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RpcMethods {
    /// Safe methods only.
    Safe,
    /// Every method.
    Unsafe,
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct RpcConfig {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The most connections at once.
    pub max_connections: u32,
    /// The largest request, in bytes.
    pub max_request_bytes: u32,
    /// The largest response, in bytes.
    pub max_response_bytes: u32,
    /// Safe or unsafe methods.
    pub methods: RpcMethods,
}

/// The module with every method and `rpc_methods`.
pub fn build_module(deps: Deps) -> Result<RpcModule<Deps>, jsonrpsee::core::RegisterMethodError> {
    let mut module = RpcModule::new(deps);
    crate::system::register(&mut module)?;
    crate::chain::register(&mut module)?;
    crate::state::register(&mut module)?;
    crate::author::register(&mut module)?;
    let mut names: Vec<String> = module.method_names().map(str::to_string).collect();
    names.push("rpc_methods".into());
    names.sort();
    module.register_method(
        "rpc_methods",
        move |_, _, _| serde_json::json!({ "version": 1, "methods": names }),
    )?;
    Ok(module)
}

/// Starts serving; the handle stops the server when dropped or stopped.
pub async fn start(
    config: &RpcConfig,
    module: RpcModule<Deps>,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let server_config = ServerConfig::builder()
        .max_connections(config.max_connections)
        .max_request_body_size(config.max_request_bytes)
        .max_response_body_size(config.max_response_bytes)
        .set_id_provider(RandomStringIdProvider::new(16))
        .build();
    let server = Server::builder()
        .set_config(server_config)
        .build(config.addr)
        .await?;
    let addr = server.local_addr()?;
    Ok((addr, server.start(module)))
}
