//! The pallet's metadata: storage, calls, events, errors and constants.

use crate::types::{MAX_DECLARED_LEN, MAX_UNLOCKING_CHUNKS};
use crate::{
    Call, CandidateCount, Candidates, Config, CurrentEpoch, Duties, EpochSets, Error, Event,
    GenesisSlot, KeyOwner, Keys, LastNotedRound, LastSlot, Ledger, Offences, OffencesByEpoch,
    Pallet, Parameters, Period, RandomnessAccumulator, ReceivedHeartbeats, Scores, SlashedOffences,
    MAX_OFFENCES_PER_EPOCH, PALLET,
};
use entroos_support::metadata::{constant, PalletMetadataProvider};
use entroos_support::storage::StorageEntry;
use frame_metadata::v14::{
    PalletCallMetadata, PalletConstantMetadata, PalletErrorMetadata, PalletEventMetadata,
    PalletMetadata, PalletStorageMetadata, StorageEntryMetadata,
};
use scale_info::form::MetaForm;
use scale_info::meta_type;

fn storage_entries<T: Config>() -> Vec<StorageEntryMetadata<MetaForm>> {
    vec![
        Parameters::metadata(vec!["The consensus parameters set by the chain spec."]),
        Ledger::metadata(vec![
            "Each stash's bond: active and unlocking (all reserved).",
        ]),
        Candidates::metadata(vec![
            "The stashes that intend to validate, with their declarations.",
        ]),
        CandidateCount::metadata(vec!["How many stashes intend to validate."]),
        Keys::metadata(vec![
            "Each stash's session keys (VRF sr25519, finality ed25519).",
        ]),
        KeyOwner::metadata(vec!["The stash each session key belongs to."]),
        Scores::metadata(vec!["Each bonded stash's reliability and entropy scores."]),
        CurrentEpoch::metadata(vec!["The index of the current epoch."]),
        GenesisSlot::metadata(vec!["The slot of the first block: epoch 0 starts there."]),
        LastSlot::metadata(vec!["The last slot accounted for duties."]),
        EpochSets::<T>::metadata(vec![
            "The sets of the previous, current and next epochs: validators, weights",
            "and randomness.",
        ]),
        RandomnessAccumulator::metadata(vec![
            "The hash chain of this epoch's primary VRF outputs.",
        ]),
        Duties::metadata(vec![
            "This epoch's duties of each member of the current set, by index.",
        ]),
        Period::<T>::metadata(vec!["The duty period being accounted."]),
        Offences::metadata(vec!["Reported offences, with their epoch."]),
        OffencesByEpoch::metadata(vec!["The offences recorded per epoch."]),
        LastNotedRound::metadata(vec![
            "The last finality round whose precommits were noted: (set id, round).",
        ]),
        SlashedOffences::metadata(vec!["How many offences have been punished since genesis."]),
        ReceivedHeartbeats::metadata(vec![
            "The members of the current set heard from this epoch, by index, with the",
            "block their heartbeat was made at.",
        ]),
    ]
}

fn constants<T: Config>() -> Vec<PalletConstantMetadata<MetaForm>> {
    vec![
        constant(
            "MaxValidators",
            &T::MAX_VALIDATORS,
            vec!["The most validators in an epoch's set."],
        ),
        constant(
            "MaxCandidates",
            &T::MAX_CANDIDATES,
            vec!["The most stashes that may intend to validate."],
        ),
        constant(
            "MaxUnlockingChunks",
            &MAX_UNLOCKING_CHUNKS,
            vec!["The most unbonding chunks per ledger."],
        ),
        constant(
            "MaxDeclaredLength",
            &MAX_DECLARED_LEN,
            vec!["The longest declared operator or zone, in bytes."],
        ),
        constant(
            "MaxOffencesPerEpoch",
            &MAX_OFFENCES_PER_EPOCH,
            vec!["The most offences recorded per epoch."],
        ),
    ]
}

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries: storage_entries::<T>(),
            }),
            calls: Some(PalletCallMetadata {
                ty: meta_type::<Call>(),
            }),
            event: Some(PalletEventMetadata {
                ty: meta_type::<Event>(),
            }),
            constants: constants::<T>(),
            error: Some(PalletErrorMetadata {
                ty: meta_type::<Error>(),
            }),
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec![
            "Who validates, with what weight: bonds, session keys, epochs,",
            "reliability and entropy scores, epoch randomness, diversity reports",
            "and the slashing of equivocations.",
        ]
    }
}
