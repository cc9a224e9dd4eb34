//! What the server tests share: the in-memory node, the module and server
//! over it, and minimal HTTP and WebSocket clients.

pub mod events;
pub mod memory;
pub mod wire;

use entroos_rpc::{
    build_module, Cors, Deps, RpcConfig, RpcMethods, ServerHandle, SpecV2Config, SystemInfo,
};
use jsonrpsee::RpcModule;
pub use memory::Memory;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// How long a test waits for an answer before failing.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The methods' dependencies, all served by `memory`: the legacy methods only.
pub fn deps(memory: &Arc<Memory>, deny_unsafe: bool) -> Deps {
    deps_with(memory, deny_unsafe, None)
}

/// The methods' dependencies, with the new API's groups if `spec_v2`.
pub fn deps_with(memory: &Arc<Memory>, deny_unsafe: bool, spec_v2: Option<SpecV2Config>) -> Deps {
    Deps {
        chain: memory.clone(),
        state: memory.clone(),
        pool: memory.clone(),
        network: memory.clone(),
        keystore: memory.clone(),
        finality: memory.clone(),
        offchain: memory.clone(),
        info: SystemInfo {
            impl_name: "EntroOS Node".into(),
            impl_version: "0.1.0".into(),
            chain_name: "Memory".into(),
            chain_type: json!("Development"),
            properties: json!({ "tokenSymbol": "MEM" }),
            roles: vec!["Full".into()],
        },
        deny_unsafe,
        spec_v2,
    }
}

/// The module over `memory`.
pub fn module(memory: &Arc<Memory>, deny_unsafe: bool) -> RpcModule<Deps> {
    build_module(deps(memory, deny_unsafe)).expect("the methods register")
}

/// The module over `memory` with the new API's groups, as `config` says.
pub fn module_v2(memory: &Arc<Memory>, config: SpecV2Config) -> RpcModule<Deps> {
    build_module(deps_with(memory, false, Some(config))).expect("the methods register")
}

/// A server over `memory` on 127.0.0.1, any port.
pub async fn serve(
    memory: &Arc<Memory>,
    methods: RpcMethods,
    max_batch_len: Option<u32>,
) -> (SocketAddr, ServerHandle) {
    let config = RpcConfig {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        max_connections: 16,
        max_request_bytes: 16 * 1024 * 1024,
        max_response_bytes: 16 * 1024 * 1024,
        methods,
        cors: Cors::All,
        max_batch_len,
    };
    let module = module(memory, methods == RpcMethods::Safe);
    entroos_rpc::start(&config, module)
        .await
        .expect("the server starts")
}

/// A request object.
pub fn request(id: u64, method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
}

/// Calls `method` on `module` directly; the response object, and the
/// notifications if it was a subscription.
pub async fn call_module(
    module: &RpcModule<Deps>,
    method: &str,
    params: Value,
) -> (
    Value,
    tokio::sync::mpsc::Receiver<Box<serde_json::value::RawValue>>,
) {
    let text = request(1, method, params).to_string();
    let (response, notifications) =
        tokio::time::timeout(PATIENCE, module.raw_json_request(&text, 64))
            .await
            .expect("an answer in time")
            .expect("a well-formed request");
    let response = serde_json::from_str(response.get()).expect("a JSON response");
    (response, notifications)
}

/// The error code of a response, if it is an error.
pub fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}
