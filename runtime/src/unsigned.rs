//! Unsigned extrinsics other than inherents: the entropy pallet's
//! equivocation reports, finality round notes and heartbeats, and the
//! ledger's provider heartbeats. No account signs them (any
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
//!
//! Heartbeats, each signed by its sender's key inside the call (a
//! validator's slot key, a provider's executor key), provide
//! `b"entropy-heartbeat" ++ SCALE((epoch, validator index))` and
//! `b"poe-heartbeat" ++ SCALE((epoch, provider))`: one per member or
//! provider and epoch. They live until their epoch ends (by slots, an upper
//! bound on the blocks left) and go after reports and round notes.

use crate::{Entropy, Poe, Runtime, RuntimeCall};
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
/// The tag prefix of a validator heartbeat.
pub const HEARTBEAT_TAG: &[u8] = b"entropy-heartbeat";
/// The tag prefix of a provider heartbeat.
pub const PROVIDER_HEARTBEAT_TAG: &[u8] = b"poe-heartbeat";
/// The pool priority of heartbeats: below round notes (`u64::MAX / 2`).
pub const HEARTBEAT_PRIORITY: u64 = u64::MAX / 4;

/// What an accepted unsigned call is.
pub(crate) enum Unsigned {
    /// An offence report: its tag.
    Report(Vec<u8>),
    /// A finality round note: its tag.
    RoundNote(Vec<u8>),
    /// A validator's or a provider's heartbeat: its tag.
    Heartbeat(Vec<u8>),
}

/// What an unsigned `call` is, if the state accepts it;
/// `NoUnsignedValidator` for any other unsigned call.
pub(crate) fn check(
    ext: &dyn Externalities,
    call: &RuntimeCall,
) -> Result<Unsigned, TransactionValidityError> {
    let call = match call {
        RuntimeCall::Entropy(call) => call,
        RuntimeCall::Poe(pallet_poe::Call::heartbeat {
            heartbeat,
            signature,
        }) => {
            return Poe::check_heartbeat(ext, heartbeat, signature)
                .map(|()| {
                    Unsigned::Heartbeat(tag(
                        PROVIDER_HEARTBEAT_TAG,
                        &(heartbeat.epoch, heartbeat.provider),
                    ))
                })
                .map_err(|e| poe_refusal(e).into());
        }
        _ => return Err(UnknownTransaction::NoUnsignedValidator.into()),
    };
    check_entropy(ext, call)
}

/// [`check`] for the entropy pallet's calls.
fn check_entropy(
    ext: &dyn Externalities,
    call: &pallet_entropy::Call,
) -> Result<Unsigned, TransactionValidityError> {
    use pallet_entropy::Call;
    let checked = match call {
        Call::report_block_equivocation { proof } => {
            Entropy::check_block_report(ext, proof).map(|o| Unsigned::Report(offence_tag(&o)))
        }
        Call::report_vote_equivocation { proof } => {
            Entropy::check_vote_report(ext, proof).map(|o| Unsigned::Report(offence_tag(&o)))
        }
        Call::note_finality_round { note } => Entropy::check_round_note(ext, note)
            .map(|_| Unsigned::RoundNote(tag(ROUND_TAG, &(note.set_id, note.round)))),
        Call::heartbeat {
            heartbeat,
            signature,
        } => Entropy::check_heartbeat(ext, heartbeat, signature).map(|_stash| {
            Unsigned::Heartbeat(tag(
                HEARTBEAT_TAG,
                &(heartbeat.epoch, heartbeat.validator_index),
            ))
        }),
        _ => return Err(UnknownTransaction::NoUnsignedValidator.into()),
    };
    checked.map_err(|e| refusal(e).into())
}

fn tag(prefix: &[u8], key: &impl Encode) -> Vec<u8> {
    let mut tag = prefix.to_vec();
    key.encode_to(&mut tag);
    tag
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
        Unsigned::Heartbeat(tag) => (tag, HEARTBEAT_PRIORITY, slots_left_in_epoch(ext)),
    };
    Ok(ValidTransaction {
        priority,
        requires: Vec::new(),
        provides: vec![tag],
        longevity,
        propagate: true,
    })
}

/// The slots from the next block's to the current epoch's end (at least
/// one): how long a heartbeat may wait in the pool.
fn slots_left_in_epoch(ext: &dyn Externalities) -> u64 {
    let params = Entropy::params(ext);
    let epoch = pallet_entropy::CurrentEpoch::get(ext);
    let (Some(genesis), Some(last)) = (
        pallet_entropy::GenesisSlot::get(ext),
        pallet_entropy::LastSlot::get(ext),
    ) else {
        return params.epoch_length.max(1);
    };
    let end = params.epoch_start(genesis, epoch.saturating_add(1));
    end.saturating_sub(last).max(1)
}

/// How a refused report or heartbeat is reported to the pool and block
/// builders.
fn refusal(error: Error) -> InvalidTransaction {
    match error {
        Error::DuplicateReport
        | Error::OffenceOutOfWindow
        | Error::StaleHeartbeat
        | Error::DuplicateHeartbeat => InvalidTransaction::Stale,
        Error::FutureHeartbeat => InvalidTransaction::Future,
        Error::InvalidSeal
        | Error::InvalidSignature
        | Error::ProofMismatch
        | Error::NotConflicting
        | Error::UnknownOffender
        | Error::UnknownVoter
        | Error::NotEnoughWeight
        | Error::UnknownValidator => InvalidTransaction::BadProof,
        Error::TooManyReports => InvalidTransaction::ExhaustsResources,
        other => InvalidTransaction::Custom(custom_code(other)),
    }
}

/// How a refused provider heartbeat is reported.
fn poe_refusal(error: pallet_poe::Error) -> InvalidTransaction {
    use pallet_poe::Error as PoeError;
    match error {
        PoeError::StaleHeartbeat | PoeError::DuplicateHeartbeat => InvalidTransaction::Stale,
        PoeError::FutureHeartbeat => InvalidTransaction::Future,
        PoeError::InvalidHeartbeatSignature => InvalidTransaction::BadProof,
        PoeError::NotProvider => InvalidTransaction::BadSigner,
        other => InvalidTransaction::Custom(custom_code(other)),
    }
}

/// The pallet error's index, as `Custom` carries it.
fn custom_code(error: impl Encode) -> u8 {
    error.encode().first().copied().unwrap_or(u8::MAX)
}
