//! Inherent data: what the block author supplies that is not a transaction
//! (the time). `InherentData` is Substrate's `BTreeMap<[u8; 8], Vec<u8>>`.

use crate::{RuntimeCall, Timestamp, UncheckedExtrinsic};
use codec::{Decode, Encode};
use scale_info::build::Fields;
use scale_info::{Path, Type, TypeInfo};
use std::collections::BTreeMap;

/// Inherent data by identifier.
pub type InherentData = BTreeMap<[u8; 8], Vec<u8>>;

/// How metadata describes [`InherentData`]: Substrate's
/// `sp_inherents::InherentData`, a struct whose one field `data` is the map
/// (so the encoding is the map's). Never constructed.
pub enum InherentDataType {}

impl TypeInfo for InherentDataType {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("InherentData", "sp_inherents"))
            .composite(Fields::named().field(|f| {
                f.ty::<InherentData>()
                    .name("data")
                    .type_name("BTreeMap<InherentIdentifier, Vec<u8>>")
            }))
    }
}

/// How far a block's time may run ahead of the checker's, in milliseconds.
pub const MAX_TIMESTAMP_DRIFT_MILLIS: u64 = 30_000;

/// `BlockBuilder_check_inherents`' answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct CheckInherentsResult {
    /// Whether every inherent checked out.
    pub okay: bool,
    /// Whether an error is fatal (the block must be rejected).
    pub fatal_error: bool,
    /// Errors by inherent identifier.
    pub errors: InherentData,
}

impl TypeInfo for CheckInherentsResult {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("CheckInherentsResult", "sp_inherents"))
            .composite(
                Fields::named()
                    .field(|f| f.ty::<bool>().name("okay").type_name("bool"))
                    .field(|f| f.ty::<bool>().name("fatal_error").type_name("bool"))
                    .field(|f| {
                        f.ty::<InherentDataType>()
                            .name("errors")
                            .type_name("InherentData")
                    }),
            )
    }
}

/// The inherent extrinsics for `data`, in order.
pub fn create_inherents(data: &InherentData) -> Vec<UncheckedExtrinsic> {
    Timestamp::create_inherent(data)
        .map(|call| UncheckedExtrinsic::new_unsigned(RuntimeCall::Timestamp(call)))
        .into_iter()
        .collect()
}

/// Checks a block's inherents against the checker's own inherent data.
pub fn check_inherents(
    extrinsics: &[UncheckedExtrinsic],
    data: &InherentData,
) -> CheckInherentsResult {
    let mut result = CheckInherentsResult {
        okay: true,
        ..Default::default()
    };
    let local_now = data
        .get(&pallet_timestamp::INHERENT_IDENTIFIER)
        .and_then(|raw| u64::decode(&mut &raw[..]).ok());
    for xt in extrinsics.iter().filter(|xt| xt.signature.is_none()) {
        if let (RuntimeCall::Timestamp(pallet_timestamp::Call::set { now }), Some(local)) =
            (&xt.function, local_now)
        {
            if *now > local.saturating_add(MAX_TIMESTAMP_DRIFT_MILLIS) {
                result.okay = false;
                result.fatal_error = true;
                // sp-timestamp's `InherentError::TooFarInFuture`.
                result
                    .errors
                    .insert(pallet_timestamp::INHERENT_IDENTIFIER, vec![1]);
            }
        }
    }
    result
}
