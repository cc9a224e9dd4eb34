//! What the runtime's `EntropyApi` reports for people to read: the
//! validators with their stake, scores, weights and declarations
//! ([`ValidatorsReport`]), and the diversity of the current set
//! ([`DiversityReport`]). The runtime encodes them and describes them in
//! metadata V15; the node's RPC and metrics decode them.

use codec::{Decode, Encode};
use entroos_arithmetic::{FixedU128, Perbill};
use entroos_primitives::{AccountId32, Balance};
use scale_info::TypeInfo;

/// A validator's session keys, as its set (or its latest `set_keys`) has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ValidatorKeys {
    /// sr25519: slot VRFs and block seals.
    pub vrf: [u8; 32],
    /// ed25519: finality votes.
    pub finality: [u8; 32],
}

/// One validator: a member of the current set, a candidate, or both.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ValidatorInfo {
    /// Its stash account.
    pub stash: AccountId32,
    /// Whether it is in the current epoch's set.
    pub member: bool,
    /// Whether it intends to validate (a candidate for the next selection).
    pub candidate: bool,
    /// Its active bond.
    pub stake: Balance,
    /// Its reliability score, in `[0, 1]`.
    pub reliability: FixedU128,
    /// Its entropy score, in `[0, 1]`.
    pub entropy: FixedU128,
    /// A member's weight in the current set; a non-member's weight were it
    /// selected now (`⌊entropy × reliability × stake⌋`, zero below the
    /// minimum bond).
    pub weight: u128,
    /// A member's share of the current set's total weight, rounded down;
    /// zero for a non-member.
    pub share: Perbill,
    /// The commission it declared.
    pub commission: Perbill,
    /// The operator it declared (free text, empty if none).
    pub operator: Vec<u8>,
    /// The zone it declared (free text, empty if none).
    pub zone: Vec<u8>,
    /// A member's keys for the epoch; a non-member's registered keys, if any.
    pub keys: Option<ValidatorKeys>,
}

/// The current set's members (in set order: heaviest first) followed by
/// the candidates outside it (heaviest first, ties by stash).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct ValidatorsReport {
    /// The current epoch.
    pub epoch: u64,
    /// The current set's total weight.
    pub total_weight: u128,
    /// The validators.
    pub validators: Vec<ValidatorInfo>,
}

/// The network's diversity, reported (never used for weight).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
pub struct DiversityReport {
    /// The epoch described.
    pub epoch: u64,
    /// Validators in its set.
    pub validators: u32,
    /// Normalized Shannon entropy of the weights over validators.
    pub validator_entropy: FixedU128,
    /// … over declared operators.
    pub operator_entropy: FixedU128,
    /// … over declared zones.
    pub zone_entropy: FixedU128,
    /// The fewest validators holding a third of the weight.
    pub nakamoto: u32,
    /// The fewest declared operators holding a third of the weight.
    pub operator_nakamoto: u32,
    /// The fewest declared zones holding a third of the weight.
    pub zone_nakamoto: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_round_trip() {
        let report = ValidatorsReport {
            epoch: 2,
            total_weight: 10,
            validators: vec![ValidatorInfo {
                stash: AccountId32([1; 32]),
                member: true,
                candidate: false,
                stake: 7,
                reliability: FixedU128::one(),
                entropy: FixedU128::from_inner(5),
                weight: 10,
                share: Perbill::one(),
                commission: Perbill::from_percent(5),
                operator: b"op".to_vec(),
                zone: Vec::new(),
                keys: Some(ValidatorKeys {
                    vrf: [2; 32],
                    finality: [3; 32],
                }),
            }],
        };
        let bytes = report.encode();
        assert_eq!(ValidatorsReport::decode(&mut &bytes[..]).unwrap(), report);
        let diversity = DiversityReport {
            epoch: 1,
            validators: 3,
            nakamoto: 2,
            ..Default::default()
        };
        let bytes = diversity.encode();
        assert_eq!(DiversityReport::decode(&mut &bytes[..]).unwrap(), diversity);
    }
}
