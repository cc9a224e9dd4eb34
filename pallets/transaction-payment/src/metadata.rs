//! TransactionPayment's metadata.

use crate::{Config, Event, NextFeeMultiplier, Pallet, PALLET};
use entroos_support::metadata::{constant, PalletMetadataProvider};
use entroos_support::storage::StorageEntry;
use frame_metadata::v14::{PalletEventMetadata, PalletMetadata, PalletStorageMetadata};
use scale_info::form::MetaForm;
use scale_info::meta_type;

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries: vec![NextFeeMultiplier::metadata(vec!["The fee multiplier of the next block."])],
            }),
            calls: None,
            event: Some(PalletEventMetadata { ty: meta_type::<Event>() }),
            constants: vec![constant(
                "OperationalFeeMultiplier",
                &T::OPERATIONAL_FEE_MULTIPLIER,
                vec!["A fee multiplier for `Operational` extrinsics to compute \"virtual tip\" to boost their priority."],
            )],
            error: None,
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec![
            "Fees for signed extrinsics: a base fee, a length fee and a weight fee",
            "scaled by a multiplier that follows block fullness, plus the tip.",
            "Fees are withdrawn before dispatch and burned.",
        ]
    }
}
