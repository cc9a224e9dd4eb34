//! Aura's metadata: its storage and constants (it has no calls, events or
//! errors, like Substrate's).

use crate::{Authorities, Config, CurrentSlot, Pallet, PALLET};
use entroos_support::metadata::{constant, PalletMetadataProvider};
use entroos_support::storage::StorageEntry;
use frame_metadata::v14::{PalletMetadata, PalletStorageMetadata};
use scale_info::form::MetaForm;

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries: vec![
                    Authorities::<T>::metadata(vec!["The current authority set."]),
                    CurrentSlot::metadata(vec![
                        "The current slot of this block.",
                        "",
                        "This will be set in `on_initialize`.",
                    ]),
                ],
            }),
            calls: None,
            event: None,
            constants: vec![
                constant(
                    "SlotDuration",
                    &Self::slot_duration(),
                    vec!["The slot duration, in milliseconds."],
                ),
                constant(
                    "MaxAuthorities",
                    &T::MAX_AUTHORITIES,
                    vec!["The maximum number of authorities that the pallet can hold."],
                ),
            ],
            error: None,
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec!["Who may author blocks, and the slot of the current block."]
    }
}
