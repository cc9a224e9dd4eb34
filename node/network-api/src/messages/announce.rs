//! Block announcements, in Substrate's shape: `header ++ state ++ data`,
//! where `state` is `0` (normal) or `1` (the sender's new best block) and
//! `data` is a byte string, always empty here. Like Substrate, a missing
//! state reads as best and missing data as empty; data up to
//! [`MAX_ANNOUNCE_DATA_BYTES`] is accepted and dropped.

use crate::bounded::{DecodeError, Reader, MAX_ANNOUNCE_BYTES, MAX_ANNOUNCE_DATA_BYTES};
use codec::{Encode, Output};
use entroos_primitives::Header;

/// A block announcement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockAnnounce {
    /// The announced block's header.
    pub header: Header,
    /// Whether it is the sender's new best block.
    pub is_best: bool,
}

impl Encode for BlockAnnounce {
    fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
        self.header.encode_to(dest);
        u8::from(self.is_best).encode_to(dest);
        Vec::<u8>::new().encode_to(dest);
    }
}

impl BlockAnnounce {
    /// Decodes an announcement from untrusted bytes.
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut reader = Reader::new("block announce", bytes, MAX_ANNOUNCE_BYTES)?;
        let header: Header = reader.item()?;
        let is_best = match reader.is_empty() {
            true => true,
            false => match reader.item::<u8>()? {
                0 => false,
                1 => true,
                other => {
                    return Err(DecodeError::Malformed {
                        what: "block announce",
                        reason: format!("block state {other}"),
                    })
                }
            },
        };
        if !reader.is_empty() {
            reader.bytes("announce data", MAX_ANNOUNCE_DATA_BYTES)?;
        }
        reader.finish()?;
        Ok(BlockAnnounce { header, is_best })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::H256;

    fn header() -> Header {
        Header {
            parent_hash: H256([1; 32]),
            number: 7,
            ..Default::default()
        }
    }

    #[test]
    fn encodes_state_and_empty_data_after_the_header() {
        let announce = BlockAnnounce {
            header: header(),
            is_best: true,
        };
        let bytes = announce.encode();
        let mut expected = header().encode();
        expected.extend([1, 0]);
        assert_eq!(bytes, expected);
        assert_eq!(BlockAnnounce::decode_bounded(&bytes), Ok(announce));
    }

    #[test]
    fn tolerates_substrates_optional_fields() {
        let bare = header().encode();
        assert!(BlockAnnounce::decode_bounded(&bare).unwrap().is_best);
        let mut normal = header().encode();
        normal.push(0);
        assert!(!BlockAnnounce::decode_bounded(&normal).unwrap().is_best);
        let mut with_data = header().encode();
        with_data.extend([1, 8, 0xaa, 0xbb]);
        assert!(BlockAnnounce::decode_bounded(&with_data).is_ok());
    }

    #[test]
    fn refuses_bad_state_large_data_and_leftovers() {
        let mut bad_state = header().encode();
        bad_state.push(2);
        assert!(BlockAnnounce::decode_bounded(&bad_state).is_err());
        let mut large = header().encode();
        large.push(1);
        large.extend(codec::Compact(2_000u32).encode());
        large.extend(vec![0; 2_000]);
        assert!(matches!(
            BlockAnnounce::decode_bounded(&large),
            Err(DecodeError::TooMany { .. })
        ));
        let mut leftover = header().encode();
        leftover.extend([1, 0, 9]);
        assert!(matches!(
            BlockAnnounce::decode_bounded(&leftover),
            Err(DecodeError::TrailingBytes { .. })
        ));
    }
}
