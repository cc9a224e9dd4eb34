//! Decoding untrusted bytes with explicit limits: a byte cap checked before
//! anything is read, item counts checked before anything is allocated, a
//! nesting depth limit, and no bytes left over.

use codec::{Compact, Decode, DecodeLimit};

/// The deepest nesting accepted inside a message (headers, digests).
pub const MAX_DECODE_DEPTH: u32 = 64;
/// The largest handshake ([`crate::Status`] is 69 bytes).
pub const MAX_STATUS_BYTES: usize = 256;
/// The largest block announcement.
pub const MAX_ANNOUNCE_BYTES: usize = 64 * 1024;
/// The largest announcement data accepted (and dropped) after the header.
pub const MAX_ANNOUNCE_DATA_BYTES: usize = 1024;
/// The largest block request.
pub const MAX_REQUEST_BYTES: usize = 256;
/// The most blocks in one response.
pub const MAX_BLOCKS_PER_RESPONSE: u32 = 128;
/// The largest block response.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// The most extrinsics in one block body.
pub const MAX_EXTRINSICS_PER_BLOCK: u32 = 65_536;
/// The largest justification.
pub const MAX_JUSTIFICATION_BYTES: usize = 1024 * 1024;
/// The most transactions in one gossip message.
pub const MAX_TRANSACTIONS_PER_MESSAGE: u32 = 8_192;
/// The largest transactions gossip message.
pub const MAX_TRANSACTIONS_BYTES: usize = 16 * 1024 * 1024;

/// Why a message is refused. Every variant is the sender's fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The message is longer than its kind allows.
    #[error("{what} of {len} bytes exceeds {max}")]
    TooLarge {
        /// The message kind.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A sequence declares more items than allowed.
    #[error("{what}: {count} items exceed the limit of {max}")]
    TooMany {
        /// The sequence.
        what: &'static str,
        /// The declared count.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// The bytes are not valid SCALE for the message.
    #[error("{what}: malformed: {reason}")]
    Malformed {
        /// The message or field.
        what: &'static str,
        /// The decoder's message.
        reason: String,
    },
    /// Bytes remain after the message.
    #[error("{what}: {count} bytes left over")]
    TrailingBytes {
        /// The message kind.
        what: &'static str,
        /// How many.
        count: usize,
    },
    /// A block request asks for attributes this node does not know.
    #[error("unknown block attribute bits {0:#04x}")]
    UnknownAttributes(u8),
}

/// Refuses `bytes` longer than `max`.
pub(crate) fn check_len(what: &'static str, bytes: &[u8], max: usize) -> Result<(), DecodeError> {
    if bytes.len() > max {
        return Err(DecodeError::TooLarge {
            what,
            len: bytes.len(),
            max,
        });
    }
    Ok(())
}

/// A whole message of a type without unbounded sequences.
pub(crate) fn decode_whole<T: Decode>(
    what: &'static str,
    bytes: &[u8],
    max: usize,
) -> Result<T, DecodeError> {
    check_len(what, bytes, max)?;
    let mut input = bytes;
    T::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut input).map_err(|e| malformed(what, e))
}

fn malformed(what: &'static str, e: codec::Error) -> DecodeError {
    DecodeError::Malformed {
        what,
        reason: e.to_string(),
    }
}

/// A cursor over untrusted bytes whose length was checked.
pub(crate) struct Reader<'a> {
    what: &'static str,
    input: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, refused if longer than `max`.
    pub(crate) fn new(
        what: &'static str,
        bytes: &'a [u8],
        max: usize,
    ) -> Result<Self, DecodeError> {
        check_len(what, bytes, max)?;
        Ok(Reader { what, input: bytes })
    }

    /// One item without unbounded sequences of its own (depth-limited).
    pub(crate) fn item<T: Decode>(&mut self) -> Result<T, DecodeError> {
        T::decode_with_depth_limit(MAX_DECODE_DEPTH, &mut self.input)
            .map_err(|e| malformed(self.what, e))
    }

    /// A sequence length, refused above `max` before anything is allocated.
    pub(crate) fn count(&mut self, what: &'static str, max: u32) -> Result<u32, DecodeError> {
        let Compact(count) = self.item::<Compact<u32>>()?;
        if count > max {
            return Err(DecodeError::TooMany {
                what,
                count: u64::from(count),
                max: u64::from(max),
            });
        }
        Ok(count)
    }

    /// A length-prefixed byte string of at most `max` bytes.
    pub(crate) fn bytes(&mut self, what: &'static str, max: usize) -> Result<Vec<u8>, DecodeError> {
        let limit = u32::try_from(max).unwrap_or(u32::MAX);
        let len = usize::try_from(self.count(what, limit)?).unwrap_or(usize::MAX);
        if len > self.input.len() {
            return Err(DecodeError::Malformed {
                what,
                reason: format!("{len} bytes declared, {} left", self.input.len()),
            });
        }
        let (head, rest) = self.input.split_at(len);
        self.input = rest;
        Ok(head.to_vec())
    }

    /// An `Option` whose content is read by `read`.
    pub(crate) fn option<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        match self.item::<u8>()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            tag => Err(DecodeError::Malformed {
                what: self.what,
                reason: format!("option tag {tag}"),
            }),
        }
    }

    /// Whether every byte was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// Refuses bytes left over.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        match self.input.len() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes {
                what: self.what,
                count,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::Encode;

    #[test]
    fn counts_are_checked_before_allocation() {
        let bytes = Compact(u32::MAX).encode();
        let mut reader = Reader::new("test", &bytes, 16).unwrap();
        assert_eq!(
            reader.count("items", 10),
            Err(DecodeError::TooMany {
                what: "items",
                count: u64::from(u32::MAX),
                max: 10
            })
        );
    }

    #[test]
    fn byte_strings_cannot_overrun() {
        let bytes = Compact(5u32).encode();
        let mut reader = Reader::new("test", &bytes, 16).unwrap();
        assert!(matches!(
            reader.bytes("data", 100),
            Err(DecodeError::Malformed { .. })
        ));
    }

    #[test]
    fn leftovers_and_oversize_are_refused() {
        assert!(matches!(
            decode_whole::<u8>("byte", &[1, 2], 8),
            Err(DecodeError::Malformed { .. })
        ));
        assert_eq!(
            decode_whole::<u8>("byte", &[1, 2], 1),
            Err(DecodeError::TooLarge {
                what: "byte",
                len: 2,
                max: 1
            })
        );
        let reader = Reader::new("test", &[0], 1).unwrap();
        assert_eq!(
            reader.finish(),
            Err(DecodeError::TrailingBytes {
                what: "test",
                count: 1
            })
        );
    }
}
