//! Helpers for describing pallets in runtime metadata: V14's pallet
//! description, plus the pallet documentation V15 adds.

use codec::Encode;
use frame_metadata::v14::{PalletConstantMetadata, PalletMetadata};
use scale_info::form::MetaForm;
use scale_info::{meta_type, TypeInfo};

/// A constant's metadata: its type and SCALE value.
pub fn constant<T: Encode + TypeInfo + 'static>(
    name: &'static str,
    value: &T,
    docs: Vec<&'static str>,
) -> PalletConstantMetadata<MetaForm> {
    PalletConstantMetadata {
        name,
        ty: meta_type::<T>(),
        value: value.encode(),
        docs,
    }
}

/// A pallet that describes itself.
pub trait PalletMetadataProvider {
    /// The pallet's metadata at runtime index `index`.
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm>;

    /// The pallet's documentation (metadata V15 onward); none by default.
    fn pallet_docs() -> Vec<&'static str> {
        Vec::new()
    }
}
