//! The entropy pallet in the runtime: the presets' validators and the
//! zombienet-edited `session.keys`, exact large numbers, the `EntropyApi`
//! runtime API, epochs rotating block by block, blocks refused for their
//! claim, and unsigned equivocation reports admitted by the pool and
//! punished in a block.

use codec::{Decode, Encode};
use entroos_consensus_primitives::{
    DiversityReport, EpochInfo, FinalityVoters, PreDigest, ValidatorsReport, ENGINE_ID,
};
use entroos_primitives::crypto::{ed25519, sr25519};
use entroos_primitives::validity::{
    InvalidTransaction, TransactionSource, TransactionValidity, TransactionValidityError,
    UnknownTransaction,
};
use entroos_primitives::version::api_id;
use entroos_primitives::{AccountId32, DigestItem, Header, MultiAddress, H256};
use entroos_runtime::testing::{digest_of, TestChain};
use entroos_runtime::unsigned::OFFENCE_TAG;
use entroos_runtime::{
    api, genesis, BlockError, Runtime, RuntimeCall, RuntimeError, RuntimeEvent, UncheckedExtrinsic,
};
use entroos_support::state::{InMemoryBackend, Overlay};
use pallet_entropy::{BlockEquivocationProof, OffenceTime};
use serde_json::json;

const ALICE_SR: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const ALICE_ED: &str = "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu";
const ALICE_STASH: &str = "5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY";

fn call<T: Decode>(chain: &TestChain, method: &str) -> T {
    let out = chain.read(|ext| api::call(ext, method, &[], None)).unwrap();
    T::decode(&mut &out[..]).unwrap()
}

fn current_epoch(chain: &TestChain) -> EpochInfo {
    call(chain, "EntropyApi_current_epoch")
}

fn next_epoch(chain: &TestChain) -> EpochInfo {
    call(chain, "EntropyApi_next_epoch")
}

fn sr(name: &str) -> sr25519::Pair {
    sr25519::Pair::from_uri(&format!("//{name}")).unwrap()
}

fn stash(name: &str) -> AccountId32 {
    genesis::dev_stash(name).unwrap()
}

/// Builds the genesis of a JSON patch through `GenesisBuilder_build_state`.
fn build_state(json: &[u8]) -> Result<InMemoryBackend, String> {
    let mut state = InMemoryBackend::default();
    let mut overlay = Overlay::new(&state);
    let out = api::call(
        &mut overlay,
        "GenesisBuilder_build_state",
        &json.to_vec().encode(),
        None,
    )
    .unwrap();
    Result::<(), String>::decode(&mut &out[..]).unwrap()?;
    state.apply(overlay.try_into_changes().unwrap());
    Ok(state)
}

fn epoch_at(state: &InMemoryBackend) -> EpochInfo {
    let mut overlay = Overlay::new(state);
    let out = api::call(&mut overlay, "EntropyApi_current_epoch", &[], None).unwrap();
    EpochInfo::decode(&mut &out[..]).unwrap()
}

#[test]
fn presets_name_their_validators_in_zombienets_session_keys_shape() {
    let patch = genesis::preset(genesis::DEV_PRESET).unwrap();
    assert_eq!(
        patch["session"]["keys"],
        json!([[ALICE_STASH, ALICE_STASH, { "babe": ALICE_SR, "grandpa": ALICE_ED }]])
    );
    assert_eq!(patch["entropy"]["params"]["slotDuration"], json!(1000));
    assert_eq!(patch["entropy"]["defaultBond"], json!(1_000_000_000_000u64));
    let local = genesis::preset(genesis::LOCAL_PRESET).unwrap();
    assert_eq!(local["session"]["keys"].as_array().unwrap().len(), 4);
    assert_eq!(local["entropy"]["params"]["slotDuration"], json!(2000));

    let chain = TestChain::new(genesis::LOCAL_PRESET).unwrap();
    let epoch = current_epoch(&chain);
    let members: Vec<_> = epoch
        .authorities
        .iter()
        .map(|a| (a.stash, a.vrf_key))
        .collect();
    let expected: Vec<_> = ["Alice", "Bob", "Charlie", "Dave"]
        .iter()
        .map(|n| (stash(n), sr(n).public()))
        .collect();
    let mut sorted = members.clone();
    sorted.sort();
    let mut expected_sorted = expected;
    expected_sorted.sort();
    assert_eq!(sorted, expected_sorted);
    assert!(
        epoch
            .authorities
            .iter()
            .all(|a| a.weight == 250_000_000_000),
        "a bond of one token at the initial scores ½ × ½"
    );
    assert_eq!(call::<u64>(&chain, "EntropyApi_slot_duration"), 2_000);
    assert_eq!(chain.slot_millis(), 2_000);
}

#[test]
fn a_genesis_edited_the_way_zombienet_edits_it_builds() {
    // Zombienet empties `session.keys`, endows each node's stash with
    // 2 * 10^12 and pushes an entry with every key name it knows.
    let mut patch = genesis::preset(genesis::LOCAL_PRESET).unwrap();
    let entry = |name: &str, with_babe: bool| {
        let uri = format!("//{name}");
        let sr = AccountId32(sr25519::Pair::from_uri(&uri).unwrap().public()).to_string();
        let ed = AccountId32(ed25519::Pair::from_uri(&uri).unwrap().public()).to_string();
        let stash = stash(name).to_string();
        let mut keys = json!({ "grandpa": ed, "aura": sr, "im_online": sr,
            "authority_discovery": sr, "para_validator": sr, "para_assignment": sr,
            "beefy": "KW39r9CJjAVzmkf9zQ4YDb2hqfAVGdRqn53eRqyruqpxAP5YL" });
        if with_babe {
            keys["babe"] = json!(sr);
        }
        json!([stash, stash, keys])
    };
    patch["session"]["keys"] = json!([entry("Eve", true), entry("Ferdie", false)]);
    let balances = patch["balances"]["balances"].as_array_mut().unwrap();
    balances.push(json!([stash("Eve").to_string(), 2_000_000_000_000u64]));
    balances.push(json!([stash("Ferdie").to_string(), 2_000_000_000_000u64]));
    let state = build_state(&serde_json::to_vec(&patch).unwrap()).unwrap();
    let epoch = epoch_at(&state);
    let mut members: Vec<_> = epoch
        .authorities
        .iter()
        .map(|a| (a.stash, a.vrf_key))
        .collect();
    members.sort();
    let mut expected = vec![
        (stash("Eve"), sr("Eve").public()),
        (stash("Ferdie"), sr("Ferdie").public()),
    ];
    expected.sort();
    assert_eq!(members, expected, "`aura` stands in for a missing `babe`");
}

#[test]
fn bonds_and_balances_above_two_to_the_64_are_exact() {
    let alice_stash = stash("Alice").to_string();
    // 2^72 endowed, 2^70 + 1 bonded: above 2^53, where a parser that goes
    // through binary floating point loses the low digits.
    let json = format!(
        r#"{{"balances": {{"balances": [["{alice_stash}", 4722366482869645213696]]}},
            "entropy": {{"params": {{"slotDuration": 1000, "minimumBond": 1180591620717411303424}},
                         "defaultBond": 1180591620717411303425}},
            "session": {{"keys": [["{alice_stash}", "{alice_stash}",
                                   {{"babe": "{ALICE_SR}", "grandpa": "{ALICE_ED}"}}]]}}}}"#
    );
    let state = build_state(json.as_bytes()).unwrap();
    let overlay = Overlay::new(&state);
    let ledger = pallet_entropy::Ledger::get(&overlay, &stash("Alice")).unwrap();
    assert_eq!(ledger.active, (1u128 << 70) + 1);
    let params = pallet_entropy::Parameters::get(&overlay);
    assert_eq!(params.minimum_bond, 1u128 << 70);
    let account = pallet_system::Account::<Runtime>::get(&overlay, &stash("Alice"));
    assert_eq!(account.data.free + account.data.reserved, 1u128 << 72);
}

#[test]
fn a_slot_shorter_than_twice_the_minimum_period_is_refused() {
    let mut patch = genesis::preset(genesis::DEV_PRESET).unwrap();
    patch["entropy"]["params"]["slotDuration"] = json!(999);
    let error = build_state(&serde_json::to_vec(&patch).unwrap()).unwrap_err();
    assert!(error.contains("slotDuration 999"), "{error}");
}

#[test]
fn entropy_api_reports_slots_epochs_and_voters() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    assert_eq!(call::<u64>(&chain, "EntropyApi_slot_duration"), 1_000);
    let before = current_epoch(&chain);
    assert_eq!(
        (before.index, before.start_slot, before.length),
        (0, None, 600)
    );
    assert_eq!(before.authorities.len(), 1);
    assert_eq!(before.authorities[0].vrf_key, sr("Alice").public());
    let (_, first_slot) = chain.next_slot();
    chain.build_block(&[]).unwrap();
    assert_eq!(current_epoch(&chain).start_slot, Some(first_slot));
    assert_eq!(next_epoch(&chain).start_slot, Some(first_slot + 600));
    let voters: FinalityVoters = call(&chain, "EntropyApi_finality_voters");
    assert_eq!(voters.set_id, 0);
    let alice_ed = ed25519::Pair::from_uri("//Alice").unwrap().public();
    assert_eq!(voters.voters[0].key, alice_ed);
    let error = chain
        .read(|ext| api::call(ext, "EntropyApi_current_epoch", &[1], None))
        .unwrap_err();
    assert!(
        matches!(error, RuntimeError::BadArguments { .. }),
        "{error}"
    );
    assert!(entroos_runtime::version()
        .apis
        .contains(&(api_id("EntropyApi"), 2)));
}

#[test]
fn entropy_api_reports_validators_and_diversity() {
    let mut chain = short_epochs();
    let report: ValidatorsReport = call(&chain, "EntropyApi_validators");
    assert_eq!(report.epoch, 0);
    let members: Vec<_> = report.validators.iter().filter(|v| v.member).collect();
    assert_eq!(members.len(), 4, "the local preset's four validators");
    let total: u128 = members.iter().map(|v| v.weight).sum();
    assert_eq!(total, report.total_weight);
    let shares: u32 = members.iter().map(|v| v.share.deconstruct()).sum();
    assert!((999_999_996..=1_000_000_000).contains(&shares), "{shares}");
    let alice = members
        .iter()
        .find(|v| v.stash == stash("Alice"))
        .expect("Alice validates");
    let ledger = chain.read(|ext| pallet_entropy::Ledger::get(ext, &stash("Alice")).unwrap());
    assert_eq!(alice.stake, ledger.active);
    assert!(alice.candidate);
    assert_eq!(alice.keys.map(|k| k.vrf), Some(sr("Alice").public()));
    let diversity: DiversityReport = call(&chain, "EntropyApi_diversity");
    assert_eq!((diversity.epoch, diversity.validators), (0, 4));
    assert!(diversity.nakamoto >= 1 && diversity.nakamoto <= 4);
    let four_equal = entroos_primitives::arithmetic::shannon_entropy(&[1, 1, 1, 1]);
    let weights: Vec<u128> = members.iter().map(|v| v.weight).collect();
    assert_eq!(
        diversity.validator_entropy,
        entroos_primitives::arithmetic::shannon_entropy(&weights)
    );
    assert!(diversity.validator_entropy <= four_equal);
    chain.build_block(&[]).unwrap();
    let error = chain
        .read(|ext| api::call(ext, "EntropyApi_diversity", &[0], None))
        .unwrap_err();
    assert!(
        matches!(error, RuntimeError::BadArguments { .. }),
        "{error}"
    );
}

/// The local preset with five-slot epochs.
fn short_epochs() -> TestChain {
    let mut patch = genesis::preset(genesis::LOCAL_PRESET).unwrap();
    patch["entropy"]["params"]["epochLength"] = json!(5);
    patch["entropy"]["params"]["dutyPeriod"] = json!(5);
    TestChain::with_config(&genesis::config_from_patch(patch).unwrap()).unwrap()
}

fn new_epochs(chain: &TestChain) -> Vec<u64> {
    chain.read(|ext| {
        Runtime::events(ext)
            .into_iter()
            .filter_map(|r| match r.event {
                RuntimeEvent::Entropy(pallet_entropy::Event::NewEpoch { epoch, .. }) => Some(epoch),
                _ => None,
            })
            .collect()
    })
}

#[test]
fn epochs_rotate_block_by_block_and_primary_outputs_make_the_randomness() {
    let primary = |chain: &TestChain, output: u8| {
        let (_, slot) = chain.next_slot();
        Some(PreDigest::Primary {
            authority_index: 1,
            slot,
            vrf_output: [output; 32],
            vrf_proof: [0; 64],
        })
    };
    let mut randomness = Vec::new();
    for output in [1u8, 2] {
        let mut chain = short_epochs();
        let (_, genesis_slot) = chain.next_slot();
        chain.build_block(&[]).unwrap();
        let claim = primary(&chain, output);
        chain.build_block_claiming(claim, &[]).unwrap();
        let mut rotations = Vec::new();
        for _ in 0..10 {
            chain.build_block(&[]).unwrap();
            rotations.extend(new_epochs(&chain));
        }
        assert_eq!(rotations, [1, 2], "a new epoch every five slots");
        let epoch = current_epoch(&chain);
        assert_eq!(
            (epoch.index, epoch.start_slot),
            (2, Some(genesis_slot + 10))
        );
        randomness.push(epoch.randomness);
    }
    assert_ne!(
        randomness[0], [0; 32],
        "derived, not the genesis randomness"
    );
    assert_ne!(
        randomness[0], randomness[1],
        "epoch 2's randomness folds epoch 0's primary VRF outputs"
    );
}

fn refusal(chain: &mut TestChain, claim: PreDigest) -> RuntimeError {
    chain.build_block_claiming(Some(claim), &[]).unwrap_err()
}

#[test]
fn blocks_whose_claim_contradicts_the_set_or_the_slot_are_refused() {
    let mut chain = TestChain::new(genesis::LOCAL_PRESET).unwrap();
    chain.build_block(&[]).unwrap();
    let (_, slot) = chain.next_slot();
    let assignee = chain.secondary_claim(slot).unwrap().authority_index();
    let claimed = |index| RuntimeError::InvalidBlock(BlockError::InvalidClaim(index));
    assert_eq!(
        refusal(
            &mut chain,
            PreDigest::Secondary {
                authority_index: (assignee + 1) % 4,
                slot
            }
        ),
        claimed(pallet_entropy::Error::WrongSecondaryAuthor)
    );
    assert_eq!(
        refusal(
            &mut chain,
            PreDigest::Secondary {
                authority_index: 4,
                slot
            }
        ),
        claimed(pallet_entropy::Error::UnknownAuthor)
    );
    let head_slot = slot - 1;
    let stale = chain.secondary_claim(head_slot).unwrap();
    assert_eq!(
        refusal(&mut chain, stale),
        claimed(pallet_entropy::Error::SlotNotIncreasing)
    );
    chain
        .build_block(&[])
        .expect("the assignee's claim is accepted");
}

fn validate(chain: &TestChain, xt: &UncheckedExtrinsic) -> TransactionValidity {
    let input = (TransactionSource::External, xt.clone(), chain.head.hash()).encode();
    let out = chain
        .read(|ext| {
            api::call(
                ext,
                "TaggedTransactionQueue_validate_transaction",
                &input,
                None,
            )
        })
        .unwrap();
    TransactionValidity::decode(&mut &out[..]).unwrap()
}

/// A header of `chain`'s next block at `slot` (a secondary claim by
/// authority 0), made different by `state_root`, sealed by `key`.
fn sealed_header(chain: &TestChain, slot: u64, state_root: u8, key: &sr25519::Pair) -> Header {
    let claim = PreDigest::Secondary {
        authority_index: 0,
        slot,
    };
    let mut header = Header {
        parent_hash: chain.head.hash(),
        number: chain.head.number + 1,
        state_root: H256([state_root; 32]),
        extrinsics_root: H256::default(),
        digest: digest_of(Some(claim)),
    };
    let signature = key.sign(header.hash().as_ref());
    header
        .digest
        .logs
        .push(DigestItem::Seal(ENGINE_ID, signature.to_vec()));
    header
}

fn report(proof: BlockEquivocationProof) -> UncheckedExtrinsic {
    UncheckedExtrinsic::new_unsigned(RuntimeCall::Entropy(
        pallet_entropy::Call::report_block_equivocation {
            proof: Box::new(proof),
        },
    ))
}

fn invalid(e: InvalidTransaction) -> TransactionValidityError {
    TransactionValidityError::Invalid(e)
}

#[test]
fn an_unsigned_equivocation_report_is_admitted_once_and_slashes_the_author() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    chain.build_block(&[]).unwrap();
    let (_, slot) = chain.next_slot();
    let alice = sr("Alice");
    let proof = BlockEquivocationProof {
        offender: alice.public(),
        slot,
        first: sealed_header(&chain, slot, 1, &alice),
        second: sealed_header(&chain, slot, 2, &alice),
    };
    let forged = BlockEquivocationProof {
        second: sealed_header(&chain, slot, 2, &sr("Bob")),
        ..proof.clone()
    };
    assert_eq!(
        validate(&chain, &report(forged)),
        Err(invalid(InvalidTransaction::BadProof))
    );
    let valid = validate(&chain, &report(proof.clone())).unwrap();
    assert_eq!(valid.priority, u64::MAX);
    assert!(valid.requires.is_empty());
    assert!(valid.provides[0].starts_with(OFFENCE_TAG));
    assert!(valid.propagate);

    let bonded = |chain: &TestChain| {
        chain.read(|ext| {
            pallet_entropy::Ledger::get(ext, &stash("Alice"))
                .unwrap()
                .active
        })
    };
    let before = bonded(&chain);
    let (_, results) = chain
        .build_block(&[report(proof.clone()).encode()])
        .unwrap();
    assert_eq!(results, [Ok(Ok(()))]);
    let slashed = chain.read(|ext| {
        Runtime::events(ext)
            .into_iter()
            .find_map(|r| match r.event {
                RuntimeEvent::Entropy(pallet_entropy::Event::Slashed {
                    stash,
                    amount,
                    time,
                }) => Some((stash, amount, time)),
                _ => None,
            })
    });
    assert_eq!(
        slashed,
        Some((stash("Alice"), before / 10, OffenceTime::Slot(slot)))
    );
    assert_eq!(bonded(&chain), before - before / 10);
    assert_eq!(
        chain.read(|ext| pallet_entropy::SlashedOffences::get(ext)),
        1
    );
    assert_eq!(
        validate(&chain, &report(proof.clone())),
        Err(invalid(InvalidTransaction::Stale)),
        "punished once"
    );
    let (_, results) = chain.build_block(&[report(proof).encode()]).unwrap();
    assert_eq!(results, [Err(invalid(InvalidTransaction::Stale))]);
}

#[test]
fn other_unsigned_calls_have_no_validator() {
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    let transfer = UncheckedExtrinsic::new_unsigned(RuntimeCall::Balances(
        pallet_balances::Call::transfer_keep_alive {
            dest: MultiAddress::Id(stash("Bob")),
            value: 1,
        },
    ));
    let none = TransactionValidityError::Unknown(UnknownTransaction::NoUnsignedValidator);
    assert_eq!(validate(&chain, &transfer), Err(none));
    let (_, results) = chain.build_block(&[transfer.encode()]).unwrap();
    assert_eq!(results, [Err(none)]);
}

#[test]
fn an_unsigned_vote_equivocation_report_is_admitted_and_slashes_the_voter() {
    use pallet_entropy::{vote_payload, SignedVote, VoteEquivocationProof, VoteKind};
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    chain.build_block(&[]).unwrap();
    let voter = ed25519::Pair::from_uri("//Alice").unwrap();
    let vote = |target: u8| {
        let target_hash = H256([target; 32]);
        let payload = vote_payload(3, 0, target_hash, 1, VoteKind::Precommit);
        SignedVote {
            target_hash,
            target_number: 1,
            signature: voter.sign(&payload),
        }
    };
    let proof = VoteEquivocationProof {
        offender: voter.public(),
        set_id: 0,
        round: 3,
        kind: VoteKind::Precommit,
        first: vote(1),
        second: vote(2),
    };
    let xt = UncheckedExtrinsic::new_unsigned(RuntimeCall::Entropy(
        pallet_entropy::Call::report_vote_equivocation {
            proof: Box::new(proof),
        },
    ));
    assert!(validate(&chain, &xt).is_ok());
    let (_, results) = chain.build_block(&[xt.encode()]).unwrap();
    assert_eq!(results, [Ok(Ok(()))]);
    let time = chain.read(|ext| {
        Runtime::events(ext)
            .into_iter()
            .find_map(|r| match r.event {
                RuntimeEvent::Entropy(pallet_entropy::Event::Slashed { time, .. }) => Some(time),
                _ => None,
            })
    });
    assert_eq!(
        time,
        Some(OffenceTime::Round {
            set_id: 0,
            round: 3
        })
    );
    assert_eq!(
        validate(&chain, &xt),
        Err(invalid(InvalidTransaction::Stale))
    );
}

#[test]
fn an_unsigned_round_note_is_admitted_once_and_counts_the_finality_duty() {
    use pallet_entropy::{vote_payload, NotedPrecommit, RoundNote, SignedVote, VoteKind};
    let mut chain = TestChain::new(genesis::DEV_PRESET).unwrap();
    chain.build_block(&[]).unwrap();
    let voter = ed25519::Pair::from_uri("//Alice").unwrap();
    let target_hash = chain.head.hash();
    let precommit = |round: u64| NotedPrecommit {
        voter: voter.public(),
        vote: SignedVote {
            target_hash,
            target_number: 1,
            signature: voter.sign(&vote_payload(round, 0, target_hash, 1, VoteKind::Precommit)),
        },
    };
    let note_of = |round: u64| {
        UncheckedExtrinsic::new_unsigned(RuntimeCall::Entropy(
            pallet_entropy::Call::note_finality_round {
                note: Box::new(RoundNote {
                    set_id: 0,
                    round,
                    precommits: vec![precommit(round)].try_into().unwrap(),
                }),
            },
        ))
    };
    let xt = note_of(4);
    let valid = validate(&chain, &xt).expect("a note of the current set is admitted");
    assert_eq!(valid.provides.len(), 1);
    let (_, results) = chain.build_block(&[xt.encode()]).unwrap();
    assert_eq!(results, [Ok(Ok(()))]);
    let noted = chain.read(|ext| {
        Runtime::events(ext).into_iter().any(|r| {
            r.event
                == RuntimeEvent::Entropy(pallet_entropy::Event::FinalityRoundNoted {
                    set_id: 0,
                    round: 4,
                    voters: 1,
                })
        })
    });
    assert!(noted, "the note's event");
    assert_eq!(
        validate(&chain, &xt),
        Err(invalid(InvalidTransaction::Stale))
    );
    assert_eq!(
        validate(&chain, &note_of(3)),
        Err(invalid(InvalidTransaction::Stale)),
        "an earlier round is stale once a later one is noted"
    );
    assert!(validate(&chain, &note_of(5)).is_ok());
}
