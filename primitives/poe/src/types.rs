//! The pallet's stored and exchanged types. Every one derives `TypeInfo`,
//! so the metadata describes it and clients decode it.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_arithmetic::FixedU128;
use entroos_primitives::{AccountId32, Balance, BlockNumber, H256};
use entroos_support::bounded::{BoundedVec, ConstU32};
use entroos_support::jobs::JobExit;
use scale_info::TypeInfo;

/// The largest module the pallet stores, in bytes (the chain's
/// `Params::max_module_bytes` may only lower it).
pub const MAX_MODULE_BYTES: u32 = 1 << 20;
/// The largest job input, in bytes.
pub const MAX_INPUT_BYTES: u32 = 64 << 10;
/// The output bound every run of a job has (executors and re-execution).
pub const MAX_OUTPUT_BYTES: u32 = 64 << 10;
/// The log bound every run of a job has.
pub const MAX_LOG_BYTES: u32 = 4 << 10;
/// The most pages a job may ask for (the chain's `Params::max_memory_pages`
/// may only lower it).
pub const MAX_MEMORY_PAGES: u32 = 1024;
/// The largest replication factor `k`.
pub const MAX_REPLICAS: u32 = 16;
/// The most registered providers (active and leaving).
pub const MAX_PROVIDERS: u32 = 256;
/// The most jobs in flight (submitted and not yet Verified or Failed).
pub const MAX_ACTIVE_JOBS: u32 = 256;
/// The most due jobs one block's hook handles; the rest wait a block.
pub const MAX_DUE_PER_BLOCK: u32 = 16;
/// The longest declared operator, zone or label, in bytes.
pub const MAX_DECLARED_LEN: u32 = 64;
/// The most labels a provider declares.
pub const MAX_LABELS: u32 = 8;

/// Bytes of a declaration (operator, zone, label).
pub type Declared = BoundedVec<u8, ConstU32<MAX_DECLARED_LEN>>;
/// A module's code.
pub type ModuleCode = BoundedVec<u8, ConstU32<MAX_MODULE_BYTES>>;
/// A job's input.
pub type JobInput = BoundedVec<u8, ConstU32<MAX_INPUT_BYTES>>;
/// A job's executors (one round).
pub type Executors = BoundedVec<AccountId32, ConstU32<MAX_REPLICAS>>;

/// A stored module: who paid for it and how much is reserved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct ModuleInfo {
    /// Who uploaded it (and gets the deposit back on removal).
    pub owner: AccountId32,
    /// The deposit reserved from the owner.
    pub deposit: Balance,
    /// Its size in bytes.
    pub code_bytes: u32,
    /// Jobs in flight that name it (it cannot be removed while any do).
    pub active_jobs: u32,
}

/// What a compute provider offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct Capacity {
    /// CPU, in thousandths of a core.
    pub cpu_millis: u32,
    /// Memory, in MiB: a job asking for more pages than fit is never
    /// assigned to it (16 pages of 64 KiB per MiB).
    pub memory_mib: u32,
}

/// What a provider declares about itself: used to spread replicas over
/// failure domains, never trusted for weight.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct ProviderInfo {
    /// The operator it says runs it.
    pub operator: Declared,
    /// The zone it says it runs in.
    pub zone: Declared,
    /// What it offers.
    pub capacity: Capacity,
    /// Free-form labels (for schedulers that select by label).
    pub labels: BoundedVec<Declared, ConstU32<MAX_LABELS>>,
}

/// Whether a provider takes new jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub enum ProviderStatus {
    /// Registered and eligible for assignment.
    Active,
    /// Unregistered: no new assignments; the bond stays reserved (and
    /// slashable) until `release_at` and until its open assignments end.
    Leaving {
        /// The first block at which the bond may be withdrawn.
        release_at: BlockNumber,
    },
}

/// A registered compute provider.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct Provider {
    /// Its bond, reserved in Balances (less what was slashed).
    pub bond: Balance,
    /// What it declared.
    pub info: ProviderInfo,
    /// Its execution reliability in `[MIN_RELIABILITY, 1]`: raised by
    /// receipts that agree with the verdict, lowered by dissent and
    /// no-shows; it scales its selection weight.
    pub reliability: FixedU128,
    /// Active or leaving.
    pub status: ProviderStatus,
    /// Jobs it is assigned to that have not ended.
    pub open_assignments: u32,
}

/// A receipt: what an executor says a job's run produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct Receipt {
    /// The job.
    pub job_id: u64,
    /// blake2-256 of the output (fd 1).
    pub output_hash: H256,
    /// blake2-256 of the log (fd 2).
    pub log_hash: H256,
    /// How the run ended.
    pub exit: JobExit,
    /// Fuel used: the resource usage `R_u`.
    pub fuel_used: u64,
    /// `P = blake2_256(job_id ‖ E_s ‖ R_u ‖ output_hash)`, see
    /// [`crate::receipt::execution_proof`].
    pub proof: H256,
}

impl Receipt {
    /// What receipts must agree on: output hash, exit and fuel.
    pub fn verdict(&self) -> Verdict {
        Verdict {
            output_hash: self.output_hash,
            exit: self.exit,
            fuel_used: self.fuel_used,
        }
    }
}

/// A revealed receipt with its executor's signature (see
/// [`crate::receipt::receipt_signing_payload`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct SignedReceipt {
    /// The receipt.
    pub receipt: Receipt,
    /// The executor's sr25519 signature of it.
    pub signature: [u8; 64],
}

/// The part of a receipt replicas must agree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct Verdict {
    /// blake2-256 of the output.
    pub output_hash: H256,
    /// How the run ended.
    pub exit: JobExit,
    /// Fuel used.
    pub fuel_used: u64,
}

/// Where a job is in its lifecycle (see the crate docs' diagram).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub enum JobStatus {
    /// Submitted; executors are drawn in the next block's hook.
    Pending,
    /// Assigned executors submit commitments until `until` (inclusive).
    Committing {
        /// The last block of the commit phase.
        until: BlockNumber,
    },
    /// Committed executors reveal their receipts until `until` (inclusive).
    Revealing {
        /// The last block of the reveal phase.
        until: BlockNumber,
    },
    /// The reveal phase closed; the next block's hook settles the job.
    Settling,
    /// No quorum; the job waits for a block with re-execution budget.
    Disputed,
    /// Settled: a proof record holds the verdict.
    Verified,
    /// Ended without a verdict; the reward was refunded.
    Failed(FailReason),
}

impl JobStatus {
    /// Whether the job has ended.
    pub fn is_final(&self) -> bool {
        matches!(self, JobStatus::Verified | JobStatus::Failed(_))
    }
}

/// Why a job failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub enum FailReason {
    /// Fewer eligible providers than `k`.
    NotEnoughExecutors,
    /// No quorum twice, and the job's fuel is beyond the re-execution bound.
    NoQuorum,
    /// No quorum, and another round would not end before the job's deadline.
    DeadlinePassed,
}

/// How a verdict was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub enum Settlement {
    /// At least two thirds of the `k` executors agreed.
    Quorum,
    /// The runtime re-executed the job during block execution.
    ReExecution,
}

/// Why an executor was slashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub enum Offence {
    /// Its receipt disagreed with the verdict.
    Dissent,
    /// It did not commit, or did not reveal a valid receipt, in time.
    NoShow,
}

/// A job: what was asked, by whom, for how much, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct Job {
    /// Who submitted it (and reserved the reward).
    pub owner: AccountId32,
    /// The module's hash.
    pub module: H256,
    /// blake2-256 of the input (the input is in `JobInputs`).
    pub input_hash: H256,
    /// Fuel limit.
    pub fuel: u64,
    /// Memory limit, in 64 KiB pages.
    pub memory_pages: u32,
    /// Replication factor `k`.
    pub replicas: u8,
    /// Reward reserved from the owner, shared by the executors paid.
    pub reward: Balance,
    /// The block by which it must be settled: no new round starts that
    /// could not end by then.
    pub deadline: BlockNumber,
    /// The block it was submitted in.
    pub submitted_at: BlockNumber,
    /// 0 for the first assignment, 1 after a reassignment.
    pub round: u8,
    /// `E_s`, fixed at assignment: the entropy seed receipts prove against.
    pub entropy_seed: H256,
    /// This round's executors, in draw order.
    pub executors: Executors,
    /// The previous round's executors (never drawn again for this job).
    pub previous: Executors,
    /// Where it stands.
    pub status: JobStatus,
}

/// The kept evidence of a verified job.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("entroos_poe_primitives", "pallet_poe"))]
pub struct ProofRecord {
    /// The module run.
    pub module: H256,
    /// blake2-256 of the input.
    pub input_hash: H256,
    /// `E_s` of the settling round.
    pub entropy_seed: H256,
    /// The verdict.
    pub verdict: Verdict,
    /// blake2-256 of the log (of the first agreeing receipt, or of the
    /// re-execution).
    pub log_hash: H256,
    /// `P` of the verdict.
    pub proof: H256,
    /// By quorum or by re-execution.
    pub settlement: Settlement,
    /// The executors whose receipts match the verdict (they were paid).
    pub agreeing: Executors,
    /// The block it was settled in.
    pub settled_at: BlockNumber,
}

/// A provider's execution reliability never drops below this (`10^-3`),
/// so its weight can recover.
pub const MIN_RELIABILITY: FixedU128 = FixedU128::from_inner(1_000_000_000_000_000);
