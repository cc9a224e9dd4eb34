//! The runtime's identity, `:code`: a block whose execution changes it ends
//! with a `RuntimeEnvironmentUpdated` digest item and a `System.CodeUpdated`
//! event; no other block has either, and a header cannot claim one.

use codec::{Decode, Encode};
use entroos_primitives::{Block, DigestItem, Header, OpaqueExtrinsic};
use entroos_runtime::genesis::{self, CODE_KEY};
use entroos_runtime::testing::TestChain;
use entroos_runtime::{
    executive, BlockError, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic,
};
use entroos_support::state::{Changes, Externalities, Overlay};
use pallet_system::{Phase, CODE_HASH_AT_BLOCK_START_KEY};

/// Events with the phase they were emitted in.
type Events = Vec<(Phase, RuntimeEvent)>;

/// The next block on `chain`, with `during` run after its timestamp
/// inherent: the block, its events and its state changes.
fn next_block(
    chain: &TestChain,
    during: impl FnOnce(&mut dyn Externalities),
) -> (Block, Events, Changes) {
    let (now, slot) = chain.next_slot();
    let mut overlay = Overlay::new(&chain.state);
    let pending = Header {
        parent_hash: chain.head.hash(),
        number: chain.head.number + 1,
        digest: chain.claim_digest(slot),
        ..Default::default()
    };
    executive::initialize_block(&mut overlay, &pending).unwrap();
    let set =
        UncheckedExtrinsic::new_unsigned(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
            now,
        }));
    executive::apply_extrinsic(&mut overlay, set.clone())
        .unwrap()
        .unwrap();
    during(&mut overlay);
    let header = executive::finalize_block(&mut overlay).unwrap();
    let events = Runtime::events(&overlay)
        .into_iter()
        .map(|r| (r.phase, r.event))
        .collect();
    let block = Block {
        header,
        extrinsics: vec![OpaqueExtrinsic::decode(&mut &set.encode()[..]).unwrap()],
    };
    (block, events, overlay.try_into_changes().unwrap())
}

fn code_updated() -> RuntimeEvent {
    RuntimeEvent::System(pallet_system::Event::CodeUpdated)
}

fn reports_code_updated(events: &Events) -> bool {
    events.iter().any(|(_, event)| *event == code_updated())
}

fn upgraded_code() -> Vec<u8> {
    let mut version = entroos_runtime::version();
    version.spec_version += 1;
    version.encode()
}

fn only_pre_runtime(header: &Header) -> bool {
    header
        .digest
        .logs
        .iter()
        .all(|item| matches!(item, DigestItem::PreRuntime(..)))
}

#[test]
fn genesis_code_is_the_encoded_runtime_version() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let code = chain.read(|ext| ext.get(CODE_KEY));
    assert_eq!(code, Some(entroos_runtime::version().encode()));
}

#[test]
fn an_ordinary_block_reports_no_update_and_leaves_no_trace() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let code_before = chain.read(|ext| ext.get(CODE_KEY));
    let (block, _) = chain.build_block(&[]).unwrap();
    assert!(only_pre_runtime(&block.header), "{:?}", block.header.digest);
    chain.read(|ext| {
        assert!(!Runtime::events(ext)
            .iter()
            .any(|r| r.event == code_updated()));
        assert_eq!(ext.get(CODE_KEY), code_before);
        assert_eq!(ext.get(CODE_HASH_AT_BLOCK_START_KEY), None);
    });
}

#[test]
fn a_block_that_changes_code_ends_with_an_environment_update() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let (block, events, changes) = next_block(&chain, |ext| {
        ext.set(CODE_KEY, upgraded_code());
    });
    let logs = &block.header.digest.logs;
    assert_eq!(logs.last(), Some(&DigestItem::RuntimeEnvironmentUpdated));
    assert_eq!(
        logs.iter()
            .filter(|item| **item == DigestItem::RuntimeEnvironmentUpdated)
            .count(),
        1
    );
    assert!(events.contains(&(Phase::Finalization, code_updated())));
    assert_eq!(changes.get(CODE_KEY), Some(&Some(upgraded_code())));
    assert_eq!(
        changes.get(CODE_HASH_AT_BLOCK_START_KEY),
        Some(&None),
        "the block-start hash is forgotten before the state root"
    );
}

#[test]
fn removing_code_is_an_update_and_rewriting_it_unchanged_is_not() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let (removed, events, _) = next_block(&chain, |ext| ext.clear(CODE_KEY));
    assert_eq!(
        removed.header.digest.logs.last(),
        Some(&DigestItem::RuntimeEnvironmentUpdated)
    );
    assert!(reports_code_updated(&events));
    let (rewritten, events, _) = next_block(&chain, |ext| {
        ext.set(CODE_KEY, entroos_runtime::version().encode());
    });
    assert!(only_pre_runtime(&rewritten.header));
    assert!(!reports_code_updated(&events));
}

#[test]
fn a_header_cannot_claim_items_its_execution_does_not_deposit() {
    let chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let (honest, _, _) = next_block(&chain, |_| {});
    let mut overlay = Overlay::new(&chain.state);
    executive::execute_block(&mut overlay, &honest).unwrap();
    for claimed in [
        DigestItem::RuntimeEnvironmentUpdated,
        DigestItem::Other(vec![1, 2, 3]),
    ] {
        let mut forged = honest.clone();
        forged.header.digest.logs.push(claimed.clone());
        let mut overlay = Overlay::new(&chain.state);
        let err = executive::execute_block(&mut overlay, &forged).unwrap_err();
        assert!(
            matches!(err, BlockError::DigestMismatch),
            "{claimed:?}: {err}"
        );
    }
}
