//! The acceptance scenarios, parameterized by size, length and seed, each
//! asserting its property and returning its measurements.

use super::report::{assert_safe, describe, finalized_at, lags, min_finalized_at};
use super::sim::{Sim, SimConfig};
use std::collections::BTreeMap;

pub const SLOT: u64 = 1_000;

fn slot(n: u64) -> u64 {
    n * SLOT
}

/// Voters whose weight sums to less than a third of the total, the
/// heaviest first that fit.
pub fn under_a_third(cfg: &SimConfig) -> Vec<usize> {
    let total: u128 = cfg.weights.iter().sum();
    let mut picked = Vec::new();
    let mut sum = 0;
    for (i, w) in cfg.weights.iter().enumerate().rev() {
        if 3 * (sum + w) < total {
            sum += w;
            picked.push(i);
        }
    }
    picked
}

/// Voters whose weight sums to more than a third of the total.
pub fn over_a_third(cfg: &SimConfig) -> Vec<usize> {
    let total: u128 = cfg.weights.iter().sum();
    let mut picked = Vec::new();
    let mut sum = 0;
    for (i, w) in cfg.weights.iter().enumerate() {
        if 3 * sum > total {
            break;
        }
        sum += w;
        picked.push(i);
    }
    picked
}

/// The highest best block among `nodes`.
fn best_height(sim: &Sim, nodes: &[usize]) -> u64 {
    nodes
        .iter()
        .map(|&i| sim.nodes[i].tree.best().number as u64)
        .max()
        .unwrap_or(0)
}

fn others(n: usize, excluded: &[usize]) -> Vec<usize> {
    (0..n).filter(|i| !excluded.contains(i)).collect()
}

/// No faults, delays of 20–200 ms: every block is finalized by every node
/// within two slots of its own slot. Returns the lag histogram.
pub fn synchronous(n: usize, slots: u64, seed: u64) -> BTreeMap<u64, u64> {
    let mut sim = Sim::new(SimConfig::new(n, seed));
    sim.run_until(slot(slots));
    let all = sim.honest();
    assert_safe(&sim, &all);
    let histogram = lags(&sim, &all, 0, sim.now);
    println!(
        "synchronous, {n} voters, {slots} slots: {}",
        describe(&histogram)
    );
    let max = histogram.keys().last().copied().unwrap_or(u64::MAX);
    assert!(max <= 2, "a finalization lagged {max} slots");
    let finalized = min_finalized_at(&sim, &all, sim.now) as u64;
    assert!(
        finalized + 2 >= slots,
        "only {finalized} of {slots} blocks final"
    );
    histogram
}

/// Voters of less than a third of the weight crash and stay down:
/// finality goes on among the others.
pub fn minority_crashed(n: usize, slots: u64, seed: u64) {
    let cfg = SimConfig::new(n, seed);
    let crashed = under_a_third(&cfg);
    let mut sim = Sim::new(cfg);
    let crash = slots / 5;
    sim.crash_at(slot(crash), crashed.clone());
    sim.run_until(slot(slots));
    let alive = others(n, &crashed);
    assert_safe(&sim, &sim.honest());
    let at_crash = min_finalized_at(&sim, &alive, slot(crash)) as u64;
    let at_end = min_finalized_at(&sim, &alive, sim.now) as u64;
    let histogram = lags(&sim, &alive, slot(crash + 2), sim.now);
    println!(
        "{} of {n} voters crashed (under a third of the weight) at slot {crash}: finalized #{at_crash} → #{at_end} by slot {slots}; {}",
        crashed.len(),
        describe(&histogram)
    );
    // Crashed authors leave their slots empty: at least half the slots
    // after the crash carry a block, and all but the last two are final.
    let produced_after = (slots - crash) / 2;
    assert!(
        at_end >= at_crash + produced_after,
        "finality slowed to {at_crash} → {at_end}"
    );
    let best = best_height(&sim, &alive);
    assert!(
        at_end + 2 >= best,
        "finality is behind: #{at_end} of #{best}"
    );
    // And it never stalls: every 20 slots after the crash, at least 4 more
    // blocks become final.
    for start in (crash + 2..slots.saturating_sub(20)).step_by(20) {
        let from = min_finalized_at(&sim, &alive, slot(start));
        let to = min_finalized_at(&sim, &alive, slot(start + 20));
        assert!(
            to >= from + 4,
            "slots {start}–{}: #{from} → #{to}",
            start + 20
        );
    }
}

/// Voters of more than a third of the weight crash: finality halts; they
/// restart from their persisted state and finality resumes by itself,
/// finalizing the blocks made during the halt.
pub fn majority_crashed(n: usize, slots: u64, seed: u64) {
    let cfg = SimConfig::new(n, seed);
    let crashed = over_a_third(&cfg);
    let mut sim = Sim::new(cfg);
    let (crash, heal) = (slots / 5, slots / 2);
    sim.crash_at(slot(crash), crashed.clone());
    sim.restart_at(slot(heal), crashed.clone());
    sim.run_until(slot(heal));
    let alive = others(n, &crashed);
    let settled = min_finalized_at(&sim, &alive, slot(crash + 2));
    let before_heal = alive
        .iter()
        .map(|&i| finalized_at(&sim, i, slot(heal)))
        .max()
        .unwrap_or(0);
    assert_eq!(
        settled.max(before_heal),
        settled,
        "finality went on with over a third down"
    );
    let best_at_heal = alive
        .iter()
        .map(|&i| sim.nodes[i].tree.best().number)
        .max()
        .unwrap_or(0);
    sim.run_until(slot(slots));
    let all = sim.honest();
    assert_safe(&sim, &all);
    let resumed = (heal..=slots).find(|s| min_finalized_at(&sim, &all, slot(*s)) >= best_at_heal);
    println!(
        "{} of {n} voters crashed (over a third of the weight) at slot {crash}: halted at #{settled}; restarted at slot {heal} with blocks up to #{best_at_heal}; all final again by slot {resumed:?}; {} restarts",
        crashed.len(),
        sim.stats.restarts
    );
    let resumed = resumed.expect("finality did not resume after the restart");
    assert!(
        resumed <= heal + 10,
        "finality resumed only at slot {resumed}"
    );
    let end = min_finalized_at(&sim, &all, sim.now) as u64;
    let best = best_height(&sim, &all);
    assert!(
        end + 2 >= best,
        "finality is behind at the end: #{end} of #{best}"
    );
}

/// One voter of four (a quarter of the weight) signs two different votes
/// in every round and makes two blocks in each of its slots; `split` sends
/// each peer only one of its votes. No conflicting finality; finality goes
/// on; unless split, every honest node reports the offender.
pub fn equivocator_of_four(slots: u64, seed: u64, split: bool) {
    let mut cfg = SimConfig::new(4, seed);
    cfg.weights = vec![30, 25, 25, 20];
    cfg.equivocator = Some(1);
    cfg.split_votes = split;
    let mut sim = Sim::new(cfg);
    sim.run_until(slot(slots));
    let honest = sim.honest();
    assert_safe(&sim, &honest);
    let end = min_finalized_at(&sim, &honest, sim.now) as u64;
    let offender = sim.nodes[1].pair.public();
    let reports: Vec<usize> = honest.iter().map(|&i| sim.nodes[i].reports.len()).collect();
    let best = best_height(&sim, &honest);
    println!(
        "equivocator (split {split}), 4 voters, {slots} slots: finalized #{end} of #{best}; reports per honest node {reports:?}; {}",
        describe(&lags(&sim, &honest, 0, sim.now))
    );
    assert!(end + 3 >= best, "finality fell behind: #{end} of #{best}");
    assert!(end * 3 >= slots, "the chain barely grew: #{end}");
    for &i in &honest {
        assert!(sim.nodes[i]
            .reports
            .iter()
            .all(|r| r.offender() == offender));
        if !split {
            assert!(
                !sim.nodes[i].reports.is_empty(),
                "node {i} reported nothing"
            );
        }
    }
}

/// Delays up to 1.5 slots (forks), 2 % loss, and a partition into two
/// halves neither of which holds two thirds of the weight: no conflicting
/// finality, a halt during the partition, and recovery after it heals.
pub fn partitioned(n: usize, slots: u64, seed: u64) {
    let mut cfg = SimConfig::new(n, seed);
    cfg.net.max_delay = 1_500;
    cfg.net.drop_per_mille = 20;
    let mut sim = Sim::new(cfg);
    let (cut, heal) = (slots / 4, slots / 2);
    let groups: Vec<u8> = (0..n).map(|i| (i % 2) as u8).collect();
    sim.partition_at(slot(cut), groups);
    sim.heal_at(slot(heal));
    sim.run_until(slot(slots));
    let all = sim.honest();
    assert_safe(&sim, &all);
    let at_cut = min_finalized_at(&sim, &all, slot(cut));
    let during = all
        .iter()
        .map(|&i| finalized_at(&sim, i, slot(heal)))
        .max()
        .unwrap_or(0);
    // Only votes already under way at the cut can still finalize.
    assert!(
        during <= at_cut + 5,
        "finality went on in a partition: #{at_cut} → #{during}"
    );
    let end = min_finalized_at(&sim, &all, sim.now) as u64;
    println!(
        "partitioned in halves at slot {cut} until {heal}, {n} voters, 2 % loss, ≤1.5 s delays: finalized #{at_cut} at the cut, at most #{during} at the heal, #{end} at slot {slots}; {}",
        describe(&lags(&sim, &all, slot(heal), sim.now))
    );
    let best = best_height(&sim, &all);
    assert!(
        end >= during as u64 + (slots - heal) / 3,
        "no recovery after the heal"
    );
    assert!(end + 8 >= best, "finality is behind: #{end} of #{best}");
}

/// A set change every `epoch` blocks (weights rotate): every boundary
/// block is finalized exactly, by the old set, on every node.
pub fn epochs(n: usize, slots: u64, epoch: u32, seed: u64) {
    let mut cfg = SimConfig::new(n, seed);
    cfg.epoch_len = Some(epoch);
    let mut sim = Sim::new(cfg);
    sim.run_until(slot(slots));
    let all = sim.honest();
    assert_safe(&sim, &all);
    let end = min_finalized_at(&sim, &all, sim.now);
    for &i in &all {
        let numbers: Vec<u32> = sim.nodes[i]
            .finalized
            .iter()
            .map(|(b, _)| b.number)
            .collect();
        for boundary in (epoch..=end).step_by(epoch as usize) {
            assert!(
                numbers.contains(&boundary),
                "node {i} skipped boundary #{boundary}"
            );
        }
        let set = sim.nodes[i].voter.as_ref().unwrap().set().set_id();
        assert_eq!(set, (end / epoch) as u64, "node {i} is in set {set}");
    }
    println!(
        "{n} voters, a set change every {epoch} blocks: finalized #{end}, {} set changes across nodes",
        sim.stats.set_changes
    );
    assert!(end as u64 + 2 >= slots);
}

/// Voters crash right after persisting a vote (before sending it) and
/// restart a few slots later, again and again: no honest voter is ever
/// reported for equivocation, and finality goes on.
pub fn restarts(n: usize, slots: u64, seed: u64) {
    let cfg = SimConfig::new(n, seed);
    let churn = under_a_third(&cfg);
    let mut sim = Sim::new(cfg);
    let mut at = 3;
    while at + 6 < slots {
        for &i in &churn {
            sim.run_until(slot(at));
            sim.nodes[i].crash_after_persist = true;
        }
        sim.restart_at(slot(at + 3), churn.clone());
        at += 7;
    }
    sim.run_until(slot(slots));
    let all = sim.honest();
    assert_safe(&sim, &all);
    let reports: usize = all.iter().map(|&i| sim.nodes[i].reports.len()).sum();
    let end = min_finalized_at(&sim, &all, sim.now) as u64;
    let best = best_height(&sim, &all);
    println!(
        "{} of {n} voters crashing after persisting, {} restarts over {slots} slots: finalized #{end} of #{best}; {reports} equivocation reports",
        churn.len(),
        sim.stats.restarts
    );
    assert_eq!(reports, 0, "a restarted voter double-voted");
    assert!(sim.stats.restarts > 0);
    assert!(end + 3 >= best, "finality fell behind: #{end} of #{best}");
}
