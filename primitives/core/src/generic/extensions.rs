//! The standard signed extensions, in the order the metadata declares them.
//!
//! In an extrinsic their *extra* values are `Era ++ Compact<u32> nonce ++
//! Compact<u128> tip` ([`SignedExtra`](super::SignedExtra)); their *additional*
//! (signed, not sent) values are spec version, transaction version, genesis
//! hash and the era's birth-block hash ([`AdditionalSigned`]). The types here
//! exist to describe that layout in the metadata under Substrate's paths.

use super::Era;
use crate::H256;
use codec::{Compact, Encode};
use scale_info::build::Fields;
use scale_info::{meta_type, MetaType, Path, Type, TypeInfo};

macro_rules! extension {
    ($name:ident, $module:literal) => {
        #[doc = concat!("`", stringify!($name), "`: no extra data.")]
        pub struct $name;
        impl TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> Type {
                Type::builder()
                    .path(Path::new(stringify!($name), $module))
                    .composite(Fields::unit())
            }
        }
    };
    ($name:ident, $module:literal, $field:ty, $field_name:literal) => {
        #[doc = concat!("`", stringify!($name), "`: carries a `", $field_name, "`.")]
        pub struct $name;
        impl TypeInfo for $name {
            type Identity = Self;
            fn type_info() -> Type {
                Type::builder()
                    .path(Path::new(stringify!($name), $module))
                    .composite(Fields::unnamed().field(|f| f.ty::<$field>().type_name($field_name)))
            }
        }
    };
}

extension!(
    CheckNonZeroSender,
    "frame_system::extensions::check_non_zero_sender"
);
extension!(
    CheckSpecVersion,
    "frame_system::extensions::check_spec_version"
);
extension!(CheckTxVersion, "frame_system::extensions::check_tx_version");
extension!(CheckGenesis, "frame_system::extensions::check_genesis");
extension!(
    CheckMortality,
    "frame_system::extensions::check_mortality",
    Era,
    "Era"
);
extension!(
    CheckNonce,
    "frame_system::extensions::check_nonce",
    Compact<u32>,
    "T::Nonce"
);
extension!(CheckWeight, "frame_system::extensions::check_weight");
extension!(
    ChargeTransactionPayment,
    "pallet_transaction_payment",
    Compact<u128>,
    "BalanceOf<T>"
);

/// The tuple the metadata gives as the extrinsic's `Extra` type parameter.
pub type ExtraTypes = (
    CheckNonZeroSender,
    CheckSpecVersion,
    CheckTxVersion,
    CheckGenesis,
    CheckMortality,
    CheckNonce,
    CheckWeight,
    ChargeTransactionPayment,
);

/// `(identifier, extra type, additional type)` for each standard extension, in order.
pub fn standard() -> Vec<(&'static str, MetaType, MetaType)> {
    vec![
        (
            "CheckNonZeroSender",
            meta_type::<CheckNonZeroSender>(),
            meta_type::<()>(),
        ),
        (
            "CheckSpecVersion",
            meta_type::<CheckSpecVersion>(),
            meta_type::<u32>(),
        ),
        (
            "CheckTxVersion",
            meta_type::<CheckTxVersion>(),
            meta_type::<u32>(),
        ),
        (
            "CheckGenesis",
            meta_type::<CheckGenesis>(),
            meta_type::<H256>(),
        ),
        (
            "CheckMortality",
            meta_type::<CheckMortality>(),
            meta_type::<H256>(),
        ),
        ("CheckNonce", meta_type::<CheckNonce>(), meta_type::<()>()),
        ("CheckWeight", meta_type::<CheckWeight>(), meta_type::<()>()),
        (
            "ChargeTransactionPayment",
            meta_type::<ChargeTransactionPayment>(),
            meta_type::<()>(),
        ),
    ]
}

/// The values every signature covers without the extrinsic carrying them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode)]
pub struct AdditionalSigned {
    /// `CheckSpecVersion`.
    pub spec_version: u32,
    /// `CheckTxVersion`.
    pub transaction_version: u32,
    /// `CheckGenesis`.
    pub genesis_hash: H256,
    /// `CheckMortality`: the hash of the era's birth block (genesis if immortal).
    pub birth_hash: H256,
}
