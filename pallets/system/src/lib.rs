//! # System pallet
//!
//! The base of every runtime: accounts (nonce, reference counts and the
//! balance data other pallets keep there), the block's number, parent hash,
//! digest and events, block hashes for mortality checks, and the block's
//! consumed weight and length.
//!
//! Invariants:
//! - `Events` is cleared when a block starts; every event carries the
//!   [`Phase`] it was emitted in, and every applied extrinsic emits exactly
//!   one `ExtrinsicSuccess` or `ExtrinsicFailed`.
//! - `BlockHash` holds the last `BLOCK_HASH_COUNT` block hashes (and block 0's).
//! - An account exists while it has providers or sufficients; when both reach
//!   zero its entry is removed and `KilledAccount` emitted.
//! - A block whose execution changes `:code` (the runtime's identity) ends
//!   with a `RuntimeEnvironmentUpdated` digest item and a `CodeUpdated`
//!   event, as in Substrate; no other block has either.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::float_arithmetic
    )
)]

mod accounts;
mod calls;
mod metadata;
pub mod testing;
mod types;
pub mod weights;

pub use calls::Call;
pub use types::*;

include!("records.rs");

use codec::{Decode, Encode, FullCodec, MaxEncodedLen};
use entroos_primitives::dispatch::{DispatchError, DispatchInfo};
use entroos_primitives::hashing::{blake2_256, Blake2_128Concat, Twox64Concat};
use entroos_primitives::version::RuntimeVersion;
use entroos_primitives::{AccountId32, BlockNumber, Digest, DigestItem, Nonce, Weight, H256};
use entroos_support::metadata::constant;
use entroos_support::state::Externalities;
use entroos_support::storage::{OptionQuery, StorageEntry, StorageMap, StorageValue, ValueQuery};
use entroos_support::storage_instance;
use frame_metadata::v14::{
    PalletCallMetadata, PalletEventMetadata, PalletMetadata, PalletStorageMetadata,
};
use scale_info::form::MetaForm;
use scale_info::{meta_type, TypeInfo};
use std::fmt::Debug;
use std::marker::PhantomData;

/// The pallet's storage prefix.
pub const PALLET: &str = "System";

/// The well-known key of the runtime's identity (`:code`).
pub const CODE_KEY: &[u8] = b":code";

/// Where the block keeps, from [`Pallet::initialize`] to
/// [`Pallet::finalize`], the SCALE `Option<H256>` blake2-256 hash of `:code`
/// as the block found it. Unhashed and transient, like Substrate's
/// `:extrinsic_index`: no finalized state holds it.
pub const CODE_HASH_AT_BLOCK_START_KEY: &[u8] = b":code_hash_at_block_start";

/// What the runtime provides to System.
pub trait Config: 'static {
    /// The runtime's event enum.
    type RuntimeEvent: From<Event> + FullCodec + Clone + Debug + PartialEq + TypeInfo + 'static;
    /// The balance data kept in each account.
    type AccountData: FullCodec
        + MaxEncodedLen
        + Default
        + Clone
        + Debug
        + PartialEq
        + TypeInfo
        + 'static;
    /// How many recent block hashes are kept (the longest mortality).
    const BLOCK_HASH_COUNT: BlockNumber;
    /// The SS58 prefix of addresses on this chain.
    const SS58_PREFIX: u16;
    /// The runtime version.
    fn version() -> RuntimeVersion;
    /// The block weight limits.
    fn block_weights() -> BlockWeights;
    /// The block length limits.
    fn block_length() -> BlockLength;
    /// The weight of database access.
    fn db_weight() -> entroos_primitives::weights::RuntimeDbWeight;
}

pub use pallet::Event;

/// Where the event and error types live, so that their type paths are
/// FRAME's `<crate>::pallet::{Event, Error}` (clients match on those paths).
pub mod pallet {
    #[allow(unused_imports)]
    use super::*;

    /// System's events.
    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    #[scale_info(replace_segment("pallet_system", "frame_system"))]
    pub enum Event {
        /// An extrinsic completed successfully.
        ExtrinsicSuccess {
            /// Its dispatch information.
            dispatch_info: DispatchInfo,
        },
        /// An extrinsic failed.
        ExtrinsicFailed {
            /// Why.
            dispatch_error: DispatchError,
            /// Its dispatch information.
            dispatch_info: DispatchInfo,
        },
        /// `:code` was updated.
        CodeUpdated,
        /// A new account was created.
        NewAccount {
            /// The account.
            account: AccountId32,
        },
        /// An account was reaped.
        KilledAccount {
            /// The account.
            account: AccountId32,
        },
        /// On-chain remark happened.
        Remarked {
            /// Who remarked.
            sender: AccountId32,
            /// The remark's blake2-256 hash.
            hash: H256,
        },
    }
}

storage_instance!(pub AccountPrefix, PALLET, "Account");
storage_instance!(pub ExtrinsicCountPrefix, PALLET, "ExtrinsicCount");
storage_instance!(pub BlockWeightPrefix, PALLET, "BlockWeight");
storage_instance!(pub AllExtrinsicsLenPrefix, PALLET, "AllExtrinsicsLen");
storage_instance!(pub BlockHashPrefix, PALLET, "BlockHash");
storage_instance!(pub ExtrinsicDataPrefix, PALLET, "ExtrinsicData");
storage_instance!(pub NumberPrefix, PALLET, "Number");
storage_instance!(pub ParentHashPrefix, PALLET, "ParentHash");
storage_instance!(pub DigestPrefix, PALLET, "Digest");
storage_instance!(pub EventsPrefix, PALLET, "Events");
storage_instance!(pub EventCountPrefix, PALLET, "EventCount");
storage_instance!(pub ExecutionPhasePrefix, PALLET, "ExecutionPhase");

/// Account info by account id.
pub type Account<T> = StorageMap<
    AccountPrefix,
    Blake2_128Concat,
    AccountId32,
    AccountInfo<<T as Config>::AccountData>,
    ValueQuery,
>;
/// Extrinsics in the current block.
pub type ExtrinsicCount = StorageValue<ExtrinsicCountPrefix, u32, OptionQuery>;
/// Weight consumed in the current block, per class.
pub type BlockWeight = StorageValue<BlockWeightPrefix, PerDispatchClass<Weight>, ValueQuery>;
/// Bytes of extrinsics in the current block.
pub type AllExtrinsicsLen = StorageValue<AllExtrinsicsLenPrefix, u32, OptionQuery>;
/// Recent block hashes by number.
pub type BlockHash = StorageMap<BlockHashPrefix, Twox64Concat, BlockNumber, H256, ValueQuery>;
/// The current block's extrinsics, for the extrinsics root.
pub type ExtrinsicData = StorageMap<ExtrinsicDataPrefix, Twox64Concat, u32, Vec<u8>, ValueQuery>;
/// The current block number.
pub type Number = StorageValue<NumberPrefix, BlockNumber, ValueQuery>;
/// The parent block's hash.
pub type ParentHash = StorageValue<ParentHashPrefix, H256, ValueQuery>;
/// The current block's digest.
pub type DigestItems = StorageValue<DigestPrefix, Digest, ValueQuery>;
/// The current block's events.
pub type Events<T> =
    StorageValue<EventsPrefix, Vec<EventRecord<<T as Config>::RuntimeEvent, H256>>, ValueQuery>;
/// How many events the current block has.
pub type EventCount = StorageValue<EventCountPrefix, u32, ValueQuery>;
/// Where in the block execution is.
pub type ExecutionPhase = StorageValue<ExecutionPhasePrefix, Phase, OptionQuery>;

/// System's functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Pallet<T> {
    /// Starts block `number` on top of `parent_hash`.
    pub fn initialize(
        ext: &mut dyn Externalities,
        number: BlockNumber,
        parent_hash: H256,
        digest: &Digest,
    ) {
        ExecutionPhase::put(ext, &Phase::Initialization);
        Number::put(ext, &number);
        ParentHash::put(ext, &parent_hash);
        DigestItems::put(ext, digest);
        if let Some(parent) = number.checked_sub(1) {
            BlockHash::insert(ext, &parent, &parent_hash);
        }
        Events::<T>::kill(ext);
        EventCount::kill(ext);
        BlockWeight::kill(ext);
        AllExtrinsicsLen::kill(ext);
        ExtrinsicCount::kill(ext);
        let code_hash = Self::code_hash(ext).encode();
        ext.set(CODE_HASH_AT_BLOCK_START_KEY, code_hash);
    }

    /// The blake2-256 hash of `:code`, if set.
    fn code_hash(ext: &dyn Externalities) -> Option<H256> {
        ext.get(CODE_KEY).map(|code| H256(blake2_256(&code)))
    }

    /// Deposits `RuntimeEnvironmentUpdated` in the digest and emits
    /// `CodeUpdated` if `:code` differs from its value when the block
    /// started, and forgets that value.
    fn note_code_change(ext: &mut dyn Externalities) {
        let Some(at_start) = ext.get(CODE_HASH_AT_BLOCK_START_KEY) else {
            return;
        };
        ext.clear(CODE_HASH_AT_BLOCK_START_KEY);
        if at_start != Self::code_hash(ext).encode() {
            Self::deposit_log(ext, DigestItem::RuntimeEnvironmentUpdated);
            Self::deposit_system_event(ext, Event::CodeUpdated);
        }
    }

    /// Moves to the extrinsics phase.
    pub fn note_finished_initialize(ext: &mut dyn Externalities) {
        ExecutionPhase::put(ext, &Phase::ApplyExtrinsic(0));
    }

    /// The index of the extrinsic being applied.
    pub fn extrinsic_index(ext: &dyn Externalities) -> Option<u32> {
        match ExecutionPhase::get(ext) {
            Some(Phase::ApplyExtrinsic(i)) => Some(i),
            _ => None,
        }
    }

    /// Records an extrinsic's bytes before it is applied.
    pub fn note_extrinsic(ext: &mut dyn Externalities, encoded: Vec<u8>) {
        let index = Self::extrinsic_index(ext).unwrap_or(0);
        ExtrinsicData::insert(ext, &index, &encoded);
    }

    /// Emits the extrinsic's outcome and moves to the next index.
    pub fn note_applied_extrinsic(
        ext: &mut dyn Externalities,
        result: &Result<(), DispatchError>,
        info: DispatchInfo,
    ) {
        let event = match result {
            Ok(()) => Event::ExtrinsicSuccess {
                dispatch_info: info,
            },
            Err(e) => Event::ExtrinsicFailed {
                dispatch_error: *e,
                dispatch_info: info,
            },
        };
        Self::deposit_system_event(ext, event);
        let next = Self::extrinsic_index(ext).unwrap_or(0).saturating_add(1);
        ExecutionPhase::put(ext, &Phase::ApplyExtrinsic(next));
    }

    /// Moves to the finalization phase.
    pub fn note_finished_extrinsics(ext: &mut dyn Externalities) {
        let count = Self::extrinsic_index(ext).unwrap_or(0);
        ExtrinsicCount::put(ext, &count);
        ExecutionPhase::put(ext, &Phase::Finalization);
    }

    /// Ends the block: notes a change of `:code` (a `RuntimeEnvironmentUpdated`
    /// digest item and a `CodeUpdated` event), prunes old hashes and clears
    /// per-block data. Returns the block's number, parent hash, digest and
    /// extrinsics in order.
    pub fn finalize(ext: &mut dyn Externalities) -> (BlockNumber, H256, Digest, Vec<Vec<u8>>) {
        Self::note_code_change(ext);
        let number = Number::get(ext);
        let count = ExtrinsicCount::get(ext).unwrap_or(0);
        let extrinsics = (0..count)
            .map(|i| {
                let data = ExtrinsicData::get(ext, &i);
                ExtrinsicData::remove(ext, &i);
                data
            })
            .collect();
        if let Some(old) = number
            .checked_sub(T::BLOCK_HASH_COUNT)
            .and_then(|n| n.checked_sub(1))
        {
            if old > 0 {
                BlockHash::remove(ext, &old);
            }
        }
        ExecutionPhase::kill(ext);
        ExtrinsicCount::kill(ext);
        AllExtrinsicsLen::kill(ext);
        (
            number,
            ParentHash::get(ext),
            DigestItems::get(ext),
            extrinsics,
        )
    }

    /// Adds an item to the block's digest.
    pub fn deposit_log(ext: &mut dyn Externalities, item: DigestItem) {
        DigestItems::mutate(ext, |digest| digest.logs.push(item));
    }

    /// Records an event in the current phase (not at genesis, like FRAME).
    pub fn deposit_event(ext: &mut dyn Externalities, event: impl Into<T::RuntimeEvent>) {
        if Number::get(ext) == 0 {
            return;
        }
        let phase = ExecutionPhase::get(ext).unwrap_or(Phase::Initialization);
        let record = EventRecord::<T::RuntimeEvent, H256> {
            phase,
            event: event.into(),
            topics: Vec::new(),
        };
        Events::<T>::append(ext, &record);
        EventCount::mutate(ext, |count| *count = count.saturating_add(1));
    }

    fn deposit_system_event(ext: &mut dyn Externalities, event: Event) {
        Self::deposit_event(ext, event);
    }
}

impl<T: Config> entroos_support::hooks::Hooks for Pallet<T> {}
