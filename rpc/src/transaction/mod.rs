//! `transaction_v1_*` and `transactionWatch_v1_*`: submitting transactions
//! through the pool, fire-and-forget or watched.

mod broadcast;
mod watch;

use crate::params::Args;
use crate::server::Deps;
use crate::spec_v2::keys::{connection, id_param, Cancels};
use crate::spec_v2::{unsubscribe, IfUnknown, SpecV2Config};
use broadcast::{Broadcasts, Job};
use jsonrpsee::core::RegisterMethodError;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use std::sync::Arc;

/// Registers `transaction_v1_broadcast`/`_stop` and
/// `transactionWatch_v1_submitAndWatch`/`_unwatch`.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
    config: &SpecV2Config,
) -> Result<(), RegisterMethodError> {
    let broadcasts = Broadcasts::new(
        config.max_broadcasts_per_connection,
        config.broadcast_retries,
    );
    let starting = broadcasts.clone();
    module.register_method(
        "transaction_v1_broadcast",
        move |p, d, ext| -> Result<Option<String>, ErrorObjectOwned> {
            let extrinsic = Args::parse(&p)?.bytes(0, "transaction")?;
            let job = Job {
                pool: d.pool.clone(),
                chain: d.chain.clone(),
                extrinsic,
            };
            Ok(starting.start(connection(ext), job))
        },
    )?;
    module.register_method(
        "transaction_v1_stop",
        move |p, _, ext| -> Result<(), ErrorObjectOwned> {
            let id = id_param(&Args::parse(&p)?, 0, "operationId")?;
            Ok(broadcasts.stop(connection(ext), &id)?)
        },
    )?;
    let cancels = Arc::new(Cancels::default());
    let watching = cancels.clone();
    module.register_subscription(
        "transactionWatch_v1_submitAndWatch",
        "transactionWatch_v1_watchEvent",
        "transactionWatch_v1_unwatch",
        move |p, pending, deps, _| {
            let cancels = watching.clone();
            async move {
                match Args::parse(&p).and_then(|a| a.bytes(0, "transaction")) {
                    Ok(extrinsic) => watch::run(pending, deps, cancels, extrinsic).await,
                    Err(e) => pending.reject(e).await,
                }
            }
        },
    )?;
    unsubscribe(
        module,
        "transactionWatch_v1_unwatch",
        cancels,
        IfUnknown::Refuse,
    )
}
