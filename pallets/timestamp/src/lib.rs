//! # Timestamp pallet
//!
//! The block's time, set once per block by the `set` inherent (unsigned,
//! mandatory, first in the block). Time is an *input*: the block author
//! supplies it as inherent data under [`INHERENT_IDENTIFIER`]; the runtime
//! never reads a clock. It must grow by at least `MINIMUM_PERIOD` per block.

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

use codec::{Decode, Encode};
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo, DispatchResult, Pays};
use entroos_primitives::{BlockNumber, Moment, Weight};
use entroos_support::dispatch::{ensure_none, GetDispatchInfo, PalletError, RawOrigin};
use entroos_support::hooks::Hooks;
use entroos_support::metadata::{constant, PalletMetadataProvider};
use entroos_support::state::Externalities;
use entroos_support::storage::{StorageEntry, StorageValue, ValueQuery};
use entroos_support::{pallet_error, storage_instance};
use frame_metadata::v14::{
    PalletCallMetadata, PalletErrorMetadata, PalletMetadata, PalletStorageMetadata,
};
use scale_info::form::MetaForm;
use scale_info::{meta_type, TypeInfo};
use std::marker::PhantomData;

/// The pallet's storage prefix.
pub const PALLET: &str = "Timestamp";
/// The inherent-data key of the timestamp (`u64` milliseconds).
pub const INHERENT_IDENTIFIER: [u8; 8] = *b"timstap0";

/// What the runtime provides to Timestamp.
pub trait Config: pallet_system::Config {
    /// This pallet's index in the runtime.
    const PALLET_INDEX: u8;
    /// The least a block's time may grow, in milliseconds (half the slot).
    const MINIMUM_PERIOD: Moment;
}

storage_instance!(pub NowPrefix, PALLET, "Now");
storage_instance!(pub DidUpdatePrefix, PALLET, "DidUpdate");
/// The current block's time, in milliseconds.
pub type Now = StorageValue<NowPrefix, Moment, ValueQuery>;
/// Whether `set` ran in this block.
pub type DidUpdate = StorageValue<DidUpdatePrefix, bool, ValueQuery>;

pub use pallet::{Call, Error};

/// Where the call and error types live, so that their type paths are
/// FRAME's `pallet_timestamp::pallet::{Call, Error}` (clients match on those paths).
pub mod pallet {
    use super::*;

    /// Timestamp's calls.
    #[allow(non_camel_case_types)]
    #[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
    pub enum Call {
        /// Sets the block's time (inherent).
        #[codec(index = 0)]
        set {
            /// Milliseconds since the Unix epoch.
            #[codec(compact)]
            now: Moment,
        },
    }

    pallet_error! {
        /// Timestamp's errors.
        pub enum Error {
            /// The timestamp was already set in this block.
            AlreadyUpdated,
            /// The timestamp grew by less than the minimum period.
            TooEarly,
        }
    }
}

/// The weight of `set`.
pub const SET_WEIGHT: Weight = Weight::from_parts(10_000_000, 0);

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        DispatchInfo {
            weight: SET_WEIGHT,
            class: DispatchClass::Mandatory,
            pays_fee: Pays::No,
        }
    }
}

/// Timestamp's functions.
pub struct Pallet<T>(PhantomData<T>);

impl<T: Config> Pallet<T> {
    /// Dispatches a Timestamp call.
    pub fn dispatch(ext: &mut dyn Externalities, origin: RawOrigin, call: Call) -> DispatchResult {
        let Call::set { now } = call;
        ensure_none(&origin)?;
        let module_error = |e: Error| e.into_module_error(T::PALLET_INDEX);
        if DidUpdate::get(ext) {
            return Err(module_error(Error::AlreadyUpdated));
        }
        let previous = Now::get(ext);
        if previous != 0 && now < previous.saturating_add(T::MINIMUM_PERIOD) {
            return Err(module_error(Error::TooEarly));
        }
        Now::put(ext, &now);
        DidUpdate::put(ext, &true);
        Ok(())
    }

    /// The inherent call for inherent data's timestamp, if present and valid.
    pub fn create_inherent(data: &std::collections::BTreeMap<[u8; 8], Vec<u8>>) -> Option<Call> {
        let raw = data.get(&INHERENT_IDENTIFIER)?;
        let now = Moment::decode(&mut &raw[..]).ok()?;
        Some(Call::set { now })
    }

    /// Whether the block set its time (checked when the block finishes).
    pub fn did_update(ext: &dyn Externalities) -> bool {
        DidUpdate::get(ext)
    }

    /// The current block's time.
    pub fn now(ext: &dyn Externalities) -> Moment {
        Now::get(ext)
    }
}

impl<T: Config> Hooks for Pallet<T> {
    /// Clears the per-block flag (the executive has checked it was set).
    fn on_finalize(ext: &mut dyn Externalities, _n: BlockNumber) {
        DidUpdate::kill(ext);
    }
}

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries: vec![
                    Now::metadata(vec!["The current time for the current block."]),
                    DidUpdate::metadata(vec![
                        "Whether the timestamp has been updated in this block.",
                    ]),
                ],
            }),
            calls: Some(PalletCallMetadata {
                ty: meta_type::<Call>(),
            }),
            event: None,
            constants: vec![constant(
                "MinimumPeriod",
                &T::MINIMUM_PERIOD,
                vec!["The minimum period between blocks."],
            )],
            error: Some(PalletErrorMetadata {
                ty: meta_type::<Error>(),
            }),
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec![
            "The block's time, set once per block by the `set` inherent (unsigned,",
            "mandatory, first in the block). It must grow by at least `MinimumPeriod`",
            "per block.",
        ]
    }
}
