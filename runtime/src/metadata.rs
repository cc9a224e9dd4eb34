//! Runtime metadata V14: every pallet's calls, storage, events, errors and
//! constants, the extrinsic format and its signed extensions. Built once.

use crate::constants::pallet_index;
use crate::{Aura, Balances, Runtime, System, Timestamp, TransactionPayment, UncheckedExtrinsic};
use codec::Encode;
use entroos_primitives::generic::extensions;
use entroos_primitives::generic::EXTRINSIC_FORMAT_VERSION;
use entroos_support::metadata::PalletMetadataProvider;
use frame_metadata::v14::{ExtrinsicMetadata, RuntimeMetadataV14, SignedExtensionMetadata};
use frame_metadata::RuntimeMetadataPrefixed;
use scale_info::meta_type;
use std::sync::OnceLock;

/// The metadata versions this runtime serves.
pub const SUPPORTED_VERSIONS: [u32; 1] = [14];

/// The metadata, prefixed with `meta` and the version.
pub fn metadata() -> RuntimeMetadataPrefixed {
    let pallets = vec![
        System::pallet_metadata(pallet_index::SYSTEM),
        Timestamp::pallet_metadata(pallet_index::TIMESTAMP),
        Aura::pallet_metadata(pallet_index::AURA),
        Balances::pallet_metadata(pallet_index::BALANCES),
        TransactionPayment::pallet_metadata(pallet_index::TRANSACTION_PAYMENT),
    ];
    let signed_extensions = extensions::standard()
        .into_iter()
        .map(
            |(identifier, ty, additional_signed)| SignedExtensionMetadata {
                identifier,
                ty,
                additional_signed,
            },
        )
        .collect();
    let extrinsic = ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsic>(),
        version: EXTRINSIC_FORMAT_VERSION,
        signed_extensions,
    };
    RuntimeMetadataV14::new(pallets, extrinsic, meta_type::<Runtime>()).into()
}

/// The SCALE encoding of [`metadata`] (what `state_getMetadata` serves), cached.
pub fn encoded() -> &'static [u8] {
    static ENCODED: OnceLock<Vec<u8>> = OnceLock::new();
    ENCODED.get_or_init(|| metadata().encode())
}

/// The metadata of `version`, if served.
pub fn at_version(version: u32) -> Option<&'static [u8]> {
    SUPPORTED_VERSIONS.contains(&version).then(encoded)
}

/// The name of error `error` of the pallet at `pallet_index`, as clients
/// read it from the metadata (the first byte of a module error's bytes).
pub fn error_name(pallet_index: u8, error: u8) -> Option<String> {
    let frame_metadata::RuntimeMetadata::V14(metadata) = metadata().1 else {
        return None;
    };
    let pallet = metadata.pallets.iter().find(|p| p.index == pallet_index)?;
    let ty = metadata.types.resolve(pallet.error.as_ref()?.ty.id)?;
    let scale_info::TypeDef::Variant(variants) = &ty.type_def else {
        return None;
    };
    variants
        .variants
        .iter()
        .find(|v| v.index == error)
        .map(|v| v.name.clone())
}
