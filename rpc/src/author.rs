//! `author_*`: submitting and watching transactions.

use crate::api::TxStatus;
use crate::error::{invalid_params, submit_error, unsafe_call};
use crate::params::{hex_param, to_hex, Args};
use crate::server::Deps;
use crate::tasks::{blocking, send};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::Value;
use tokio::sync::mpsc;

/// The extrinsic parameter: bad hex is an invalid parameter (-32602), as in
/// Substrate; bytes that do not decode are refused by the pool (1001).
fn extrinsic(args: &Args) -> Result<Vec<u8>, ErrorObjectOwned> {
    args.bytes(0, "extrinsic")
}

/// One item of `author_removeExtrinsic`: `{"hash": h}`, `{"extrinsic":
/// bytes}` (Substrate's `ExtrinsicOrHash`), or bare bytes; the hash of the
/// transaction it names.
fn removal(item: &Value) -> Result<H256, ErrorObjectOwned> {
    let named = |key: &str| item.get(key).and_then(Value::as_str);
    if let Some(text) = named("hash") {
        return text
            .parse()
            .map_err(|e| invalid_params(format!("parameter 0 (hash): {e}")));
    }
    let bytes = match (named("extrinsic"), item.as_str()) {
        (Some(text), _) | (None, Some(text)) => hex_param(text, 0, "extrinsic")?,
        (None, None) => {
            return Err(invalid_params(format!(
                "parameter 0: {item} is neither a hash nor an extrinsic"
            )))
        }
    };
    Ok(H256(blake2_256(&bytes)))
}

/// Sends each status until the last one or until the client leaves.
async fn watch(pending: PendingSubscriptionSink, mut statuses: mpsc::UnboundedReceiver<TxStatus>) {
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
}

/// Registers the `author_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(
        "author_submitExtrinsic",
        |p, d, _| -> Result<H256, ErrorObjectOwned> {
            let xt = extrinsic(&Args::parse(&p)?)?;
            d.pool.submit(xt).map_err(submit_error)
        },
    )?;
    module.register_blocking_method("author_pendingExtrinsics", |_, d, _| -> Vec<String> {
        d.pool.pending().iter().map(|xt| to_hex(xt)).collect()
    })?;
    module.register_blocking_method(
        "author_removeExtrinsic",
        |p, d, _| -> Result<Vec<H256>, ErrorObjectOwned> {
            let items: Vec<Value> = Args::parse(&p)?.req(0, "bytes or hashes")?;
            let hashes = items.iter().map(removal).collect::<Result<Vec<_>, _>>()?;
            if d.deny_unsafe {
                return Err(unsafe_call());
            }
            Ok(d.pool.remove(&hashes))
        },
    )?;
    module.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |p, pending, deps, _| async move {
            let submitted = match Args::parse(&p).and_then(|a| extrinsic(&a)) {
                Ok(xt) => blocking(move || deps.pool.submit_and_watch(xt))
                    .await
                    .and_then(|watch| watch.map_err(submit_error)),
                Err(e) => Err(e),
            };
            match submitted {
                Ok((_, statuses)) => watch(pending, statuses).await,
                Err(e) => pending.reject(e).await,
            }
        },
    )?;
    Ok(())
}
