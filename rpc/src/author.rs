//! `author_*`: submitting and watching transactions.

use crate::chain::send;
use crate::error::{submit_error, unsafe_call};
use crate::params::{hex_bytes, to_hex, Args};
use crate::server::Deps;
use entroos_primitives::H256;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;

/// The extrinsic parameter: bad hex is an invalid parameter (-32602), as in
/// Substrate; bytes that do not decode are refused by the pool (1001).
fn extrinsic(args: &Args) -> Result<Vec<u8>, ErrorObjectOwned> {
    args.bytes(0, "extrinsic")
}

/// Registers the `author_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(
        "author_submitExtrinsic",
        |p, d, _| -> Result<H256, ErrorObjectOwned> {
            let d: &Deps = &d;
            let xt = extrinsic(&Args::parse(&p)?)?;
            d.pool.submit(xt).map_err(submit_error)
        },
    )?;
    module.register_blocking_method("author_pendingExtrinsics", |_, d, _| -> Vec<String> {
        let d: &Deps = &d;
        d.pool.pending().iter().map(|xt| to_hex(xt)).collect()
    })?;
    module.register_blocking_method(
        "author_removeExtrinsic",
        |p, d, _| -> Result<Vec<H256>, ErrorObjectOwned> {
            let d: &Deps = &d;
            if d.deny_unsafe {
                return Err(unsafe_call());
            }
            let args = Args::parse(&p)?;
            let items: Vec<serde_json::Value> = args.req(0, "bytes or hashes")?;
            let mut hashes = Vec::new();
            for item in items {
                match item {
                    serde_json::Value::Object(map) => {
                        let text = map.get("hash").and_then(|h| h.as_str()).unwrap_or_default();
                        hashes.push(
                            text.parse()
                                .map_err(|e| crate::error::invalid_params(format!("{e}")))?,
                        );
                    }
                    serde_json::Value::String(text) => {
                        let bytes = hex_bytes(&text).map_err(crate::error::invalid_params)?;
                        hashes.push(H256(entroos_primitives::hashing::blake2_256(&bytes)));
                    }
                    other => {
                        return Err(crate::error::invalid_params(format!(
                            "{other} is neither a hash nor bytes"
                        )))
                    }
                }
            }
            Ok(d.pool.remove(&hashes))
        },
    )?;
    module.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |p, pending, deps, _| async move {
            // Validation runs the runtime: keep it off the async workers.
            let submitted = match Args::parse(&p).and_then(|a| extrinsic(&a)) {
                Ok(xt) => {
                    let deps = deps.clone();
                    tokio::task::spawn_blocking(move || {
                        deps.pool.submit_and_watch(xt).map_err(submit_error)
                    })
                    .await
                    .unwrap_or_else(|e| Err(crate::error::internal(e.to_string())))
                }
                Err(e) => Err(e),
            };
            let (_, mut statuses) = match submitted {
                Ok(watch) => watch,
                Err(e) => return pending.reject(e).await,
            };
            let Ok(sink) = pending.accept().await else {
                return;
            };
            loop {
                tokio::select! {
                    _ = sink.closed() => return,
                    status = statuses.recv() => match status {
                        Some(status) => {
                            let last = status.is_final();
                            if send(&sink, &status).await.is_err() || last { return }
                        }
                        None => return,
                    },
                }
            }
        },
    )?;
    Ok(())
}
