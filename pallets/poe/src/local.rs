//! What an executor node keeps in its persistent off-chain storage, and the
//! key type of its executor keys: the layout the off-chain worker writes
//! and the node's `poe_*` RPC reads.
//!
//! - `poe/run/ ‖ SCALE(job_id: u64) ‖ SCALE(round: u8) ‖ executor (32)`
//!   → SCALE([`LocalRun`]): one executor's run of one round of a job, with
//!   the output and log the chain only holds the hashes of.

use crate::types::Receipt;
use codec::{Decode, Encode};
use entroos_primitives::{AccountId32, BlockNumber};

/// The key type of executor keys in the node's keystore: sr25519 keys whose
/// public key is the provider's account.
pub const EXECUTOR_KEY_TYPE: [u8; 4] = *b"exec";

/// The prefix of every run record.
pub const RUN_PREFIX: &[u8] = b"poe/run/";

/// The storage key of `executor`'s run of round `round` of job `job_id`.
pub fn run_key(job_id: u64, round: u8, executor: &AccountId32) -> Vec<u8> {
    let mut key = RUN_PREFIX.to_vec();
    job_id.encode_to(&mut key);
    round.encode_to(&mut key);
    key.extend_from_slice(&executor.0);
    key
}

/// One executor's run of one round of a job, as its node keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct LocalRun {
    /// The receipt it commits to and reveals.
    pub receipt: Receipt,
    /// The secret salt of its commitment.
    pub salt: [u8; 32],
    /// The job's output (fd 1), whose blake2-256 is `receipt.output_hash`.
    pub output: Vec<u8>,
    /// The job's log (fd 2), whose blake2-256 is `receipt.log_hash`.
    pub log: Vec<u8>,
    /// The block whose worker last submitted the commitment, if any.
    pub committed_at: Option<BlockNumber>,
    /// The block whose worker last submitted the reveal, if any.
    pub revealed_at: Option<BlockNumber>,
}
