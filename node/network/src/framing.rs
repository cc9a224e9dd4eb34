//! Length-prefixed frames: an unsigned LEB128 length, then the bytes
//! (Substrate's framing for handshakes, notifications, requests and
//! responses). A length above the reader's limit is refused before any
//! byte of the payload is read or allocated.

use futures::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::io;

/// The longest LEB128 encoding of a `u64`.
const MAX_VARINT_BYTES: usize = 10;

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FrameError {
    /// The stream ended cleanly before a new frame.
    #[error("the substream closed")]
    Closed,
    /// The announced length exceeds the limit.
    #[error("frame of {size} bytes, limit {max}")]
    TooLarge { size: u64, max: usize },
    /// The length prefix is not a valid varint.
    #[error("malformed length prefix")]
    BadLength,
    /// The stream failed.
    #[error("io: {0}")]
    Io(#[from] io::Error),
}

/// Writes one frame and flushes.
pub(crate) async fn write_frame<W: AsyncWrite + Unpin>(w: &mut W, bytes: &[u8]) -> io::Result<()> {
    let mut prefix = [0u8; MAX_VARINT_BYTES];
    let len = encode_varint(bytes.len() as u64, &mut prefix);
    w.write_all(prefix.get(..len).unwrap_or_default()).await?;
    w.write_all(bytes).await?;
    w.flush().await
}

/// Reads one frame of at most `max` bytes.
pub(crate) async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    max: usize,
) -> Result<Vec<u8>, FrameError> {
    let size = read_varint(r).await?;
    if size > max as u64 {
        return Err(FrameError::TooLarge { size, max });
    }
    let mut buf = vec![0u8; size as usize];
    r.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn read_varint<R: AsyncRead + Unpin>(r: &mut R) -> Result<u64, FrameError> {
    let mut value: u64 = 0;
    for i in 0..MAX_VARINT_BYTES {
        let mut byte = [0u8; 1];
        if r.read(&mut byte).await? == 0 {
            return Err(if i == 0 {
                FrameError::Closed
            } else {
                FrameError::Io(io::ErrorKind::UnexpectedEof.into())
            });
        }
        let bits = u64::from(byte[0] & 0x7f);
        let shift = 7 * i as u32;
        value |= bits
            .checked_shl(shift)
            .filter(|v| v >> shift == bits)
            .ok_or(FrameError::BadLength)?;
        if byte[0] & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(FrameError::BadLength)
}

fn encode_varint(mut value: u64, out: &mut [u8; MAX_VARINT_BYTES]) -> usize {
    let mut len = 0;
    for slot in out.iter_mut() {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        len += 1;
        if value == 0 {
            *slot = byte;
            break;
        }
        *slot = byte | 0x80;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::io::Cursor;

    fn roundtrip(payload: &[u8], max: usize) -> Result<Vec<u8>, FrameError> {
        let mut buf = Cursor::new(Vec::new());
        block_on(write_frame(&mut buf, payload)).expect("write to memory");
        buf.set_position(0);
        block_on(read_frame(&mut buf, max))
    }

    #[test]
    fn frames_round_trip() {
        for len in [0usize, 1, 127, 128, 300, 70_000] {
            let payload = vec![7u8; len];
            assert_eq!(roundtrip(&payload, 70_000).expect("read"), payload);
        }
    }

    #[test]
    fn oversized_frame_is_refused_before_reading() {
        assert!(matches!(
            roundtrip(&[1u8; 200], 100),
            Err(FrameError::TooLarge {
                size: 200,
                max: 100
            })
        ));
    }

    #[test]
    fn empty_stream_is_closed_and_garbage_is_refused() {
        let mut empty = Cursor::new(Vec::<u8>::new());
        assert!(matches!(
            block_on(read_frame(&mut empty, 10)),
            Err(FrameError::Closed)
        ));
        let mut endless = Cursor::new(vec![0xffu8; 11]);
        assert!(matches!(
            block_on(read_frame(&mut endless, 10)),
            Err(FrameError::BadLength)
        ));
        let mut truncated = Cursor::new(vec![5u8, 1, 2]);
        assert!(matches!(
            block_on(read_frame(&mut truncated, 10)),
            Err(FrameError::Io(_))
        ));
    }

    proptest::proptest! {
        /// Every frame begins a peer's bytes on a substream: whatever they
        /// are, reading never panics, never yields more than the limit, and
        /// what it yields is exactly the bytes after the length prefix.
        #[test]
        fn random_bytes_never_pass_the_limit(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96),
            max in 0usize..64,
        ) {
            let mut input = Cursor::new(bytes.clone());
            if let Ok(frame) = block_on(read_frame(&mut input, max)) {
                proptest::prop_assert!(frame.len() <= max);
                let end = usize::try_from(input.position()).unwrap();
                proptest::prop_assert_eq!(&bytes[end - frame.len()..end], &frame[..]);
            }
        }
    }

    #[test]
    fn varint_matches_leb128() {
        let mut out = [0u8; MAX_VARINT_BYTES];
        assert_eq!(encode_varint(300, &mut out), 2);
        assert_eq!(&out[..2], &[0xac, 0x02]);
        assert_eq!(encode_varint(u64::MAX, &mut out), 10);
    }
}
