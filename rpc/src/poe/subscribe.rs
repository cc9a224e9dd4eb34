//! `poe_subscribeJob(jobId)` / `poe_unsubscribeJob`: notification
//! `poe_jobStatus`, `{ jobId, block: { number, hash }, status }` — the
//! job's status at the best block when subscribing, then at each new best
//! block whose status differs from the last one sent. The subscription
//! ends after a final status (`verified` or `failed`). A best block
//! without the job (on a branch where it was never submitted) sends
//! nothing; an unknown job is refused with 7101.

use super::chain::{job, known_job};
use super::format::status_json;
use crate::error::PoeError;
use crate::params::Args;
use crate::server::Deps;
use crate::tasks::{blocking, next_header, send};
use entroos_poe_primitives::JobStatus;
use entroos_primitives::{BlockNumber, H256};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::{PendingSubscriptionSink, RpcModule};
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_subscription(
        "poe_subscribeJob",
        "poe_jobStatus",
        "poe_unsubscribeJob",
        |p, pending, deps, _| async move {
            match Args::parse(&p).and_then(|a| a.req::<u64>(0, "job id")) {
                Ok(id) => follow(pending, deps, id).await,
                Err(e) => pending.reject(e).await,
            }
        },
    )?;
    Ok(())
}

/// The job's status at block `hash`, if the job is there.
fn status_at(deps: &Deps, hash: H256, id: u64) -> Result<Option<JobStatus>, PoeError> {
    Ok(job(deps, hash, id)?.map(|job| job.status))
}

fn notification(id: u64, number: BlockNumber, hash: H256, status: &JobStatus) -> Value {
    json!({
        "jobId": id,
        "block": { "number": number, "hash": hash },
        "status": status_json(status),
    })
}

/// The best block and the job's status there, or the refusal.
fn first(deps: &Deps, id: u64) -> Result<(BlockNumber, H256, JobStatus), ErrorObjectOwned> {
    let (number, hash) = deps.chain.best();
    let job = known_job(deps, hash, id)?;
    Ok((number, hash, job.status))
}

async fn follow(pending: PendingSubscriptionSink, deps: Arc<Deps>, id: u64) {
    let source = deps.clone();
    let mut best = match blocking(move || source.chain.subscribe_best()).await {
        Ok(receiver) => receiver,
        Err(e) => return pending.reject(e).await,
    };
    let source = deps.clone();
    let (number, hash, mut last) = match blocking(move || first(&source, id)).await {
        Ok(Ok(first)) => first,
        Ok(Err(e)) | Err(e) => return pending.reject(e).await,
    };
    let Ok(sink) = pending.accept().await else {
        return;
    };
    if send(&sink, &notification(id, number, hash, &last))
        .await
        .is_err()
        || last.is_final()
    {
        return;
    }
    while let Some(header) = next_header(&sink, &mut best).await {
        let (number, hash) = (header.number, header.hash());
        let source = deps.clone();
        let Ok(Ok(Some(status))) = blocking(move || status_at(&source, hash, id)).await else {
            continue;
        };
        if status == last {
            continue;
        }
        last = status;
        if send(&sink, &notification(id, number, hash, &status))
            .await
            .is_err()
            || status.is_final()
        {
            return;
        }
    }
}
