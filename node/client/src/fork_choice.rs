//! Which of two blocks is the better head. The import pipeline asks it for
//! every new block; it never sees blocks that do not descend from the last
//! finalized one.

use entroos_primitives::Header;

/// Decides the best chain.
pub trait ForkChoice: Send + Sync {
    /// Whether `candidate` should replace `best` as the best block.
    fn prefers(&self, candidate: &Header, best: &Header) -> bool;
}

/// The longest chain wins; on equal length the first seen stays.
#[derive(Clone, Copy, Debug, Default)]
pub struct LongestChain;

impl ForkChoice for LongestChain {
    fn prefers(&self, candidate: &Header, best: &Header) -> bool {
        candidate.number > best.number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_longer_chain_wins_and_a_tie_keeps_the_first() {
        let at = |number| Header {
            number,
            ..Default::default()
        };
        assert!(LongestChain.prefers(&at(5), &at(4)));
        assert!(!LongestChain.prefers(&at(4), &at(4)));
        assert!(!LongestChain.prefers(&at(3), &at(4)));
    }
}
