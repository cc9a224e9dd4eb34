//! Bounded SCALE decoding of untrusted bytes.

use codec::{Compact, Decode, DecodeLimit, Input};
use entroos_primitives::MAX_DECODE_DEPTH;

/// The largest message the machine decodes (a justification of
/// [`crate::MAX_ANCESTRY`] small headers and `2 × MAX_VOTERS` votes fits).
pub const MAX_MESSAGE_BYTES: usize = 4 << 20;

/// A SCALE `Vec<T>` of at most `max` items; the length is checked before
/// anything is allocated.
pub(crate) fn decode_vec<T: Decode, I: Input>(
    input: &mut I,
    max: u32,
) -> Result<Vec<T>, codec::Error> {
    let Compact(len) = Compact::<u32>::decode(input)?;
    if len > max {
        return Err("too many items".into());
    }
    let mut items = Vec::with_capacity(len as usize);
    for _ in 0..len {
        items.push(T::decode(input)?);
    }
    Ok(items)
}

/// Decodes all of `bytes` as `T`, within [`MAX_MESSAGE_BYTES`] and the
/// nesting depth of untrusted SCALE.
pub(crate) fn decode_bounded<T: Decode>(bytes: &[u8]) -> Result<T, codec::Error> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err("message too large".into());
    }
    T::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &bytes[..])
}
