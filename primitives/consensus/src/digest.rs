//! The slot pre-runtime digest: how a block claims its slot.

use crate::ENGINE_ID;
use codec::{Decode, DecodeAll, Encode, MaxEncodedLen};
use entroos_primitives::{Digest, DigestItem};

/// How a block's author claims its slot (see the crate docs for the bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Encode, Decode, MaxEncodedLen)]
pub enum PreDigest {
    /// The author's VRF output over the slot is below its threshold.
    #[codec(index = 1)]
    Primary {
        /// The author's index in the epoch's authority set.
        authority_index: u32,
        /// The slot.
        slot: u64,
        /// The VRF pre-output (a compressed ristretto point).
        vrf_output: [u8; 32],
        /// The proof that the output is the author's VRF of the slot.
        vrf_proof: [u8; 64],
    },
    /// The author is the slot's secondary assignee.
    #[codec(index = 2)]
    Secondary {
        /// The author's index in the epoch's authority set.
        authority_index: u32,
        /// The slot.
        slot: u64,
    },
}

impl PreDigest {
    /// The largest encoding, in bytes.
    pub const MAX_ENCODED_LEN: usize = 1 + 4 + 8 + 32 + 64;

    /// The slot claimed.
    pub fn slot(&self) -> u64 {
        match self {
            PreDigest::Primary { slot, .. } | PreDigest::Secondary { slot, .. } => *slot,
        }
    }

    /// The claiming authority's index in the epoch's set.
    pub fn authority_index(&self) -> u32 {
        match self {
            PreDigest::Primary {
                authority_index, ..
            }
            | PreDigest::Secondary {
                authority_index, ..
            } => *authority_index,
        }
    }

    /// Whether this is a primary claim.
    pub fn is_primary(&self) -> bool {
        matches!(self, PreDigest::Primary { .. })
    }

    /// The VRF pre-output of a primary claim.
    pub fn vrf_output(&self) -> Option<[u8; 32]> {
        match self {
            PreDigest::Primary { vrf_output, .. } => Some(*vrf_output),
            PreDigest::Secondary { .. } => None,
        }
    }

    /// The digest item that carries this claim.
    pub fn to_digest_item(&self) -> DigestItem {
        DigestItem::PreRuntime(ENGINE_ID, self.encode())
    }

    /// Decodes one claim from exactly `bytes`.
    pub fn decode_exact(bytes: &[u8]) -> Result<Self, PreDigestError> {
        if bytes.len() > Self::MAX_ENCODED_LEN {
            return Err(PreDigestError::Malformed);
        }
        PreDigest::decode_all(&mut &bytes[..]).map_err(|_| PreDigestError::Malformed)
    }
}

/// Why a digest has no usable claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PreDigestError {
    /// No pre-runtime item of engine [`ENGINE_ID`].
    #[error("the header has no slot pre-runtime digest")]
    Missing,
    /// More than one pre-runtime item of engine [`ENGINE_ID`].
    #[error("the header has more than one slot pre-runtime digest")]
    Duplicate,
    /// The item does not decode as a [`PreDigest`] (or has bytes left over).
    #[error("the slot pre-runtime digest does not decode")]
    Malformed,
}

/// The one [`PreDigest`] of `digest`: exactly one pre-runtime item of
/// engine [`ENGINE_ID`], decoding whole.
pub fn find_pre_digest(digest: &Digest) -> Result<PreDigest, PreDigestError> {
    let mut items = digest.logs.iter().filter_map(|item| match item {
        DigestItem::PreRuntime(engine, data) if *engine == ENGINE_ID => Some(data),
        _ => None,
    });
    let data = items.next().ok_or(PreDigestError::Missing)?;
    if items.next().is_some() {
        return Err(PreDigestError::Duplicate);
    }
    PreDigest::decode_exact(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn primary() -> PreDigest {
        PreDigest::Primary {
            authority_index: 3,
            slot: 0x0102,
            vrf_output: [7; 32],
            vrf_proof: [9; 64],
        }
    }

    #[test]
    fn the_encoding_is_pinned() {
        let mut expected = vec![1, 3, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0];
        expected.extend([7; 32]);
        expected.extend([9; 64]);
        assert_eq!(primary().encode(), expected);
        assert_eq!(expected.len(), PreDigest::MAX_ENCODED_LEN);
        assert_eq!(PreDigest::max_encoded_len(), PreDigest::MAX_ENCODED_LEN);
        let secondary = PreDigest::Secondary {
            authority_index: 1,
            slot: 5,
        };
        assert_eq!(
            secondary.encode(),
            vec![2, 1, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn accessors_read_either_variant() {
        let p = primary();
        assert_eq!((p.slot(), p.authority_index()), (0x0102, 3));
        assert!(p.is_primary());
        assert_eq!(p.vrf_output(), Some([7; 32]));
        let s = PreDigest::Secondary {
            authority_index: 4,
            slot: 6,
        };
        assert_eq!(
            (s.slot(), s.authority_index(), s.is_primary()),
            (6, 4, false)
        );
        assert_eq!(s.vrf_output(), None);
    }

    #[test]
    fn exactly_one_whole_item_is_found() {
        let item = primary().to_digest_item();
        let other = DigestItem::PreRuntime(*b"BABE", vec![1]);
        let one = Digest {
            logs: vec![other.clone(), item.clone()],
        };
        assert_eq!(find_pre_digest(&one), Ok(primary()));
        let none = Digest { logs: vec![other] };
        assert_eq!(find_pre_digest(&none), Err(PreDigestError::Missing));
        let two = Digest {
            logs: vec![item.clone(), item],
        };
        assert_eq!(find_pre_digest(&two), Err(PreDigestError::Duplicate));
        let mut long = primary().encode();
        long.push(0);
        let trailing = Digest {
            logs: vec![DigestItem::PreRuntime(ENGINE_ID, long)],
        };
        assert_eq!(find_pre_digest(&trailing), Err(PreDigestError::Malformed));
        let slot_only = Digest {
            logs: vec![DigestItem::PreRuntime(ENGINE_ID, 5u64.encode())],
        };
        assert_eq!(find_pre_digest(&slot_only), Err(PreDigestError::Malformed));
    }

    proptest! {
        #[test]
        fn any_bytes_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(pre) = PreDigest::decode_exact(&bytes) {
                prop_assert_eq!(pre.encode(), bytes);
            }
        }
    }
}
