//! The pallet's metadata: storage, calls, events, errors and constants.

use crate::types::{
    MAX_ACTIVE_JOBS, MAX_INPUT_BYTES, MAX_LOG_BYTES, MAX_MEMORY_PAGES, MAX_MODULE_BYTES,
    MAX_OUTPUT_BYTES, MAX_PROVIDERS, MAX_REPLICAS,
};
use crate::{
    Call, Commitments, Config, DueJobs, Error, Event, JobInputs, Jobs, LastHeartbeat, ModuleCodes,
    Modules, NextJobId, Pallet, Parameters, ProofRecords, ProviderCount, Providers, Receipts,
    PALLET,
};
use entroos_support::metadata::{constant, PalletMetadataProvider};
use entroos_support::storage::StorageEntry;
use frame_metadata::v14::{
    PalletCallMetadata, PalletConstantMetadata, PalletErrorMetadata, PalletEventMetadata,
    PalletMetadata, PalletStorageMetadata, StorageEntryMetadata,
};
use scale_info::form::MetaForm;
use scale_info::meta_type;

fn storage_entries() -> Vec<StorageEntryMetadata<MetaForm>> {
    vec![
        Parameters::metadata(vec!["The ledger's parameters set by the chain spec."]),
        Modules::metadata(vec![
            "Stored job modules by blake2-256 of their code: owner, deposit, size.",
        ]),
        ModuleCodes::metadata(vec!["Each stored module's wasm code."]),
        Providers::metadata(vec![
            "Registered compute providers: bond, declaration, reliability, status.",
        ]),
        ProviderCount::metadata(vec!["How many providers are registered."]),
        NextJobId::metadata(vec!["The id the next job gets."]),
        Jobs::metadata(vec![
            "Every job: request, round, executors, entropy seed, status.",
        ]),
        JobInputs::metadata(vec!["Every job's input."]),
        Commitments::metadata(vec!["Each executor's commitment to its receipt, by job."]),
        Receipts::metadata(vec![
            "Each executor's revealed receipt with its signature, by job.",
        ]),
        ProofRecords::metadata(vec![
            "The evidence of each verified job: verdict, P, settlement, agreeing executors.",
        ]),
        DueJobs::metadata(vec![
            "Jobs in flight with the block their phase ends at, in order.",
        ]),
        LastHeartbeat::metadata(vec![
            "The last epoch each registered provider's heartbeat was received in.",
        ]),
    ]
}

fn constants() -> Vec<PalletConstantMetadata<MetaForm>> {
    vec![
        constant(
            "MaxModuleBytes",
            &MAX_MODULE_BYTES,
            vec!["The largest module stored."],
        ),
        constant(
            "MaxInputBytes",
            &MAX_INPUT_BYTES,
            vec!["The largest job input."],
        ),
        constant(
            "MaxOutputBytes",
            &MAX_OUTPUT_BYTES,
            vec!["The output bound of every run of a job."],
        ),
        constant(
            "MaxLogBytes",
            &MAX_LOG_BYTES,
            vec!["The log bound of every run of a job."],
        ),
        constant(
            "MaxMemoryPages",
            &MAX_MEMORY_PAGES,
            vec!["The most pages a job may ask for."],
        ),
        constant(
            "MaxReplicas",
            &MAX_REPLICAS,
            vec!["The largest replication factor."],
        ),
        constant(
            "MaxProviders",
            &MAX_PROVIDERS,
            vec!["The most registered providers."],
        ),
        constant(
            "MaxActiveJobs",
            &MAX_ACTIVE_JOBS,
            vec!["The most jobs in flight."],
        ),
    ]
}

impl<T: Config> PalletMetadataProvider for Pallet<T> {
    fn pallet_metadata(index: u8) -> PalletMetadata<MetaForm> {
        PalletMetadata {
            name: PALLET,
            storage: Some(PalletStorageMetadata {
                prefix: PALLET,
                entries: storage_entries(),
            }),
            calls: Some(PalletCallMetadata {
                ty: meta_type::<Call>(),
            }),
            event: Some(PalletEventMetadata {
                ty: meta_type::<Event>(),
            }),
            constants: constants(),
            error: Some(PalletErrorMetadata {
                ty: meta_type::<Error>(),
            }),
            index,
        }
    }

    fn pallet_docs() -> Vec<&'static str> {
        vec![
            "The proof-of-execution ledger: job modules, compute providers, jobs run",
            "by k executors drawn by weight, committed and revealed receipts, quorum,",
            "disputes settled by re-execution, slashing and proof records.",
        ]
    }
}
