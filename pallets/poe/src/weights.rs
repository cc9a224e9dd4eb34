//! Call and hook weights, in picoseconds of reference time (1 µs =
//! 1_000_000): the computation measured by `benches/calls.rs` on the
//! reference 2-core machine, rounded up, plus each call's storage reads
//! and writes at the runtime's database weights (25 µs a read, 100 µs a
//! write); re-execution from `node/executor-wasm`'s benches.

use crate::settlement::Budget;
use entroos_primitives::weights::{reference_weight as weight, RuntimeDbWeight};
use entroos_primitives::Weight;

// Measured (upper end of criterion's interval; `benches/calls.rs`, 256
// providers, k = 16): upload_module of 256 KiB 1.29 ms, register_provider
// 52 µs, remove_module 87 µs, unregister_provider 130 µs, withdraw_bond
// 111 µs, submit_job 63 µs, commit_receipt 77 µs, reveal_receipt 76 µs, the
// hook drawing 16 of 256 providers 942 µs, settling a quorum of 16 211 µs.
// Each figure includes copying and dropping the in-memory state. With the
// receipt signature's sr25519 check, reveal_receipt measured 158 µs (on a
// loaded machine, where commit_receipt measured 113 µs).
// Re-execution (`node/executor/benches/reexecution.rs`, single-pass): the
// hash kernel at 15 × 10^6 fuel in 4.39 ms, i.e. 290 ps per unit of fuel;
// a cold 5 961-byte module validated, compiled and run in 3.38 ms, i.e.
// 570 ns per byte.

/// Re-execution time per unit of fuel, in picoseconds (measured 290,
/// rounded up with a margin for heavier operator mixes).
pub const PICOS_PER_FUEL: u64 = 1_000;
/// Validating and compiling a module for re-execution, per byte of code,
/// in picoseconds (measured 570 000).
pub const PICOS_PER_MODULE_BYTE: u64 = 1_000_000;

/// `upload_module` of `len` bytes: hashing and checking the code (5 ns a
/// byte), the module read, the module and code written.
pub fn upload_module(len: u32) -> Weight {
    let per_byte = u64::from(len).saturating_mul(5_000);
    weight(60, 2, 3).saturating_add(Weight::from_parts(per_byte, 0))
}
/// `remove_module`: module read, account and both entries written.
pub const REMOVE_MODULE: Weight = weight(90, 2, 3);
/// `register_provider`: provider, count and account read and written.
pub const REGISTER_PROVIDER: Weight = weight(55, 4, 3);
/// `unregister_provider`: provider and parameters read, provider written.
pub const UNREGISTER_PROVIDER: Weight = weight(130, 3, 1);
/// `withdraw_bond`: provider read; account, provider and count written.
pub const WITHDRAW_BOND: Weight = weight(115, 3, 3);
/// `submit_job`: module, parameters, count, id and queue read; account,
/// job, input, id, queue and module written.
pub const SUBMIT_JOB: Weight = weight(65, 7, 6);
/// `commit_receipt`: job and up to `k` commitments read (`k` ≤ 16); the
/// commitment written, and job and queue when the phase ends.
pub const COMMIT_RECEIPT: Weight = weight(80, 20, 3);
/// `reveal_receipt`: job, commitment and up to `2k` entries read; two
/// hashes and an sr25519 verification; receipt, job and queue written.
/// The last reveal of a round with a quorum also settles it: per executor
/// (`k` ≤ 16) its provider record and the reward's transfer out of the
/// owner's reserve, then the proof record, module and job.
pub const REVEAL_RECEIPT: Weight = weight(400, 88, 55);
/// `heartbeat`: one sr25519 check, as the entropy pallet's heartbeat
/// (whose `call/heartbeat` bench measured 276 µs at the upper end on a
/// loaded machine); epoch, number, provider and last heartbeat read, the
/// last heartbeat and the event written.
pub const HEARTBEAT: Weight = weight(280, 4, 2);

/// A block's hook: 20 µs and two reads, plus per due job (`jobs`) 1 ms
/// and, at most, reads of every provider and the round's entries and
/// writes of the `k` executors, plus the re-executions of `budget` (fuel
/// asked for and code compiled).
pub fn on_initialize(db: RuntimeDbWeight, jobs: u64, budget: &Budget) -> Weight {
    let compute = 20_000_000u64
        .saturating_add(jobs.saturating_mul(1_000_000_000))
        .saturating_add(budget.fuel_spent.saturating_mul(PICOS_PER_FUEL))
        .saturating_add(budget.code_bytes.saturating_mul(PICOS_PER_MODULE_BYTE));
    let reads = 2u64.saturating_add(jobs.saturating_mul(300));
    let writes = jobs.saturating_mul(40);
    Weight::from_parts(compute, 0).saturating_add(db.reads_writes(reads, writes))
}
