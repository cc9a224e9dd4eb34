//! Finding the highest block a peer shares with the local chain by probing
//! one header at a time: first at the top, then exponentially further back
//! (1, 2, 4, … blocks), then a binary search between the highest match and
//! the lowest mismatch. Genesis always matches (the handshake checked it).
//! A probe costs one small request; a search costs O(log distance) probes.

use entroos_primitives::BlockNumber;

/// The next step of a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SearchStep {
    /// Ask for the peer's block at this number.
    Probe(BlockNumber),
    /// The highest common block; `full` if it is the top the search began at.
    Found { common: BlockNumber, full: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AncestorSearch {
    top: BlockNumber,
    low: BlockNumber,
    high: u64,
    probe: BlockNumber,
    step: Option<u32>,
    /// Whether the probe is in flight.
    pub busy: bool,
}

impl AncestorSearch {
    /// A search below `top` (the lower of the local and the peer's best).
    pub(crate) fn new(top: BlockNumber) -> (Self, SearchStep) {
        let search = AncestorSearch {
            top,
            low: 0,
            high: u64::from(top).saturating_add(1),
            probe: top,
            step: Some(1),
            busy: false,
        };
        let step = match top {
            0 => SearchStep::Found {
                common: 0,
                full: true,
            },
            _ => SearchStep::Probe(top),
        };
        (search, step)
    }

    pub(crate) fn probe(&self) -> BlockNumber {
        self.probe
    }

    /// Whether the peer's block at the probe is ours.
    pub(crate) fn answer(&mut self, matched: bool) -> SearchStep {
        let probe = self.probe;
        if matched {
            self.low = probe;
            if probe == self.top {
                return SearchStep::Found {
                    common: probe,
                    full: true,
                };
            }
            self.step = None;
        } else {
            self.high = u64::from(probe);
            if let Some(step) = self.step {
                let next = probe.saturating_sub(step);
                if next > self.low {
                    self.step = Some(step.saturating_mul(2));
                    self.probe = next;
                    return SearchStep::Probe(next);
                }
                self.step = None;
            }
        }
        self.bisect()
    }

    fn bisect(&mut self) -> SearchStep {
        let low = u64::from(self.low);
        let gap = self.high.saturating_sub(low);
        if gap <= 1 {
            return SearchStep::Found {
                common: self.low,
                full: false,
            };
        }
        let mid = low.saturating_add(gap / 2);
        self.probe = BlockNumber::try_from(mid).unwrap_or(self.low);
        SearchStep::Probe(self.probe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a search against a peer sharing blocks up to `common`.
    fn run(top: BlockNumber, common: BlockNumber) -> (SearchStep, Vec<BlockNumber>) {
        let (mut search, mut step) = AncestorSearch::new(top);
        let mut probes = Vec::new();
        while let SearchStep::Probe(n) = step {
            probes.push(n);
            step = search.answer(n <= common);
            assert!(probes.len() < 100, "search does not end");
        }
        (step, probes)
    }

    #[test]
    fn finds_every_fork_point_in_logarithmic_probes() {
        for top in [1u32, 2, 3, 10, 100, 1_000, 100_000] {
            for common in [0, 1, top / 3, top / 2, top.saturating_sub(1), top] {
                let common = common.min(top);
                let (step, probes) = run(top, common);
                let full = common == top;
                assert_eq!(
                    step,
                    SearchStep::Found { common, full },
                    "top {top} common {common}"
                );
                assert!(probes.len() <= 2 * 32 + 1, "{} probes", probes.len());
            }
        }
    }

    #[test]
    fn top_zero_needs_no_probe() {
        assert_eq!(
            run(0, 0),
            (
                SearchStep::Found {
                    common: 0,
                    full: true
                },
                vec![]
            )
        );
        assert_eq!(run(5, 5).1, vec![5]);
        assert_eq!(run(100, 90).1, vec![100, 99, 97, 93, 85, 89, 91, 90]);
    }
}
