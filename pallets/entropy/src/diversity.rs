//! The diversity report of an epoch's set: Shannon entropy of the weights
//! over validators, declared operators and declared zones, and the
//! Nakamoto coefficient (fewest holding a third of the weight) of each.
//!
//! Declarations are self-reported and unverified: a validator that declares
//! no operator (or zone) counts as its own. The report measures what is
//! declared, for people to read; it never feeds back into weights.

use crate::types::{Authority, DiversityReport};
use crate::{Candidates, Config, CurrentEpoch, EpochSets, Pallet};
use entroos_arithmetic::{nakamoto_coefficient, shannon_entropy};
use entroos_support::state::Externalities;
use std::collections::BTreeMap;

/// The share of weight whose holders can halt finality.
const HALTING_SHARE: (u128, u128) = (1, 3);

/// Which declaration to group by.
#[derive(Clone, Copy)]
enum Declared {
    Operator,
    Zone,
}

impl<T: Config> Pallet<T> {
    /// The diversity of `epoch`'s set, if the set is known.
    pub fn diversity_report_of(ext: &dyn Externalities, epoch: u64) -> Option<DiversityReport> {
        let set = EpochSets::<T>::get(ext, &epoch)?;
        let members = set.authorities.as_slice();
        let weights = set.weights();
        let operators = grouped_weights(ext, members, Declared::Operator);
        let zones = grouped_weights(ext, members, Declared::Zone);
        let (num, den) = HALTING_SHARE;
        Some(DiversityReport {
            epoch,
            validators: set.len(),
            validator_entropy: shannon_entropy(&weights),
            operator_entropy: shannon_entropy(&operators),
            zone_entropy: shannon_entropy(&zones),
            nakamoto: nakamoto_coefficient(&weights, num, den),
            operator_nakamoto: nakamoto_coefficient(&operators, num, den),
            zone_nakamoto: nakamoto_coefficient(&zones, num, den),
        })
    }

    /// The diversity of the current epoch's set (an empty report before genesis).
    pub fn diversity_report(ext: &dyn Externalities) -> DiversityReport {
        let epoch = CurrentEpoch::get(ext);
        Self::diversity_report_of(ext, epoch).unwrap_or(DiversityReport {
            epoch,
            ..Default::default()
        })
    }
}

/// The members' weights summed per declared group (undeclared: the stash
/// is its own group), in group order.
fn grouped_weights(ext: &dyn Externalities, members: &[Authority], by: Declared) -> Vec<u128> {
    let mut groups: BTreeMap<Vec<u8>, u128> = BTreeMap::new();
    for member in members {
        let declared = Candidates::get(ext, &member.stash)
            .map(|prefs| match by {
                Declared::Operator => prefs.operator.into_inner(),
                Declared::Zone => prefs.zone.into_inner(),
            })
            .unwrap_or_default();
        let group = if declared.is_empty() {
            [b"stash:".as_slice(), &member.stash.0].concat()
        } else {
            [b"declared:".as_slice(), &declared].concat()
        };
        let weight = groups.entry(group).or_default();
        *weight = weight.saturating_add(member.weight);
    }
    groups.into_values().collect()
}
