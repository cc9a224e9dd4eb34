//! `poe_*`: the proof-of-execution ledger (pallet `poe`) as clients read
//! it, and the job outputs this node keeps.
//!
//! | method | answer |
//! |---|---|
//! | `poe_job(jobId, at?)` | the job, with its proof record once verified; `null` if unknown ([`jobs`]) |
//! | `poe_jobs({status?, owner?, startAfter?, limit?}, at?)` | a page of jobs in id order and the id to continue after ([`jobs`]) |
//! | `poe_receipts(jobId, at?)` | each executor of the job's current and previous round: commitment, revealed receipt and signature, agreement with the verdict ([`receipts`]) |
//! | `poe_output(jobId)`, `poe_logs(jobId)` | the output or log this node's executor kept, only if it matches the chain ([`local`]) |
//! | `poe_verifyReceipt({executor, receipt, signature, entropySeed?, salt?})` | the receipt's signature, `P` and agreement with the chain ([`verify`]) |
//! | `poe_subscribeJob(jobId)` | the job's status, then each change at a new best block, until a final one ([`subscribe`]) |
//!
//! Chain reads go through [`StateApi`](crate::StateApi) with the ledger's
//! own storage keys, at `at` (the best block by default); the outputs and
//! logs come from the node's persistent off-chain storage
//! ([`OffchainStorageApi`](crate::api::OffchainStorageApi)), where the
//! executor's off-chain worker keeps its runs (`entroos_poe_primitives::local`). Every
//! method is safe. JSON: camelCase fields, hashes and bytes as `0x` hex,
//! `u128` amounts as decimal strings, accounts as SS58 in the chain's
//! format beside their hex (`owner`/`ownerHex`), statuses and exits as
//! objects tagged by `kind` ([`format`]). Errors: -32602 for parameters
//! that do not parse, 4003 for an unknown block or a failed read, and the
//! [`PoeError`](crate::error::PoeError) codes from 7101.

mod chain;
mod format;
mod jobs;
mod local;
mod receipts;
mod subscribe;
mod verify;

pub use format::{ExitJson, STATUS_KINDS};
pub use jobs::{DEFAULT_JOBS_PAGE, MAX_JOBS_PAGE, MAX_JOBS_SCANNED};

use crate::chain::at_or_best;
use crate::error::PoeError;
use crate::params::Args;
use crate::server::Deps;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use local::Artifact;
use serde_json::Value;

/// The job id at parameter 0.
fn job_id(args: &Args) -> Result<u64, ErrorObjectOwned> {
    args.req(0, "job id")
}

/// A method of `(jobId, at?)`.
type JobReader = fn(&Deps, entroos_primitives::H256, u64) -> Result<Value, PoeError>;

fn register_job_at(
    module: &mut RpcModule<Deps>,
    name: &'static str,
    read: JobReader,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(name, move |p, d, _| -> Result<Value, ErrorObjectOwned> {
        let d: &Deps = &d;
        let args = Args::parse(&p)?;
        let id = job_id(&args)?;
        let at = at_or_best(d, args.hash(1)?);
        Ok(read(d, at, id)?)
    })?;
    Ok(())
}

fn register_local(
    module: &mut RpcModule<Deps>,
    name: &'static str,
    artifact: Artifact,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(name, move |p, d, _| -> Result<Value, ErrorObjectOwned> {
        let id = job_id(&Args::parse(&p)?)?;
        Ok(local::serve(&d, id, artifact)?)
    })?;
    Ok(())
}

/// Registers the `poe_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    register_job_at(module, "poe_job", jobs::job_at)?;
    register_job_at(module, "poe_receipts", receipts::receipts)?;
    module.register_blocking_method("poe_jobs", |p, d, _| -> Result<Value, ErrorObjectOwned> {
        let d: &Deps = &d;
        let args = Args::parse(&p)?;
        let query = args.opt::<jobs::JobsQuery>(0)?.unwrap_or_default();
        let at = at_or_best(d, args.hash(1)?);
        Ok(jobs::jobs(d, at, query)?)
    })?;
    register_local(module, "poe_output", Artifact::Output)?;
    register_local(module, "poe_logs", Artifact::Log)?;
    module.register_blocking_method(
        "poe_verifyReceipt",
        |p, d, _| -> Result<Value, ErrorObjectOwned> {
            let request = Args::parse(&p)?.req::<verify::VerifyRequest>(0, "receipt")?;
            Ok(verify::verify(&d, request)?)
        },
    )?;
    subscribe::register(module)?;
    Ok(())
}
