//! Dispatch outcomes: `DispatchError` (Substrate's variant order), the
//! dispatch class, fee payment and the info recorded with every extrinsic.

use crate::Weight;
pub use crate::{ArithmeticError, ModuleError, TokenError, TransactionalError};
use codec::{Decode, Encode};
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo};
use serde::Serialize;

/// Why a dispatch failed; `sp_runtime::DispatchError` byte for byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, thiserror::Error)]
pub enum DispatchError {
    /// Some other error; its text is not encoded.
    #[error("other: {0}")]
    Other(#[codec(skip)] &'static str),
    /// An address lookup failed.
    #[error("cannot lookup")]
    CannotLookup,
    /// The origin may not make this call.
    #[error("bad origin")]
    BadOrigin,
    /// A pallet's own error.
    #[error("{0}")]
    Module(ModuleError),
    /// The account still has consumers.
    #[error("consumer remaining")]
    ConsumerRemaining,
    /// The account has no providers.
    #[error("no providers")]
    NoProviders,
    /// Too many consumers.
    #[error("too many consumers")]
    TooManyConsumers,
    /// A token-level error.
    #[error("token error: {0:?}")]
    Token(TokenError),
    /// An arithmetic error.
    #[error("arithmetic error: {0:?}")]
    Arithmetic(ArithmeticError),
    /// A storage-transaction error.
    #[error("transactional error: {0:?}")]
    Transactional(TransactionalError),
    /// Resources are exhausted.
    #[error("resources exhausted")]
    Exhausted,
    /// The state is corrupt.
    #[error("state corruption")]
    Corruption,
    /// A resource is unavailable.
    #[error("resource unavailable")]
    Unavailable,
    /// Root may not make this call.
    #[error("root not allowed")]
    RootNotAllowed,
    /// A trie proof error.
    #[error("trie error: {0:?}")]
    Trie(TrieError),
}

impl std::fmt::Display for ModuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.message {
            Some(name) => write!(f, "module {} error {}", self.index, name),
            None => write!(f, "module {} error {:?}", self.index, self.error),
        }
    }
}

/// Trie proof errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_runtime"),
    replace_segment("dispatch", "proving_trie")
)]
#[allow(missing_docs)]
pub enum TrieError {
    InvalidStateRoot,
    IncompleteDatabase,
    ValueAtIncompleteKey,
    DecoderError,
    InvalidHash,
    DuplicateKey,
    ExtraneousNode,
    ExtraneousValue,
    ExtraneousHashReference,
    InvalidChildReference,
    ValueMismatch,
    IncompleteProof,
    RootMismatch,
    DecodeError,
}

impl TypeInfo for DispatchError {
    type Identity = Self;
    fn type_info() -> Type {
        fn unit(v: Variants, name: &'static str, index: u8) -> Variants {
            v.variant(name, |b| b.index(index))
        }
        fn one<T: TypeInfo + 'static>(v: Variants, name: &'static str, index: u8) -> Variants {
            v.variant(name, |b| {
                b.index(index)
                    .fields(Fields::unnamed().field(|f| f.ty::<T>()))
            })
        }
        let mut v = unit(Variants::new(), "Other", 0);
        v = unit(v, "CannotLookup", 1);
        v = unit(v, "BadOrigin", 2);
        v = one::<ModuleError>(v, "Module", 3);
        v = unit(v, "ConsumerRemaining", 4);
        v = unit(v, "NoProviders", 5);
        v = unit(v, "TooManyConsumers", 6);
        v = one::<TokenError>(v, "Token", 7);
        v = one::<ArithmeticError>(v, "Arithmetic", 8);
        v = one::<TransactionalError>(v, "Transactional", 9);
        v = unit(v, "Exhausted", 10);
        v = unit(v, "Corruption", 11);
        v = unit(v, "Unavailable", 12);
        v = unit(v, "RootNotAllowed", 13);
        v = one::<TrieError>(v, "Trie", 14);
        Type::builder()
            .path(Path::new("DispatchError", "sp_runtime"))
            .variant(v)
    }
}

impl From<ArithmeticError> for DispatchError {
    fn from(e: ArithmeticError) -> Self {
        DispatchError::Arithmetic(e)
    }
}

impl From<TokenError> for DispatchError {
    fn from(e: TokenError) -> Self {
        DispatchError::Token(e)
    }
}

/// The result of dispatching a call.
pub type DispatchResult = Result<(), DispatchError>;

/// What block space a call uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize)]
#[scale_info(replace_segment("entroos_primitives", "frame_support"))]
pub enum DispatchClass {
    /// Ordinary transactions.
    #[default]
    Normal,
    /// Operational transactions, with reserved space.
    Operational,
    /// Inherents, always included.
    Mandatory,
}

/// Whether a call pays a fee.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo, Serialize)]
#[scale_info(replace_segment("entroos_primitives", "frame_support"))]
pub enum Pays {
    /// The sender pays.
    #[default]
    Yes,
    /// Free.
    No,
}

/// The weight, class and fee rule of a dispatched call, as recorded in
/// `System.ExtrinsicSuccess`/`ExtrinsicFailed`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "frame_support"))]
pub struct DispatchInfo {
    /// The call's weight.
    pub weight: Weight,
    /// The call's class.
    pub class: DispatchClass,
    /// Whether the sender pays a fee.
    pub pays_fee: Pays,
}

/// `TransactionPaymentApi_query_info`'s answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("entroos_primitives", "pallet_transaction_payment"),
    replace_segment("dispatch", "types")
)]
pub struct RuntimeDispatchInfo {
    /// The call's weight.
    pub weight: Weight,
    /// The call's class.
    pub class: DispatchClass,
    /// The fee without tip.
    pub partial_fee: u128,
}

/// The parts of an inclusion fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("entroos_primitives", "pallet_transaction_payment"),
    replace_segment("dispatch", "types")
)]
pub struct InclusionFee {
    /// The base fee of any extrinsic.
    pub base_fee: u128,
    /// The fee for the extrinsic's length.
    pub len_fee: u128,
    /// The weight fee times the fee multiplier.
    pub adjusted_weight_fee: u128,
}

/// `TransactionPaymentApi_query_fee_details`'s answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("entroos_primitives", "pallet_transaction_payment"),
    replace_segment("dispatch", "types")
)]
pub struct FeeDetails {
    /// None for unsigned extrinsics, which pay nothing.
    pub inclusion_fee: Option<InclusionFee>,
    /// The tip.
    pub tip: u128,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_error_encodes_as_substrate() {
        let e = DispatchError::Module(ModuleError {
            index: 4,
            error: [2, 0, 0, 0],
            message: Some("x"),
        });
        assert_eq!(e.encode(), vec![3, 4, 2, 0, 0, 0]);
        assert_eq!(
            DispatchError::decode(&mut &[3u8, 4, 2, 0, 0, 0][..])
                .unwrap()
                .encode(),
            e.encode()
        );
        assert_eq!(DispatchError::Other("ignored").encode(), vec![0]);
        assert_eq!(
            DispatchError::Token(TokenError::FundsUnavailable).encode(),
            vec![7, 0]
        );
        assert_eq!(
            DispatchError::Trie(TrieError::DecodeError).encode(),
            vec![14, 13]
        );
    }
}
