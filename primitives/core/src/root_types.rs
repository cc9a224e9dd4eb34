// Types whose metadata path must sit at the root of a Substrate crate
// (`sp_runtime::ModuleError`, `sp_arithmetic::ArithmeticError`, …). This file
// is `include!`d into the crate root because the `TypeInfo` derive names the
// module a type is defined in; `replace_segment` then maps the crate name.

/// A pallet's error: its index in the runtime and the error's encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub struct ModuleError {
    /// The pallet's index in the runtime.
    pub index: u8,
    /// The error's SCALE encoding, zero-padded to four bytes.
    pub error: [u8; 4],
    /// The error's name (not encoded).
    #[codec(skip)]
    #[scale_info(skip)]
    pub message: Option<&'static str>,
}

/// Errors of fungible-token operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub enum TokenError {
    /// Not enough free funds.
    FundsUnavailable,
    /// The account would be killed while it is the only provider.
    OnlyProvider,
    /// The balance would fall below the minimum.
    BelowMinimum,
    /// The account cannot be created.
    CannotCreate,
    /// Unknown asset.
    UnknownAsset,
    /// The funds are frozen.
    Frozen,
    /// Not supported.
    Unsupported,
    /// A hold cannot be created.
    CannotCreateHold,
    /// The account is not expendable.
    NotExpendable,
    /// The account is blocked.
    Blocked,
}

/// Arithmetic errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_arithmetic"))]
pub enum ArithmeticError {
    /// Underflow.
    Underflow,
    /// Overflow.
    Overflow,
    /// Division by zero.
    DivisionByZero,
}

/// Storage-transaction errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub enum TransactionalError {
    /// Too many nested layers.
    LimitReached,
    /// No layer is open.
    NoLayer,
}

/// `sp_version::RuntimeVersion`.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_version"))]
pub struct RuntimeVersion {
    /// The chain's runtime family (`entroos`).
    pub spec_name: String,
    /// The implementation's name.
    pub impl_name: String,
    /// Which block authors may author for it.
    pub authoring_version: u32,
    /// Bumped on every change of behaviour.
    pub spec_version: u32,
    /// Bumped on changes that keep behaviour.
    pub impl_version: u32,
    /// The runtime APIs and their versions.
    pub apis: Vec<(version::ApiId, u32)>,
    /// Bumped when the extrinsic format or call indices change.
    pub transaction_version: u32,
    /// The state layout version.
    pub system_version: u8,
}

/// The cost of database access, for weight formulas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_weights"))]
pub struct RuntimeDbWeight {
    /// One read.
    pub read: u64,
    /// One write.
    pub write: u64,
}


/// Which extrinsics a block may contain, as `Core_initialize_block` answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_primitives", "sp_runtime"))]
pub enum ExtrinsicInclusionMode {
    /// Inherents and transactions.
    #[default]
    AllExtrinsics,
    /// Inherents only.
    OnlyInherents,
}
