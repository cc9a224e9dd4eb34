//! The module of every method, and the server serving it over WebSocket and
//! HTTP on one port.

use crate::api::{
    ChainApi, KeystoreApi, NetworkApi, OffchainStorageApi, PoolApi, StateApi, SystemInfo,
};
use crate::round_state::FinalityStatusApi;
use crate::spec_v2::SpecV2Config;
use jsonrpsee::server::{
    BatchRequestConfig, RandomStringIdProvider, Server, ServerConfig, ServerHandle,
};
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
    /// The keystore.
    pub keystore: Arc<dyn KeystoreApi>,
    /// The node's PERSISTENT off-chain storage.
    pub offchain: Arc<dyn OffchainStorageApi>,
    /// The finality round in progress (`entropy_roundState`).
    pub finality: Arc<dyn FinalityStatusApi>,
    /// Node and chain facts.
    pub info: SystemInfo,
    /// Whether unsafe methods are refused.
    pub deny_unsafe: bool,
    /// The groups of the new JSON-RPC API to serve, and their limits;
    /// `None` serves none of them (`--rpc-disable-spec-v2`), so that
    /// clients stay on the legacy methods.
    pub spec_v2: Option<SpecV2Config>,
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
    /// Browser origins allowed over HTTP.
    pub cors: Cors,
    /// The most calls in one batch (`--rpc-max-batch-request-len`); `None`
    /// for no limit, Substrate's default. A longer batch, over WebSocket or
    /// HTTP alike, is refused whole with jsonrpsee's -32010 "The batch
    /// request was too large" (data "Exceeded max limit of N", id null).
    pub max_batch_len: Option<u32>,
}

impl RpcConfig {
    /// The batch policy, which the server applies to both transports.
    fn batch_config(&self) -> BatchRequestConfig {
        match self.max_batch_len {
            Some(limit) => BatchRequestConfig::Limit(limit),
            None => BatchRequestConfig::Unlimited,
        }
    }
}

/// Which browser origins may call over HTTP (`--rpc-cors`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cors {
    /// Any origin (`all`).
    All,
    /// These origins; an entry ending in `:*` allows any port.
    List(Vec<String>),
}

impl Cors {
    /// Substrate's default for a node not in development: local pages and
    /// polkadot.js apps.
    pub fn local_default() -> Self {
        Cors::List(
            [
                "http://localhost:*",
                "http://127.0.0.1:*",
                "https://localhost:*",
                "https://127.0.0.1:*",
                "https://polkadot.js.org",
            ]
            .map(String::from)
            .to_vec(),
        )
    }

    /// Parses `--rpc-cors` (`all`, or a comma-separated list).
    pub fn parse(text: &str) -> Self {
        match text.trim() {
            "all" | "*" => Cors::All,
            list => Cors::List(
                list.split(',')
                    .map(|o| o.trim().to_string())
                    .filter(|o| !o.is_empty())
                    .collect(),
            ),
        }
    }

    /// Whether a request from `origin` is allowed.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Cors::All => true,
            Cors::List(list) => list.iter().any(|allowed| match allowed.strip_suffix(":*") {
                Some(base) => {
                    origin == base
                        || origin.strip_prefix(base).is_some_and(|rest| {
                            rest.strip_prefix(':')
                                .is_some_and(|port| port.chars().all(|c| c.is_ascii_digit()))
                        })
                }
                None => origin == allowed,
            }),
        }
    }

    fn layer(&self) -> tower_http::cors::CorsLayer {
        use tower_http::cors::{AllowOrigin, Any, CorsLayer};
        let layer = CorsLayer::new().allow_methods(Any).allow_headers(Any);
        match self {
            Cors::All => layer.allow_origin(Any),
            Cors::List(_) => {
                let cors = self.clone();
                layer.allow_origin(AllowOrigin::predicate(move |origin, _| {
                    origin.to_str().is_ok_and(|o| cors.allows(o))
                }))
            }
        }
    }
}

/// The module with every method and `rpc_methods`, which lists every
/// method registered: the new API's groups appear only when registered,
/// and each is registered whole.
pub fn build_module(deps: Deps) -> Result<RpcModule<Deps>, jsonrpsee::core::RegisterMethodError> {
    let spec_v2 = deps.spec_v2.clone();
    let mut module = RpcModule::new(deps);
    crate::system::register(&mut module)?;
    crate::chain::register(&mut module)?;
    crate::state::register(&mut module)?;
    crate::author::register(&mut module)?;
    crate::author_keys::register(&mut module)?;
    crate::offchain::register(&mut module)?;
    crate::entropy::register(&mut module)?;
    crate::poe::register(&mut module)?;
    if let Some(config) = &spec_v2 {
        crate::spec_v2::register(&mut module, config)?;
    }
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
///
/// WebSocket and HTTP share the port and every setting. Subscriptions are
/// served over WebSocket only: over HTTP, jsonrpsee answers a subscribe or
/// unsubscribe call with -32603 "Internal error", exactly as a Substrate
/// node does. Requests whose `id` is not a JSON-RPC id (negative,
/// fractional, beyond `u64`, boolean, object, array) are taken for
/// notifications, again as in Substrate: no answer over WebSocket, a `null`
/// body over HTTP.
pub async fn start(
    config: &RpcConfig,
    module: RpcModule<Deps>,
) -> std::io::Result<(SocketAddr, ServerHandle)> {
    let server_config = ServerConfig::builder()
        .max_connections(config.max_connections)
        .max_request_body_size(config.max_request_bytes)
        .max_response_body_size(config.max_response_bytes)
        .set_id_provider(RandomStringIdProvider::new(16))
        .set_batch_request_config(config.batch_config())
        .build();
    let middleware = tower::ServiceBuilder::new().layer(config.cors.layer());
    let server = Server::builder()
        .set_config(server_config)
        .set_http_middleware(middleware)
        .build(config.addr)
        .await?;
    let addr = server.local_addr()?;
    Ok((addr, server.start(module)))
}

#[cfg(test)]
mod tests {
    use super::Cors;

    #[test]
    fn cors_lists_match_exact_origins_and_any_port() {
        let local = Cors::local_default();
        assert!(local.allows("http://localhost:3000"));
        assert!(local.allows("http://127.0.0.1"));
        assert!(local.allows("https://polkadot.js.org"));
        assert!(!local.allows("http://localhost.evil.com"));
        assert!(!local.allows("http://localhost:80abc"));
        assert!(!local.allows("https://example.org"));
        assert!(Cors::parse("all").allows("https://example.org"));
        let list = Cors::parse("https://a.org, http://b.org:*");
        assert!(list.allows("https://a.org") && list.allows("http://b.org:8080"));
        assert!(!list.allows("https://b.org"));
    }
}
