//! Runtime metadata, each version built once:
//!
//! - V14: every pallet's calls, storage, events, errors and constants, the
//!   extrinsic format and its signed extensions. `Metadata_metadata` and
//!   `state_getMetadata` serve it.
//! - V15: the same pallets with their documentation; every runtime API of
//!   [`crate::api::METHODS`] with its inputs and output; the outer enums
//!   (`RuntimeCall`, `RuntimeEvent`, `RuntimeError`); the extrinsic's
//!   address, call, signature and extra types; an empty custom map.
//!
//! `Metadata_metadata_at_version` serves each of [`SUPPORTED_VERSIONS`]. V16
//! is not served: clients pick the highest version offered, and every client
//! reads V15.

mod apis;

use crate::constants::pallet_index;
use crate::{
    Balances, Entropy, Poe, Runtime, RuntimeCall, RuntimeEvent, System, Timestamp,
    TransactionPayment, UncheckedExtrinsic,
};
use codec::Encode;
use entroos_primitives::generic::extensions::{self, ExtraTypes};
use entroos_primitives::generic::EXTRINSIC_FORMAT_VERSION;
use entroos_primitives::{Address, MultiSignature};
use entroos_support::metadata::PalletMetadataProvider;
use frame_metadata::v14::{self, RuntimeMetadataV14};
use frame_metadata::v15::{self, CustomMetadata, OuterEnums, RuntimeMetadataV15};
use frame_metadata::RuntimeMetadataPrefixed;
use scale_info::form::MetaForm;
use scale_info::{meta_type, Field, Path, Type, TypeDefVariant, TypeInfo, Variant};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The metadata versions this runtime serves.
pub const SUPPORTED_VERSIONS: [u32; 2] = [14, 15];

/// A pallet's description and documentation.
struct Pallet {
    metadata: v14::PalletMetadata<MetaForm>,
    docs: Vec<&'static str>,
}

impl Pallet {
    fn of<P: PalletMetadataProvider>(index: u8) -> Self {
        Pallet {
            metadata: P::pallet_metadata(index),
            docs: P::pallet_docs(),
        }
    }

    fn into_v15(self) -> v15::PalletMetadata<MetaForm> {
        let v14::PalletMetadata {
            name,
            storage,
            calls,
            event,
            constants,
            error,
            index,
        } = self.metadata;
        v15::PalletMetadata {
            name,
            storage,
            calls,
            event,
            constants,
            error,
            index,
            docs: self.docs,
        }
    }
}

/// Every pallet, in index order.
fn pallets() -> Vec<Pallet> {
    vec![
        Pallet::of::<System>(pallet_index::SYSTEM),
        Pallet::of::<Timestamp>(pallet_index::TIMESTAMP),
        Pallet::of::<Entropy>(pallet_index::ENTROPY),
        Pallet::of::<Balances>(pallet_index::BALANCES),
        Pallet::of::<TransactionPayment>(pallet_index::TRANSACTION_PAYMENT),
        Pallet::of::<Poe>(pallet_index::POE),
    ]
}

/// The metadata's `RuntimeError`, shaped as FRAME's: one variant per pallet
/// that has errors, named after the pallet, at the pallet's index, holding
/// the pallet's `Error`. A `DispatchError::Module`'s five bytes (`index ++
/// error`) decode as this type. Never constructed; unrelated to
/// [`crate::RuntimeError`], the error of a runtime API call.
enum RuntimeErrorEnum {}

impl TypeInfo for RuntimeErrorEnum {
    type Identity = Self;
    fn type_info() -> Type {
        let variants = pallets().into_iter().filter_map(|pallet| {
            let error = pallet.metadata.error?;
            let field = Field::new(None, error.ty, None, Vec::new());
            Some(Variant::new(
                pallet.metadata.name,
                vec![field],
                pallet.metadata.index,
                Vec::new(),
            ))
        });
        Type::new(
            Path::new("RuntimeError", env!("CARGO_CRATE_NAME")),
            Vec::new(),
            TypeDefVariant::new(variants),
            Vec::new(),
        )
    }
}

/// The standard signed extensions, in extrinsic order, each as `describe`
/// makes it from its identifier, type and additional signed type.
fn signed_extensions<E>(
    describe: impl Fn(&'static str, scale_info::MetaType, scale_info::MetaType) -> E,
) -> Vec<E> {
    extensions::standard()
        .into_iter()
        .map(|(identifier, ty, additional_signed)| describe(identifier, ty, additional_signed))
        .collect()
}

/// Metadata V14, prefixed with `meta` and the version.
pub fn metadata() -> RuntimeMetadataPrefixed {
    let pallets = pallets().into_iter().map(|p| p.metadata).collect();
    let extrinsic = v14::ExtrinsicMetadata {
        ty: meta_type::<UncheckedExtrinsic>(),
        version: EXTRINSIC_FORMAT_VERSION,
        signed_extensions: signed_extensions(|identifier, ty, additional_signed| {
            v14::SignedExtensionMetadata {
                identifier,
                ty,
                additional_signed,
            }
        }),
    };
    RuntimeMetadataV14::new(pallets, extrinsic, meta_type::<Runtime>()).into()
}

/// Metadata V15, prefixed with `meta` and the version.
pub fn metadata_v15() -> RuntimeMetadataPrefixed {
    let pallets = pallets().into_iter().map(Pallet::into_v15).collect();
    let extrinsic = v15::ExtrinsicMetadata {
        version: EXTRINSIC_FORMAT_VERSION,
        address_ty: meta_type::<Address>(),
        call_ty: meta_type::<RuntimeCall>(),
        signature_ty: meta_type::<MultiSignature>(),
        extra_ty: meta_type::<ExtraTypes>(),
        signed_extensions: signed_extensions(|identifier, ty, additional_signed| {
            v15::SignedExtensionMetadata {
                identifier,
                ty,
                additional_signed,
            }
        }),
    };
    let outer_enums = OuterEnums {
        call_enum_ty: meta_type::<RuntimeCall>(),
        event_enum_ty: meta_type::<RuntimeEvent>(),
        error_enum_ty: meta_type::<RuntimeErrorEnum>(),
    };
    let custom = CustomMetadata {
        map: BTreeMap::new(),
    };
    RuntimeMetadataV15::new(
        pallets,
        extrinsic,
        meta_type::<Runtime>(),
        apis::runtime_apis(),
        outer_enums,
        custom,
    )
    .into()
}

/// The SCALE encoding of [`metadata`] (V14, what `state_getMetadata`
/// serves), cached.
pub fn encoded() -> &'static [u8] {
    static ENCODED: OnceLock<Vec<u8>> = OnceLock::new();
    ENCODED.get_or_init(|| metadata().encode())
}

/// The SCALE encoding of [`metadata_v15`], cached.
pub fn encoded_v15() -> &'static [u8] {
    static ENCODED: OnceLock<Vec<u8>> = OnceLock::new();
    ENCODED.get_or_init(|| metadata_v15().encode())
}

/// The encoded metadata of `version`, if served (one of [`SUPPORTED_VERSIONS`]).
pub fn at_version(version: u32) -> Option<&'static [u8]> {
    match version {
        14 => Some(encoded()),
        15 => Some(encoded_v15()),
        _ => None,
    }
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
