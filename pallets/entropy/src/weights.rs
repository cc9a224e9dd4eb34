//! Call weights, in picoseconds of reference time (1 µs = 1_000_000): the
//! computation measured by `benches/calls.rs` on the reference 2-core
//! machine, rounded up, plus each call's storage reads and writes at the
//! runtime's database weights (25 µs a read, 100 µs a write).

use entroos_primitives::weights::{reference_weight as weight, RuntimeDbWeight};
use entroos_primitives::Weight;

// Measured (upper end of criterion's interval, 100 validators):
// bond 85 µs, set_keys 375 µs, validate 85 µs, chill 91 µs, unbond 65 µs,
// withdraw_unbonded 68 µs, report_block_equivocation 253 µs,
// report_vote_equivocation 344 µs, a block's hook 82 µs, a block after 100
// empty slots 473 µs, an epoch's end 904 µs, a justification 194 µs. Each
// figure includes copying and dropping the in-memory state.

/// `bond`, `bond_extra`: ledger and account read, both written.
pub const BOND: Weight = weight(90, 3, 3);
/// `unbond`: ledger, parameters, epoch and candidate read; ledger and candidate written.
pub const UNBOND: Weight = weight(70, 5, 3);
/// `withdraw_unbonded`: ledger, account, keys and candidate read; up to six entries written.
pub const WITHDRAW_UNBONDED: Weight = weight(70, 6, 7);
/// `validate`: ledger, keys, candidate, count and scores read and written.
pub const VALIDATE: Weight = weight(90, 6, 3);
/// `chill`: candidate and count.
pub const CHILL: Weight = weight(95, 2, 2);
/// `set_keys`: two signature checks; key owners and keys read and written.
pub const SET_KEYS: Weight = weight(380, 6, 5);
/// `report_block_equivocation`: two sr25519 checks and two header hashes,
/// then the slash.
pub const REPORT_BLOCK_EQUIVOCATION: Weight = weight(260, 10, 10);
/// `report_vote_equivocation`: two ed25519 checks, then the slash.
pub const REPORT_VOTE_EQUIVOCATION: Weight = weight(350, 10, 10);

/// `heartbeat`: one sr25519 check and the set read (`call/heartbeat`: 276
/// µs at the upper end, measured on a loaded machine where `set_keys`
/// took 350 µs); the epoch, number, set and heartbeat read, the heartbeat
/// and the event written.
pub const HEARTBEAT: Weight = weight(280, 5, 2);

/// `note_finality_round` with `precommits` precommits: one ed25519 check
/// (170 µs, as measured for the vote reports) and a duty record each, over
/// 200 µs for the justification's bookkeeping; the set, the last round and
/// each member's duties read, the duties and the round written.
pub fn note_finality_round(precommits: u64) -> Weight {
    let per = weight(175, 1, 1);
    weight(200, 4, 3).saturating_add(Weight::from_parts(
        per.ref_time.saturating_mul(precommits),
        0,
    ))
}

/// A block's `on_initialize`: 85 µs and a dozen accesses, 4 µs and five
/// accesses per empty slot charged, and — when the block ends an epoch —
/// 9 µs and seven accesses per member and candidate (`members`: each
/// member's heartbeat, duties and scores, each candidate's selection;
/// `hook/rotation` measured 2.30 ms for 100 members and 200 candidates on
/// a loaded machine).
pub fn on_slot(db: RuntimeDbWeight, empty_slots: u64, members: u64) -> Weight {
    let compute = 85_000_000u64
        .saturating_add(empty_slots.saturating_mul(4_000_000))
        .saturating_add(members.saturating_mul(9_000_000));
    let reads = 8u64
        .saturating_add(empty_slots.saturating_mul(3))
        .saturating_add(members.saturating_mul(4));
    let writes = 4u64
        .saturating_add(empty_slots.saturating_mul(2))
        .saturating_add(members.saturating_mul(3));
    Weight::from_parts(compute, 0).saturating_add(db.reads_writes(reads, writes))
}

/// Noting a justification's precommits: 20 µs and 2 µs per member, a
/// read and a write per member.
pub fn note_precommits(db: RuntimeDbWeight, members: u64) -> Weight {
    let compute = 20_000_000u64.saturating_add(members.saturating_mul(2_000_000));
    Weight::from_parts(compute, 0)
        .saturating_add(db.reads_writes(members.saturating_add(2), members.saturating_add(1)))
}
