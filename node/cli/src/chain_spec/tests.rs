use super::*;
use serde_json::json;

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

/// The error and its causes, as the binary prints them.
fn full(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text = format!("{text}: {inner}");
        cause = inner.source();
    }
    text
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
        let error = full(&ChainSpec::from_json(text).unwrap_err());
        assert!(error.contains(reason), "{text}: {error}");
    }
    assert!(matches!(
        ChainSpec::load("nope"),
        Err(ChainSpecError::UnknownChain(_))
    ));
}

/// The dev chain's raw spec, as JSON, with `edit` applied.
fn raw_dev_spec(edit: impl FnOnce(&mut Value)) -> String {
    let mut spec: Value =
        serde_json::from_str(&ChainSpec::load("dev").unwrap().to_json(true).unwrap()).unwrap();
    edit(&mut spec);
    spec.to_string()
}

fn code_of(version: &RuntimeVersion) -> Value {
    Value::String(format!("0x{}", hex::encode(version.encode())))
}

#[test]
fn raw_code_other_than_this_runtime_is_refused_with_both_versions() {
    let code_key = format!("0x{}", hex::encode(CODE_KEY));
    let text = raw_dev_spec(|spec| spec["genesis"]["raw"]["top"][&code_key] = "0xdeadbeef".into());
    let error = ChainSpec::from_json(&text).unwrap_err();
    assert!(matches!(error, ChainSpecError::Code { .. }), "{error:?}");
    let message = error.to_string();
    let expected = genesis::version();
    assert!(
        message.contains("4 bytes (0xdeadbeef) that are not a runtime version"),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "this node runs spec {} version {}",
            expected.spec_name, expected.spec_version
        )),
        "{message}"
    );

    let mut older = genesis::version();
    older.spec_version -= 1;
    let text = raw_dev_spec(|spec| spec["genesis"]["raw"]["top"][&code_key] = code_of(&older));
    let message = ChainSpec::from_json(&text).unwrap_err().to_string();
    assert!(
        message.contains(&format!(
            ":code is spec entroos version {},",
            older.spec_version
        )),
        "{message}"
    );

    let mut fewer_apis = genesis::version();
    fewer_apis.apis.pop();
    let text = raw_dev_spec(|spec| spec["genesis"]["raw"]["top"][&code_key] = code_of(&fewer_apis));
    let message = ChainSpec::from_json(&text).unwrap_err().to_string();
    assert!(message.contains("runtime APIs"), "{message}");

    assert!(ChainSpec::from_json(&raw_dev_spec(|_| {})).is_ok());
}

#[test]
fn chain_types_are_substrates_four_forms() {
    for (given, canonical) in [
        (json!("Development"), json!("Development")),
        (json!("Local"), json!("Local")),
        (json!("Live"), json!("Live")),
        (json!({"Custom": "staging"}), json!({"Custom": "staging"})),
        (json!({"Live": null}), json!("Live")),
    ] {
        let spec = ChainSpec::from_json(&raw_dev_spec(|spec| spec["chainType"] = given.clone()))
            .unwrap_or_else(|e| panic!("{given}: {e}"));
        assert_eq!(spec.info.chain_type, canonical);
    }
    let custom = ChainSpec::from_json(&raw_dev_spec(|spec| {
        spec["chainType"] = json!({"Custom": "staging"})
    }))
    .unwrap();
    assert_eq!(custom.chain_type(), ChainType::Custom("staging".into()));
    assert!(!custom.is_development());
    let missing = ChainSpec::from_json(&raw_dev_spec(|spec| {
        spec.as_object_mut().unwrap().remove("chainType");
    }))
    .unwrap();
    assert_eq!(missing.chain_type(), ChainType::Live);

    for bogus in [
        json!("Bogus"),
        json!("development"),
        json!({"Custom": 1}),
        json!({"Other": "x"}),
        json!(7),
    ] {
        let error = ChainSpec::from_json(&raw_dev_spec(|spec| spec["chainType"] = bogus.clone()))
            .unwrap_err();
        assert!(
            matches!(&error, ChainSpecError::ChainType(v) if *v == bogus),
            "{bogus}: {error:?}"
        );
        assert!(error.to_string().contains("\"Custom\""), "{error}");
    }
}

#[test]
fn properties_must_be_an_object() {
    for bad in [json!("str"), json!(1), json!([1])] {
        let error = ChainSpec::from_json(&raw_dev_spec(|spec| spec["properties"] = bad.clone()))
            .unwrap_err();
        assert!(
            matches!(&error, ChainSpecError::Properties(v) if *v == bad),
            "{error:?}"
        );
    }
    for good in [json!(null), json!({}), json!({"tokenSymbol": "ENT"})] {
        assert!(ChainSpec::from_json(&raw_dev_spec(|spec| spec["properties"] = good)).is_ok());
    }
}

#[test]
fn file_names_are_read_as_files_and_other_names_listed() {
    let error = ChainSpec::load("nonexistent.json").unwrap_err();
    assert!(matches!(&error, ChainSpecError::Io { path, source }
        if path == Path::new("nonexistent.json") && source.kind() == std::io::ErrorKind::NotFound));
    assert!(matches!(
        ChainSpec::load("./specs/mine"),
        Err(ChainSpecError::Io { .. })
    ));
    let error = ChainSpec::load("devv").unwrap_err();
    assert!(matches!(error, ChainSpecError::UnknownChain(_)));
    assert!(error.to_string().contains("dev and local"), "{error}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        raw_dev_spec(|spec| spec["chainType"] = json!("Bogus")),
    )
    .unwrap();
    let error = full(&ChainSpec::load(path.to_str().unwrap()).unwrap_err());
    assert!(
        error.starts_with(&format!("in chain spec file {}: chainType", path.display())),
        "{error}"
    );
}

#[test]
fn each_cause_is_printed_once() {
    let error = full(&ChainSpec::load("nonexistent.json").unwrap_err());
    assert_eq!(
        error.matches("No such file or directory").count(),
        1,
        "{error}"
    );
    let error = full(&ChainSpec::from_json("{").unwrap_err());
    assert_eq!(error.matches("EOF while parsing").count(), 1, "{error}");
}
