//! Units, indices and limits of the runtime.

use entroos_primitives::arithmetic::Perbill;
use entroos_primitives::{Balance, BlockNumber, Weight};

/// Pallet indices in the runtime (call and event variants, module errors).
pub mod pallet_index {
    /// System.
    pub const SYSTEM: u8 = 0;
    /// Timestamp.
    pub const TIMESTAMP: u8 = 1;
    /// Aura.
    pub const AURA: u8 = 2;
    /// Balances.
    pub const BALANCES: u8 = 4;
    /// TransactionPayment.
    pub const TRANSACTION_PAYMENT: u8 = 5;
}

/// Decimal places of the native token.
pub const TOKEN_DECIMALS: u8 = 12;
/// The native token's symbol.
pub const TOKEN_SYMBOL: &str = "ENT";
/// One token.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a token.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// The least balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;
/// What each development account is endowed with (2^60).
pub const DEV_ENDOWMENT: Balance = 1 << 60;
/// The SS58 prefix (the generic Substrate one).
pub const SS58_PREFIX: u16 = 42;

/// Block hashes kept for mortality checks.
pub const BLOCK_HASH_COUNT: BlockNumber = 2400;
/// The slot duration, in milliseconds: one block per slot.
pub const SLOT_DURATION: u64 = 1_000;
/// The least time between blocks, in milliseconds: half the slot, so that
/// Aura's slot duration (twice this) is [`SLOT_DURATION`].
pub const MINIMUM_PERIOD: u64 = SLOT_DURATION / 2;
/// The most block authorities there may be.
pub const MAX_AUTHORITIES: u32 = 32;

/// Picoseconds per second of execution.
pub const WEIGHT_REF_TIME_PER_SECOND: u64 = 1_000_000_000_000;
/// The most a block may weigh: one second of execution.
pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX);
/// The weight of an empty block.
pub const BLOCK_EXECUTION_WEIGHT: Weight = Weight::from_parts(5_000_000_000, 0);
/// The weight every extrinsic pays beyond its call: decoding, signature
/// check, nonce and fee handling (measured, see `benches/transfers.rs`).
pub const EXTRINSIC_BASE_WEIGHT: Weight = Weight::from_parts(60_000_000, 0);
/// Normal extrinsics may fill this share of a block.
pub const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);
/// The most bytes a block may hold.
pub const MAXIMUM_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

/// The fee per byte.
pub const LENGTH_FEE_PER_BYTE: Balance = 1_000_000;
/// The fee per picosecond of weight.
pub const WEIGHT_FEE_PER_PICOSECOND: Balance = 100;
/// Operational extrinsics' tip multiplier for priority.
pub const OPERATIONAL_FEE_MULTIPLIER: u8 = 5;
