//! The pallet's calls, events and errors, under FRAME's type paths
//! (`pallet_poe::pallet::{Call, Event, Error}`), which clients match on.

use crate::heartbeat::ProviderHeartbeat;
use crate::types::{
    Executors, FailReason, JobInput, ModuleCode, Offence, ProviderInfo, Receipt, Settlement,
};
use codec::{Decode, Encode};
use entroos_primitives::{AccountId32, Balance, BlockNumber, H256};
use entroos_support::jobs::JobExit;
use entroos_support::pallet_error;
use scale_info::TypeInfo;

/// The ledger's calls.
#[allow(non_camel_case_types)]
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Call {
    /// Stores a job module under its blake2-256, reserving the deposit.
    /// Refused unless it is a well-formed module whose imports are all
    /// in the host ABI, with a `_start` and no start section.
    #[codec(index = 0)]
    upload_module {
        /// The wasm bytes.
        code: ModuleCode,
    },
    /// Removes a module the signer uploaded and no job in flight names,
    /// returning the deposit.
    #[codec(index = 1)]
    remove_module {
        /// The module's hash.
        module: H256,
    },
    /// Registers the signer as a compute provider, reserving `bond`.
    #[codec(index = 2)]
    register_provider {
        /// At least the minimum provider bond.
        #[codec(compact)]
        bond: Balance,
        /// Operator, zone, capacity and labels.
        info: ProviderInfo,
    },
    /// Stops new assignments to the signer; its bond is withdrawable after
    /// the unbonding period.
    #[codec(index = 3)]
    unregister_provider {},
    /// Returns a leaving provider's bond once the period has passed and no
    /// assignment of it is open.
    #[codec(index = 4)]
    withdraw_bond {},
    /// Submits a job, reserving its reward; executors are drawn in the
    /// next block.
    #[codec(index = 5)]
    submit_job {
        /// The module's hash.
        module: H256,
        /// The input (fd 0).
        input: JobInput,
        /// Fuel limit.
        fuel: u64,
        /// Memory limit in 64 KiB pages.
        memory_pages: u32,
        /// Replication factor `k`.
        replicas: u8,
        /// Reward shared by the executors whose receipts match the verdict.
        #[codec(compact)]
        reward: Balance,
        /// The block by which the job must be settled.
        deadline: BlockNumber,
    },
    /// An assigned executor commits to its receipt:
    /// `blake2_256(SCALE(receipt) ‖ executor ‖ salt)`.
    #[codec(index = 6)]
    commit_receipt {
        /// The job.
        job_id: u64,
        /// The commitment.
        commitment: H256,
    },
    /// An executor that committed reveals its receipt and salt, with its
    /// signature of the receipt (kept on chain with it).
    #[codec(index = 7)]
    reveal_receipt {
        /// The job.
        job_id: u64,
        /// The receipt committed to.
        receipt: Receipt,
        /// The salt committed with.
        salt: [u8; 32],
        /// The executor's sr25519 signature of
        /// `receipt_signing_payload(receipt, executor)`.
        signature: [u8; 64],
    },
    /// A registered provider states that its node is up this epoch
    /// (unsigned, once per provider per epoch): liveness evidence for
    /// schedulers.
    #[codec(index = 8)]
    heartbeat {
        /// The epoch, the provider and the block it was made at.
        heartbeat: ProviderHeartbeat,
        /// The provider's executor-key (sr25519) signature over it.
        signature: [u8; 64],
    },
}

/// The ledger's events: one per transition.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub enum Event {
    /// A module was stored.
    #[codec(index = 0)]
    ModuleStored {
        /// Its hash.
        module: H256,
        /// Who uploaded it.
        owner: AccountId32,
        /// Its size in bytes.
        code_bytes: u32,
        /// The deposit reserved.
        deposit: Balance,
    },
    /// A module was removed and its deposit returned.
    #[codec(index = 1)]
    ModuleRemoved {
        /// Its hash.
        module: H256,
        /// The deposit returned.
        deposit: Balance,
    },
    /// A compute provider registered.
    #[codec(index = 2)]
    ProviderRegistered {
        /// The provider.
        provider: AccountId32,
        /// Its bond.
        bond: Balance,
    },
    /// A provider unregistered; its bond is released from `release_at`.
    #[codec(index = 3)]
    ProviderUnregistered {
        /// The provider.
        provider: AccountId32,
        /// The first block its bond may be withdrawn in.
        release_at: BlockNumber,
    },
    /// A leaving provider's bond was returned; it is no longer registered.
    #[codec(index = 4)]
    ProviderBondReleased {
        /// The provider.
        provider: AccountId32,
        /// The bond returned.
        amount: Balance,
    },
    /// A job was submitted.
    #[codec(index = 5)]
    JobSubmitted {
        /// Its id.
        job_id: u64,
        /// Who submitted it.
        owner: AccountId32,
        /// The module.
        module: H256,
        /// `k`.
        replicas: u8,
        /// The reward reserved.
        reward: Balance,
        /// Its deadline.
        deadline: BlockNumber,
    },
    /// Executors were drawn for a round of a job.
    #[codec(index = 6)]
    JobAssigned {
        /// The job.
        job_id: u64,
        /// 0, or 1 after a reassignment.
        round: u8,
        /// The executors, in draw order.
        executors: Executors,
        /// `E_s`, which receipts prove against.
        entropy_seed: H256,
        /// The last block of the commit phase.
        commit_until: BlockNumber,
    },
    /// An executor committed to a receipt.
    #[codec(index = 7)]
    ReceiptCommitted {
        /// The job.
        job_id: u64,
        /// The executor.
        executor: AccountId32,
    },
    /// The commit phase closed; committed executors may reveal.
    #[codec(index = 8)]
    RevealStarted {
        /// The job.
        job_id: u64,
        /// How many committed.
        committed: u32,
        /// The last block of the reveal phase.
        reveal_until: BlockNumber,
    },
    /// An executor revealed a receipt matching its commitment.
    #[codec(index = 9)]
    ReceiptRevealed {
        /// The job.
        job_id: u64,
        /// The executor.
        executor: AccountId32,
        /// Its output hash.
        output_hash: H256,
        /// Its exit.
        exit: JobExit,
        /// Its fuel.
        fuel_used: u64,
    },
    /// No quorum: the receipts of a round do not agree enough.
    #[codec(index = 10)]
    JobDisputed {
        /// The job.
        job_id: u64,
        /// The round.
        round: u8,
    },
    /// The runtime re-executed a disputed job.
    #[codec(index = 11)]
    JobReExecuted {
        /// The job.
        job_id: u64,
        /// The output hash found.
        output_hash: H256,
        /// The exit found.
        exit: JobExit,
        /// The fuel used.
        fuel_used: u64,
    },
    /// A job was verified; its proof record is stored.
    #[codec(index = 12)]
    JobVerified {
        /// The job.
        job_id: u64,
        /// The verdict's output hash.
        output_hash: H256,
        /// The verdict's exit.
        exit: JobExit,
        /// The verdict's fuel.
        fuel_used: u64,
        /// By quorum or by re-execution.
        settlement: Settlement,
    },
    /// A job without quorum, beyond the re-execution bound, goes to fresh
    /// executors.
    #[codec(index = 13)]
    JobReassigned {
        /// The job.
        job_id: u64,
        /// The new round.
        round: u8,
    },
    /// A job failed; its reward was returned.
    #[codec(index = 14)]
    JobFailed {
        /// The job.
        job_id: u64,
        /// Why.
        reason: FailReason,
        /// The reward returned to the owner.
        refunded: Balance,
    },
    /// An executor was paid its share of a job's reward.
    #[codec(index = 15)]
    ExecutorRewarded {
        /// The job.
        job_id: u64,
        /// The executor.
        executor: AccountId32,
        /// The amount.
        amount: Balance,
    },
    /// An executor lost part of its bond and reliability.
    #[codec(index = 16)]
    ExecutorSlashed {
        /// The job.
        job_id: u64,
        /// The executor.
        executor: AccountId32,
        /// The bond burned.
        amount: Balance,
        /// Why.
        offence: Offence,
    },
    /// A registered provider's heartbeat for the epoch was received.
    #[codec(index = 17)]
    ProviderHeartbeat {
        /// The provider.
        provider: AccountId32,
        /// The epoch.
        epoch: u64,
    },
}

pallet_error! {
    /// The ledger's errors: refused calls and refused blocks.
    pub enum Error {
        /// The module is larger than the chain allows.
        ModuleTooLarge,
        /// The bytes are not a well-formed wasm module.
        MalformedModule,
        /// The module imports something outside the host ABI.
        ForbiddenImport,
        /// A host-ABI import is declared with the wrong signature.
        BadImportSignature,
        /// The module uses a float type.
        FloatType,
        /// The module exports no `_start` of type `() -> ()`.
        MissingStart,
        /// The module has a start section.
        StartSection,
        /// The module exports a name reserved for the engine.
        ReservedExport,
        /// The module is stored already.
        ModuleExists,
        /// No module has this hash.
        UnknownModule,
        /// Only the uploader may remove a module.
        NotModuleOwner,
        /// A job in flight names the module.
        ModuleInUse,
        /// The signer is a provider already.
        AlreadyProvider,
        /// The signer is not a provider.
        NotProvider,
        /// The bond is below the minimum.
        BondTooLow,
        /// As many providers as allowed are registered.
        TooManyProviders,
        /// The provider is leaving.
        ProviderLeaving,
        /// The provider has not unregistered.
        ProviderActive,
        /// The unbonding period has not passed.
        BondLocked,
        /// An assignment of the provider is still open.
        AssignmentsOpen,
        /// The fuel is zero or above the chain's limit.
        FuelOutOfRange,
        /// The pages are zero or above the chain's limit.
        PagesOutOfRange,
        /// `k` is zero or above the largest replication factor.
        InvalidReplication,
        /// Fewer registered providers than `k`.
        NotEnoughProviders,
        /// The deadline leaves no time for a round.
        DeadlineTooSoon,
        /// As many jobs as allowed are in flight.
        TooManyActiveJobs,
        /// No job has this id.
        UnknownJob,
        /// The signer is not an executor of the job's current round.
        NotAssigned,
        /// The job is not in its commit phase.
        NotCommitting,
        /// The executor committed already.
        AlreadyCommitted,
        /// The job is not in its reveal phase.
        NotRevealing,
        /// The executor did not commit.
        NotCommitted,
        /// The executor revealed already.
        AlreadyRevealed,
        /// The receipt names another job.
        WrongJob,
        /// The receipt and salt do not hash to the commitment.
        CommitmentMismatch,
        /// The receipt's `P` is not `H(job_id ‖ E_s ‖ R_u ‖ output_hash)`.
        InvalidProof,
        /// The receipt claims more fuel than the job's limit.
        FuelAboveLimit,
        /// A disputed job must be re-executed and no job engine was lent
        /// to this call (the block cannot be executed here).
        NoJobExecutor,
        /// The job engine could not judge a job (the block cannot be
        /// executed here).
        JobExecutorFailed,
        /// An amount overflowed.
        Overflow,
        /// The receipt's signature is not the executor's.
        BadReceiptSignature,
        /// The heartbeat is not for the current epoch.
        StaleHeartbeat,
        /// The heartbeat names a block after the one being built.
        FutureHeartbeat,
        /// The provider was heard from this epoch already.
        DuplicateHeartbeat,
        /// The heartbeat's signature is not the provider's.
        InvalidHeartbeatSignature,
    }
}

impl std::error::Error for Error {}
