use crate::mock::*;
use crate::{
    CandidateCount, Candidates, EpochSets, GenesisConfig, KeyKind, KeyOwner, Keys, Ledger,
    Parameters, Params, SessionConfig,
};
use entroos_primitives::AccountId32;
use entroos_support::hooks::GenesisError;
use entroos_support::state::TestExternalities;
use serde_json::json;

const ALICE_STASH: &str = "5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY";
const BOB_STASH: &str = "5HpG9w8EBLe5XCrbczpwq5TSXvedjrBGCwqxK1iQ7qUsSWFc";
const ALICE_SR: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const ALICE_ED: &str = "5FA9nQDVg267DEd8m1ZypXLBnvN7SFxYwV7ndqSYGiN9TTpu";
const BOB_SR: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const BOB_ED: &str = "5GoNkf6WdbxCFnPdAnYYQyCjAKPJgLNxXwPjwTh6DGg6gN3E";

/// `session.keys` as zombienet writes them, every key name it knows.
fn zombienet_session() -> serde_json::Value {
    let entry = |stash: &str, sr: &str, ed: &str| {
        json!([stash, stash, {
            "grandpa": ed, "babe": sr, "im_online": sr, "parachain_validator": sr,
            "authority_discovery": sr, "para_validator": sr, "para_assignment": sr,
            "beefy": "KW39r9CJjAVzmkf9zQ4YDb2hqfAVGdRqn53eRqyruqpxAP5YL", "nimbus": sr, "vrf": sr,
            "aura": sr
        }])
    };
    json!({ "keys": [entry(ALICE_STASH, ALICE_SR, ALICE_ED), entry(BOB_STASH, BOB_SR, BOB_ED)] })
}

fn endowed(accounts: &[&str]) -> TestExternalities {
    let mut t = TestExternalities::default();
    let balances = pallet_balances::GenesisConfig {
        balances: accounts
            .iter()
            .map(|a| (a.parse().unwrap(), 2_000_000_000_000))
            .collect(),
    };
    t.execute_with(|ext| balances.build::<Test>(ext)).unwrap();
    t
}

fn build(
    entropy: serde_json::Value,
    session: serde_json::Value,
) -> Result<TestExternalities, GenesisError> {
    let entropy: GenesisConfig = serde_json::from_value(entropy).unwrap();
    let session: SessionConfig = serde_json::from_value(session).unwrap();
    let mut t = endowed(&[ALICE_STASH, BOB_STASH]);
    t.execute_with(|ext| entropy.build::<Test>(&session, ext))?;
    Ok(t)
}

fn message(result: Result<TestExternalities, GenesisError>) -> String {
    match result {
        Ok(_) => panic!("built"),
        Err(GenesisError::Invalid(message)) => message,
    }
}

#[test]
fn a_zombienet_session_section_makes_the_validator_set() {
    let entropy = json!({
        "params": { "epochLength": 10, "dutyPeriod": 5, "minimumBond": 1000000000000u64 },
        "defaultBond": 1000000000000u64,
        "validators": [{ "stash": BOB_STASH, "bond": 1500000000000u64, "operator": "op-b", "zone": "eu" }]
    });
    let mut t = build(entropy, zombienet_session()).unwrap();
    t.execute_with(|ext| {
        let alice: AccountId32 = ALICE_STASH.parse().unwrap();
        let bob: AccountId32 = BOB_STASH.parse().unwrap();
        let set = EpochSets::<Test>::get(ext, &0).unwrap();
        let members: Vec<_> = set
            .authorities
            .as_slice()
            .iter()
            .map(|a| (a.stash, a.weight))
            .collect();
        // Initial scores ½ × ½ by default.
        assert_eq!(members, [(bob, 375_000_000_000), (alice, 250_000_000_000)]);
        assert_eq!(Ledger::get(ext, &alice).unwrap().active, 1_000_000_000_000);
        let reserved = pallet_balances::Pallet::<Test>::account(ext, &bob).reserved;
        assert_eq!(reserved, 1_500_000_000_000);
        let keys = Keys::get(ext, &alice).unwrap();
        assert_eq!(AccountId32(keys.vrf).to_string(), ALICE_SR);
        assert_eq!(AccountId32(keys.finality).to_string(), ALICE_ED);
        assert_eq!(
            KeyOwner::get(ext, &(KeyKind::Finality, keys.finality)),
            Some(alice)
        );
        assert_eq!(
            Candidates::get(ext, &bob).unwrap().operator.as_slice(),
            b"op-b"
        );
        assert_eq!(CandidateCount::get(ext), 2);
        let params = Parameters::get(ext);
        assert_eq!((params.epoch_length, params.duty_period), (10, 5));
        assert_eq!(
            params.decay,
            Params::default().decay,
            "unset fields take the defaults"
        );
    });
}

#[test]
fn aura_keys_stand_in_for_babe() {
    let session =
        json!({ "keys": [[ALICE_STASH, ALICE_STASH, { "aura": ALICE_SR, "grandpa": ALICE_ED }]] });
    let mut t = build(json!({ "defaultBond": 1000000000000u64 }), session).unwrap();
    t.execute_with(|ext| {
        let keys = Keys::get(ext, &ALICE_STASH.parse().unwrap()).unwrap();
        assert_eq!(AccountId32(keys.vrf).to_string(), ALICE_SR);
    });
}

#[test]
fn inconsistent_genesis_sections_are_refused_with_a_reason() {
    let bond = json!({ "defaultBond": 1000000000000u64 });
    let one = |entry: serde_json::Value| json!({ "keys": [entry] });
    let cases = [
        (
            bond.clone(),
            one(json!([ALICE_STASH, BOB_STASH, { "babe": ALICE_SR, "grandpa": ALICE_ED }])),
            "names another account",
        ),
        (
            bond.clone(),
            one(json!([ALICE_STASH, ALICE_STASH, { "babe": ALICE_SR }])),
            "`grandpa`",
        ),
        (
            bond.clone(),
            one(json!([ALICE_STASH, ALICE_STASH, { "grandpa": ALICE_ED }])),
            "`babe`",
        ),
        (
            bond.clone(),
            one(json!([ALICE_STASH, ALICE_STASH, { "babe": "5Grw", "grandpa": ALICE_ED }])),
            "session key babe",
        ),
        (json!({}), zombienet_session(), "no defaultBond"),
        (
            json!({ "defaultBond": 1 }),
            zombienet_session(),
            "below the minimum bond",
        ),
        (
            json!({ "defaultBond": 3000000000000u64 }),
            zombienet_session(),
            "cannot bond",
        ),
        (
            json!({ "defaultBond": 1000000000000u64, "validators": [{ "stash": ALICE_STASH, "bond": 1000000000000u64 }, { "stash": ALICE_STASH, "bond": 1000000000000u64 }] }),
            zombienet_session(),
            "listed twice",
        ),
        (
            json!({ "validators": [{ "stash": "5Ck5SLSHYac6WFt5UZRSsdJjwmpSZq85fd5TRNAdZQVzEAPT", "bond": 1000000000000u64 }] }),
            json!({ "keys": [] }),
            "has no session keys",
        ),
        (
            bond.clone(),
            json!({ "keys": [[ALICE_STASH, ALICE_STASH, { "babe": ALICE_SR, "grandpa": ALICE_ED }], [BOB_STASH, BOB_STASH, { "babe": ALICE_SR, "grandpa": BOB_ED }]] }),
            "reuses another validator's session key",
        ),
        (
            json!({ "params": { "decay": "1" }, "defaultBond": 1000000000000u64 }),
            zombienet_session(),
            "decay must be below 1",
        ),
        (
            json!({ "params": { "unbondingEpochs": 2, "kappa": "1001" } }),
            zombienet_session(),
            "kappa must be at most 1000; unbondingEpochs",
        ),
    ];
    for (entropy, session, expected) in cases {
        let found = message(build(entropy.clone(), session));
        assert!(
            found.contains(expected),
            "{entropy}: {found:?} lacks {expected:?}"
        );
        assert!(found.starts_with("entropy: "));
    }
}

#[test]
fn unknown_fields_and_inexact_ratios_do_not_parse() {
    assert!(serde_json::from_value::<GenesisConfig>(json!({ "bogus": 1 })).is_err());
    assert!(
        serde_json::from_value::<GenesisConfig>(json!({ "params": { "lambda": "0.9" } })).is_err()
    );
    let inexact = json!({ "params": { "decay": "0.9000000000000000001" } });
    let error = serde_json::from_value::<GenesisConfig>(inexact)
        .unwrap_err()
        .to_string();
    assert!(error.contains("more than 18 decimal places"), "{error}");
    assert!(
        serde_json::from_value::<GenesisConfig>(json!({ "params": { "decay": 0.9 } })).is_err(),
        "no floats"
    );
    assert!(serde_json::from_value::<SessionConfig>(json!({ "keys": [], "other": 1 })).is_err());
}

#[test]
fn params_round_trip_through_json_and_large_bonds_stay_exact() {
    let params = Params {
        minimum_bond: 1_000_000_000_000_000_000_000,
        ..test_params()
    };
    // Through text, as chain specs are read: u128 beyond 2^64 stays exact.
    let text = serde_json::to_string(&params).unwrap();
    assert!(
        text.contains(r#""decay":"0.9""#) && text.contains(r#""kappa":"2""#),
        "{text}"
    );
    assert!(
        text.contains(r#""minimumBond":1000000000000000000000"#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<Params>(&text).unwrap(), params);
    let text = r#"{ "minimumBond": 1000000000000000000000 }"#;
    let parsed: Params = serde_json::from_str(text).unwrap();
    assert_eq!(parsed.minimum_bond, 1_000_000_000_000_000_000_000);
    assert_eq!(Params::default().check(), Ok(()));
}

#[test]
fn genesis_runs_once() {
    let mut t = new_test_ext(&[(1, BOND)], test_params());
    let again = GenesisConfig {
        params: test_params(),
        ..Default::default()
    };
    let result = t.execute_with(|ext| again.build::<Test>(&SessionConfig::default(), ext));
    assert!(matches!(result, Err(GenesisError::Invalid(m)) if m.contains("already initialized")));
}
