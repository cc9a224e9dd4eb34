//! Claiming a slot: a primary claim when one of our keys' VRF output is
//! below its threshold, else a secondary claim when one of our keys is the
//! slot's assignee.

use crate::vrf::{sign_if_below, slot_transcript};
use crate::Epoch;
use entroos_consensus_primitives::PreDigest;
use entroos_primitives::crypto::sr25519::Pair;
use std::collections::BTreeMap;

/// The sr25519 keys this node holds, by public key (ordered, so claims
/// do not depend on insertion order).
#[derive(Clone, Default)]
pub struct HeldKeys(BTreeMap<[u8; 32], Pair>);

impl HeldKeys {
    /// The pair whose public key is `public`, if held.
    pub fn get(&self, public: &[u8; 32]) -> Option<&Pair> {
        self.0.get(public)
    }

    /// How many keys are held.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Pair> for HeldKeys {
    fn from_iter<I: IntoIterator<Item = Pair>>(pairs: I) -> Self {
        HeldKeys(pairs.into_iter().map(|p| (p.public(), p)).collect())
    }
}

impl std::fmt::Debug for HeldKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

/// A claimed slot: the pre-digest to build the block with and the key
/// that must seal it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotClaim {
    /// The pre-runtime digest.
    pub pre_digest: PreDigest,
    /// The public key of the authority that claims (and seals).
    pub author: [u8; 32],
}

/// A primary claim on `slot` by `pair` as authority `authority_index` of
/// `epoch`, if its VRF output is below the authority's threshold. `None`
/// also when the slot is not the epoch's or the index is not `pair`'s.
pub fn claim_primary(
    pair: &Pair,
    epoch: &Epoch,
    slot: u64,
    authority_index: u32,
) -> Option<PreDigest> {
    let authority = epoch.authority(authority_index)?;
    if !epoch.contains(slot) || authority.vrf_key != pair.public() {
        return None;
    }
    let transcript = slot_transcript(epoch.randomness(), slot, epoch.index());
    let win = sign_if_below(
        pair.as_schnorrkel(),
        transcript,
        epoch.threshold(authority_index),
    )?;
    Some(PreDigest::Primary {
        authority_index,
        slot,
        vrf_output: win.output,
        vrf_proof: win.proof,
    })
}

/// The index of `slot`'s secondary assignee in `epoch` (the function the
/// runtime uses to charge missed slots), if the slot is the epoch's and
/// some authority has weight.
pub fn claim_secondary(epoch: &Epoch, slot: u64) -> Option<u32> {
    if !epoch.contains(slot) {
        return None;
    }
    epoch.secondary_author(slot)
}

/// Claims `slot` with any of `keys`: the primary claim of the lowest
/// authority index that wins, else the secondary claim if the assignee's
/// key is held.
pub fn claim_slot(keys: &HeldKeys, epoch: &Epoch, slot: u64) -> Option<SlotClaim> {
    if keys.is_empty() || !epoch.contains(slot) {
        return None;
    }
    let primary = (0u32..)
        .zip(epoch.authorities())
        .filter_map(|(index, a)| Some((index, keys.get(&a.vrf_key)?)))
        .find_map(|(index, pair)| {
            let pre_digest = claim_primary(pair, epoch, slot, index)?;
            Some(SlotClaim {
                pre_digest,
                author: pair.public(),
            })
        });
    primary.or_else(|| secondary_claim(keys, epoch, slot))
}

fn secondary_claim(keys: &HeldKeys, epoch: &Epoch, slot: u64) -> Option<SlotClaim> {
    let authority_index = claim_secondary(epoch, slot)?;
    let author = epoch.authority(authority_index)?.vrf_key;
    keys.get(&author)?;
    Some(SlotClaim {
        pre_digest: PreDigest::Secondary {
            authority_index,
            slot,
        },
        author,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Authority;
    use entroos_arithmetic::FixedU128;

    fn pair(n: u8) -> Pair {
        Pair::from_seed(&[n; 32]).unwrap()
    }

    fn epoch(c: FixedU128, weights: &[u128]) -> Epoch {
        let authorities = (1u8..)
            .zip(weights)
            .map(|(n, weight)| Authority {
                vrf_key: pair(n).public(),
                weight: *weight,
            })
            .collect();
        Epoch::new(0, 10, 100, [5; 32], authorities, c).unwrap()
    }

    #[test]
    fn with_c_one_every_key_wins_every_slot() {
        let e = epoch(FixedU128::one(), &[1, 1]);
        let claim = claim_primary(&pair(2), &e, 11, 1).unwrap();
        assert_eq!((claim.slot(), claim.authority_index()), (11, 1));
        assert!(claim.is_primary());
        assert_eq!(claim_primary(&pair(2), &e, 11, 0), None, "not its index");
        assert_eq!(claim_primary(&pair(2), &e, 9, 1), None, "before the epoch");
        assert_eq!(claim_primary(&pair(2), &e, 110, 1), None, "after the epoch");
        assert_eq!(claim_primary(&pair(2), &e, 11, 2), None, "no such index");
        let keys: HeldKeys = [pair(1), pair(2)].into_iter().collect();
        let claim = claim_slot(&keys, &e, 12).unwrap();
        assert_eq!(claim.pre_digest.authority_index(), 0, "lowest index first");
        assert_eq!(claim.author, pair(1).public());
    }

    #[test]
    fn with_c_zero_only_the_assignee_claims_as_secondary() {
        let e = epoch(FixedU128::zero(), &[1, 2, 3]);
        for slot in 10..40 {
            let assignee = claim_secondary(&e, slot).unwrap();
            for n in 1..=3u8 {
                let keys: HeldKeys = [pair(n)].into_iter().collect();
                let claim = claim_slot(&keys, &e, slot);
                if u32::from(n - 1) == assignee {
                    let claim = claim.unwrap();
                    assert_eq!(
                        claim.pre_digest,
                        PreDigest::Secondary {
                            authority_index: assignee,
                            slot
                        }
                    );
                    assert_eq!(claim.author, pair(n).public());
                } else {
                    assert_eq!(claim, None);
                }
            }
        }
        assert_eq!(claim_secondary(&e, 9), None);
        assert_eq!(claim_slot(&HeldKeys::default(), &e, 10), None);
    }

    #[test]
    fn a_key_outside_the_set_never_claims() {
        let e = epoch(FixedU128::one(), &[1]);
        let keys: HeldKeys = [pair(9)].into_iter().collect();
        assert_eq!(claim_slot(&keys, &e, 10), None);
        assert_eq!(keys.len(), 1);
    }
}
