//! `entropy_*`: the JSON each method answers, its typed errors, finality
//! proofs that verify against the voter set, justification notifications
//! and the published finality round. The in-memory node answers
//! `EntropyApi` calls with the encodings each block's state holds.

use crate::support::events::{call, subscribe};
use crate::support::{error_code, module, Memory};
use codec::Encode;
use entroos_consensus_primitives::{
    DiversityReport, EpochAuthority, EpochInfo, FinalityVoter, FinalityVoters, ValidatorInfo,
    ValidatorKeys, ValidatorsReport,
};
use entroos_finality::{BlockId, Justification, SignedVote, Vote, VoteKind, VoterSet};
use entroos_primitives::arithmetic::{FixedU128, Perbill};
use entroos_primitives::crypto::ed25519;
use entroos_primitives::{AccountId32, H256};
use entroos_rpc::{BlockRef, FinalityProof, RoundState, VoterRound};
use serde_json::{json, Value};
use std::sync::Arc;

const SET_ID: u64 = 5;

fn voters() -> Vec<ed25519::Pair> {
    ["//Alice", "//Bob", "//Charlie"]
        .iter()
        .map(|uri| ed25519::Pair::from_uri(uri).unwrap())
        .collect()
}

fn voter_set() -> VoterSet {
    let weights = voters().iter().map(|p| (p.public(), 10)).collect();
    VoterSet::new(SET_ID, weights).unwrap()
}

fn validator(n: u8, member: bool, weight: u128, share: Perbill) -> ValidatorInfo {
    ValidatorInfo {
        stash: AccountId32([n; 32]),
        member,
        candidate: true,
        stake: 1_000_000_000_000_000_000_000,
        reliability: FixedU128::from_inner(FixedU128::DIV / 2),
        entropy: FixedU128::one(),
        weight,
        share,
        commission: Perbill::from_percent(5),
        operator: if member { b"op-a".to_vec() } else { Vec::new() },
        zone: b"zone-1".to_vec(),
        keys: member.then_some(ValidatorKeys {
            vrf: [n; 32],
            finality: [n.wrapping_add(1); 32],
        }),
    }
}

fn epoch(index: u64, members: usize) -> EpochInfo {
    EpochInfo {
        index,
        start_slot: Some(1_000 + index * 600),
        length: 600,
        randomness: [7; 32],
        authorities: (0..members)
            .map(|i| EpochAuthority {
                stash: AccountId32([i as u8; 32]),
                vrf_key: [i as u8; 32],
                weight: 10,
            })
            .collect(),
        primary_probability: FixedU128::from_inner(FixedU128::DIV / 4),
    }
}

/// The `EntropyApi` answers of a runtime with two members and one candidate.
pub fn runtime_answers() -> Vec<(&'static str, Vec<u8>)> {
    let report = ValidatorsReport {
        epoch: 3,
        total_weight: 30,
        validators: vec![
            validator(1, true, 20, Perbill::from_rational(20u128, 30)),
            validator(2, true, 10, Perbill::from_rational(10u128, 30)),
            validator(3, false, 4, Perbill::zero()),
        ],
    };
    let diversity = DiversityReport {
        epoch: 3,
        validators: 2,
        validator_entropy: FixedU128::from_inner(918_295_834_054_489_840),
        operator_entropy: FixedU128::zero(),
        zone_entropy: FixedU128::zero(),
        nakamoto: 1,
        operator_nakamoto: 1,
        zone_nakamoto: 1,
    };
    let voters = FinalityVoters {
        set_id: 3,
        voters: vec![FinalityVoter {
            stash: AccountId32([1; 32]),
            key: [2; 32],
            weight: 20,
        }],
    };
    vec![
        ("EntropyApi_validators", report.encode()),
        ("EntropyApi_diversity", diversity.encode()),
        ("EntropyApi_current_epoch", epoch(3, 2).encode()),
        ("EntropyApi_next_epoch", epoch(4, 3).encode()),
        ("EntropyApi_slot_duration", 2_000u64.encode()),
        ("EntropyApi_finality_voters", voters.encode()),
    ]
}

fn memory_with_runtime() -> (Arc<Memory>, H256) {
    let memory = Arc::new(Memory::new());
    let answers = runtime_answers();
    let changes: Vec<(&[u8], Option<&[u8]>)> = answers
        .iter()
        .map(|(k, v)| (k.as_bytes(), Some(v.as_slice())))
        .collect();
    let hash = memory.push(&changes, None);
    (memory, hash)
}

fn result(response: &Value) -> &Value {
    assert!(response.get("error").is_none(), "{response}");
    &response["result"]
}

#[tokio::test]
async fn validators_report_members_then_candidates_exactly() {
    let (memory, best) = memory_with_runtime();
    let module = module(&memory, true);
    let at_best = call(&module, "entropy_validators", json!([])).await;
    let at_hash = call(&module, "entropy_validators", json!([best])).await;
    assert_eq!(
        result(&at_best),
        result(&at_hash),
        "the best block by default"
    );
    let report = result(&at_best);
    assert_eq!(report["at"], json!(best));
    assert_eq!(
        (report["epoch"].clone(), report["totalWeight"].clone()),
        (json!(3), json!("30"))
    );
    let first = &report["validators"][0];
    assert_eq!(
        first["stash"],
        json!(entroos_primitives::ss58::encode(42, &[1; 32]))
    );
    assert_eq!(first["stashHex"], json!(format!("0x{}", "01".repeat(32))));
    assert_eq!(
        (first["member"].clone(), first["candidate"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        first["stake"],
        json!("1000000000000000000000"),
        "u128 as a string"
    );
    assert_eq!(
        first["reliability"],
        json!({ "ppb": 500_000_000, "decimal": "0.500000000000000000" })
    );
    assert_eq!(first["entropy"]["decimal"], json!("1.000000000000000000"));
    assert_eq!(first["weight"], json!("20"));
    assert_eq!(
        first["share"],
        json!({ "ppb": 666_666_666, "decimal": "0.666666666" })
    );
    assert_eq!(
        first["commission"],
        json!({ "ppb": 50_000_000, "decimal": "0.050000000" })
    );
    assert_eq!(
        (first["operator"].clone(), first["zone"].clone()),
        (json!("op-a"), json!("zone-1"))
    );
    assert_eq!(
        first["sessionKeys"],
        json!({ "vrf": format!("0x{}", "01".repeat(32)), "finality": format!("0x{}", "02".repeat(32)) })
    );
    let candidate = &report["validators"][2];
    assert_eq!(
        (
            candidate["member"].clone(),
            candidate["share"]["ppb"].clone()
        ),
        (json!(false), json!(0))
    );
    assert_eq!(
        (
            candidate["operator"].clone(),
            candidate["sessionKeys"].clone()
        ),
        (json!(null), json!(null))
    );
}

#[tokio::test]
async fn diversity_and_epoch_are_read_at_the_block() {
    let (memory, best) = memory_with_runtime();
    let module = module(&memory, true);
    let diversity = call(&module, "entropy_diversity", json!([best])).await;
    let diversity = result(&diversity);
    assert_eq!(
        diversity["validatorEntropy"],
        json!({ "ppb": 918_295_834, "decimal": "0.918295834054489840" })
    );
    assert_eq!(diversity["operatorEntropy"]["ppb"], json!(0));
    assert_eq!(
        (
            diversity["validators"].clone(),
            diversity["nakamoto"].clone(),
            diversity["zoneNakamoto"].clone()
        ),
        (json!(2), json!(1), json!(1))
    );
    let epoch = call(&module, "entropy_epoch", json!([])).await;
    assert_eq!(
        result(&epoch),
        &json!({
            "at": best,
            "index": 3,
            "startSlot": 2_800,
            "length": 600,
            "slotDuration": 2_000,
            "randomness": format!("0x{}", "07".repeat(32)),
            "setSize": 2,
            "nextSetSize": 3,
            "setId": 3,
        })
    );
}

#[tokio::test]
async fn bad_input_gets_typed_errors() {
    let (memory, _) = memory_with_runtime();
    let garbage: &[u8] = &[1, 2, 3];
    let broken = memory.push(&[(b"EntropyApi_diversity", Some(garbage))], None);
    let module = module(&memory, true);
    let code =
        |response: Value| error_code(&response).unwrap_or_else(|| panic!("an error: {response}"));
    for method in ["entropy_validators", "entropy_diversity", "entropy_epoch"] {
        assert_eq!(
            code(call(&module, method, json!(["0xzz"])).await),
            -32602,
            "{method}"
        );
        assert_eq!(
            code(call(&module, method, json!([H256([9; 32])])).await),
            4003,
            "{method}"
        );
    }
    let undecodable = call(&module, "entropy_diversity", json!([broken])).await;
    assert_eq!(code(undecodable.clone()), 7001);
    let message = undecodable["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("EntropyApi_diversity"), "{message}");
    assert_eq!(
        code(call(&module, "entropy_validators", json!([memory.genesis()])).await),
        4003,
        "no runtime answer at genesis"
    );
    for params in [json!([]), json!(["abc"]), json!([-1]), json!([1.5])] {
        assert_eq!(
            code(call(&module, "entropy_proveFinality", params.clone()).await),
            -32602,
            "{params}"
        );
    }
}

/// Precommits of every voter for `target`.
pub fn justification(target: BlockId) -> Justification {
    let vote = Vote {
        kind: VoteKind::Precommit,
        round: 2,
        set_id: SET_ID,
        target_hash: target.hash,
        target_number: target.number,
    };
    Justification {
        round: 2,
        set_id: SET_ID,
        target,
        precommits: voters().iter().map(|p| SignedVote::sign(vote, p)).collect(),
        ancestry: Vec::new(),
    }
}

/// A chain of `count` blocks above genesis; their hashes.
fn chain(memory: &Memory, count: u32) -> Vec<H256> {
    (0..count).map(|_| memory.push(&[], None)).collect()
}

#[tokio::test]
async fn finality_proofs_verify_against_the_set() {
    let memory = Arc::new(Memory::new());
    let blocks = chain(&memory, 4);
    let justified = BlockId::new(3, blocks[2]);
    memory.finalize_justified(blocks[2], justification(justified).to_stored());
    let module = module(&memory, true);

    let answer = call(&module, "entropy_proveFinality", json!([1])).await;
    let proof = result(&answer);
    assert_eq!(proof["block"], json!({ "number": 1, "hash": blocks[0] }));
    assert_eq!(
        proof["justified"],
        json!({ "number": 3, "hash": blocks[2] })
    );
    assert_eq!(
        proof["headers"].as_array().map(Vec::len),
        Some(3),
        "blocks 1 to 3"
    );
    assert_eq!(proof["decoded"]["setId"], json!(SET_ID));
    assert_eq!(proof["decoded"]["round"], json!(2));
    assert_eq!(
        proof["decoded"]["precommits"].as_array().map(Vec::len),
        Some(3)
    );
    let bytes = hex::decode(proof["proof"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    let decoded = FinalityProof::decode_exact(&bytes).unwrap();
    assert_eq!(decoded.verify(&voter_set()).unwrap(), justified);
    entroos_finality::verify_justification(&voter_set(), &decoded.justification, &justified)
        .unwrap();
    let wrong_set = VoterSet::new(SET_ID + 1, vec![(voters()[0].public(), 1)]).unwrap();
    assert!(
        decoded.verify(&wrong_set).is_err(),
        "another set refuses it"
    );
    let mut broken = decoded.clone();
    broken.headers.remove(1);
    assert!(
        broken.verify(&voter_set()).is_err(),
        "a missing header breaks the link"
    );

    let at_target = call(&module, "entropy_proveFinality", json!([3])).await;
    assert_eq!(
        result(&at_target)["headers"].as_array().map(Vec::len),
        Some(1)
    );
    let above = call(&module, "entropy_proveFinality", json!(["0x4"])).await;
    assert_eq!(result(&above), &json!(null), "block 4 is not final");

    memory.finalize(blocks[3]);
    let unjustified = call(&module, "entropy_proveFinality", json!([4])).await;
    assert_eq!(error_code(&unjustified), Some(7002), "{unjustified}");
}

#[tokio::test]
async fn justified_finality_is_notified() {
    let memory = Arc::new(Memory::new());
    let blocks = chain(&memory, 2);
    let module = module(&memory, true);
    let mut notifications = subscribe(&module, "entropy_subscribeJustifications", json!([])).await;
    memory.finalize(blocks[0]);
    let justified = justification(BlockId::new(2, blocks[1]));
    memory.finalize_justified(blocks[1], justified.to_stored());
    let notification = notifications.next().await;
    assert_eq!(
        notification,
        json!({
            "number": 2,
            "hash": blocks[1],
            "setId": SET_ID,
            "round": 2,
            "justification": format!("0x{}", hex::encode(justified.encode())),
        }),
        "the block finalized without a justification sends nothing"
    );
    let unsubscribed = call(
        &module,
        "entropy_unsubscribeJustifications",
        json!([notifications.id.clone()]),
    )
    .await;
    assert_eq!(result(&unsubscribed), &json!(true));
}

#[tokio::test]
async fn the_round_state_is_null_until_the_voter_publishes_it() {
    let memory = Arc::new(Memory::new());
    let module = module(&memory, true);
    assert_eq!(
        result(&call(&module, "entropy_roundState", json!([])).await),
        &json!(null)
    );
    let set = voter_set();
    let base = BlockRef {
        number: 0,
        hash: memory.genesis(),
    };
    let voters: Vec<VoterRound> = set
        .voters()
        .iter()
        .enumerate()
        .map(|(i, (id, weight))| VoterRound {
            id: *id,
            weight: *weight,
            prevote: (i < 2).then_some(base),
            precommit: (i == 0).then_some(base),
        })
        .collect();
    memory.set_round(RoundState {
        set_id: set.set_id(),
        round: 4,
        base,
        total_weight: set.total(),
        threshold: set.threshold(),
        prevote_weight: 20,
        precommit_weight: 10,
        voters,
    });
    let state = call(&module, "entropy_roundState", json!([])).await;
    let state = result(&state);
    assert_eq!(
        (
            state["setId"].clone(),
            state["round"].clone(),
            state["totalWeight"].clone(),
            state["threshold"].clone()
        ),
        (json!(SET_ID), json!(4), json!("30"), json!("21"))
    );
    assert_eq!(state["voters"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        state["voters"][0]["precommit"],
        json!({ "number": 0, "hash": memory.genesis() })
    );
    assert_eq!(state["voters"][2]["prevote"], json!(null));
}
