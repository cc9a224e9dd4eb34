//! Selecting an epoch's set: the `MAX_VALIDATORS` eligible candidates of
//! largest weight.
//!
//! A candidate is eligible when it intends to validate, has session keys,
//! an active bond of at least the minimum and a positive weight
//! `⌊E × R × active⌋`. Order: weight descending, then stash ascending, so
//! the result depends only on state, never on iteration order.

use crate::scores::{initial, vote_weight};
use crate::types::Authority;
use crate::{Candidates, Config, EpochSetOf, Keys, Ledger, Pallet, Scores};
use entroos_support::bounded::BoundedVec;
use entroos_support::state::Externalities;

impl<T: Config> Pallet<T> {
    /// The weight a stash would have if selected now (zero if ineligible
    /// for lack of bond; keys and intent are not checked).
    pub fn candidate_weight(
        ext: &dyn Externalities,
        stash: &entroos_primitives::AccountId32,
    ) -> u128 {
        let params = Self::params(ext);
        let Some(ledger) = Ledger::get(ext, stash) else {
            return 0;
        };
        if ledger.active < params.minimum_bond {
            return 0;
        }
        let scores = Scores::get(ext, stash).unwrap_or_else(|| initial(&params));
        vote_weight(&scores, ledger.active)
    }

    /// The eligible candidates as authorities, heaviest first.
    fn eligible(ext: &dyn Externalities) -> Vec<Authority> {
        let mut authorities: Vec<Authority> = Candidates::iter(ext)
            .into_iter()
            .filter_map(|(stash, _)| {
                let keys = Keys::get(ext, &stash)?;
                let weight = Self::candidate_weight(ext, &stash);
                (weight > 0).then_some(Authority {
                    stash,
                    keys,
                    weight,
                })
            })
            .collect();
        authorities.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.stash.cmp(&b.stash)));
        authorities
    }

    /// The set selected from the current state with `randomness`, or `None`
    /// when no candidate is eligible.
    pub(crate) fn select(ext: &dyn Externalities, randomness: [u8; 32]) -> Option<EpochSetOf<T>> {
        let mut eligible = Self::eligible(ext);
        eligible.truncate(usize::try_from(T::MAX_VALIDATORS).unwrap_or(usize::MAX));
        if eligible.is_empty() {
            return None;
        }
        let total_weight = eligible
            .iter()
            .fold(0u128, |sum, a| sum.saturating_add(a.weight));
        let authorities = BoundedVec::try_from(eligible).ok()?;
        Some(EpochSetOf::<T> {
            authorities,
            total_weight,
            randomness,
        })
    }
}
