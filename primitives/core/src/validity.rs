//! Transaction validity, as the pool and `TaggedTransactionQueue` see it.
//! Display texts are Substrate's, since clients show them to users.

use codec::{Decode, Encode};
use scale_info::TypeInfo;

/// Where a transaction came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_runtime"),
    replace_segment("validity", "transaction_validity")
)]
pub enum TransactionSource {
    /// Already in a block.
    InBlock,
    /// Submitted by this node.
    Local,
    /// Received over RPC or the network.
    External,
}

/// A transaction that can never become valid as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_runtime"),
    replace_segment("validity", "transaction_validity")
)]
pub enum InvalidTransaction {
    /// The call is not expected.
    #[error("Transaction call is not expected")]
    Call,
    /// The sender cannot pay the fee.
    #[error("Inability to pay some fees (e.g. account balance too low)")]
    Payment,
    /// The nonce is ahead of the account's.
    #[error("Transaction will be valid in the future")]
    Future,
    /// The nonce was already used.
    #[error("Transaction is outdated")]
    Stale,
    /// The signature does not verify.
    #[error("Transaction has a bad signature")]
    BadProof,
    /// The era's birth block is unknown or too old.
    #[error("Transaction has an ancient birth block")]
    AncientBirthBlock,
    /// It would exceed the block's weight or length.
    #[error("Transaction would exhaust the block limits")]
    ExhaustsResources,
    /// A runtime-specific reason.
    #[error("Custom error: {0}")]
    Custom(u8),
    /// A mandatory dispatch failed.
    #[error("A call was labelled as mandatory, but resulted in an Error.")]
    BadMandatory,
    /// Mandatory transactions are not validated.
    #[error("Transaction dispatch is mandatory; transactions must not be validated.")]
    MandatoryValidation,
    /// The sender is not acceptable.
    #[error("Invalid signing address")]
    BadSigner,
    /// The implicit data could not be computed.
    #[error("The implicit data was unable to be calculated")]
    IndeterminateImplicit,
    /// Unknown origin.
    #[error("The transaction extension did not authorize any origin")]
    UnknownOrigin,
}

/// A transaction whose validity cannot be decided now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_runtime"),
    replace_segment("validity", "transaction_validity")
)]
pub enum UnknownTransaction {
    /// A lookup failed.
    #[error("Could not lookup information required to validate the transaction")]
    CannotLookup,
    /// No validator exists for this unsigned transaction.
    #[error("Could not find an unsigned validator for the unsigned transaction")]
    NoUnsignedValidator,
    /// A runtime-specific reason.
    #[error("Custom error: {0}")]
    Custom(u8),
}

/// Why a transaction is not valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo, thiserror::Error)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_runtime"),
    replace_segment("validity", "transaction_validity")
)]
pub enum TransactionValidityError {
    /// Never valid.
    #[error("Invalid Transaction: {0}")]
    Invalid(InvalidTransaction),
    /// Validity unknown.
    #[error("Unknown Transaction Validity: {0}")]
    Unknown(UnknownTransaction),
}

impl From<InvalidTransaction> for TransactionValidityError {
    fn from(e: InvalidTransaction) -> Self {
        TransactionValidityError::Invalid(e)
    }
}

impl From<UnknownTransaction> for TransactionValidityError {
    fn from(e: UnknownTransaction) -> Self {
        TransactionValidityError::Unknown(e)
    }
}

/// What the pool needs to order a valid transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("entroos_primitives", "sp_runtime"),
    replace_segment("validity", "transaction_validity")
)]
pub struct ValidTransaction {
    /// Higher goes first.
    pub priority: u64,
    /// Tags that must be provided before this can be included.
    pub requires: Vec<Vec<u8>>,
    /// Tags this provides.
    pub provides: Vec<Vec<u8>>,
    /// Blocks for which this stays valid.
    pub longevity: u64,
    /// Whether to gossip it.
    pub propagate: bool,
}

/// The answer of `TaggedTransactionQueue_validate_transaction`.
pub type TransactionValidity = Result<ValidTransaction, TransactionValidityError>;

/// The answer of `BlockBuilder_apply_extrinsic`: the outer error means the
/// extrinsic cannot be included at all, the inner one that it was included
/// and its call failed.
pub type ApplyExtrinsicResult =
    Result<Result<(), crate::dispatch::DispatchError>, TransactionValidityError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_substrate() {
        let bad: TransactionValidity = Err(InvalidTransaction::BadProof.into());
        assert_eq!(bad.encode(), vec![1, 0, 4]);
        let ancient: TransactionValidity = Err(InvalidTransaction::AncientBirthBlock.into());
        assert_eq!(ancient.encode(), vec![1, 0, 5]);
        assert_eq!(
            InvalidTransaction::Payment.to_string(),
            "Inability to pay some fees (e.g. account balance too low)"
        );
    }
}
