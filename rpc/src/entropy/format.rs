//! Exact renderings of fixed-point values: integers and decimal strings,
//! never floats.

use entroos_primitives::arithmetic::{FixedU128, Perbill};

/// Parts per billion in one.
const BILLION: u128 = 1_000_000_000;

/// `value` in parts per billion, rounded down (saturating at `u64::MAX`).
pub fn fixed_ppb(value: FixedU128) -> u64 {
    let ppb = value.into_inner() / (FixedU128::DIV / BILLION);
    u64::try_from(ppb).unwrap_or(u64::MAX)
}

/// `value` as a decimal with all 18 places, e.g. `0.500000000000000000`.
pub fn fixed_decimal(value: FixedU128) -> String {
    let inner = value.into_inner();
    let (whole, fraction) = (inner / FixedU128::DIV, inner % FixedU128::DIV);
    format!("{whole}.{fraction:018}")
}

/// `value` as a decimal with all 9 places, e.g. `0.250000000`.
pub fn perbill_decimal(value: Perbill) -> String {
    let parts = value.deconstruct();
    let (whole, fraction) = (parts / 1_000_000_000, parts % 1_000_000_000);
    format!("{whole}.{fraction:09}")
}

/// Declared free text: its UTF-8 (lossy), or `None` if nothing was declared.
pub fn declared(bytes: &[u8]) -> Option<String> {
    (!bytes.is_empty()).then(|| String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_renders_exactly() {
        let half = FixedU128::from_inner(FixedU128::DIV / 2);
        assert_eq!(fixed_decimal(half), "0.500000000000000000");
        assert_eq!(fixed_ppb(half), 500_000_000);
        assert_eq!(fixed_decimal(FixedU128::one()), "1.000000000000000000");
        assert_eq!(fixed_ppb(FixedU128::from_inner(999_999_999)), 0);
        assert_eq!(fixed_ppb(FixedU128::from_inner(u128::MAX)), u64::MAX);
        assert_eq!(
            perbill_decimal(Perbill::from_parts(250_000_000)),
            "0.250000000"
        );
        assert_eq!(perbill_decimal(Perbill::one()), "1.000000000");
        assert_eq!(declared(b""), None);
        assert_eq!(declared(b"zone-a").as_deref(), Some("zone-a"));
    }
}
