//! The lifetime of a transaction: immortal, or valid for `period` blocks from
//! the block whose number is congruent to `phase` modulo `period`.

use codec::{Decode, Encode, Input, Output};
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo};
use std::sync::OnceLock;

/// `sp_runtime::generic::Era`: one byte `0` when immortal, else two bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    /// Valid forever (replay protection by nonce only).
    Immortal,
    /// Valid from its birth block for `period` blocks.
    Mortal {
        /// A power of two in `4..=65536`.
        period: u64,
        /// The birth block's number modulo `period` (quantized).
        phase: u64,
    },
}

impl Era {
    /// A mortal era of at least `period` blocks, born at or before `current`.
    pub fn mortal(period: u64, current: u64) -> Era {
        let period = period
            .checked_next_power_of_two()
            .unwrap_or(1 << 16)
            .clamp(4, 1 << 16);
        let phase = current.checked_rem(period).unwrap_or(0);
        let quantize_factor = (period >> 12).max(1);
        let phase = phase
            .checked_div(quantize_factor)
            .unwrap_or(0)
            .saturating_mul(quantize_factor);
        Era::Mortal { period, phase }
    }

    /// The first block at which a transaction of this era, seen at `current`, is valid.
    pub fn birth(self, current: u64) -> u64 {
        match self {
            Era::Immortal => 0,
            Era::Mortal { period, phase } => {
                let since_phase = current.max(phase).saturating_sub(phase);
                let periods = since_phase.checked_div(period).unwrap_or(0);
                periods.saturating_mul(period).saturating_add(phase)
            }
        }
    }

    /// The first block at which it is no longer valid.
    pub fn death(self, current: u64) -> u64 {
        match self {
            Era::Immortal => u64::MAX,
            Era::Mortal { period, .. } => self.birth(current).saturating_add(period),
        }
    }
}

impl Encode for Era {
    fn encode_to<T: Output + ?Sized>(&self, dest: &mut T) {
        match *self {
            Era::Immortal => dest.push_byte(0),
            Era::Mortal { period, phase } => {
                let quantize_factor = (period >> 12).max(1);
                let low = u64::from(period.trailing_zeros())
                    .saturating_sub(1)
                    .clamp(1, 15);
                let encoded = low | (phase.checked_div(quantize_factor).unwrap_or(0) << 4);
                (encoded as u16).encode_to(dest);
            }
        }
    }
}

impl Decode for Era {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let first = input.read_byte()?;
        if first == 0 {
            return Ok(Era::Immortal);
        }
        let encoded = u64::from(first) | (u64::from(input.read_byte()?) << 8);
        let period = 2u64 << (encoded % (1 << 4));
        let quantize_factor = (period >> 12).max(1);
        let phase = (encoded >> 4).saturating_mul(quantize_factor);
        if period >= 4 && phase < period {
            Ok(Era::Mortal { period, phase })
        } else {
            Err("Invalid period and phase".into())
        }
    }
}

impl codec::EncodeLike for Era {}

/// Substrate describes `Era` as 256 variants: `Immortal` and `Mortal1..=255(u8)`,
/// the first byte selecting the variant.
impl TypeInfo for Era {
    type Identity = Self;
    fn type_info() -> Type {
        static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
        let names = NAMES.get_or_init(|| {
            (1..=255u8)
                .map(|i| &*Box::leak(format!("Mortal{i}").into_boxed_str()))
                .collect()
        });
        let mut variants = Variants::new().variant("Immortal", |v| v.index(0));
        for (index, name) in (1..=255u8).zip(names.iter()) {
            variants = variants.variant(*name, |v| {
                v.index(index)
                    .fields(Fields::unnamed().field(|f| f.ty::<u8>()))
            });
        }
        Type::builder()
            .path(Path::new("Era", "sp_runtime::generic::era"))
            .variant(variants)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vectors_from_substrate() {
        assert_eq!(Era::mortal(64, 42).encode(), vec![0xa5, 0x02]);
        assert_eq!(Era::Immortal.encode(), vec![0]);
        let e = Era::mortal(32768, 20000);
        let expected: u16 = 14 | (2500 << 4);
        assert_eq!(e.encode(), expected.to_le_bytes().to_vec());
        assert_eq!(
            Era::decode(&mut &[0xa5u8, 0x02][..]).unwrap(),
            Era::Mortal {
                period: 64,
                phase: 42
            }
        );
    }

    #[test]
    fn birth_and_death() {
        let e = Era::mortal(64, 42);
        assert_eq!(e.birth(42), 42);
        assert_eq!(e.birth(100), 42);
        assert_eq!(e.birth(106), 106);
        assert_eq!(e.death(100), 106);
        assert_eq!(Era::Immortal.birth(1000), 0);
    }

    #[test]
    fn rejects_phase_beyond_period() {
        // period 4 (low bits 1), phase 15: invalid
        assert!(Era::decode(&mut &[0xf1u8, 0x00][..]).is_err());
    }

    proptest! {
        #[test]
        fn round_trip(period in 4u64..=65536, current in 0u64..1_000_000) {
            let e = Era::mortal(period, current);
            prop_assert_eq!(Era::decode(&mut &e.encode()[..]).unwrap(), e);
        }

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4)) {
            let _ = Era::decode(&mut &bytes[..]);
        }
    }
}
