//! The ledger the `poe_*` tests read: jobs at every stage, written with
//! the ledger's storage types (`entroos-poe-primitives`), receipts signed with dev sr25519 keys,
//! and executor runs as the off-chain worker keeps them.

use crate::support::Memory;
use codec::Encode;
use entroos_poe_primitives::local::{run_key, LocalRun};
use entroos_poe_primitives::receipt::{commitment, receipt_of, receipt_signing_payload};
use entroos_poe_primitives::{
    Commitments, Executors, FailReason, Job, JobStatus, Jobs, NextJobId, ProofRecord, ProofRecords,
    Receipt, Receipts, Settlement, SignedReceipt,
};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::{AccountId32, H256};
use entroos_rpc::api::OffchainStorageApi;
use entroos_support::bounded::BoundedVec;
use entroos_support::jobs::{JobExit, JobOutcome};
use entroos_support::state::TestExternalities;
use serde_json::{json, Value};
use std::sync::{Arc, OnceLock};

/// The job every test reads most: verified by Bob and Charlie, Dave dissenting.
pub(crate) const VERIFIED: u64 = 0;
/// Receipts being revealed: Bob revealed, Charlie and Dave only committed.
pub(crate) const REVEALING: u64 = 1;
/// Commitments being made: only Bob committed.
pub(crate) const COMMITTING: u64 = 2;
/// Failed in its second round; Dave was the first round's executor.
pub(crate) const FAILED: u64 = 3;
/// Not yet assigned.
pub(crate) const PENDING: u64 = 4;

pub(crate) const SALT: [u8; 32] = [5; 32];
pub(crate) const OUTPUT: &[u8] = b"the honest output";
pub(crate) const LOG: &[u8] = b"ran 42 steps";

/// The dev keys the tests sign with, derived once (derivation is slow in
/// debug builds).
pub(crate) fn pair(uri: &str) -> &'static sr25519::Pair {
    static PAIRS: OnceLock<Vec<(&str, sr25519::Pair)>> = OnceLock::new();
    let pairs = PAIRS.get_or_init(|| {
        [
            "//Alice",
            "//Bob",
            "//Charlie",
            "//Dave",
            "//Eve",
            "//Ferdie",
        ]
        .into_iter()
        .map(|uri| (uri, sr25519::Pair::from_uri(uri).unwrap()))
        .collect()
    });
    let (_, pair) = pairs.iter().find(|(known, _)| *known == uri).unwrap();
    pair
}

pub(crate) fn account(uri: &str) -> AccountId32 {
    AccountId32(pair(uri).public())
}

pub(crate) fn seed(id: u64) -> H256 {
    H256([id as u8 + 100; 32])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    format!("0x{}", ::hex::encode(bytes))
}

/// `receipt` signed by the executor `uri`, as it reveals it.
pub(crate) fn sign(uri: &str, receipt: Receipt) -> SignedReceipt {
    let signature = pair(uri).sign(&receipt_signing_payload(&receipt, &account(uri)));
    SignedReceipt { receipt, signature }
}

/// An executor's run of job `id` writing `output`.
pub(crate) fn run(id: u64, output: &[u8], log: &[u8]) -> LocalRun {
    let outcome = JobOutcome {
        exit: JobExit::Exited(0),
        output: output.to_vec(),
        log: log.to_vec(),
        fuel_used: 4_200,
    };
    LocalRun {
        receipt: receipt_of(id, &seed(id), &outcome),
        salt: SALT,
        output: outcome.output,
        log: outcome.log,
        committed_at: Some(3),
        revealed_at: None,
    }
}

pub(crate) fn executors(uris: &[&str]) -> Executors {
    BoundedVec::try_from(uris.iter().map(|u| account(u)).collect::<Vec<_>>()).unwrap()
}

pub(crate) fn job(owner: &str, status: JobStatus, round: u8) -> Job {
    Job {
        owner: account(owner),
        module: H256([1; 32]),
        input_hash: H256([2; 32]),
        fuel: 1_000_000,
        memory_pages: 16,
        replicas: 3,
        reward: 12_000_000_000_000_000_000_000,
        deadline: 80,
        submitted_at: 1,
        round,
        entropy_seed: H256::default(),
        executors: executors(&["//Bob", "//Charlie", "//Dave"]),
        previous: executors(&[]),
        status,
    }
}

/// The ledger's state, written by the ledger's storage types.
pub(crate) struct Ledger(pub(crate) TestExternalities);

impl Ledger {
    pub(crate) fn put_job(&mut self, id: u64, mut job: Job) {
        if job.status != JobStatus::Pending {
            job.entropy_seed = seed(id);
        }
        self.0.execute_with(|ext| {
            Jobs::insert(ext, &id, &job);
            let next = NextJobId::get(ext).max(id + 1);
            NextJobId::put(ext, &next);
        });
    }

    pub(crate) fn commit(&mut self, id: u64, uri: &str, run: &LocalRun) {
        let who = account(uri);
        let committed = commitment(&run.receipt, &who, &run.salt);
        self.0
            .execute_with(|ext| Commitments::insert(ext, &id, &who, &committed));
    }

    pub(crate) fn reveal(&mut self, id: u64, uri: &str, run: &LocalRun) {
        self.commit(id, uri, run);
        let stored = sign(uri, run.receipt);
        let who = account(uri);
        self.0
            .execute_with(|ext| Receipts::insert(ext, &id, &who, &stored));
    }

    pub(crate) fn settle(&mut self, id: u64, honest: &LocalRun, agreeing: &[&str]) {
        let record = ProofRecord {
            module: H256([1; 32]),
            input_hash: H256([2; 32]),
            entropy_seed: seed(id),
            verdict: honest.receipt.verdict(),
            log_hash: honest.receipt.log_hash,
            proof: honest.receipt.proof,
            settlement: Settlement::Quorum,
            agreeing: executors(agreeing),
            settled_at: 9,
        };
        self.0
            .execute_with(|ext| ProofRecords::insert(ext, &id, &record));
    }

    /// Imports the state as the best block of `memory`.
    pub(crate) fn push_to(&self, memory: &Memory) -> H256 {
        let entries = &self.0.backend.entries;
        let changes: Vec<(&[u8], Option<&[u8]>)> = entries
            .iter()
            .map(|(k, v)| (k.as_slice(), Some(v.as_slice())))
            .collect();
        memory.push(&changes, None)
    }
}

/// Five jobs, one per stage, as the module's tests read them.
pub(crate) fn ledger() -> Ledger {
    let mut ledger = Ledger(TestExternalities::default());
    let honest = run(VERIFIED, OUTPUT, LOG);
    ledger.put_job(VERIFIED, job("//Alice", JobStatus::Verified, 0));
    ledger.reveal(VERIFIED, "//Bob", &honest);
    ledger.reveal(VERIFIED, "//Charlie", &honest);
    ledger.reveal(VERIFIED, "//Dave", &run(VERIFIED, b"a lie", LOG));
    ledger.settle(VERIFIED, &honest, &["//Bob", "//Charlie"]);

    let revealing = JobStatus::Revealing { until: 20 };
    ledger.put_job(REVEALING, job("//Eve", revealing, 0));
    ledger.reveal(REVEALING, "//Bob", &run(REVEALING, OUTPUT, LOG));
    ledger.commit(REVEALING, "//Charlie", &run(REVEALING, OUTPUT, LOG));

    let committing = JobStatus::Committing { until: 12 };
    ledger.put_job(COMMITTING, job("//Alice", committing, 0));
    ledger.commit(COMMITTING, "//Bob", &run(COMMITTING, OUTPUT, LOG));

    let mut failed = job("//Eve", JobStatus::Failed(FailReason::NoQuorum), 1);
    failed.previous = executors(&["//Dave"]);
    failed.executors = executors(&["//Bob", "//Charlie"]);
    ledger.put_job(FAILED, failed);
    ledger.reveal(FAILED, "//Dave", &run(FAILED, b"first round", LOG));

    ledger.put_job(PENDING, job("//Alice", JobStatus::Pending, 0));
    ledger
}

/// A node holding the ledger at its best block.
pub(crate) fn node() -> (Arc<Memory>, H256) {
    let memory = Arc::new(Memory::new());
    let best = ledger().push_to(&memory);
    (memory, best)
}

/// Keeps `uri`'s run of round `round` of job `id` in the node's storage.
pub(crate) fn keep(memory: &Memory, id: u64, round: u8, uri: &str, run: &LocalRun) {
    memory
        .set(&run_key(id, round, &account(uri)), &run.encode())
        .unwrap();
}

pub(crate) fn result(response: &Value) -> &Value {
    assert!(response.get("error").is_none(), "{response}");
    &response["result"]
}

pub(crate) fn ss58(uri: &str) -> String {
    account(uri).to_ss58(42)
}
pub(crate) fn request(uri: &str, signed: &SignedReceipt) -> Value {
    let r = &signed.receipt;
    json!({
        "executor": ss58(uri),
        "receipt": {
            "jobId": r.job_id,
            "outputHash": r.output_hash,
            "logHash": r.log_hash,
            "exit": { "kind": "exited", "code": 0 },
            "fuelUsed": r.fuel_used,
            "proof": r.proof,
        },
        "signature": hex(&signed.signature),
    })
}

/// A job whose status subscription stays open at first.
pub const OPEN_JOB: u64 = REVEALING;

/// Pushes the ledger as the best block, with Bob's run of the verified job
/// kept by the node.
pub fn ledger_with_kept_run(memory: &Memory) {
    ledger().push_to(memory);
    keep(memory, VERIFIED, 0, "//Bob", &run(VERIFIED, OUTPUT, LOG));
}

/// The storage change that moves [`OPEN_JOB`] on to `Settling`.
pub fn open_job_moved_on() -> (Vec<u8>, Vec<u8>) {
    let mut settling = job("//Eve", JobStatus::Settling, 0);
    settling.entropy_seed = seed(OPEN_JOB);
    (Jobs::key(&OPEN_JOB), settling.encode())
}

/// A `poe_verifyReceipt` request for Bob's receipt of the verified job.
pub fn verify_request() -> Value {
    request("//Bob", &sign("//Bob", run(VERIFIED, OUTPUT, LOG).receipt))
}
