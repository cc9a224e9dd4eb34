//! `poe_verifyReceipt`: checks a signed receipt, offline first, then
//! against the chain when the chain knows its job.
//!
//! - `signature`: the executor's sr25519 signature of
//!   `b"entroos/poe-receipt" ‖ SCALE(receipt) ‖ executor`
//!   (`entroos_poe_primitives::receipt::receipt_signature_is_valid`), needing nothing
//!   but the request.
//! - `proof`: `P` against `entropySeed` if given, else against the job's
//!   seed on chain (the seed of the round drawn last; `null` when the job
//!   is unknown, not yet assigned, or the executor was drawn for the
//!   previous round, whose seed the chain no longer keeps).
//! - `onChain` (`null` for an unknown job): whether the executor was drawn
//!   for the job, its commitment (and, given the `salt`, whether the
//!   receipt and salt hash to it), its revealed receipt and whether the
//!   request's receipt is that one, and whether the receipt agrees with the
//!   proof record's verdict (informative: a dissenting receipt is still the
//!   executor's).
//!
//! `valid` is true when no check fails; otherwise `reason` names the first
//! that did: `signature`, `proof`, `executor`, `receipt`, `commitment`.

use super::chain::{commitment, job, proof_record, revealed, round_of};
use super::format::{receipt_json, status_json, ExitJson};
use crate::error::PoeError;
use crate::params::hex_bytes;
use crate::server::Deps;
use entroos_poe_primitives::receipt::receipt_signature_is_valid;
use entroos_poe_primitives::receipt::{commitment as commitment_of, proof_is_valid};
use entroos_poe_primitives::{Job, JobStatus, Receipt, SignedReceipt};
use entroos_primitives::{AccountId32, H256};
use serde::Deserialize;
use serde_json::{json, Value};

/// The request, as clients send it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct VerifyRequest {
    executor: String,
    receipt: ReceiptInput,
    signature: String,
    entropy_seed: Option<H256>,
    salt: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReceiptInput {
    job_id: u64,
    output_hash: H256,
    log_hash: H256,
    exit: ExitJson,
    fuel_used: u64,
    proof: H256,
}

/// A request whose parts all parse.
struct Claim {
    executor: AccountId32,
    signed: SignedReceipt,
    entropy_seed: Option<H256>,
    salt: Option<[u8; 32]>,
}

/// `text` as exactly `N` bytes of hex.
fn fixed_hex<const N: usize>(text: &str, what: &str) -> Result<[u8; N], PoeError> {
    let bytes = hex_bytes(text).map_err(|e| PoeError::InvalidParams(format!("{what}: {e}")))?;
    let len = bytes.len();
    bytes
        .try_into()
        .map_err(|_| PoeError::InvalidParams(format!("{what}: {len} bytes, not {N}")))
}

impl Claim {
    fn parse(request: VerifyRequest) -> Result<Claim, PoeError> {
        let executor = AccountId32::from_ss58_or_hex(&request.executor)
            .map_err(|e| PoeError::InvalidParams(format!("executor {}: {e}", request.executor)))?;
        let r = request.receipt;
        let receipt = Receipt {
            job_id: r.job_id,
            output_hash: r.output_hash,
            log_hash: r.log_hash,
            exit: r.exit.into(),
            fuel_used: r.fuel_used,
            proof: r.proof,
        };
        Ok(Claim {
            executor,
            signed: SignedReceipt {
                receipt,
                signature: fixed_hex(&request.signature, "signature")?,
            },
            entropy_seed: request.entropy_seed,
            salt: request
                .salt
                .map(|salt| fixed_hex(&salt, "salt"))
                .transpose()?,
        })
    }
}

/// What the chain holds about the claim's job and executor.
struct OnChain {
    status: JobStatus,
    round: Option<u8>,
    seed: Option<H256>,
    committed: Option<H256>,
    commitment_matches: Option<bool>,
    revealed: Option<SignedReceipt>,
    receipt_matches: Option<bool>,
    agrees: Option<bool>,
}

impl OnChain {
    fn read(deps: &Deps, at: H256, claim: &Claim, job: &Job) -> Result<OnChain, PoeError> {
        let (id, executor) = (claim.signed.receipt.job_id, &claim.executor);
        let receipt = &claim.signed.receipt;
        let round = round_of(job, executor);
        let drawn_last = round.is_none_or(|r| r == job.round);
        let assigned = !matches!(job.status, JobStatus::Pending);
        let committed = commitment(deps, at, id, executor)?;
        let revealed = revealed(deps, at, id, executor)?;
        let record = proof_record(deps, at, id)?;
        Ok(OnChain {
            status: job.status,
            round,
            seed: (assigned && drawn_last).then_some(job.entropy_seed),
            committed,
            commitment_matches: committed
                .zip(claim.salt)
                .map(|(c, salt)| commitment_of(receipt, executor, &salt) == c),
            receipt_matches: revealed.map(|r| r.receipt == *receipt),
            revealed,
            agrees: record.map(|r| r.verdict == receipt.verdict()),
        })
    }

    fn json(&self) -> Value {
        json!({
            "status": status_json(&self.status),
            "round": self.round,
            "commitment": self.committed,
            "commitmentMatches": self.commitment_matches,
            "receipt": self.revealed.map(|r| receipt_json(&r.receipt)),
            "receiptMatches": self.receipt_matches,
            "agreesWithVerdict": self.agrees,
        })
    }
}

/// The first failing check of a claim, and why it failed.
fn first_failure(
    claim: &Claim,
    signature: bool,
    proof: Option<bool>,
    seed: Option<H256>,
    chain: Option<&OnChain>,
) -> Option<String> {
    let (executor, id) = (&claim.executor, claim.signed.receipt.job_id);
    if !signature {
        return Some(format!(
            "signature: not {executor}'s signature of this receipt"
        ));
    }
    if proof == Some(false) {
        let seed = seed.unwrap_or_default();
        return Some(format!(
            "proof: P is not blake2_256(job_id ‖ E_s ‖ fuel_used ‖ output_hash) for E_s {seed:?}"
        ));
    }
    let chain = chain?;
    if chain.round.is_none() {
        return Some(format!("executor: {executor} was not drawn for job {id}"));
    }
    if chain.receipt_matches == Some(false) {
        return Some(format!(
            "receipt: not the receipt {executor} revealed on chain for job {id}"
        ));
    }
    if chain.commitment_matches == Some(false) {
        return Some(format!(
            "commitment: the receipt and salt do not hash to {executor}'s commitment for job {id}"
        ));
    }
    None
}

/// Checks the request's receipt; see the module docs.
pub(super) fn verify(deps: &Deps, request: VerifyRequest) -> Result<Value, PoeError> {
    let claim = Claim::parse(request)?;
    let signature = receipt_signature_is_valid(&claim.signed, &claim.executor);
    let at = deps.chain.best().1;
    let on_chain = job(deps, at, claim.signed.receipt.job_id)?
        .map(|job| OnChain::read(deps, at, &claim, &job))
        .transpose()?;
    let seed = claim
        .entropy_seed
        .or_else(|| on_chain.as_ref().and_then(|c| c.seed));
    let proof = seed.map(|seed| proof_is_valid(&claim.signed.receipt, &seed));
    let failure = first_failure(&claim, signature, proof, seed, on_chain.as_ref());
    let mut answer = json!({
        "valid": failure.is_none(),
        "signature": signature,
        "proof": proof,
        "entropySeed": seed,
        "onChain": on_chain.as_ref().map(OnChain::json),
    });
    if let (Some(reason), Some(object)) = (failure, answer.as_object_mut()) {
        object.insert("reason".into(), json!(reason));
    }
    Ok(answer)
}
