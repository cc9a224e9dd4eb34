//! The ledger's storage items (prefix `Poe`), keyed like FRAME's: the
//! pallet keeps them, the node and clients read them by these keys.

use crate::types::{
    Job, JobInput, ModuleCode, ModuleInfo, ProofRecord, Provider, SignedReceipt, MAX_ACTIVE_JOBS,
};
use crate::PALLET;
use entroos_primitives::hashing::{Blake2_128Concat, Identity, Twox64Concat};
use entroos_primitives::{AccountId32, BlockNumber, H256};
use entroos_support::bounded::{BoundedVec, ConstU32};
use entroos_support::storage::{
    OptionQuery, StorageDoubleMap, StorageMap, StorageValue, ValueQuery,
};
use entroos_support::storage_instance;

storage_instance!(pub ModulesPrefix, PALLET, "Modules");
storage_instance!(pub ModuleCodePrefix, PALLET, "ModuleCode");
storage_instance!(pub ProvidersPrefix, PALLET, "Providers");
storage_instance!(pub ProviderCountPrefix, PALLET, "ProviderCount");
storage_instance!(pub NextJobIdPrefix, PALLET, "NextJobId");
storage_instance!(pub JobsPrefix, PALLET, "Jobs");
storage_instance!(pub JobInputsPrefix, PALLET, "JobInputs");
storage_instance!(pub CommitmentsPrefix, PALLET, "Commitments");
storage_instance!(pub ReceiptsPrefix, PALLET, "Receipts");
storage_instance!(pub ProofRecordsPrefix, PALLET, "ProofRecords");
storage_instance!(pub DueJobsPrefix, PALLET, "DueJobs");

/// Stored modules by blake2-256 of their code.
pub type Modules = StorageMap<ModulesPrefix, Identity, H256, ModuleInfo, OptionQuery>;
/// Each stored module's code.
pub type ModuleCodes = StorageMap<ModuleCodePrefix, Identity, H256, ModuleCode, OptionQuery>;
/// Registered compute providers.
pub type Providers =
    StorageMap<ProvidersPrefix, Blake2_128Concat, AccountId32, Provider, OptionQuery>;
/// How many entries `Providers` has (at most `MAX_PROVIDERS`).
pub type ProviderCount = StorageValue<ProviderCountPrefix, u32, ValueQuery>;
/// The id the next job gets.
pub type NextJobId = StorageValue<NextJobIdPrefix, u64, ValueQuery>;
/// Every job, by id.
pub type Jobs = StorageMap<JobsPrefix, Twox64Concat, u64, Job, OptionQuery>;
/// Every job's input.
pub type JobInputs = StorageMap<JobInputsPrefix, Twox64Concat, u64, JobInput, OptionQuery>;
/// Each executor's commitment to its receipt, by job.
pub type Commitments = StorageDoubleMap<
    CommitmentsPrefix,
    Twox64Concat,
    u64,
    Blake2_128Concat,
    AccountId32,
    H256,
    OptionQuery,
>;
/// Each executor's revealed receipt with its signature, by job.
pub type Receipts = StorageDoubleMap<
    ReceiptsPrefix,
    Twox64Concat,
    u64,
    Blake2_128Concat,
    AccountId32,
    SignedReceipt,
    OptionQuery,
>;
/// The evidence of each verified job.
pub type ProofRecords = StorageMap<ProofRecordsPrefix, Twox64Concat, u64, ProofRecord, OptionQuery>;
/// Every job in flight with the block its phase ends at, in (block, job)
/// order: one entry per job, at most `MAX_ACTIVE_JOBS`.
pub type DueJobs = StorageValue<
    DueJobsPrefix,
    BoundedVec<(BlockNumber, u64), ConstU32<MAX_ACTIVE_JOBS>>,
    ValueQuery,
>;
