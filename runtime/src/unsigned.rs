//! Unsigned extrinsics other than inherents: the entropy pallet's
//! equivocation reports. Nobody signs them (any node that sees an offence
//! may report it, and pays nothing), so the runtime admits them by
//! checking the proof against the state, with the pallet's own check
//! functions: in the pool (`validate_transaction`) and again when a block
//! applies them (the state may have moved on, for example a duplicate
//! report already included).
//!
//! A valid report provides the tag `b"entropy-offence" ++ offence key`, so
//! the pool keeps one report per offence; it is valid for one epoch's worth
//! of blocks at most (reports are accepted for the current and previous
//! epoch only) and goes first (the highest priority).

use crate::{Entropy, Runtime, RuntimeCall};
use entroos_primitives::validity::{
    InvalidTransaction, TransactionValidityError, UnknownTransaction, ValidTransaction,
};
use entroos_support::state::Externalities;
use pallet_entropy::{slashing::offence_key, Error, Offence};

/// The tag prefix of an offence report.
pub const OFFENCE_TAG: &[u8] = b"entropy-offence";

/// The offence an unsigned `call` reports, if it is a report the state
/// accepts; `NoUnsignedValidator` for any other unsigned call.
pub(crate) fn check(
    ext: &dyn Externalities,
    call: &RuntimeCall,
) -> Result<Offence, TransactionValidityError> {
    let checked = match call {
        RuntimeCall::Entropy(pallet_entropy::Call::report_block_equivocation { proof }) => {
            Entropy::check_block_report(ext, proof)
        }
        RuntimeCall::Entropy(pallet_entropy::Call::report_vote_equivocation { proof }) => {
            Entropy::check_vote_report(ext, proof)
        }
        _ => return Err(UnknownTransaction::NoUnsignedValidator.into()),
    };
    checked.map_err(|e| refusal(e).into())
}

/// The pool's view of an accepted report.
pub(crate) fn validate(
    ext: &dyn Externalities,
    call: &RuntimeCall,
) -> Result<ValidTransaction, TransactionValidityError> {
    let offence = check(ext, call)?;
    let mut tag = OFFENCE_TAG.to_vec();
    tag.extend_from_slice(offence_key(&offence).as_ref());
    Ok(ValidTransaction {
        priority: u64::MAX,
        requires: Vec::new(),
        provides: vec![tag],
        longevity: pallet_entropy::Pallet::<Runtime>::params(ext).epoch_length,
        propagate: true,
    })
}

/// How a refused report is reported to the pool and block builders.
fn refusal(error: Error) -> InvalidTransaction {
    match error {
        Error::DuplicateReport | Error::OffenceOutOfWindow => InvalidTransaction::Stale,
        Error::InvalidSeal
        | Error::InvalidSignature
        | Error::ProofMismatch
        | Error::NotConflicting
        | Error::UnknownOffender => InvalidTransaction::BadProof,
        Error::TooManyReports => InvalidTransaction::ExhaustsResources,
        other => InvalidTransaction::Custom(custom_code(other)),
    }
}

/// The pallet error's index, as `Custom` carries it.
fn custom_code(error: Error) -> u8 {
    codec::Encode::encode(&error)
        .first()
        .copied()
        .unwrap_or(u8::MAX)
}
