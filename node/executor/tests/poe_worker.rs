//! The ledger's off-chain worker end to end, in process: a development
//! chain whose providers' executor keys live in one node's off-chain
//! context (a test double with map storage, the dev sr25519 pairs as its
//! keystore, and a pool whose transactions go into the next block), the
//! supply-chain verifier as the job, run by the worker through the runtime
//! API `OffchainWorkerApi_offchain_worker` on the node's real job engine
//! (single pass) while blocks are built with another (Cranelift).
//!
//! Every block: the pool's transactions are included, then the worker
//! runs for the new head. Honest executors take a job from inclusion to
//! Verified with signed receipts; with `fault-injection`, liars, a
//! withheld reveal and withheld commitments are settled, slashed and
//! refunded as the ledger says.

use codec::{Decode, Encode};
use entroos_executor::jobs::{job_executor, job_outcome};
use entroos_executor::testing::{account, dev_pair, sign, SigningContext, TestChain};
use entroos_executor_wasm::{Backend, Executor, ExecutorConfig, Limits};
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, BlockNumber, H256};
use entroos_runtime::api::{self, Extensions};
use entroos_runtime::{genesis, Runtime, RuntimeCall, RuntimeEvent, System, UncheckedExtrinsic};
use entroos_support::jobs::{JobExecutor, JobExecutorError, JobExit, JobOutcome, JobRun};
use entroos_support::offchain::testing::TestOffchain;
use entroos_support::state::Overlay;
use pallet_poe::local::{run_key, LocalRun, EXECUTOR_KEY_TYPE};
use pallet_poe::receipt::receipt_signature_is_valid;
use pallet_poe::{Call, Event, Job, JobStatus, Settlement, MAX_LOG_BYTES, MAX_OUTPUT_BYTES};
use std::cell::Cell;

const BOND: u128 = 1_000_000_000_000;
const REWARD: u128 = 3_000_000_000;
const PAGES: u32 = 16;
/// Within the development chain's re-execution bound (5 × 10^7).
const SMALL_FUEL: u64 = 20_000_000;
/// The most blocks a test waits for a job to end.
const MAX_BLOCKS: u32 = 80;

/// The node holding the executor keys: its persistent local storage, its
/// keystore and the transactions it submitted since the last block (what
/// it asks of the pool's index is nothing: everything submitted goes into
/// the next block, so the chain's nonce is the next one).
type TestNode = TestOffchain;

fn with_keys(names: &[&str]) -> TestNode {
    TestOffchain::with_keys(
        EXECUTOR_KEY_TYPE,
        names.iter().map(|name| dev_pair(name).unwrap()),
    )
}

/// `who`'s kept run of round `round` of job `job_id`, if any.
fn kept_run(node: &TestNode, job_id: u64, round: u8, who: &AccountId32) -> Option<LocalRun> {
    let bytes = node.storage.get(&run_key(job_id, round, who))?;
    Some(codec::Decode::decode(&mut &bytes[..]).unwrap())
}

/// The node's job engine, counting the runs the worker asks of it.
struct CountingEngine {
    runs: Cell<u32>,
}

impl JobExecutor for CountingEngine {
    fn execute(&self, run: &JobRun<'_>) -> Result<JobOutcome, JobExecutorError> {
        self.runs.set(self.runs.get() + 1);
        job_executor().execute(run)
    }
}

fn workload(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../workloads/wasm/{name}.wasm",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A vaccine shipment's custody record, unbroken and within 2–8 °C.
const SHIPMENT: &str = "VAX-0042|pfizer-puurs|dhl-brussels|BE-PUURS|45,50,38\n\
                        VAX-0042|dhl-brussels|ups-frankfurt|BE-BRU|20,80\n\
                        VAX-0042|ups-frankfurt|charite-berlin|DE-FRA|41,44,47\n";

/// What the job really outputs: the engine run directly.
fn real_outcome(code: &[u8], fuel: u64) -> JobOutcome {
    let limits = Limits {
        fuel,
        memory_pages: PAGES,
        max_output: MAX_OUTPUT_BYTES as usize,
        max_log: MAX_LOG_BYTES as usize,
    };
    let engine = Executor::new(ExecutorConfig::default());
    job_outcome(engine.run(code, SHIPMENT.as_bytes(), &limits).unwrap())
}

/// A development chain with the supply-chain module uploaded by Alice and
/// `providers` registered, the node holding their executor keys.
struct World {
    chain: TestChain,
    node: TestNode,
    engine: CountingEngine,
    module: H256,
    code: Vec<u8>,
    /// The ledger's events of every block so far, with their block.
    events: Vec<(BlockNumber, Event)>,
}

impl World {
    fn new(providers: &[&str]) -> Self {
        let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
        chain.job_executor = Some(Box::new(entroos_executor::jobs::WasmJobExecutor::new(
            Backend::Cranelift,
        )));
        let code = workload("supply_chain");
        let mut world = World {
            chain,
            node: with_keys(providers),
            engine: CountingEngine { runs: Cell::new(0) },
            module: H256(blake2_256(&code)),
            code: code.clone(),
            events: Vec::new(),
        };
        let upload = Call::upload_module {
            code: code.try_into().unwrap(),
        };
        let mut xts = vec![world.signed("Alice", upload)];
        for (i, name) in providers.iter().enumerate() {
            let info = pallet_poe::ProviderInfo {
                operator: format!("op-{i}").into_bytes().try_into().unwrap(),
                zone: format!("zone-{i}").into_bytes().try_into().unwrap(),
                capacity: pallet_poe::Capacity {
                    cpu_millis: 1_000,
                    memory_mib: 64,
                },
                labels: Default::default(),
            };
            let register = Call::register_provider { bond: BOND, info };
            xts.push(world.signed(name, register));
        }
        world.include(xts);
        world
    }

    /// `call` signed by dev account `name` at its on-chain nonce.
    fn signed(&self, name: &str, call: Call) -> Vec<u8> {
        let pair = dev_pair(name).unwrap();
        let nonce = self
            .chain
            .read(|ext| System::account_nonce(ext, &account(&pair)));
        sign(
            RuntimeCall::Poe(call),
            &pair,
            SigningContext::immortal(&self.chain, nonce),
        )
    }

    /// Builds the next block with `xts`, all of which must succeed.
    fn include(&mut self, xts: Vec<Vec<u8>>) {
        let (block, results) = self.chain.build_block(&xts).unwrap();
        for (i, result) in results.iter().enumerate() {
            assert_eq!(
                result,
                &Ok(Ok(())),
                "extrinsic {i} of block {}",
                block.header.number
            );
        }
        let number = block.header.number;
        let events = self.chain.read(|ext| Runtime::events(ext));
        self.events
            .extend(events.into_iter().filter_map(|record| match record.event {
                RuntimeEvent::Poe(event) => Some((number, event)),
                _ => None,
            }));
    }

    /// Runs the node's off-chain worker for the head, as the node does
    /// after importing it.
    fn run_worker(&mut self) {
        let mut overlay = Overlay::new(&self.chain.state);
        let extensions = Extensions {
            offchain: Some(&mut self.node),
            keystore: None,
            jobs: Some(&self.engine),
        };
        let header = self.chain.head.encode();
        api::call_with(
            &mut overlay,
            "OffchainWorkerApi_offchain_worker",
            &header,
            extensions,
        )
        .unwrap();
    }

    /// The signed extrinsics in the pool (commitments and reveals; the
    /// executors' heartbeats are unsigned).
    fn signed_in_pool(&self) -> Vec<&Vec<u8>> {
        self.node
            .submitted
            .iter()
            .filter(|xt| is_signed(xt))
            .collect()
    }

    /// One block: the pool's transactions included, then the worker.
    fn step(&mut self) {
        let xts = self.node.take_submitted();
        self.include(xts);
        self.run_worker();
    }

    fn job(&self, job_id: u64) -> Job {
        self.chain
            .read(|ext| pallet_poe::Jobs::get(ext, &job_id))
            .unwrap()
    }

    /// Alice submits a job of three replicas; returns its id and the
    /// block that included it.
    fn submit(&mut self, fuel: u64) -> (u64, BlockNumber) {
        let job_id = self.chain.read(|ext| pallet_poe::NextJobId::get(ext));
        let submit = Call::submit_job {
            module: self.module,
            input: SHIPMENT.as_bytes().to_vec().try_into().unwrap(),
            fuel,
            memory_pages: PAGES,
            replicas: 3,
            reward: REWARD,
            deadline: self.chain.head.number + 100,
        };
        let xt = self.signed("Alice", submit);
        self.include(vec![xt]);
        (job_id, self.chain.head.number)
    }

    /// Steps until the job ends; `before_worker` sees the job after each
    /// block, before the worker runs. Returns the block it ended in.
    fn run_job(
        &mut self,
        job_id: u64,
        mut before_worker: impl FnMut(&Job, &mut TestNode),
    ) -> BlockNumber {
        for _ in 0..MAX_BLOCKS {
            let job = self.job(job_id);
            if job.status.is_final() {
                return self.chain.head.number;
            }
            before_worker(&job, &mut self.node);
            self.run_worker();
            let xts = self.node.take_submitted();
            self.include(xts);
        }
        panic!("job {job_id} still {:?}", self.job(job_id).status);
    }

    fn poe_events(&self, job_id: u64) -> Vec<Event> {
        self.events
            .iter()
            .map(|(_, e)| e.clone())
            .filter(|e| event_job(e) == Some(job_id))
            .collect()
    }
}

fn event_job(event: &Event) -> Option<u64> {
    match event {
        Event::JobSubmitted { job_id, .. }
        | Event::JobAssigned { job_id, .. }
        | Event::ReceiptCommitted { job_id, .. }
        | Event::RevealStarted { job_id, .. }
        | Event::ReceiptRevealed { job_id, .. }
        | Event::JobDisputed { job_id, .. }
        | Event::JobReExecuted { job_id, .. }
        | Event::JobVerified { job_id, .. }
        | Event::JobReassigned { job_id, .. }
        | Event::JobFailed { job_id, .. }
        | Event::ExecutorRewarded { job_id, .. }
        | Event::ExecutorSlashed { job_id, .. } => Some(*job_id),
        _ => None,
    }
}

/// Whether an encoded extrinsic is signed.
fn is_signed(extrinsic: &[u8]) -> bool {
    UncheckedExtrinsic::decode(&mut &extrinsic[..]).is_ok_and(|xt| xt.signature.is_some())
}

fn rewarded(events: &[Event], who: &AccountId32) -> Option<u128> {
    events.iter().find_map(|e| match e {
        Event::ExecutorRewarded {
            executor, amount, ..
        } if executor == who => Some(*amount),
        _ => None,
    })
}

#[test]
fn honest_executors_take_a_job_from_inclusion_to_verified() {
    let mut world = World::new(&["Bob", "Charlie", "Dave"]);
    world.run_worker();
    assert!(world.signed_in_pool().is_empty(), "nothing assigned yet");
    let (job_id, included) = world.submit(SMALL_FUEL);
    let verified = world.run_job(job_id, |_, _| {});
    println!(
        "job {job_id}: included in block {included}, Verified in block {verified}: {} blocks",
        verified - included
    );
    assert_eq!(world.job(job_id).status, JobStatus::Verified);
    assert!(
        verified - included <= 3,
        "assign, commit, reveal (which settles): {}",
        verified - included
    );

    let real = real_outcome(&world.code, SMALL_FUEL);
    assert_eq!(real.exit, JobExit::Exited(0));
    assert!(real.output.starts_with(b"OK product=VAX-0042 steps=3"));
    let job = world.job(job_id);
    let events = world.poe_events(job_id);
    assert!(events.contains(&Event::JobVerified {
        job_id,
        output_hash: real.output_hash(),
        exit: real.exit,
        fuel_used: real.fuel_used,
        settlement: Settlement::Quorum,
    }));
    for who in job.executors.as_slice() {
        assert_eq!(rewarded(&events, who), Some(REWARD / 3));
        let signed = world
            .chain
            .read(|ext| pallet_poe::Receipts::get(ext, &job_id, who))
            .unwrap();
        assert!(receipt_signature_is_valid(&signed, who), "signed by {who}");
        let run = kept_run(&world.node, job_id, 0, who).unwrap();
        assert_eq!(run.output, real.output, "the node kept the real output");
        assert_eq!(run.log, real.log);
        assert_eq!(run.receipt, signed.receipt);
        assert!(run.committed_at.is_some() && run.revealed_at.is_some());
    }
    assert_eq!(
        world.engine.runs.get(),
        1,
        "one node, three keys assigned: one run"
    );
    let record = world
        .chain
        .read(|ext| pallet_poe::ProofRecords::get(ext, &job_id))
        .unwrap();
    assert_eq!(record.agreeing.len(), 3);
    world.step();
    assert!(world.signed_in_pool().is_empty(), "nothing left to do");
}

#[cfg(feature = "fault-injection")]
mod faults {
    use super::*;
    use entroos_support::hooks::OffchainContext;
    use pallet_poe::local::{fault_key, Fault};
    use pallet_poe::{FailReason, Offence};

    impl World {
        fn block_of(&self, wanted: impl Fn(&Event) -> bool) -> Option<BlockNumber> {
            self.events
                .iter()
                .find(|(_, e)| wanted(e))
                .map(|(number, _)| *number)
        }

        fn reserved(&self, who: &AccountId32) -> u128 {
            self.chain
                .read(|ext| pallet_balances::Pallet::<Runtime>::account(ext, who).reserved)
        }
    }

    fn slashed(events: &[Event], who: &AccountId32) -> Option<Offence> {
        events.iter().find_map(|e| match e {
            Event::ExecutorSlashed {
                executor, offence, ..
            } if executor == who => Some(*offence),
            _ => None,
        })
    }

    /// Sets `fault` for the executors at `positions` of the job's round.
    fn inject(job: &Job, node: &mut TestNode, positions: &[usize], fault: Fault) {
        if let JobStatus::Committing { .. } = job.status {
            for i in positions {
                node.local_storage_set(&fault_key(&job.executors.as_slice()[*i]), &fault.encode());
            }
        }
    }

    #[test]
    fn one_liar_is_outvoted_and_slashed() {
        let mut world = World::new(&["Bob", "Charlie", "Dave"]);
        let (job_id, _) = world.submit(SMALL_FUEL);
        world.run_job(job_id, |job, node| inject(job, node, &[0], Fault::Lie));
        let job = world.job(job_id);
        let [liar, a, b] = [
            job.executors.as_slice()[0],
            job.executors.as_slice()[1],
            job.executors.as_slice()[2],
        ];
        let real = real_outcome(&world.code, SMALL_FUEL);
        let events = world.poe_events(job_id);
        assert!(events.contains(&Event::JobVerified {
            job_id,
            output_hash: real.output_hash(),
            exit: real.exit,
            fuel_used: real.fuel_used,
            settlement: Settlement::Quorum,
        }));
        assert_eq!(slashed(&events, &liar), Some(Offence::Dissent));
        assert_eq!(rewarded(&events, &a), Some(REWARD / 2));
        assert_eq!(rewarded(&events, &b), Some(REWARD / 2));
        let lie = kept_run(&world.node, job_id, 0, &liar).unwrap();
        assert_eq!(lie.output, [&real.output[..], &liar.0[..]].concat());
        let revealed = world
            .chain
            .read(|ext| pallet_poe::Receipts::get(ext, &job_id, &liar))
            .unwrap();
        assert_eq!(revealed.receipt.output_hash, H256(blake2_256(&lie.output)));
        assert!(receipt_signature_is_valid(&revealed, &liar));
    }

    #[test]
    fn two_liars_are_disputed_re_executed_and_slashed() {
        let mut world = World::new(&["Bob", "Charlie", "Dave"]);
        let (job_id, _) = world.submit(SMALL_FUEL);
        world.run_job(job_id, |job, node| inject(job, node, &[0, 1], Fault::Lie));
        let job = world.job(job_id);
        let real = real_outcome(&world.code, SMALL_FUEL);
        let events = world.poe_events(job_id);
        assert!(events.contains(&Event::JobDisputed { job_id, round: 0 }));
        assert!(events.contains(&Event::JobReExecuted {
            job_id,
            output_hash: real.output_hash(),
            exit: real.exit,
            fuel_used: real.fuel_used,
        }));
        assert!(events.iter().any(|e| matches!(
            e,
            Event::JobVerified {
                settlement: Settlement::ReExecution,
                ..
            }
        )));
        for liar in &job.executors.as_slice()[..2] {
            assert_eq!(slashed(&events, liar), Some(Offence::Dissent));
        }
        assert_eq!(
            rewarded(&events, &job.executors.as_slice()[2]),
            Some(REWARD)
        );
    }

    #[test]
    fn a_withheld_reveal_is_slashed_as_a_no_show_after_the_deadline() {
        let mut world = World::new(&["Bob", "Charlie", "Dave"]);
        let (job_id, _) = world.submit(SMALL_FUEL);
        let mut reveal_until = None;
        let settled = world.run_job(job_id, |job, node| {
            inject(job, node, &[0], Fault::WithholdReveal);
            if let JobStatus::Revealing { until } = job.status {
                reveal_until = Some(until);
            }
        });
        let job = world.job(job_id);
        let events = world.poe_events(job_id);
        assert!(events.contains(&Event::RevealStarted {
            job_id,
            committed: 3,
            reveal_until: reveal_until.unwrap(),
        }));
        assert_eq!(settled, reveal_until.unwrap() + 1, "at the reveal deadline");
        assert_eq!(
            slashed(&events, &job.executors.as_slice()[0]),
            Some(Offence::NoShow)
        );
        assert_eq!(
            rewarded(&events, &job.executors.as_slice()[1]),
            Some(REWARD / 2)
        );
        assert!(world
            .chain
            .read(|ext| pallet_poe::Receipts::get(ext, &job_id, &job.executors.as_slice()[0]))
            .is_none());
        assert!(
            kept_run(&world.node, job_id, 0, &job.executors.as_slice()[0]).is_some(),
            "it ran"
        );
    }

    #[test]
    fn a_large_job_without_quorum_is_reassigned_once_then_failed_and_refunded() {
        let mut world = World::new(&["Bob", "Charlie", "Dave", "Eve", "Ferdie", "Bob//stash"]);
        let bound = world
            .chain
            .read(|ext| pallet_poe::Pallet::<Runtime>::params(ext))
            .reexecution_fuel_bound;
        let alice = account(&dev_pair("Alice").unwrap());
        let reserved_before = world.reserved(&alice);
        let (job_id, _) = world.submit(bound + 1);
        let mut rounds: Vec<Vec<AccountId32>> = Vec::new();
        let ended = world.run_job(job_id, |job, node| {
            inject(job, node, &[0, 1], Fault::WithholdCommit);
            if usize::from(job.round) == rounds.len() && !job.executors.is_empty() {
                rounds.push(job.executors.clone().into_inner());
            }
        });
        assert_eq!(rounds.len(), 2, "reassigned once");
        assert!(
            rounds[1].iter().all(|who| !rounds[0].contains(who)),
            "fresh executors"
        );
        let events = world.poe_events(job_id);
        assert!(events.contains(&Event::JobReassigned { job_id, round: 1 }));
        assert!(events.contains(&Event::JobFailed {
            job_id,
            reason: FailReason::NoQuorum,
            refunded: REWARD,
        }));
        assert_eq!(
            world.block_of(|e| matches!(e, Event::JobFailed { .. })),
            Some(ended)
        );
        for round in &rounds {
            for who in &round[..2] {
                assert_eq!(slashed(&events, who), Some(Offence::NoShow));
            }
            assert_eq!(slashed(&events, &round[2]), None, "no verdict, no dissent");
        }
        assert_eq!(
            world.job(job_id).status,
            JobStatus::Failed(FailReason::NoQuorum)
        );
        assert_eq!(world.reserved(&alice), reserved_before, "reward refunded");
        assert!(!events
            .iter()
            .any(|e| matches!(e, Event::JobReExecuted { .. })));
    }
}
