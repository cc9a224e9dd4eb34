use crate::mock::*;
use crate::{Call, ValidatorPrefs};
use entroos_arithmetic::FixedU128;
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::Externalities;

fn declare(ext: &mut dyn Externalities, n: u8, operator: &str, zone: &str) {
    let prefs = ValidatorPrefs {
        commission: Default::default(),
        operator: operator.as_bytes().to_vec().try_into().unwrap(),
        zone: zone.as_bytes().to_vec().try_into().unwrap(),
    };
    Entropy::dispatch(ext, RawOrigin::Signed(stash(n)), Call::validate { prefs }).unwrap();
}

#[test]
fn diversity_is_reported_over_validators_operators_and_zones() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND), (3, BOND), (4, BOND)], test_params());
    t.execute_with(|ext| {
        declare(ext, 1, "op-a", "eu");
        declare(ext, 2, "op-a", "eu");
        declare(ext, 3, "op-b", "eu");
        declare(ext, 4, "op-b", "us");
        let report = Entropy::diversity_report(ext);
        assert_eq!((report.epoch, report.validators), (0, 4));
        let near_one = |x: FixedU128| FixedU128::DIV - x.into_inner() <= 10;
        assert!(near_one(report.validator_entropy), "four equal weights");
        assert!(near_one(report.operator_entropy), "two equal operators");
        // Zones 3:1: (−¾ ln ¾ − ¼ ln ¼) / ln 2, computed offline.
        assert!(
            report
                .zone_entropy
                .into_inner()
                .abs_diff(811_278_124_459_132_863)
                <= 10
        );
        assert_eq!(
            report.nakamoto, 2,
            "two of four equal validators hold a third"
        );
        assert_eq!(report.operator_nakamoto, 1);
        assert_eq!(report.zone_nakamoto, 1);
    });
}

#[test]
fn undeclared_validators_count_as_their_own_operator() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND), (3, 2 * BOND)], test_params());
    t.execute_with(|ext| {
        declare(ext, 3, "big", "");
        let report = Entropy::diversity_report(ext);
        assert_eq!(report.operator_entropy, report.validator_entropy);
        assert_eq!(report.operator_nakamoto, 1);
        assert!(report.validator_entropy < FixedU128::one());
        assert!(Entropy::diversity_report_of(ext, 5).is_none());
    });
}
