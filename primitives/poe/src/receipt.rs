//! The receipt scheme's hashes, as pure functions: what an executor
//! computes off chain and what the runtime checks.
//!
//! - `P = blake2_256(job_id ‖ E_s ‖ R_u ‖ output_hash)`: `job_id` and
//!   `R_u` (fuel used) as 8 little-endian bytes, `E_s` and the output hash
//!   as 32 bytes, i.e. the SCALE encoding of the tuple. `P` binds a
//!   receipt to its job, to the entropy seed fixed at assignment (so it
//!   cannot be prepared before the job was assigned, nor reused for
//!   another job), to the resources used and to the output.
//! - `commitment = blake2_256(SCALE(receipt) ‖ executor ‖ salt)`: the
//!   executor's 32-byte account id and a 32-byte secret salt. Before the
//!   reveal phase no one can read a receipt from a commitment (the salt
//!   hides it) nor claim another executor's commitment (the executor is
//!   hashed in).
//! - The receipt signature: the executor's sr25519 signature over
//!   `b"entroos/poe-receipt" ‖ SCALE(receipt) ‖ executor`, revealed with the
//!   receipt and kept on chain, so anyone can check a receipt offline
//!   against the executor's account (its sr25519 public key).

use crate::types::{Receipt, SignedReceipt};
use codec::Encode;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, H256};
use entroos_support::jobs::JobOutcome;

/// `P = blake2_256(job_id ‖ E_s ‖ R_u ‖ output_hash)`.
pub fn execution_proof(
    job_id: u64,
    entropy_seed: &H256,
    fuel_used: u64,
    output_hash: &H256,
) -> H256 {
    H256(blake2_256(
        &(job_id, entropy_seed.0, fuel_used, output_hash.0).encode(),
    ))
}

/// `blake2_256(SCALE(receipt) ‖ executor ‖ salt)`.
pub fn commitment(receipt: &Receipt, executor: &AccountId32, salt: &[u8; 32]) -> H256 {
    let mut bytes = receipt.encode();
    bytes.extend_from_slice(&executor.0);
    bytes.extend_from_slice(salt);
    H256(blake2_256(&bytes))
}

/// The receipt an honest executor reports for `outcome` of job `job_id`
/// assigned with `entropy_seed`.
pub fn receipt_of(job_id: u64, entropy_seed: &H256, outcome: &JobOutcome) -> Receipt {
    let output_hash = outcome.output_hash();
    Receipt {
        job_id,
        output_hash,
        log_hash: outcome.log_hash(),
        exit: outcome.exit,
        fuel_used: outcome.fuel_used,
        proof: execution_proof(job_id, entropy_seed, outcome.fuel_used, &output_hash),
    }
}

/// Whether `receipt`'s `P` is the one its fields and `entropy_seed` give.
pub fn proof_is_valid(receipt: &Receipt, entropy_seed: &H256) -> bool {
    receipt.proof
        == execution_proof(
            receipt.job_id,
            entropy_seed,
            receipt.fuel_used,
            &receipt.output_hash,
        )
}

/// The domain of receipt signatures.
pub const RECEIPT_SIGNING_CONTEXT: &[u8] = b"entroos/poe-receipt";

/// What `executor` signs for `receipt`:
/// `b"entroos/poe-receipt" ‖ SCALE(receipt) ‖ executor`.
pub fn receipt_signing_payload(receipt: &Receipt, executor: &AccountId32) -> Vec<u8> {
    let mut bytes = RECEIPT_SIGNING_CONTEXT.to_vec();
    receipt.encode_to(&mut bytes);
    bytes.extend_from_slice(&executor.0);
    bytes
}

/// Whether `signed` carries `executor`'s signature of its receipt.
pub fn receipt_signature_is_valid(signed: &SignedReceipt, executor: &AccountId32) -> bool {
    sr25519::verify(
        &signed.signature,
        &receipt_signing_payload(&signed.receipt, executor),
        &executor.0,
    )
}
