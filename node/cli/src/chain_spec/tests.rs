use super::*;

fn spec_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../chain-specs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn committed_specs_are_what_build_spec_prints() {
    for (chain, file) in [("dev", "dev.json"), ("local", "local.json")] {
        let printed = ChainSpec::load(chain).unwrap().to_json(false).unwrap();
        assert_eq!(
            spec_file(file).trim_end(),
            printed,
            "chain-specs/{file} is stale: run scripts/regen-chain-specs.sh"
        );
    }
}

#[test]
fn plain_and_raw_give_the_same_genesis() {
    let plain = ChainSpec::load("dev").unwrap();
    let hash = plain.genesis_hash();
    let raw_json = ChainSpec::load("dev").unwrap().to_json(true).unwrap();
    let raw = ChainSpec::from_json(&raw_json).unwrap();
    assert!(matches!(raw.genesis, Genesis::Raw(_)));
    assert_eq!(raw.genesis_hash(), hash);
    // Printing a raw spec again is stable.
    assert_eq!(raw.to_json(true).unwrap(), raw_json);
    assert_ne!(
        ChainSpec::load("local").unwrap().genesis_hash(),
        H256::default()
    );
}

#[test]
fn balances_above_two_to_the_53_are_exact() {
    let text = r#"{"name":"T","id":"t","chainType":"Local","bootNodes":[],"genesis":{"runtimeGenesis":{"patch":
        {"balances":{"balances":[["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",1000000000000000000001]]}}}}}"#;
    let spec = ChainSpec::from_json(text).unwrap();
    let Genesis::Patch(patch) = &spec.genesis else {
        panic!("plain spec")
    };
    let config = ChainSpec::runtime_config(patch).unwrap();
    assert_eq!(
        config.balances.balances[0].1,
        1_000_000_000_000_000_000_001u128
    );
    // The plain form is printed back with the same literal.
    assert!(spec
        .to_json(false)
        .unwrap()
        .contains("1000000000000000000001"));
}

#[test]
fn bad_specs_are_refused_with_the_reason() {
    let cases = [
        ("{", "not valid"),
        (
            r#"{"name":"T","id":"t","genesis":{}}"#,
            "expected genesis.runtimeGenesis.patch",
        ),
        (
            r#"{"name":"T","id":"t","genesis":{"raw":{"top":{"0xzz":"0x00"}}}}"#,
            "not hex",
        ),
        (
            r#"{"name":"T","id":"t","genesis":{"raw":{"top":{"0x00":"0x00"}}}}"#,
            ":code",
        ),
        (
            r#"{"name":"T","id":"t","genesis":{"runtimeGenesis":{"patch":{"balancez":{}}}}}"#,
            "unknown field",
        ),
        (
            r#"{"name":"T","id":"t","genesis":{"runtimeGenesis":{"patch":{"balances":{"balances":[["5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",1]]}}}}}"#,
            "existential",
        ),
        (
            r#"{"id":"t","genesis":{"runtimeGenesis":{"patch":{}}}}"#,
            "name",
        ),
    ];
    for (text, reason) in cases {
        let error = ChainSpec::from_json(text).unwrap_err().to_string();
        assert!(error.contains(reason), "{text}: {error}");
    }
    assert!(matches!(
        ChainSpec::load("nope"),
        Err(ChainSpecError::UnknownChain(_))
    ));
}
