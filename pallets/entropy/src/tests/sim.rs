//! A chain driven slot by slot: each slot's secondary assignee authors the
//! slot's block unless it is offline, and each block carries a
//! justification with the precommits of the online members and the
//! heartbeats of the online members not yet heard from in the epoch.

use crate::heartbeat::{heartbeat_payload, Heartbeat};
use crate::mock::*;
use crate::{AuthorClaim, ClaimKind, CurrentEpoch, EpochSets, Params, ValidatorScores};
use entroos_primitives::{AccountId32, Balance};
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::{Externalities, TestExternalities};

/// The slot of the first block.
pub const FIRST_SLOT: u64 = 100;

pub struct Sim {
    pub t: TestExternalities,
    pub params: Params,
    pub block: u32,
    pub slot: u64,
    pub blocks: u32,
}

impl Sim {
    pub fn new(validators: &[(u8, Balance)], params: Params) -> Self {
        Sim {
            t: new_test_ext(validators, params),
            params,
            block: 0,
            slot: FIRST_SLOT,
            blocks: 0,
        }
    }

    /// The epoch `slot` falls in.
    pub fn epoch_of(&self, slot: u64) -> u64 {
        (slot - FIRST_SLOT) / self.params.epoch_length
    }

    /// The first slot of epoch `epoch`.
    pub fn epoch_start(&self, epoch: u64) -> u64 {
        FIRST_SLOT + epoch * self.params.epoch_length
    }

    /// Runs every slot before `until`; `offline(stash, slot)` says who is down.
    pub fn run_until(&mut self, until: u64, offline: &dyn Fn(&AccountId32, u64) -> bool) {
        while self.slot < until {
            self.run_slot(offline);
            self.slot += 1;
        }
    }

    /// Runs to the start of epoch `epoch` (the block there, if any, included).
    pub fn run_to_epoch(&mut self, epoch: u64, offline: &dyn Fn(&AccountId32, u64) -> bool) {
        let start = self.epoch_start(epoch);
        self.run_until(start, offline);
        // The first slot of the epoch with a block rotates; run until one did.
        while self.t.execute_with(|ext| CurrentEpoch::get(ext)) < epoch {
            self.run_slot(offline);
            self.slot += 1;
        }
    }

    fn run_slot(&mut self, offline: &dyn Fn(&AccountId32, u64) -> bool) {
        let slot = self.slot;
        let epoch = self.epoch_of(slot);
        let (block, blocks) = (self.block + 1, &mut self.blocks);
        let authored = self.t.execute_with(|ext| {
            let set = EpochSets::<Test>::get(ext, &epoch).expect("the slot's set is fixed");
            let index = crate::randomness::secondary_index(&set, slot).expect("a weighted set");
            let author = set.get(index).unwrap();
            if offline(&author.stash, slot) {
                return false;
            }
            let claim = AuthorClaim {
                authority_index: index,
                kind: ClaimKind::Secondary,
            };
            run_block(ext, block, slot, Some(claim)).unwrap();
            let voters: Vec<[u8; 32]> = Entropy::current_set(ext)
                .authorities
                .as_slice()
                .iter()
                .filter(|a| !offline(&a.stash, slot))
                .map(|a| a.keys.finality)
                .collect();
            Entropy::note_precommits(ext, &voters).unwrap();
            send_heartbeats(ext, block, &|who| offline(who, slot));
            *blocks += 1;
            true
        });
        if authored {
            self.block += 1;
        }
    }

    pub fn scores(&mut self, n: u8) -> ValidatorScores {
        self.t
            .execute_with(|ext| crate::Scores::get(ext, &stash(n)).unwrap())
    }
}

/// Dispatches a heartbeat of every member of the current set that is not
/// `offline` and was not heard from this epoch (the tests' validator `n`
/// has stash `[n; 32]`), as their off-chain workers would.
pub fn send_heartbeats(
    ext: &mut dyn Externalities,
    block: u32,
    offline: &dyn Fn(&AccountId32) -> bool,
) {
    let set = Entropy::current_set(ext);
    let epoch = CurrentEpoch::get(ext);
    for (index, member) in (0u32..).zip(set.authorities.as_slice()) {
        if offline(&member.stash) || Entropy::heartbeat_received(ext, index) {
            continue;
        }
        let heartbeat = Heartbeat {
            epoch,
            validator_index: index,
            block_number: block,
        };
        let signature = Validator::new(member.stash.0[0])
            .vrf
            .sign(&heartbeat_payload(&heartbeat));
        let call = crate::Call::heartbeat {
            heartbeat,
            signature,
        };
        Entropy::dispatch(ext, RawOrigin::None, call).unwrap();
    }
}

/// Nobody is ever offline.
pub fn all_online(_: &AccountId32, _: u64) -> bool {
    false
}
