//! # EntroOS executor
//!
//! The only node crate that links the runtime (a test in `tests/` keeps it
//! so). Everything else in the node reaches the runtime through this crate:
//! runtime API calls by name with SCALE bytes ([`call`]), block execution
//! with typed refusals ([`execute_block`]), the inherent data an author
//! supplies and a verifier checks ([`inherent_data`], [`check_inherents`]),
//! and genesis building for chain specs ([`genesis`]). Session keys are made
//! through [`call_with_keystore`], which lends the runtime the node's
//! keystore; [`block_equivocation_report`] encodes the unsigned extrinsic
//! that reports two blocks sealed by one author for one slot. Off-chain
//! workers run through [`offchain_worker`], which lends the runtime the
//! node's off-chain context and job engine.
//!
//! Every runtime call made here lends the runtime the node's job engine
//! ([`jobs::job_executor`], `entroos-executor-wasm`), through which block
//! execution re-executes disputed proof-of-execution jobs: wherever the
//! node builds, imports or queries blocks, the real engine is there.
//!
//! The runtime is native Rust, so an executor call is a function call on an
//! [`Overlay`] over a read-only state [`Backend`]; the overlay's changes are
//! what the caller commits (or drops).

use codec::{Decode, Encode};
use entroos_client_api::{ClientError, ImportError};
use entroos_primitives::crypto::deferral::{self, DeferredCheck};
use entroos_primitives::{Block, Header, MultiAddress, H256};
use entroos_runtime::{BlockError, RuntimeError};
use entroos_support::hooks::KeyGenerator;
use entroos_support::state::{Backend, Changes, Externalities, Overlay};

pub use entroos_runtime::inherents::InherentData;

pub mod jobs;

/// Genesis building, presets and the chain identity the chain spec needs.
pub mod genesis {
    pub use entroos_runtime::constants::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL};
    pub use entroos_runtime::genesis::*;
    pub use entroos_runtime::version;
    pub use entroos_runtime::RuntimeError as GenesisError;

    use entroos_support::state::{Changes, InMemoryBackend, Overlay};

    /// The genesis storage of `config`.
    pub fn storage(config: &RuntimeGenesisConfig) -> Result<Changes, GenesisError> {
        let empty = InMemoryBackend::default();
        let mut overlay = Overlay::new(&empty);
        build(&mut overlay, config)?;
        Ok(overlay.into_changes())
    }

    /// The genesis storage of the named preset (`development`, `local_testnet`).
    pub fn preset_storage(name: &str) -> Result<Changes, GenesisError> {
        let patch = preset(name)
            .ok_or_else(|| GenesisError::Genesis(format!("no genesis preset {name:?}")))?;
        storage(&config_from_patch(patch)?)
    }
}

/// Helpers that sign and build transactions, for tests and benches only.
pub mod testing {
    pub use entroos_runtime::testing::*;
}

/// Calls runtime API `method` with SCALE `input` on `ext`, with the node's
/// keystore available (`SessionKeys_generate_session_keys` needs it).
pub fn call_with_keystore(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
    keystore: &mut dyn KeyGenerator,
) -> Result<Vec<u8>, ClientError> {
    let extensions = entroos_runtime::api::Extensions {
        offchain: None,
        keystore: Some(keystore),
        jobs: Some(jobs::job_executor()),
    };
    entroos_runtime::api::call_with(ext, method, input, extensions)
        .map_err(|e| call_error(method, e))
}

/// Runs the runtime's off-chain workers for the block `header` on `ext`
/// (that block's state), lending them `ctx` (local storage, keystore,
/// pool) and the node's job engine. Whatever `ext` gathers is the caller's
/// to drop: workers act on the chain only through submitted transactions.
pub fn offchain_worker(
    ext: &mut dyn Externalities,
    header: &Header,
    ctx: &mut dyn entroos_support::hooks::OffchainContext,
) -> Result<(), ClientError> {
    let method = "OffchainWorkerApi_offchain_worker";
    let extensions = entroos_runtime::api::Extensions {
        offchain: Some(ctx),
        keystore: None,
        jobs: Some(jobs::job_executor()),
    };
    entroos_runtime::api::call_with(ext, method, &header.encode(), extensions)
        .map(drop)
        .map_err(|e| call_error(method, e))
}

/// Calls runtime API `method` with SCALE `input` on `ext`.
pub fn call(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
) -> Result<Vec<u8>, ClientError> {
    entroos_runtime::api::call_with(ext, method, input, with_jobs())
        .map_err(|e| call_error(method, e))
}

/// The extensions of every call: the node's job engine.
fn with_jobs() -> entroos_runtime::api::Extensions<'static> {
    entroos_runtime::api::Extensions {
        jobs: Some(jobs::job_executor()),
        ..Default::default()
    }
}

fn call_error(method: &str, error: RuntimeError) -> ClientError {
    match error {
        RuntimeError::BadArguments { reason, .. } => ClientError::BadCallInput {
            method: method.into(),
            reason,
        },
        other => ClientError::Execution {
            method: method.into(),
            source: Box::new(other),
        },
    }
}

/// Calls `method` and decodes its answer as `T`.
pub fn call_decoded<T: Decode>(
    ext: &mut dyn Externalities,
    method: &str,
    input: &[u8],
) -> Result<T, ClientError> {
    let output = call(ext, method, input)?;
    T::decode(&mut &output[..]).map_err(|e| ClientError::BadCallOutput {
        method: method.into(),
        reason: e.to_string(),
    })
}

/// Executes `block` (its header without the seal) on `state`, checking its
/// roots and digest, and returns its state changes.
///
/// The extrinsics' signatures are checked together after execution by
/// `verify_signatures` (see [`entroos_primitives::crypto::deferral`]): a
/// block with a bad one is refused all the same, and its changes are
/// dropped.
pub fn execute_block(
    state: &impl Backend,
    block: &Block,
    verify_signatures: impl FnOnce(&[DeferredCheck]) -> bool,
) -> Result<Changes, ImportError> {
    let mut overlay = Overlay::new(state);
    let (executed, signatures) = deferral::deferring(|| {
        entroos_runtime::api::call_with(
            &mut overlay,
            "Core_execute_block",
            &block.encode(),
            with_jobs(),
        )
    });
    match executed {
        Ok(_) if verify_signatures(&signatures) => Ok(overlay.into_changes()),
        Ok(_) => Err(ImportError::Invalid(
            "an extrinsic's signature does not verify".into(),
        )),
        Err(RuntimeError::InvalidBlock(error)) => Err(block_error(error)),
        Err(other) => Err(ImportError::Client(call_error("Core_execute_block", other))),
    }
}

fn block_error(error: BlockError) -> ImportError {
    match error {
        BlockError::UndecodableExtrinsic { index, reason } => {
            ImportError::UndecodableBody { index, reason }
        }
        BlockError::StateRootMismatch { expected, computed } => {
            ImportError::StateRootMismatch { expected, computed }
        }
        BlockError::ExtrinsicsRootMismatch { expected, computed } => {
            ImportError::ExtrinsicsRootMismatch { expected, computed }
        }
        other => ImportError::Invalid(other.to_string()),
    }
}

/// The inherent data an author at time `timestamp_millis` supplies, and a
/// verifier whose clock shows that time checks against.
pub fn inherent_data(timestamp_millis: u64) -> InherentData {
    let mut data = InherentData::new();
    data.insert(
        pallet_timestamp::INHERENT_IDENTIFIER,
        timestamp_millis.encode(),
    );
    data
}

/// Checks that every extrinsic of `block`'s body decodes.
pub fn check_body(block: &Block) -> Result<(), ImportError> {
    for (index, xt) in block.extrinsics.iter().enumerate() {
        entroos_runtime::UncheckedExtrinsic::decode_body(&xt.0).map_err(|e| {
            ImportError::UndecodableBody {
                index,
                reason: e.to_string(),
            }
        })?;
    }
    Ok(())
}

/// Checks `block`'s inherents against the local time `now_millis` (the
/// timestamp may not run ahead of it by more than the runtime's drift).
pub fn check_inherents(
    state: &impl Backend,
    block: &Block,
    now_millis: u64,
) -> Result<(), ImportError> {
    let mut overlay = Overlay::new(state);
    let input = (block, inherent_data(now_millis)).encode();
    let result: entroos_runtime::inherents::CheckInherentsResult =
        call_decoded(&mut overlay, "BlockBuilder_check_inherents", &input)?;
    if result.okay {
        return Ok(());
    }
    let reasons: Vec<String> = result
        .errors
        .iter()
        .map(|(id, error)| {
            if *id == pallet_timestamp::INHERENT_IDENTIFIER {
                format!("timestamp too far in the future ({error:?})")
            } else {
                format!("{}: {error:?}", String::from_utf8_lossy(id))
            }
        })
        .collect();
    Err(ImportError::Inherents(reasons.join("; ")))
}

/// The signer of an encoded extrinsic, if it is signed by an account id.
pub fn signer_of(xt: &[u8]) -> Option<[u8; 32]> {
    let decoded = entroos_runtime::UncheckedExtrinsic::decode(&mut &xt[..]).ok()?;
    match decoded.signature?.0 {
        MultiAddress::Id(who) => Some(who.0),
        _ => None,
    }
}

/// The unsigned extrinsic reporting that `offender` (an sr25519 slot key)
/// sealed both `first` and `second` for `slot`: the entropy pallet's
/// `report_block_equivocation`, which the runtime validates in the pool.
pub fn block_equivocation_report(
    slot: u64,
    offender: [u8; 32],
    first: Header,
    second: Header,
) -> Vec<u8> {
    let proof = pallet_entropy::BlockEquivocationProof {
        offender,
        slot,
        first,
        second,
    };
    let call = pallet_entropy::Call::report_block_equivocation {
        proof: Box::new(proof),
    };
    entroos_runtime::UncheckedExtrinsic::new_unsigned(entroos_runtime::RuntimeCall::Entropy(call))
        .encode()
}

/// The unsigned extrinsic reporting two different finality votes of one
/// kind by one key in one round: the entropy pallet's
/// `report_vote_equivocation`, which the runtime validates in the pool.
pub fn vote_equivocation_report(equivocation: &entroos_finality::Equivocation) -> Vec<u8> {
    let (first, second) = (&equivocation.first, &equivocation.second);
    let kind = match first.vote.kind {
        entroos_finality::VoteKind::Prevote => pallet_entropy::VoteKind::Prevote,
        entroos_finality::VoteKind::Precommit => pallet_entropy::VoteKind::Precommit,
    };
    let signed = |vote: &entroos_finality::SignedVote| pallet_entropy::SignedVote {
        target_hash: vote.vote.target_hash,
        target_number: vote.vote.target_number,
        signature: vote.signature,
    };
    let proof = pallet_entropy::VoteEquivocationProof {
        offender: equivocation.offender(),
        set_id: first.vote.set_id,
        round: first.vote.round,
        kind,
        first: signed(first),
        second: signed(second),
    };
    let call = pallet_entropy::Call::report_vote_equivocation {
        proof: Box::new(proof),
    };
    entroos_runtime::UncheckedExtrinsic::new_unsigned(entroos_runtime::RuntimeCall::Entropy(call))
        .encode()
}

/// The unsigned extrinsic noting the precommits of the round that
/// `justification` comes from: the entropy pallet's `note_finality_round`,
/// one precommit per voter (the first of an equivocator's), which the
/// runtime validates in the pool. `None` if it carries more precommits
/// than a note holds.
pub fn round_note(justification: &entroos_finality::Justification) -> Option<Vec<u8>> {
    let mut voters = std::collections::BTreeSet::new();
    let precommits: Vec<pallet_entropy::NotedPrecommit> = justification
        .precommits
        .iter()
        .filter(|precommit| voters.insert(precommit.voter))
        .map(|precommit| pallet_entropy::NotedPrecommit {
            voter: precommit.voter,
            vote: pallet_entropy::SignedVote {
                target_hash: precommit.vote.target_hash,
                target_number: precommit.vote.target_number,
                signature: precommit.signature,
            },
        })
        .collect();
    let note = pallet_entropy::RoundNote {
        set_id: justification.set_id,
        round: justification.round,
        precommits: precommits.try_into().ok()?,
    };
    let call = pallet_entropy::Call::note_finality_round {
        note: Box::new(note),
    };
    Some(
        entroos_runtime::UncheckedExtrinsic::new_unsigned(entroos_runtime::RuntimeCall::Entropy(
            call,
        ))
        .encode(),
    )
}

/// The hash a block's seal signs: the header without its last digest item.
pub fn pre_seal_hash(block: &Block) -> H256 {
    let mut header = block.header.clone();
    header.digest.logs.pop();
    header.hash()
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_finality::{Equivocation, SignedVote, Vote, VoteKind};
    use entroos_primitives::crypto::ed25519;

    fn precommit(pair: &ed25519::Pair, target: u8) -> SignedVote {
        let vote = Vote {
            kind: VoteKind::Precommit,
            round: 7,
            set_id: 3,
            target_hash: H256([target; 32]),
            target_number: u32::from(target),
        };
        SignedVote::sign(vote, pair)
    }

    fn proof_of(report: &[u8]) -> pallet_entropy::VoteEquivocationProof {
        let xt = entroos_runtime::UncheckedExtrinsic::decode(&mut &report[..]).unwrap();
        assert!(xt.signature.is_none(), "a report is unsigned");
        match xt.function {
            entroos_runtime::RuntimeCall::Entropy(
                pallet_entropy::Call::report_vote_equivocation { proof },
            ) => *proof,
            other => panic!("not a vote report: {other:?}"),
        }
    }

    #[test]
    fn a_justification_becomes_a_round_note_with_one_precommit_per_voter() {
        let alice = ed25519::Pair::from_uri("//Alice").unwrap();
        let bob = ed25519::Pair::from_uri("//Bob").unwrap();
        let justification = entroos_finality::Justification {
            round: 7,
            set_id: 3,
            target: entroos_finality::BlockId::new(1, H256([1; 32])),
            precommits: vec![
                precommit(&alice, 1),
                precommit(&bob, 1),
                precommit(&alice, 2),
            ],
            ancestry: Vec::new(),
        };
        let xt = round_note(&justification).unwrap();
        let xt = entroos_runtime::UncheckedExtrinsic::decode(&mut &xt[..]).unwrap();
        let note = match xt.function {
            entroos_runtime::RuntimeCall::Entropy(pallet_entropy::Call::note_finality_round {
                note,
            }) => note,
            other => panic!("not a round note: {other:?}"),
        };
        assert_eq!((note.set_id, note.round), (3, 7));
        let voters: Vec<[u8; 32]> = note.precommits.as_slice().iter().map(|p| p.voter).collect();
        assert_eq!(voters, [alice.public(), bob.public()]);
        let first = note.precommits.as_slice()[0].vote;
        let payload = pallet_entropy::vote_payload(
            7,
            3,
            first.target_hash,
            first.target_number,
            pallet_entropy::VoteKind::Precommit,
        );
        assert!(ed25519::verify(&first.signature, &payload, &alice.public()));
    }

    #[test]
    fn a_vote_equivocation_signed_by_the_gadget_is_a_proof_the_pallet_accepts() {
        let pair = ed25519::Pair::from_uri("//Alice").unwrap();
        let equivocation = Equivocation {
            first: precommit(&pair, 1),
            second: precommit(&pair, 2),
        };
        let proof = proof_of(&vote_equivocation_report(&equivocation));
        assert_eq!(proof.offender, pair.public());
        assert_eq!((proof.set_id, proof.round), (3, 7));
        assert_eq!(pallet_entropy::verify_vote_equivocation(&proof), Ok(()));
        let mut forged = proof;
        forged.second.signature[0] ^= 1;
        assert!(pallet_entropy::verify_vote_equivocation(&forged).is_err());
    }
}
