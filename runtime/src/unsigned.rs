//! Unsigned extrinsics other than inherents: the entropy pallet's
//! equivocation reports and finality round notes. Nobody signs them (any
//! node that sees an offence or a finalized round may submit it, and pays
//! nothing), so the runtime admits them by checking the proof against the
//! state, with the pallet's own check functions: in the pool
//! (`validate_transaction`) and again when a block applies them (the state
//! may have moved on, for example a duplicate report already included).
//!
//! A valid report provides the tag `b"entropy-offence" ++ offence key`, so
//! the pool keeps one report per offence; it is valid for one epoch's worth
//! of blocks at most (reports are accepted for the current and previous
//! epoch only) and goes first (the highest priority). A round note provides
//! `b"entropy-round" ++ SCALE((set_id, round))`, so the pool keeps one note
//! per round, and lives a few blocks: a later round's note makes it stale.

use crate::{Entropy, Runtime, RuntimeCall};
use codec::Encode;
use entroos_primitives::validity::{
    InvalidTransaction, TransactionValidityError, UnknownTransaction, ValidTransaction,
};
use entroos_support::state::Externalities;
use pallet_entropy::{slashing::offence_key, Error};

/// The tag prefix of an offence report.
pub const OFFENCE_TAG: &[u8] = b"entropy-offence";
/// The tag prefix of a finality round note.
pub const ROUND_TAG: &[u8] = b"entropy-round";
/// How many blocks a round note stays in the pool at most.
pub const ROUND_NOTE_LONGEVITY: u64 = 8;

/// What an accepted unsigned call is.
pub(crate) enum Unsigned {
    /// An offence report: its tag.
    Report(Vec<u8>),
    /// A finality round note: its tag.
    RoundNote(Vec<u8>),
}

/// What an unsigned `call` is, if the state accepts it;
/// `NoUnsignedValidator` for any other unsigned call.
pub(crate) fn check(
    ext: &dyn Externalities,
    call: &RuntimeCall,
) -> Result<Unsigned, TransactionValidityError> {
    let checked = match call {
        RuntimeCall::Entropy(pallet_entropy::Call::report_block_equivocation { proof }) => {
            Entropy::check_block_report(ext, proof).map(|o| Unsigned::Report(offence_tag(&o)))
        }
        RuntimeCall::Entropy(pallet_entropy::Call::report_vote_equivocation { proof }) => {
            Entropy::check_vote_report(ext, proof).map(|o| Unsigned::Report(offence_tag(&o)))
        }
        RuntimeCall::Entropy(pallet_entropy::Call::note_finality_round { note }) => {
            Entropy::check_round_note(ext, note).map(|_| {
                let mut tag = ROUND_TAG.to_vec();
                (note.set_id, note.round).encode_to(&mut tag);
                Unsigned::RoundNote(tag)
            })
        }
        _ => return Err(UnknownTransaction::NoUnsignedValidator.into()),
    };
    checked.map_err(|e| refusal(e).into())
}

fn offence_tag(offence: &pallet_entropy::Offence) -> Vec<u8> {
    let mut tag = OFFENCE_TAG.to_vec();
    tag.extend_from_slice(offence_key(offence).as_ref());
    tag
}

/// The pool's view of an accepted unsigned call.
pub(crate) fn validate(
    ext: &dyn Externalities,
    call: &RuntimeCall,
) -> Result<ValidTransaction, TransactionValidityError> {
    let (tag, priority, longevity) = match check(ext, call)? {
        Unsigned::Report(tag) => (
            tag,
            u64::MAX,
            pallet_entropy::Pallet::<Runtime>::params(ext).epoch_length,
        ),
        Unsigned::RoundNote(tag) => (tag, u64::MAX / 2, ROUND_NOTE_LONGEVITY),
    };
    Ok(ValidTransaction {
        priority,
        requires: Vec::new(),
        provides: vec![tag],
        longevity,
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
        | Error::UnknownOffender
        | Error::UnknownVoter
        | Error::NotEnoughWeight => InvalidTransaction::BadProof,
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
