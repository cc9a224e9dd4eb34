//! The validators as people read them (`EntropyApi_validators`): every
//! member of the current set, in set order, then every candidate outside
//! it, heaviest first (ties by stash), each with its bond, scores, weight,
//! share of the set's weight, declarations and session keys.
//!
//! Bounded by `MAX_VALIDATORS + MAX_CANDIDATES` entries; the order depends
//! only on state.

use crate::scores::initial;
use crate::types::{Authority, SessionKeys, ValidatorPrefs};
use crate::{Candidates, Config, CurrentEpoch, Keys, Ledger, Pallet, Scores};
use entroos_arithmetic::Perbill;
use entroos_consensus_primitives::{ValidatorInfo, ValidatorKeys, ValidatorsReport};
use entroos_primitives::AccountId32;
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    /// The current set's members, then the other candidates.
    pub fn validators_report(ext: &dyn Externalities) -> ValidatorsReport {
        let set = Self::current_set(ext);
        let members = set.authorities.as_slice();
        let candidates = Candidates::iter(ext);
        let mut validators: Vec<ValidatorInfo> = members
            .iter()
            .map(|member| Self::member_info(ext, member, set.total_weight, &candidates))
            .collect();
        let mut outside: Vec<ValidatorInfo> = candidates
            .iter()
            .filter(|(stash, _)| !members.iter().any(|m| m.stash == *stash))
            .map(|(stash, prefs)| Self::candidate_info(ext, stash, prefs))
            .collect();
        outside.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.stash.cmp(&b.stash)));
        validators.extend(outside);
        ValidatorsReport {
            epoch: CurrentEpoch::get(ext),
            total_weight: set.total_weight,
            validators,
        }
    }

    fn member_info(
        ext: &dyn Externalities,
        member: &Authority,
        total_weight: u128,
        candidates: &[(AccountId32, ValidatorPrefs)],
    ) -> ValidatorInfo {
        let prefs = candidates
            .iter()
            .find(|(stash, _)| *stash == member.stash)
            .map(|(_, prefs)| prefs.clone());
        let mut info = Self::base_info(ext, &member.stash, prefs);
        info.member = true;
        info.weight = member.weight;
        info.share = Perbill::from_rational(member.weight, total_weight);
        info.keys = Some(validator_keys(&member.keys));
        info
    }

    fn candidate_info(
        ext: &dyn Externalities,
        stash: &AccountId32,
        prefs: &ValidatorPrefs,
    ) -> ValidatorInfo {
        let mut info = Self::base_info(ext, stash, Some(prefs.clone()));
        info.weight = Self::candidate_weight(ext, stash);
        info.keys = Keys::get(ext, stash).as_ref().map(validator_keys);
        info
    }

    /// What storage says of `stash`, as a non-member without keys.
    fn base_info(
        ext: &dyn Externalities,
        stash: &AccountId32,
        prefs: Option<ValidatorPrefs>,
    ) -> ValidatorInfo {
        let scores = Scores::get(ext, stash).unwrap_or_else(|| initial(&Self::params(ext)));
        let candidate = prefs.is_some();
        let prefs = prefs.unwrap_or_default();
        ValidatorInfo {
            stash: *stash,
            member: false,
            candidate,
            stake: Ledger::get(ext, stash).map_or(0, |ledger| ledger.active),
            reliability: scores.reliability,
            entropy: scores.entropy,
            weight: 0,
            share: Perbill::zero(),
            commission: prefs.commission,
            operator: prefs.operator.into_inner(),
            zone: prefs.zone.into_inner(),
            keys: None,
        }
    }
}

fn validator_keys(keys: &SessionKeys) -> ValidatorKeys {
    ValidatorKeys {
        vrf: keys.vrf,
        finality: keys.finality,
    }
}
