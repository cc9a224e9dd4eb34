//! SS58 addresses: `base58(prefix ++ key ++ blake2b-512("SS58PRE" ++ prefix ++ key)[..2])`.
//!
//! Prefixes below 64 take one byte, prefixes up to 16383 two bytes (Substrate's
//! mixed-bit layout); 46 and 47 are reserved and rejected.

use crate::hashing::blake2_512;
use crate::Error;

/// The generic Substrate prefix, EntroOS's default.
pub const DEFAULT_PREFIX: u16 = 42;
const CHECKSUM_LEN: usize = 2;
const KEY_LEN: usize = 32;

fn prefix_bytes(prefix: u16) -> Vec<u8> {
    if prefix < 64 {
        vec![prefix as u8]
    } else {
        let first = (((prefix & 0b0000_0000_1111_1100) as u8) >> 2) | 0b0100_0000;
        let second = ((prefix >> 8) as u8) | (((prefix & 0b11) as u8) << 6);
        vec![first, second]
    }
}

fn checksum(data: &[u8]) -> [u8; CHECKSUM_LEN] {
    let mut input = b"SS58PRE".to_vec();
    input.extend_from_slice(data);
    let hash = blake2_512(&input);
    [hash[0], hash[1]]
}

/// Encodes a 32-byte public key with a network prefix (must be below 16384).
pub fn encode(prefix: u16, key: &[u8; 32]) -> String {
    let mut data = prefix_bytes(prefix & 0b0011_1111_1111_1111);
    data.extend_from_slice(key);
    let sum = checksum(&data);
    data.extend_from_slice(&sum);
    bs58::encode(data).into_string()
}

/// Decodes an address into its prefix and 32-byte key, checking the checksum.
pub fn decode(address: &str) -> Result<(u16, [u8; 32]), Error> {
    let data = bs58::decode(address)
        .into_vec()
        .map_err(|_| Error::Ss58("not base58"))?;
    let (prefix, prefix_len): (u16, usize) = match data.first() {
        Some(&b) if b < 64 => (u16::from(b), 1),
        Some(&b) if b < 128 => {
            let second = *data.get(1).ok_or(Error::Ss58("too short"))?;
            let lower = (b << 2) | (second >> 6);
            let upper = second & 0b0011_1111;
            (u16::from(lower) | (u16::from(upper) << 8), 2)
        }
        _ => return Err(Error::Ss58("invalid prefix byte")),
    };
    if prefix == 46 || prefix == 47 {
        return Err(Error::Ss58("reserved prefix"));
    }
    if data.len() != prefix_len.saturating_add(KEY_LEN + CHECKSUM_LEN) {
        return Err(Error::Ss58("bad length"));
    }
    let (body, sum) = data.split_at(prefix_len.saturating_add(KEY_LEN));
    if checksum(body) != sum {
        return Err(Error::Ss58("bad checksum"));
    }
    let mut key = [0u8; KEY_LEN];
    key.copy_from_slice(body.get(prefix_len..).ok_or(Error::Ss58("bad length"))?);
    Ok((prefix, key))
}

/// Decodes an address and requires the given prefix.
pub fn decode_with_prefix(address: &str, expected: u16) -> Result<[u8; 32], Error> {
    let (found, key) = decode(address)?;
    if found != expected {
        return Err(Error::Ss58Prefix { expected, found });
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALICE: [u8; 32] =
        hex_literal("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");

    const fn hex_literal(s: &str) -> [u8; 32] {
        let b = s.as_bytes();
        let mut out = [0u8; 32];
        let mut i = 0;
        while i < 32 {
            out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
            i += 1;
        }
        out
    }
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            _ => c - b'a' + 10,
        }
    }

    #[test]
    fn alice_with_prefixes_42_0_2() {
        assert_eq!(
            encode(42, &ALICE),
            "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
        );
        assert_eq!(
            encode(0, &ALICE),
            "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5"
        );
        assert_eq!(
            encode(2, &ALICE),
            "HNZata7iMYWmk5RvZRTiAsSDhV8366zq2YGb3tLH5Upf74F"
        );
        assert_eq!(
            decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"),
            Ok((42, ALICE))
        );
    }

    #[test]
    fn rejects_bad_checksum_and_prefix() {
        assert_eq!(
            decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQZ"),
            Err(Error::Ss58("bad checksum"))
        );
        assert_eq!(decode("0OIl"), Err(Error::Ss58("not base58")));
        assert!(matches!(
            decode_with_prefix("15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5", 42),
            Err(Error::Ss58Prefix {
                expected: 42,
                found: 0
            })
        ));
    }

    proptest! {
        #[test]
        fn round_trips_every_prefix(prefix in 0u16..16384, key in any::<[u8; 32]>()) {
            prop_assume!(prefix != 46 && prefix != 47);
            prop_assert_eq!(decode(&encode(prefix, &key)), Ok((prefix, key)));
        }

        #[test]
        fn never_panics_on_garbage(s in "\\PC{0,80}") {
            let _ = decode(&s);
        }
    }
}
