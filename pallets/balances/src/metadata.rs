//! Balances' metadata.

use crate::{Call, Config, Error, Event, InactiveIssuance, Locks, Pallet, TotalIssuance, PALLET};
use entroos_support::metadata::{constant, PalletMetadataProvider};
use entroos_support::storage::StorageEntry;
use frame_metadata::v14::{
    PalletCallMetadata, PalletErrorMetadata, PalletEventMetadata, PalletMetadata,
    PalletStorageMetadata,
};
use scale_info::form::MetaForm;
use scale_info::meta_type;

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries: vec![
                    TotalIssuance::metadata(vec!["The total units issued in the system."]),
                    InactiveIssuance::metadata(vec!["The total units of outstanding deactivated balance."]),
                    Locks::metadata(vec!["Any liquidity locks on some account balances."]),
                ],
            }),
            calls: Some(PalletCallMetadata { ty: meta_type::<Call>() }),
            event: Some(PalletEventMetadata { ty: meta_type::<Event>() }),
            constants: vec![
                constant(
                    "ExistentialDeposit",
                    &T::EXISTENTIAL_DEPOSIT,
                    vec!["The minimum amount required to keep an account open."],
                ),
                constant("MaxLocks", &T::MAX_LOCKS, vec!["The maximum number of locks that should exist on an account."]),
                constant("MaxReserves", &0u32, vec!["The maximum number of named reserves that can exist on an account."]),
                constant("MaxFreezes", &0u32, vec!["The maximum number of individual freeze locks that can exist on an account."]),
            ],
            error: Some(PalletErrorMetadata { ty: meta_type::<Error>() }),
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec![
            "The native token: free and reserved balances kept in `System.Account`,",
            "total issuance, the existential deposit, locks, and transfers.",
        ]
    }
}
