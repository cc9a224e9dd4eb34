//! `entropy_*`: the consensus as people and tools read it.
//!
//! | method | answer |
//! |---|---|
//! | `entropy_validators(at?)` | the current set's members, then the other candidates ([`validators`]) |
//! | `entropy_diversity(at?)` | Shannon entropy of the set's weights over validators, operators and zones, and Nakamoto coefficients ([`diversity`]) |
//! | `entropy_epoch(at?)` | the current epoch, the slot duration, the next set's size and the finality set id ([`epoch`]) |
//! | `entropy_proveFinality(n)` | a [`FinalityProof`] that block `n` is final, or `null` if it is not ([`proof`]) |
//! | `entropy_subscribeJustifications` | each newly finalized block that has a justification ([`justifications`]) |
//! | `entropy_roundState` | the finality round in progress, from [`FinalityStatusApi`](crate::FinalityStatusApi), or `null` |
//!
//! Everything comes from the runtime's `EntropyApi` at the block asked
//! about (the best block by default) and from the chain's stored
//! justifications; every method is safe. Fixed-point values are served
//! exactly, as integers (parts per billion) and as decimal strings, and
//! `u128` amounts as decimal strings. Errors: -32602 for parameters that do
//! not parse, 4003 for an unknown block or a failed read, and the
//! [`EntropyError`](crate::error::EntropyError) codes from 7001.

mod diversity;
mod epoch;
mod format;
mod justifications;
pub mod proof;
mod validators;

pub use proof::{FinalityProof, MAX_PROOF_HEADERS};
pub(crate) use validators::ss58_format;

use crate::chain::at_or_best;
use crate::error::EntropyError;
use crate::params::Args;
use crate::server::Deps;
use codec::DecodeAll;
use entroos_primitives::H256;
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;
use serde_json::Value;

/// Calls the runtime API `method` (no arguments) at `at` and decodes its answer.
pub(crate) fn runtime_call<T: DecodeAll>(
    deps: &Deps,
    at: H256,
    method: &'static str,
) -> Result<T, EntropyError> {
    let bytes = deps.state.call(at, method, &[])?;
    T::decode_all(&mut &bytes[..]).map_err(|e| EntropyError::UndecodableAnswer {
        method,
        reason: e.to_string(),
    })
}

/// A method reading state at `at?` (parameter 0, the best block if absent).
type AtReader = fn(&Deps, H256) -> Result<Value, EntropyError>;

fn register_at(
    module: &mut RpcModule<Deps>,
    name: &'static str,
    read: AtReader,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    module.register_blocking_method(name, move |p, d, _| -> Result<Value, ErrorObjectOwned> {
        let d: &Deps = &d;
        let at = at_or_best(d, Args::parse(&p)?.hash(0)?);
        Ok(read(d, at)?)
    })?;
    Ok(())
}

/// Registers the `entropy_*` methods.
pub(crate) fn register(
    module: &mut RpcModule<Deps>,
) -> Result<(), jsonrpsee::core::RegisterMethodError> {
    register_at(module, "entropy_validators", validators::validators)?;
    register_at(module, "entropy_diversity", diversity::diversity)?;
    register_at(module, "entropy_epoch", epoch::epoch)?;
    module.register_blocking_method(
        "entropy_proveFinality",
        |p, d, _| -> Result<Value, ErrorObjectOwned> {
            let d: &Deps = &d;
            let args = Args::parse(&p)?;
            let number = args.number(0)?.ok_or_else(|| {
                crate::error::invalid_params("missing parameter 0 (block number)")
            })?;
            Ok(proof::prove_finality(d, number)?)
        },
    )?;
    module.register_blocking_method("entropy_roundState", |_, d, _| d.finality.round_state())?;
    justifications::register(module)?;
    Ok(())
}
