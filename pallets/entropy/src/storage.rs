//! The pallet's storage items (prefix `Entropy`), keyed like FRAME's.

use crate::params::Params;
use crate::types::{
    DutyRecord, KeyKind, SessionKeys, StakingLedger, ValidatorPrefs, ValidatorScores,
};
use crate::{EpochSetOf, PeriodStateOf, MAX_OFFENCES_PER_EPOCH, PALLET};
use entroos_primitives::hashing::{Blake2_128Concat, Identity, Twox64Concat};
use entroos_primitives::{AccountId32, BlockNumber, H256};
use entroos_support::bounded::{BoundedVec, ConstU32};
use entroos_support::storage::{OptionQuery, StorageMap, StorageValue, ValueQuery};
use entroos_support::storage_instance;

storage_instance!(pub ParametersPrefix, PALLET, "Parameters");
storage_instance!(pub LedgerPrefix, PALLET, "Ledger");
storage_instance!(pub CandidatesPrefix, PALLET, "Candidates");
storage_instance!(pub CandidateCountPrefix, PALLET, "CandidateCount");
storage_instance!(pub KeysPrefix, PALLET, "Keys");
storage_instance!(pub KeyOwnerPrefix, PALLET, "KeyOwner");
storage_instance!(pub ScoresPrefix, PALLET, "Scores");
storage_instance!(pub CurrentEpochPrefix, PALLET, "CurrentEpoch");
storage_instance!(pub GenesisSlotPrefix, PALLET, "GenesisSlot");
storage_instance!(pub LastSlotPrefix, PALLET, "LastSlot");
storage_instance!(pub EpochSetsPrefix, PALLET, "EpochSets");
storage_instance!(pub AccumulatorPrefix, PALLET, "RandomnessAccumulator");
storage_instance!(pub DutiesPrefix, PALLET, "Duties");
storage_instance!(pub PeriodPrefix, PALLET, "Period");
storage_instance!(pub OffencesPrefix, PALLET, "Offences");
storage_instance!(pub OffencesByEpochPrefix, PALLET, "OffencesByEpoch");
storage_instance!(pub LastNotedRoundPrefix, PALLET, "LastNotedRound");
storage_instance!(pub SlashedOffencesPrefix, PALLET, "SlashedOffences");
storage_instance!(pub ReceivedHeartbeatsPrefix, PALLET, "ReceivedHeartbeats");

/// The consensus parameters (defaults until genesis sets them).
pub type Parameters = StorageValue<ParametersPrefix, Params, ValueQuery>;
/// Each stash's bond.
pub type Ledger =
    StorageMap<LedgerPrefix, Blake2_128Concat, AccountId32, StakingLedger, OptionQuery>;
/// The stashes that intend to validate, with what they declare.
pub type Candidates =
    StorageMap<CandidatesPrefix, Blake2_128Concat, AccountId32, ValidatorPrefs, OptionQuery>;
/// How many entries `Candidates` has (at most `MAX_CANDIDATES`).
pub type CandidateCount = StorageValue<CandidateCountPrefix, u32, ValueQuery>;
/// Each stash's session keys, used from the next selection on.
pub type Keys = StorageMap<KeysPrefix, Blake2_128Concat, AccountId32, SessionKeys, OptionQuery>;
/// Which stash each session key belongs to.
pub type KeyOwner =
    StorageMap<KeyOwnerPrefix, Blake2_128Concat, (KeyKind, [u8; 32]), AccountId32, OptionQuery>;
/// Each bonded stash's scores.
pub type Scores =
    StorageMap<ScoresPrefix, Blake2_128Concat, AccountId32, ValidatorScores, OptionQuery>;
/// The index of the current epoch.
pub type CurrentEpoch = StorageValue<CurrentEpochPrefix, u64, ValueQuery>;
/// The slot of the first block (epoch 0 starts there); unset before it.
pub type GenesisSlot = StorageValue<GenesisSlotPrefix, u64, OptionQuery>;
/// The last slot accounted for duties.
pub type LastSlot = StorageValue<LastSlotPrefix, u64, OptionQuery>;
/// The sets of the previous, current and next epoch, by index.
pub type EpochSets<T> = StorageMap<EpochSetsPrefix, Twox64Concat, u64, EpochSetOf<T>, OptionQuery>;
/// The hash chain of this epoch's primary VRF outputs.
pub type RandomnessAccumulator = StorageValue<AccumulatorPrefix, [u8; 32], ValueQuery>;
/// Each current-set member's duties this epoch, by index in the set.
pub type Duties = StorageMap<DutiesPrefix, Twox64Concat, u32, DutyRecord, ValueQuery>;
/// The duty period being accounted.
pub type Period<T> = StorageValue<PeriodPrefix, PeriodStateOf<T>, ValueQuery>;
/// Reported offences (by `blake2_256(SCALE(offender, time))`), with their epoch.
pub type Offences = StorageMap<OffencesPrefix, Identity, H256, u64, OptionQuery>;
/// The offences recorded per epoch, to forget them with their epoch.
pub type OffencesByEpoch = StorageMap<
    OffencesByEpochPrefix,
    Twox64Concat,
    u64,
    BoundedVec<H256, ConstU32<MAX_OFFENCES_PER_EPOCH>>,
    ValueQuery,
>;
/// The last finality round noted on chain: `(set id, round)`.
pub type LastNotedRound = StorageValue<LastNotedRoundPrefix, (u64, u64), OptionQuery>;
/// How many offences have been punished since genesis (never forgotten,
/// unlike the records kept for deduplication).
pub type SlashedOffences = StorageValue<SlashedOffencesPrefix, u64, ValueQuery>;
/// The members of the current set heard from this epoch, by index in the
/// set, with the block their heartbeat was made at (at most one entry per
/// member; emptied at the epoch's end).
pub type ReceivedHeartbeats =
    StorageMap<ReceivedHeartbeatsPrefix, Twox64Concat, u32, BlockNumber, OptionQuery>;
