//! System's calls: remarks and root-only raw storage access.

use crate::{weights, Config, Event, Pallet};
use codec::{Decode, Encode};
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo, DispatchResult, Pays};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use entroos_support::dispatch::{ensure_root, ensure_signed, GetDispatchInfo, RawOrigin};
use entroos_support::state::Externalities;
use scale_info::TypeInfo;

/// System's calls, with FRAME's call indices.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("pallet_system", "frame_system"),
    replace_segment("calls", "pallet")
)]
pub enum Call {
    /// Makes an on-chain remark.
    #[codec(index = 0)]
    remark {
        /// The remark.
        remark: Vec<u8>,
    },
    /// Sets raw storage items (root only).
    #[codec(index = 4)]
    set_storage {
        /// Key-value pairs.
        items: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// Deletes raw storage items (root only).
    #[codec(index = 5)]
    kill_storage {
        /// Keys.
        keys: Vec<Vec<u8>>,
    },
    /// Deletes every key under a prefix (root only).
    #[codec(index = 6)]
    kill_prefix {
        /// The prefix.
        prefix: Vec<u8>,
        /// A hint of how many keys there are.
        subkeys: u32,
    },
    /// Makes an on-chain remark and emits an event with its hash.
    #[codec(index = 7)]
    remark_with_event {
        /// The remark.
        remark: Vec<u8>,
    },
}

fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        let (weight, class) = match self {
            Call::remark { remark } | Call::remark_with_event { remark } => (
                weights::remark(len_u32(remark.len())),
                DispatchClass::Normal,
            ),
            Call::set_storage { items } => (
                weights::storage_items(len_u32(items.len())),
                DispatchClass::Operational,
            ),
            Call::kill_storage { keys } => (
                weights::storage_items(len_u32(keys.len())),
                DispatchClass::Operational,
            ),
            Call::kill_prefix { subkeys, .. } => {
                (weights::storage_items(*subkeys), DispatchClass::Operational)
            }
        };
        DispatchInfo {
            weight,
            class,
            pays_fee: Pays::Yes,
        }
    }
}

impl<T: Config> Pallet<T> {
    /// Dispatches a System call.
    pub fn dispatch(ext: &mut dyn Externalities, origin: RawOrigin, call: Call) -> DispatchResult {
        match call {
            Call::remark { .. } => ensure_signed(&origin).map(|_| ()),
            Call::remark_with_event { remark } => {
                let sender = ensure_signed(&origin)?;
                let hash = H256(blake2_256(&remark));
                Self::deposit_event(ext, Event::Remarked { sender, hash });
                Ok(())
            }
            Call::set_storage { items } => {
                ensure_root(&origin)?;
                for (key, value) in items {
                    ext.set(&key, value);
                }
                Ok(())
            }
            Call::kill_storage { keys } => {
                ensure_root(&origin)?;
                for key in keys {
                    ext.clear(&key);
                }
                Ok(())
            }
            Call::kill_prefix { prefix, .. } => {
                ensure_root(&origin)?;
                ext.clear_prefix(&prefix);
                Ok(())
            }
        }
    }
}
