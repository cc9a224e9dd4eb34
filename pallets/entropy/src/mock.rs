//! A runtime of System, Balances and Entropy for the pallet's tests, with
//! validators whose keys are real sr25519/ed25519 pairs.

use crate::{
    AuthorClaim, BlockAuthorship, ClaimKind, GenesisConfig, Params, PreDigestAuthorship,
    SessionConfig, SessionKeys,
};
use codec::{Decode, Encode};
use entroos_arithmetic::FixedU128;
use entroos_consensus_primitives::PreDigest;
use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::{AccountId32, Balance, Digest, DigestItem, Header, H256};
use entroos_support::hooks::Hooks;
use entroos_support::state::{Externalities, TestExternalities};
use std::collections::BTreeMap;

pallet_system::test_events!(pub TestEvent {
    System(pallet_system::Event),
    Balances(pallet_balances::Event),
    Entropy(crate::Event),
});

pub struct Test;

pallet_system::impl_test_system_config!(Test, TestEvent, pallet_balances::AccountData, "test");

impl pallet_balances::Config for Test {
    const PALLET_INDEX: u8 = 4;
    const EXISTENTIAL_DEPOSIT: Balance = 1;
    const MAX_LOCKS: u32 = 2;
}

pub const INDEX: u8 = 9;
pub const MAX_VALIDATORS: u32 = 24;
pub const MAX_CANDIDATES: u32 = 32;

/// Blocks with a claim carry the node's slot pre-digest, read by the
/// pallet's own [`PreDigestAuthorship`]. Blocks without one (which the
/// node never makes, but the pallet accepts) state only their slot, as a
/// SCALE `u64` under this engine.
pub const SLOT_ONLY_ENGINE: [u8; 4] = *b"test";

pub struct DigestAuthorship;

fn slot_only(digest: &Digest) -> Option<u64> {
    let raw = digest.pre_runtime(SLOT_ONLY_ENGINE)?;
    Decode::decode(&mut &raw[..]).ok()
}

impl BlockAuthorship for DigestAuthorship {
    fn current_slot(ext: &dyn Externalities) -> Option<u64> {
        PreDigestAuthorship::current_slot(ext)
            .or_else(|| slot_only(&pallet_system::DigestItems::get(ext)))
    }
    fn claim(ext: &dyn Externalities) -> Option<AuthorClaim> {
        PreDigestAuthorship::claim(ext)
    }
    fn slot_of(header: &Header) -> Option<u64> {
        PreDigestAuthorship::slot_of(header).or_else(|| slot_only(&header.digest))
    }
}

impl crate::Config for Test {
    const INDEX: u8 = INDEX;
    const MAX_VALIDATORS: u32 = MAX_VALIDATORS;
    const MAX_CANDIDATES: u32 = MAX_CANDIDATES;
    type Authorship = DigestAuthorship;
}

pub type Entropy = crate::Pallet<Test>;

/// A validator of the tests: stash `[n; 32]`, keys from seeds `[n; 32]`.
pub struct Validator {
    pub n: u8,
    pub vrf: sr25519::Pair,
    pub finality: ed25519::Pair,
}

impl Validator {
    pub fn new(n: u8) -> Self {
        Validator {
            n,
            vrf: sr25519::Pair::from_seed(&[n; 32]).unwrap(),
            finality: ed25519::Pair::from_seed(&[n; 32]),
        }
    }
    pub fn stash(&self) -> AccountId32 {
        stash(self.n)
    }
    pub fn keys(&self) -> SessionKeys {
        SessionKeys {
            vrf: self.vrf.public(),
            finality: self.finality.public(),
        }
    }
    /// The zombienet-shaped `session.keys` entry.
    pub fn session_entry(&self) -> (AccountId32, AccountId32, BTreeMap<String, String>) {
        let keys = self.keys();
        let names = BTreeMap::from([
            ("babe".to_string(), format!("0x{}", hex::encode(keys.vrf))),
            (
                "grandpa".to_string(),
                format!("0x{}", hex::encode(keys.finality)),
            ),
        ]);
        (self.stash(), self.stash(), names)
    }
}

pub fn stash(n: u8) -> AccountId32 {
    AccountId32([n; 32])
}

/// What every test account is endowed with.
pub const ENDOWMENT: Balance = 1_000_000;
/// The default bond of the test validators.
pub const BOND: Balance = 10_000;

pub fn fixed(text: &str) -> FixedU128 {
    text.parse().unwrap()
}

/// Parameters for tests: 20-slot epochs, 4-slot periods, λ = 0.9, κ = 2,
/// new validators at 1, 1.
pub fn test_params() -> Params {
    Params {
        slot_duration: 1_000,
        epoch_length: 20,
        duty_period: 4,
        decay: fixed("0.9"),
        kappa: fixed("2"),
        primary_probability: fixed("0.5"),
        slash_fraction: fixed("0.1"),
        unbonding_epochs: 3,
        minimum_bond: 1_000,
        initial_reliability: FixedU128::one(),
        initial_entropy: FixedU128::one(),
    }
}

/// A chain whose genesis has `validators` (by number) with the given bonds;
/// accounts 1..=100 are endowed.
pub fn new_test_ext(validators: &[(u8, Balance)], params: Params) -> TestExternalities {
    let mut t = TestExternalities::default();
    let balances = pallet_balances::GenesisConfig {
        balances: (1..=100u8).map(|n| (stash(n), ENDOWMENT)).collect(),
    };
    let entropy = GenesisConfig {
        params,
        default_bond: None,
        validators: validators
            .iter()
            .map(|(n, bond)| crate::GenesisValidator {
                stash: stash(*n),
                bond: *bond,
                commission: 0,
                operator: String::new(),
                zone: String::new(),
            })
            .collect(),
        randomness: H256([7; 32]),
    };
    let session = SessionConfig {
        keys: validators
            .iter()
            .map(|(n, _)| Validator::new(*n).session_entry())
            .collect(),
    };
    t.execute_with(|ext| {
        balances.build::<Test>(ext).unwrap();
        entropy.build::<Test>(&session, ext).unwrap();
    });
    t
}

/// The pre-digest stating `claim` at `slot`. The pallet trusts block import
/// to have verified the VRF proof, so the tests' primary claims carry an
/// all-zero one.
pub fn pre_digest(slot: u64, claim: AuthorClaim) -> PreDigest {
    let authority_index = claim.authority_index;
    match claim.kind {
        ClaimKind::Primary { vrf_output } => PreDigest::Primary {
            authority_index,
            slot,
            vrf_output,
            vrf_proof: [0; 64],
        },
        ClaimKind::Secondary => PreDigest::Secondary {
            authority_index,
            slot,
        },
    }
}

/// The pre-runtime digest of a block at `slot` with `claim`.
pub fn slot_digest(slot: u64, claim: Option<AuthorClaim>) -> Digest {
    let item = match claim {
        Some(claim) => pre_digest(slot, claim).to_digest_item(),
        None => DigestItem::PreRuntime(SLOT_ONLY_ENGINE, slot.encode()),
    };
    Digest { logs: vec![item] }
}

/// Starts block `n` at `slot` and runs the pallet's `on_initialize`.
pub fn run_block(
    ext: &mut dyn Externalities,
    n: u32,
    slot: u64,
    claim: Option<AuthorClaim>,
) -> Result<(), crate::Error> {
    pallet_system::Pallet::<Test>::initialize(ext, n, H256::default(), &slot_digest(slot, claim));
    Entropy::on_initialize(ext, n).map(drop)
}

/// The entropy events of the current block.
pub fn entropy_events(ext: &dyn Externalities) -> Vec<crate::Event> {
    pallet_system::Events::<Test>::get(ext)
        .into_iter()
        .filter_map(|record| match record.event {
            TestEvent::Entropy(e) => Some(e),
            _ => None,
        })
        .collect()
}

/// Runs the next block (by number) at `slot` with `claim`.
pub fn next_block(
    ext: &mut dyn Externalities,
    slot: u64,
    claim: Option<AuthorClaim>,
) -> Result<(), crate::Error> {
    let n = pallet_system::Number::get(ext) + 1;
    run_block(ext, n, slot, claim)
}

/// The slot the tests' chains start at.
pub const GENESIS_SLOT: u64 = 100;

/// Runs a block without a claim at the first slot of `epoch` (with the
/// test parameters' 20-slot epochs from [`GENESIS_SLOT`]).
pub fn block_in_epoch(ext: &mut dyn Externalities, epoch: u64) {
    let params = Entropy::params(ext);
    next_block(ext, GENESIS_SLOT + epoch * params.epoch_length, None).unwrap();
}

/// Bonds, sets keys (with a valid proof) and validates, as extrinsics would.
pub fn join(ext: &mut dyn Externalities, v: &Validator, bond: Balance) {
    use entroos_support::dispatch::RawOrigin;
    let origin = RawOrigin::Signed(v.stash());
    Entropy::dispatch(ext, origin.clone(), crate::Call::bond { value: bond }).unwrap();
    let call = crate::Call::set_keys {
        keys: v.keys(),
        proof: v.key_proof(&v.stash()),
    };
    Entropy::dispatch(ext, origin.clone(), call).unwrap();
    let prefs = crate::ValidatorPrefs::default();
    Entropy::dispatch(ext, origin, crate::Call::validate { prefs }).unwrap();
}

impl Validator {
    /// Both keys' signatures over the ownership message for `stash`.
    pub fn key_proof(&self, stash: &AccountId32) -> crate::KeyOwnershipProof {
        let message = crate::key_ownership_message(stash, &self.keys());
        crate::KeyOwnershipProof {
            vrf_signature: self.vrf.sign(&message),
            finality_signature: self.finality.sign(&message),
        }
    }
}
