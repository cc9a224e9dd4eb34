//! System's metadata.

use crate::*;
use entroos_support::metadata::PalletMetadataProvider;

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        let entries = vec![
            Account::<T>::metadata(vec![
                "The full account information for a particular account ID.",
            ]),
            ExtrinsicCount::metadata(vec!["Total extrinsics count for the current block."]),
            BlockWeight::metadata(vec!["The current weight for the block."]),
            AllExtrinsicsLen::metadata(vec![
                "Total length (in bytes) for all extrinsics put together, for the current block.",
            ]),
            BlockHash::metadata(vec!["Map of block numbers to block hashes."]),
            ExtrinsicData::metadata(vec![
                "Extrinsics data for the current block (maps an extrinsic's index to its data).",
            ]),
            Number::metadata(vec!["The current block number being processed."]),
            ParentHash::metadata(vec!["Hash of the previous block."]),
            DigestItems::metadata(vec![
                "Digest of the current block, also part of the block header.",
            ]),
            Events::<T>::metadata(vec!["Events deposited for the current block."]),
            EventCount::metadata(vec!["The number of events in the `Events<T>` list."]),
            ExecutionPhase::metadata(vec!["The execution phase of the block."]),
        ];
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries,
            }),
            calls: Some(PalletCallMetadata {
                ty: meta_type::<Call>(),
            }),
            event: Some(PalletEventMetadata {
                ty: meta_type::<Event>(),
            }),
            constants: vec![
                constant(
                    "BlockWeights",
                    &T::block_weights(),
                    vec!["Block & extrinsics weights: base values and limits."],
                ),
                constant(
                    "BlockLength",
                    &T::block_length(),
                    vec!["The maximum length of a block (in bytes)."],
                ),
                constant(
                    "BlockHashCount",
                    &T::BLOCK_HASH_COUNT,
                    vec!["Maximum number of block number to block hash mappings to keep."],
                ),
                constant(
                    "DbWeight",
                    &T::db_weight(),
                    vec!["The weight of runtime database operations the runtime can invoke."],
                ),
                constant(
                    "Version",
                    &T::version(),
                    vec!["Get the chain's current version."],
                ),
                constant(
                    "SS58Prefix",
                    &T::SS58_PREFIX,
                    vec!["The designated SS58 prefix of this chain."],
                ),
            ],
            error: None,
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec![
            "The base of every runtime: accounts (nonce, reference counts and the",
            "balance data other pallets keep there), the block's number, parent hash,",
            "digest and events, block hashes for mortality checks, and the block's",
            "consumed weight and length.",
        ]
    }
}
