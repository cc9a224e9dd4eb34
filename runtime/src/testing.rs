//! An in-memory chain for tests and benchmarks: genesis from a preset,
//! block building through the runtime APIs' own functions, and signing of
//! transfers the way wallets sign them. Time advances by one slot (the
//! chain's slot duration) per block, and each header claims its slot the
//! way the node's author does: a secondary claim by the slot's assignee
//! (the runtime trusts block import for VRF proofs and seals, which these
//! blocks do not carry).

use crate::{
    api, executive, genesis, BlockError, Entropy, RuntimeCall, RuntimeError, UncheckedExtrinsic,
};
use codec::Encode;
use entroos_consensus_primitives::{secondary_author, PreDigest};
use entroos_primitives::crypto::sr25519;
use entroos_primitives::generic::extensions::AdditionalSigned;
use entroos_primitives::generic::{signing_payload, SignedExtra};
use entroos_primitives::validity::ApplyExtrinsicResult;
use entroos_primitives::{
    AccountId32, Block, BlockNumber, Digest, Era, Header, MultiAddress, MultiSignature,
    OpaqueExtrinsic, H256,
};
use entroos_support::jobs::{JobExecutor, WithJobExecutor};
use entroos_support::state::{Externalities, InMemoryBackend, Overlay};
use std::collections::BTreeMap;

/// The slot duration of the development preset, in milliseconds.
pub const SLOT_MILLIS: u64 = crate::constants::DEV_SLOT_DURATION;

/// A chain held in memory.
pub struct TestChain {
    /// The state at the head.
    pub state: InMemoryBackend,
    /// The head's header.
    pub head: Header,
    /// Block hashes by number.
    pub hashes: BTreeMap<BlockNumber, H256>,
    /// The head's time.
    pub now: u64,
    /// The job engine lent to block building (disputed jobs need one).
    pub job_executor: Option<Box<dyn JobExecutor>>,
}

impl TestChain {
    /// A chain at genesis of `preset`.
    pub fn new(preset: &str) -> Result<Self, RuntimeError> {
        let patch = genesis::preset(preset)
            .ok_or_else(|| RuntimeError::Genesis(format!("no preset {preset}")))?;
        Self::with_config(&genesis::config_from_patch(patch)?)
    }

    /// A chain at the genesis of `config`.
    pub fn with_config(config: &genesis::RuntimeGenesisConfig) -> Result<Self, RuntimeError> {
        let mut state = InMemoryBackend::default();
        let mut overlay = Overlay::new(&state);
        genesis::build(&mut overlay, config)?;
        let changes = overlay.try_into_changes()?;
        state.apply(changes);
        let head = genesis::header(state.root());
        let hashes = BTreeMap::from([(0, head.hash())]);
        Ok(TestChain {
            state,
            head,
            hashes,
            now: 1_700_000_000_000,
            job_executor: None,
        })
    }

    /// The genesis block's hash.
    pub fn genesis_hash(&self) -> H256 {
        self.hashes.get(&0).copied().unwrap_or_default()
    }

    /// Runs `f` on the head's state without keeping its changes.
    pub fn read<R>(&self, f: impl FnOnce(&mut dyn Externalities) -> R) -> R {
        let mut overlay = Overlay::new(&self.state);
        f(&mut overlay)
    }

    /// The chain's slot duration in milliseconds (from its genesis).
    pub fn slot_millis(&self) -> u64 {
        self.read(|ext| Entropy::params(ext).slot_duration).max(1)
    }

    /// The time and slot of the next block: one slot after the head.
    pub fn next_slot(&self) -> (u64, u64) {
        let slot_millis = self.slot_millis();
        let now = self.now.saturating_add(slot_millis);
        (now, now.checked_div(slot_millis).unwrap_or_default())
    }

    /// The secondary claim of `slot` on top of the head: the slot's
    /// assignee in the set that authors it (`None` if nobody may).
    pub fn secondary_claim(&self, slot: u64) -> Option<PreDigest> {
        let (_, set) = self.read(|ext| Entropy::authorship_set(ext, slot))?;
        let authority_index = secondary_author(&set.randomness, slot, &set.weights())?;
        Some(PreDigest::Secondary {
            authority_index,
            slot,
        })
    }

    /// The digest of a block at `slot` on top of the head, claiming it as
    /// the node's author would (secondary, by the assignee).
    pub fn claim_digest(&self, slot: u64) -> Digest {
        digest_of(self.secondary_claim(slot))
    }

    /// Builds, executes and imports the next block with a timestamp inherent
    /// and `extrinsics`; returns it with each extrinsic's apply result.
    pub fn build_block(
        &mut self,
        extrinsics: &[Vec<u8>],
    ) -> Result<(Block, Vec<ApplyExtrinsicResult>), RuntimeError> {
        let (_, slot) = self.next_slot();
        let claim = self.secondary_claim(slot);
        self.build_block_claiming(claim, extrinsics)
    }

    /// [`TestChain::build_block`] with the given claim (or none) in the
    /// header; the claim must be for the next slot.
    pub fn build_block_claiming(
        &mut self,
        claim: Option<PreDigest>,
        extrinsics: &[Vec<u8>],
    ) -> Result<(Block, Vec<ApplyExtrinsicResult>), RuntimeError> {
        let (now, _) = self.next_slot();
        let parent = self.head.hash();
        let mut overlay = Overlay::new(&self.state);
        let pending = Header {
            parent_hash: parent,
            number: self.head.number.saturating_add(1),
            digest: digest_of(claim),
            ..Default::default()
        };
        let (header, included, results) = match self.job_executor.as_deref() {
            Some(jobs) => {
                let mut hosted = WithJobExecutor::new(&mut overlay, jobs);
                build_body(&mut hosted, &pending, now, extrinsics)?
            }
            None => build_body(&mut overlay, &pending, now, extrinsics)?,
        };
        let changes = overlay.try_into_changes()?;
        self.state.apply(changes);
        self.now = now;
        self.hashes.insert(header.number, header.hash());
        self.head = header.clone();
        let extrinsics = included
            .into_iter()
            .filter_map(|xt| codec::Decode::decode(&mut &xt[..]).ok())
            .collect::<Vec<OpaqueExtrinsic>>();
        Ok((Block { header, extrinsics }, results))
    }
}

/// A block's header, included extrinsics and apply results, built on `ext`.
type BuiltBody = (Header, Vec<Vec<u8>>, Vec<ApplyExtrinsicResult>);

/// Initializes `pending` at time `now`, applies the timestamp and
/// `extrinsics`, and finalizes.
fn build_body(
    ext: &mut dyn Externalities,
    pending: &Header,
    now: u64,
    extrinsics: &[Vec<u8>],
) -> Result<BuiltBody, RuntimeError> {
    executive::initialize_block(ext, pending)?;
    let inherent =
        UncheckedExtrinsic::new_unsigned(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
            now,
        }));
    // A failing mandatory call is reported as the outer `BadMandatory` error.
    let _dispatched = executive::apply_extrinsic(ext, inherent.clone())
        .map_err(|error| BlockError::InvalidExtrinsic { index: 0, error })?;
    let mut included = vec![inherent.encode()];
    let mut results = Vec::new();
    for encoded in extrinsics.iter().cloned() {
        let result = api::call(ext, "BlockBuilder_apply_extrinsic", &encoded, None)?;
        let result: ApplyExtrinsicResult =
            codec::Decode::decode(&mut &result[..]).map_err(|e| RuntimeError::BadArguments {
                method: "apply result".into(),
                reason: e.to_string(),
            })?;
        if result.is_ok() {
            included.push(encoded);
        }
        results.push(result);
    }
    let header = executive::finalize_block(ext)?;
    Ok((header, included, results))
}

/// The digest carrying `claim` (empty for none), as the node's author
/// writes it before sealing.
pub fn digest_of(claim: Option<PreDigest>) -> Digest {
    Digest {
        logs: claim.iter().map(PreDigest::to_digest_item).collect(),
    }
}

/// The dev account of `//name`.
pub fn dev_pair(name: &str) -> Result<sr25519::Pair, entroos_primitives::Error> {
    sr25519::Pair::from_uri(&format!("//{name}"))
}

/// The account of a pair.
pub fn account(pair: &sr25519::Pair) -> AccountId32 {
    AccountId32(pair.public())
}

/// What a signer needs to know about the chain.
#[derive(Clone, Copy, Debug)]
pub struct SigningContext {
    /// The genesis hash.
    pub genesis_hash: H256,
    /// The era.
    pub era: Era,
    /// The era's birth block hash (the genesis hash when immortal).
    pub birth_hash: H256,
    /// The sender's nonce.
    pub nonce: u32,
    /// The tip.
    pub tip: u128,
}

impl SigningContext {
    /// An immortal context with this nonce.
    pub fn immortal(chain: &TestChain, nonce: u32) -> Self {
        Self::immortal_on(chain.genesis_hash(), nonce)
    }

    /// An immortal context on the chain of `genesis_hash`.
    pub fn immortal_on(genesis_hash: H256, nonce: u32) -> Self {
        SigningContext {
            genesis_hash,
            era: Era::Immortal,
            birth_hash: genesis_hash,
            nonce,
            tip: 0,
        }
    }
}

/// Signs `call` as `signer` and returns the encoded extrinsic.
pub fn sign(call: RuntimeCall, signer: &sr25519::Pair, ctx: SigningContext) -> Vec<u8> {
    let extra = SignedExtra {
        era: ctx.era,
        nonce: ctx.nonce,
        tip: ctx.tip,
    };
    let additional = AdditionalSigned {
        spec_version: crate::SPEC_VERSION,
        transaction_version: crate::TRANSACTION_VERSION,
        genesis_hash: ctx.genesis_hash,
        birth_hash: ctx.birth_hash,
    };
    let payload = signing_payload(&call.encode(), &extra, &additional);
    let signature = MultiSignature::Sr25519(signer.sign(&payload));
    UncheckedExtrinsic::new_signed(call, MultiAddress::Id(account(signer)), signature, extra)
        .encode()
}

/// A `transfer_keep_alive` call.
pub fn transfer_keep_alive(to: AccountId32, value: u128) -> RuntimeCall {
    RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
        dest: MultiAddress::Id(to),
        value,
    })
}
