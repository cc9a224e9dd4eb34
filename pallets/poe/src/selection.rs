//! Drawing a job's executors: a pure function of the candidates (in
//! storage-key order), `k` and the seed.
//!
//! Draw `i` (for `i` in `0..k`) takes the candidates not drawn yet and keeps
//! the first non-empty tier of
//!
//! 1. those whose operator *and* zone differ from every drawn executor's,
//! 2. those whose zone differs,
//! 3. those whose operator differs,
//! 4. all of them,
//!
//! then picks one in proportion to its weight with the uniform value
//! `u128::from_le_bytes(blake2_256(SCALE((seed, i)))[..16])`
//! (`entroos_arithmetic::weighted_pick`). Candidates of zero weight are
//! never picked; fewer than `k` candidates of positive weight means no
//! draw. The result depends on nothing but its inputs: no map iteration,
//! no floats, at most `k × candidates` comparisons per tier.

use crate::types::Declared;
use codec::Encode;
use entroos_arithmetic::weighted_pick;
use entroos_primitives::hashing::blake2_256;
use entroos_primitives::{AccountId32, H256};

/// A provider eligible for a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its account.
    pub who: AccountId32,
    /// Its declared operator.
    pub operator: Declared,
    /// Its declared zone.
    pub zone: Declared,
    /// Its selection weight.
    pub weight: u128,
}

/// The uniform value of draw `index` for `seed`.
pub fn draw_value(seed: &H256, index: u32) -> u128 {
    let hash = blake2_256(&(seed.0, index).encode());
    let mut low = [0u8; 16];
    low.copy_from_slice(hash.get(..16).unwrap_or(&[0u8; 16]));
    u128::from_le_bytes(low)
}

/// The indices (into `candidates`) of `k` executors, in draw order, or
/// `None` when fewer than `k` candidates have positive weight.
pub fn draw(candidates: &[Candidate], k: u32, seed: &H256) -> Option<Vec<usize>> {
    let mut drawn: Vec<usize> = Vec::new();
    for index in 0..k {
        let pool = preferred_pool(candidates, &drawn);
        let weights: Vec<u128> = pool
            .iter()
            .filter_map(|i| candidates.get(*i).map(|c| c.weight))
            .collect();
        let pick = weighted_pick(draw_value(seed, index), &weights)?;
        drawn.push(*pool.get(pick)?);
    }
    Some(drawn)
}

/// The undrawn candidates of positive weight in the first non-empty tier.
fn preferred_pool(candidates: &[Candidate], drawn: &[usize]) -> Vec<usize> {
    let picked: Vec<&Candidate> = drawn.iter().filter_map(|i| candidates.get(*i)).collect();
    let new_operator = |c: &Candidate| picked.iter().all(|p| p.operator != c.operator);
    let new_zone = |c: &Candidate| picked.iter().all(|p| p.zone != c.zone);
    let open: Vec<usize> = (0..candidates.len())
        .filter(|i| !drawn.contains(i))
        .filter(|i| candidates.get(*i).is_some_and(|c| c.weight > 0))
        .collect();
    let tiers: [&dyn Fn(&Candidate) -> bool; 3] = [
        &|c| new_operator(c) && new_zone(c),
        &|c| new_zone(c),
        &|c| new_operator(c),
    ];
    for tier in tiers {
        let pool: Vec<usize> = open
            .iter()
            .copied()
            .filter(|i| candidates.get(*i).is_some_and(tier))
            .collect();
        if !pool.is_empty() {
            return pool;
        }
    }
    open
}
