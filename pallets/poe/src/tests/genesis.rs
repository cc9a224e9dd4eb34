use crate::mock::*;
use crate::{GenesisConfig, Parameters, Params};
use entroos_support::state::TestExternalities;

#[test]
fn params_round_trip_through_json_and_bad_ones_are_refused() {
    let params = test_params();
    let json = serde_json::to_value(params).unwrap();
    assert_eq!(json["slashFraction"], "0.1");
    assert_eq!(serde_json::from_value::<Params>(json).unwrap(), params);
    let partial: Params = serde_json::from_str(r#"{"commitPeriod": 4}"#).unwrap();
    assert_eq!(
        partial,
        Params {
            commit_period: 4,
            ..Params::default()
        }
    );
    assert!(serde_json::from_str::<Params>(r#"{"nope": 1}"#).is_err());
    Params::default().check().unwrap();
    let bad = Params {
        commit_period: 0,
        score_decay: fixed("1"),
        max_memory_pages: 5_000,
        ..Params::default()
    };
    let problems = bad.check().unwrap_err();
    assert!(
        problems.contains("commitPeriod")
            && problems.contains("scoreDecay")
            && problems.contains("maxMemoryPages"),
        "{problems}"
    );
    let mut t = TestExternalities::default();
    t.execute_with(|ext| {
        assert!(GenesisConfig { params: bad }.build(ext).is_err());
        GenesisConfig { params }.build(ext).unwrap();
        assert_eq!(Parameters::get(ext), params);
    });
}
