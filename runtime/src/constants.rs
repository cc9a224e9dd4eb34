//! Units, indices and limits of the runtime.

use entroos_primitives::arithmetic::Perbill;
use entroos_primitives::{Balance, BlockNumber, Weight};

/// Pallet indices in the runtime (call and event variants, module errors).
pub mod pallet_index {
    /// System.
    pub const SYSTEM: u8 = 0;
    /// Timestamp.
    pub const TIMESTAMP: u8 = 1;
    /// Entropy.
    pub const ENTROPY: u8 = 2;
    /// Balances.
    pub const BALANCES: u8 = 4;
    /// TransactionPayment.
    pub const TRANSACTION_PAYMENT: u8 = 5;
    /// Poe, the proof-of-execution ledger.
    pub const POE: u8 = 6;
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
/// The slot duration of the development preset, in milliseconds.
pub const DEV_SLOT_DURATION: u64 = 1_000;
/// The slot duration of the local testnet preset, in milliseconds.
pub const LOCAL_SLOT_DURATION: u64 = 2_000;
/// The least time between blocks, in milliseconds: half the shortest slot
/// a chain spec may set (`entropy.params.slotDuration` is checked at
/// genesis to be at least twice this), so a block per slot always passes.
pub const MINIMUM_PERIOD: u64 = DEV_SLOT_DURATION / 2;
/// The most validators in an epoch's set.
pub const MAX_VALIDATORS: u32 = 64;
/// The most stashes that may intend to validate at once.
pub const MAX_CANDIDATES: u32 = 256;
/// The bond each preset validator makes: one token, the default minimum
/// (zombienet endows the stashes it adds with two).
pub const PRESET_BOND: Balance = UNIT;

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
