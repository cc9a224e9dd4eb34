//! A runtime of System, Balances, Entropy and the ledger for the pallet's
//! state-machine tests, and a scripted job engine standing in for the
//! node's executor in them (the real engine settles disputes in
//! `node/executor/tests/poe_dispute.rs`).

use crate::receipt::{commitment, receipt_of, receipt_signing_payload};
use crate::types::{Capacity, Declared, ProviderInfo, Receipt};
use crate::{Call, Event, JobInput, Jobs, ModuleCode, Params};
use codec::Encode;
use entroos_arithmetic::FixedU128;
use entroos_primitives::crypto::sr25519;
use entroos_primitives::dispatch::DispatchError;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, Balance, BlockNumber, Digest, H256};
use entroos_support::dispatch::RawOrigin;
use entroos_support::hooks::Hooks;
use entroos_support::jobs::{
    JobExecutor, JobExecutorError, JobExit, JobOutcome, JobRun, WithJobExecutor,
};
use entroos_support::state::{Externalities, TestExternalities};
use std::cell::Cell;
use std::collections::BTreeMap;

pallet_system::test_events!(pub TestEvent {
    System(pallet_system::Event),
    Balances(pallet_balances::Event),
    Entropy(pallet_entropy::Event),
    Poe(crate::Event),
});

pub struct Test;

pallet_system::impl_test_system_config!(Test, TestEvent, pallet_balances::AccountData, "test");

impl pallet_balances::Config for Test {
    const PALLET_INDEX: u8 = 4;
    const EXISTENTIAL_DEPOSIT: Balance = 1;
    const MAX_LOCKS: u32 = 2;
}

impl pallet_entropy::Config for Test {
    const INDEX: u8 = 2;
    const MAX_VALIDATORS: u32 = 8;
    const MAX_CANDIDATES: u32 = 8;
    type Authorship = pallet_entropy::PreDigestAuthorship;
}

pub const INDEX: u8 = 6;

impl crate::Config for Test {
    const POE_INDEX: u8 = INDEX;
}

pub type Poe = crate::Pallet<Test>;
pub type Balances = pallet_balances::Pallet<Test>;

thread_local! {
    static PAIRS: std::cell::RefCell<BTreeMap<u8, sr25519::Pair>> = Default::default();
}

/// Test account `n`'s sr25519 key (from the seed `[n; 32]`).
pub fn pair(n: u8) -> sr25519::Pair {
    PAIRS.with(|pairs| {
        pairs
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| sr25519::Pair::from_seed(&[n; 32]).unwrap())
            .clone()
    })
}

/// Test account `n`: the public key of [`pair`]`(n)`.
pub fn account(n: u8) -> AccountId32 {
    AccountId32(pair(n).public())
}

/// The `n` of test account `who`.
pub fn index_of(who: &AccountId32) -> u8 {
    (0..=u8::MAX).find(|n| account(*n) == *who).unwrap()
}

/// What every test account is endowed with.
pub const ENDOWMENT: Balance = 1_000_000_000;
/// The bond the tests' providers make.
pub const BOND: Balance = 10_000;
/// The account that submits the tests' jobs.
pub const OWNER: u8 = 1;

pub fn fixed(text: &str) -> FixedU128 {
    text.parse().unwrap()
}

/// Small, fast parameters: 3-block phases, re-execution up to 10 000 fuel.
pub fn test_params() -> Params {
    Params {
        module_deposit_base: 100,
        module_deposit_per_byte: 1,
        max_module_bytes: 16 << 10,
        minimum_provider_bond: 1_000,
        unbonding_blocks: 5,
        commit_period: 3,
        reveal_period: 3,
        max_fuel: 1_000_000,
        max_memory_pages: 64,
        reexecution_fuel_bound: 10_000,
        slash_fraction: fixed("0.1"),
        score_decay: fixed("0.9"),
        initial_reliability: fixed("0.5"),
    }
}

/// A chain at block 1 with accounts 1..=60 endowed and `params`.
pub fn new_test_ext(params: Params) -> TestExternalities {
    let mut t = TestExternalities::default();
    let balances = pallet_balances::GenesisConfig {
        balances: (1..=60u8).map(|n| (account(n), ENDOWMENT)).collect(),
    };
    let entropy = pallet_entropy::GenesisConfig {
        randomness: H256([7; 32]),
        ..Default::default()
    };
    let poe = crate::GenesisConfig { params };
    t.execute_with(|ext| {
        balances.build::<Test>(ext).unwrap();
        entropy
            .build::<Test>(&pallet_entropy::SessionConfig::default(), ext)
            .unwrap();
        poe.build(ext).unwrap();
        pallet_system::Pallet::<Test>::initialize(ext, 1, H256([1; 32]), &Digest::default());
    });
    t
}

/// Dispatches `call` signed by account `n`.
pub fn call(ext: &mut dyn Externalities, n: u8, call: Call) -> Result<(), DispatchError> {
    ext.start_transaction().unwrap();
    let result = Poe::dispatch(ext, RawOrigin::Signed(account(n)), call);
    match result {
        Ok(()) => ext.commit_transaction().unwrap(),
        Err(_) => ext.rollback_transaction().unwrap(),
    }
    result
}

pub fn err(e: crate::Error) -> Result<(), DispatchError> {
    Err(Poe::error(e))
}

/// Starts the next block and runs the ledger's hook with `engine` lent.
pub fn next_block(
    ext: &mut dyn Externalities,
    engine: Option<&dyn JobExecutor>,
) -> Result<(), crate::Error> {
    let n = pallet_system::Number::get(ext) + 1;
    let parent = H256(blake2_256(&n.encode()));
    pallet_system::Pallet::<Test>::initialize(ext, n, parent, &Digest::default());
    match engine {
        Some(engine) => Poe::on_initialize(&mut WithJobExecutor::new(ext, engine), n),
        None => Poe::on_initialize(ext, n),
    }
    .map(drop)
}

/// Runs blocks until (and including) block `n`.
pub fn run_to(ext: &mut dyn Externalities, n: BlockNumber, engine: Option<&dyn JobExecutor>) {
    while pallet_system::Number::get(ext) < n {
        next_block(ext, engine).unwrap();
    }
}

/// The ledger's events of the current block.
pub fn poe_events(ext: &dyn Externalities) -> Vec<Event> {
    pallet_system::Events::<Test>::get(ext)
        .into_iter()
        .filter_map(|record| match record.event {
            TestEvent::Poe(e) => Some(e),
            _ => None,
        })
        .collect()
}

pub fn reserved(ext: &dyn Externalities, n: u8) -> Balance {
    Balances::account(ext, &account(n)).reserved
}

pub fn free(ext: &dyn Externalities, n: u8) -> Balance {
    Balances::free_balance(ext, &account(n))
}

pub fn declared(text: &str) -> Declared {
    Declared::try_from(text.as_bytes().to_vec()).unwrap()
}

/// Provider `n` in `zone`, run by `operator`, with `bond`.
pub fn register(ext: &mut dyn Externalities, n: u8, operator: &str, zone: &str, bond: Balance) {
    let info = ProviderInfo {
        operator: declared(operator),
        zone: declared(zone),
        capacity: Capacity {
            cpu_millis: 1_000,
            memory_mib: 64,
        },
        labels: Default::default(),
    };
    call(ext, n, Call::register_provider { bond, info }).unwrap();
}

/// A minimal valid module: `_start: () -> ()` doing nothing, with the
/// given function imports `(module, name, params, results)` (all `i32`).
pub fn wasm_module(imports: &[(&str, &str, u8, u8)]) -> Vec<u8> {
    let mut types = vec![vec![0x60, 0, 0]];
    for (_, _, params, results) in imports {
        let mut ty = vec![0x60, *params];
        ty.extend(std::iter::repeat_n(0x7f, usize::from(*params)));
        ty.push(*results);
        ty.extend(std::iter::repeat_n(0x7f, usize::from(*results)));
        types.push(ty);
    }
    let mut import_section = vec![imports.len() as u8];
    for (i, (module, name, _, _)) in imports.iter().enumerate() {
        import_section.push(module.len() as u8);
        import_section.extend(module.as_bytes());
        import_section.push(name.len() as u8);
        import_section.extend(name.as_bytes());
        import_section.extend([0x00, (i + 1) as u8]);
    }
    let start = imports.len() as u8;
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    section(
        &mut module,
        1,
        &[vec![types.len() as u8], types.concat()].concat(),
    );
    if !imports.is_empty() {
        section(&mut module, 2, &import_section);
    }
    section(&mut module, 3, &[1, 0]);
    section(
        &mut module,
        7,
        &[&[1, 6][..], b"_start", &[0x00, start]].concat(),
    );
    section(&mut module, 10, &[1, 2, 0, 0x0b]);
    module
}

/// Appends section `id` with `payload`.
pub fn section(module: &mut Vec<u8>, id: u8, payload: &[u8]) {
    module.push(id);
    module.push(payload.len() as u8);
    module.extend(payload);
}

/// The module every job test runs: a no-op importing `fd_write`.
pub fn job_module() -> Vec<u8> {
    wasm_module(&[("wasi_snapshot_preview1", "fd_write", 4, 1)])
}

/// Uploads [`job_module`] as account `n`; returns its hash.
pub fn upload(ext: &mut dyn Externalities, n: u8) -> H256 {
    let code = job_module();
    let hash = H256(blake2_256(&code));
    let code = ModuleCode::try_from(code).unwrap();
    call(ext, n, Call::upload_module { code }).unwrap();
    hash
}

/// A job request of `OWNER` over `input`.
pub fn submit(
    ext: &mut dyn Externalities,
    module: H256,
    input: &[u8],
    replicas: u8,
    fuel: u64,
) -> u64 {
    let job_id = crate::NextJobId::get(ext);
    let submit = Call::submit_job {
        module,
        input: JobInput::try_from(input.to_vec()).unwrap(),
        fuel,
        memory_pages: 16,
        replicas,
        reward: 900,
        deadline: pallet_system::Number::get(ext) + 100,
    };
    call(ext, OWNER, submit).unwrap();
    job_id
}

/// The outcome honest executors (and the scripted engine) report for `input`.
pub fn honest_outcome(input: &[u8]) -> JobOutcome {
    JobOutcome {
        exit: JobExit::Exited(0),
        output: [b"out:", input].concat(),
        log: b"log".to_vec(),
        fuel_used: 100 + input.len() as u64,
    }
}

/// A lie: another output.
pub fn lie(tag: u8) -> JobOutcome {
    JobOutcome {
        exit: JobExit::Exited(0),
        output: vec![tag; 4],
        log: Vec::new(),
        fuel_used: 100,
    }
}

/// The receipt executor output `outcome` gives for `job_id`.
pub fn receipt(ext: &dyn Externalities, job_id: u64, outcome: &JobOutcome) -> Receipt {
    let job = Jobs::get(ext, &job_id).unwrap();
    receipt_of(job_id, &job.entropy_seed, outcome)
}

pub fn salt(who: &AccountId32) -> [u8; 32] {
    blake2_256(&who.0)
}

/// Account `who` commits to `receipt`.
pub fn commit(
    ext: &mut dyn Externalities,
    who: &AccountId32,
    receipt: &Receipt,
) -> Result<(), DispatchError> {
    let commitment = commitment(receipt, who, &salt(who));
    call(
        ext,
        index_of(who),
        Call::commit_receipt {
            job_id: receipt.job_id,
            commitment,
        },
    )
}

/// Account `who`'s signature of `receipt`.
pub fn sign_receipt(who: &AccountId32, receipt: &Receipt) -> [u8; 64] {
    pair(index_of(who)).sign(&receipt_signing_payload(receipt, who))
}

/// Account `who` reveals `receipt`, signed.
pub fn reveal(
    ext: &mut dyn Externalities,
    who: &AccountId32,
    receipt: &Receipt,
) -> Result<(), DispatchError> {
    let call_ = Call::reveal_receipt {
        job_id: receipt.job_id,
        receipt: *receipt,
        salt: salt(who),
        signature: sign_receipt(who, receipt),
    };
    call(ext, index_of(who), call_)
}

/// The executors of `job_id`'s current round.
pub fn executors(ext: &dyn Externalities, job_id: u64) -> Vec<AccountId32> {
    Jobs::get(ext, &job_id).unwrap().executors.into_inner()
}

/// A job engine for the state-machine tests: answers each input with a
/// scripted outcome and counts its runs.
#[derive(Default)]
pub struct ScriptedEngine {
    pub outcomes: BTreeMap<Vec<u8>, JobOutcome>,
    pub runs: Cell<u32>,
}

impl ScriptedEngine {
    /// An engine that answers every input of `inputs` honestly.
    pub fn honest(inputs: &[&[u8]]) -> Self {
        ScriptedEngine {
            outcomes: inputs
                .iter()
                .map(|input| (input.to_vec(), honest_outcome(input)))
                .collect(),
            runs: Cell::new(0),
        }
    }
}

impl JobExecutor for ScriptedEngine {
    fn execute(&self, run: &JobRun<'_>) -> Result<JobOutcome, JobExecutorError> {
        self.runs.set(self.runs.get() + 1);
        self.outcomes
            .get(run.input)
            .cloned()
            .ok_or_else(|| JobExecutorError::Engine("no scripted outcome".into()))
    }
}
