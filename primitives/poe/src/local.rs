//! What an executor node keeps in its persistent off-chain storage, and the
//! key type of its executor keys: the layout the off-chain worker writes
//! and the node's `poe_*` RPC reads.
//!
//! - `poe/run/ ‖ SCALE(job_id: u64) ‖ SCALE(round: u8) ‖ executor (32)`
//!   → SCALE([`LocalRun`]): one executor's run of one round of a job, with
//!   the output and log the chain only holds the hashes of.
//! - with the `fault-injection` feature only (test builds):
//!   `poe/fault/ ‖ executor (32)` → SCALE([`Fault`]): how the worker
//!   misbehaves for that executor.

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

/// The prefix of fault-injection settings.
#[cfg(feature = "fault-injection")]
pub const FAULT_PREFIX: &[u8] = b"poe/fault/";

/// The storage key of `executor`'s fault-injection setting.
#[cfg(feature = "fault-injection")]
pub fn fault_key(executor: &AccountId32) -> Vec<u8> {
    let mut key = FAULT_PREFIX.to_vec();
    key.extend_from_slice(&executor.0);
    key
}

/// How the worker of a test build misbehaves for one executor.
#[cfg(feature = "fault-injection")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Fault {
    /// Commits to and reveals a receipt of a tampered output (the real
    /// output followed by the executor's account), so two liars never agree.
    #[codec(index = 0)]
    Lie,
    /// Commits, never reveals.
    #[codec(index = 1)]
    WithholdReveal,
    /// Never commits.
    #[codec(index = 2)]
    WithholdCommit,
}

#[cfg(all(test, feature = "fault-injection"))]
mod tests {
    use super::*;

    #[test]
    fn faults_are_set_by_executor_as_one_byte() {
        let who = AccountId32([9; 32]);
        assert_eq!(fault_key(&who), [&b"poe/fault/"[..], &[9; 32]].concat());
        let encoded: Vec<Vec<u8>> = [Fault::Lie, Fault::WithholdReveal, Fault::WithholdCommit]
            .iter()
            .map(Encode::encode)
            .collect();
        assert_eq!(encoded, [[0], [1], [2]]);
        assert_eq!(Fault::decode(&mut &[1u8][..]), Ok(Fault::WithholdReveal));
        assert!(Fault::decode(&mut &[3u8][..]).is_err());
    }
}
