//! # EntroOS client API
//!
//! The seams between the node's parts, as traits and plain types, so that
//! each part depends on the narrowest view it needs and can be tested with
//! in-memory or simulated implementations:
//!
//! - [`HeaderBackend`]: headers, bodies, justifications, the canonical
//!   number → hash lookup and the head pointers ([`ChainHeads`]).
//! - [`CallExecutor`]: a runtime API call on the state of any kept block.
//! - [`BlockPins`]: blocks kept whole (body, state) while they are read,
//!   whatever finality and pruning do meanwhile.
//! - [`BlockImport`]: the one way a block enters the chain, whatever its
//!   [`BlockOrigin`]; refusals are typed ([`ImportError`]).
//! - [`Finalizer`]: moves finality forward along the best chain.
//! - [`Clock`]: time as an input ([`SystemClock`] in the node,
//!   [`ManualClock`] in tests), and slots derived from it.
//! - [`Spawner`]: where long-running work is started (only the binary
//!   implements it).
//!
//! Invariants every implementation keeps: a block is known only once it is
//! committed whole; `finalized` is an ancestor of (or equal to) `best`; the
//! canonical lookup names exactly the ancestors of `best`.

mod clock;
mod error;
mod traits;
mod tx_status;

pub use clock::{slot_at, Clock, ManualClock, SystemClock};
pub use error::{BoxError, ClientError, ImportError, SlotsError};
pub use traits::{
    BlockImport, BlockOrigin, BlockPins, CallExecutor, ChainHeads, Finalizer, HeaderBackend,
    ImportOutcome, Spawner, Task,
};
pub use tx_status::TxStatus;

/// The consensus engine id of EntroOS's digests (pre-runtime slot claim
/// and seal).
pub use entroos_consensus_slots::ENGINE_ID;
