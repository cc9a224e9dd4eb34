//! Node headers: a kind in the top bits of the first byte, the partial key's
//! nibble count in the rest, continued in following bytes when large.
//!
//! | first bits | kind | size bits |
//! |---|---|---|
//! | `00000000` | empty | – |
//! | `01` | leaf, inline value | 6 |
//! | `10` | branch without value | 6 |
//! | `11` | branch with inline value | 6 |
//! | `001` | leaf, hashed value | 5 |
//! | `0001` | branch, hashed value | 4 |

use codec::{Input, Output};

pub(super) const EMPTY_TRIE: u8 = 0;
const LEAF: u8 = 0b01 << 6;
const BRANCH_WITHOUT_VALUE: u8 = 0b10 << 6;
const BRANCH_WITH_VALUE: u8 = 0b11 << 6;
const HASHED_VALUE_LEAF: u8 = 0b001 << 5;
const HASHED_VALUE_BRANCH: u8 = 0b0001 << 4;
/// The largest partial key accepted, in nibbles (bounds decoding).
pub(super) const NIBBLE_SIZE_BOUND: usize = u16::MAX as usize;

/// A decoded node header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NodeHeader {
    Null,
    /// Branch: has an inline value, partial nibble count.
    Branch(bool, usize),
    Leaf(usize),
    HashedValueBranch(usize),
    HashedValueLeaf(usize),
}

impl NodeHeader {
    pub(super) fn encode_to(self, out: &mut Vec<u8>) {
        let (prefix, bits, size) = match self {
            NodeHeader::Null => return out.push_byte(EMPTY_TRIE),
            NodeHeader::Branch(true, n) => (BRANCH_WITH_VALUE, 2, n),
            NodeHeader::Branch(false, n) => (BRANCH_WITHOUT_VALUE, 2, n),
            NodeHeader::Leaf(n) => (LEAF, 2, n),
            NodeHeader::HashedValueBranch(n) => (HASHED_VALUE_BRANCH, 4, n),
            NodeHeader::HashedValueLeaf(n) => (HASHED_VALUE_LEAF, 3, n),
        };
        encode_size(size, prefix, bits, out);
    }

    pub(super) fn decode(input: &mut impl Input) -> Result<Self, codec::Error> {
        let first = input.read_byte()?;
        if first == EMPTY_TRIE {
            return Ok(NodeHeader::Null);
        }
        match first & (0b11 << 6) {
            LEAF => Ok(NodeHeader::Leaf(decode_size(first, input, 2)?)),
            BRANCH_WITH_VALUE => Ok(NodeHeader::Branch(true, decode_size(first, input, 2)?)),
            BRANCH_WITHOUT_VALUE => Ok(NodeHeader::Branch(false, decode_size(first, input, 2)?)),
            _ if first & (0b111 << 5) == HASHED_VALUE_LEAF => {
                Ok(NodeHeader::HashedValueLeaf(decode_size(first, input, 3)?))
            }
            _ if first & (0b1111 << 4) == HASHED_VALUE_BRANCH => {
                Ok(NodeHeader::HashedValueBranch(decode_size(first, input, 4)?))
            }
            _ => Err("unallowed trie node header".into()),
        }
    }
}

/// The first byte carries `min(size, max - 1)` or `max` (then more bytes
/// follow: 255 while at least 256 remain, then the rest minus one).
fn encode_size(size: usize, prefix: u8, prefix_bits: u32, out: &mut Vec<u8>) {
    let max = 255u8 >> prefix_bits;
    let max_inline = usize::from(max).saturating_sub(1);
    if size <= max_inline {
        out.push(prefix | size as u8);
        return;
    }
    out.push(prefix | max);
    let mut rem = size.saturating_sub(max_inline);
    while rem >= 256 {
        out.push(255);
        rem = rem.saturating_sub(255);
    }
    out.push(rem.saturating_sub(1) as u8);
}

fn decode_size(first: u8, input: &mut impl Input, prefix_bits: u32) -> Result<usize, codec::Error> {
    let max = 255u8 >> prefix_bits;
    let mut result = usize::from(first & max);
    if result < usize::from(max) {
        return Ok(result);
    }
    result = result.saturating_sub(1);
    loop {
        let n = usize::from(input.read_byte()?);
        if n < 255 {
            return Ok(result.saturating_add(n).saturating_add(1));
        }
        result = result.saturating_add(255);
        if result > NIBBLE_SIZE_BOUND {
            return Err("trie node partial key too long".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_trip() {
        for size in [0usize, 1, 62, 63, 64, 300, 318, 319, 320, 600, 5000] {
            for header in [
                NodeHeader::Leaf(size),
                NodeHeader::Branch(true, size),
                NodeHeader::HashedValueBranch(size),
            ] {
                let mut out = Vec::new();
                header.encode_to(&mut out);
                assert_eq!(
                    NodeHeader::decode(&mut &out[..]).unwrap(),
                    header,
                    "{header:?}"
                );
            }
        }
    }
}
