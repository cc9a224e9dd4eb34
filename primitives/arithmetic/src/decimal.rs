//! Decimal text for [`FixedU128`]: `"0.9"`, `"2"`, `"0.000000000000000001"`.
//!
//! Parsing is exact — at most 18 decimal places, never rounded — so a chain
//! spec means the same bits on every node. Display prints the shortest
//! exact form (no trailing zeros).

use crate::{Error, FixedU128};
use std::fmt;
use std::str::FromStr;

const DECIMALS: usize = 18;

fn digits_value(digits: &str) -> Result<u128, Error> {
    digits.chars().try_fold(0u128, |acc, c| {
        let digit = c.to_digit(10).ok_or(Error::InvalidCharacter(c))?;
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(digit)))
            .ok_or(Error::Overflow)
    })
}

impl FromStr for FixedU128 {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() || (s.contains('.') && fraction.is_empty()) {
            return Err(Error::Empty);
        }
        if fraction.len() > DECIMALS {
            return Err(Error::TooManyDecimals);
        }
        let padded = format!("{fraction:0<DECIMALS$}");
        let whole = digits_value(whole)?
            .checked_mul(FixedU128::DIV)
            .ok_or(Error::Overflow)?;
        let fraction = digits_value(&padded)?;
        whole
            .checked_add(fraction)
            .map(FixedU128)
            .ok_or(Error::Overflow)
    }
}

impl fmt::Display for FixedU128 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / FixedU128::DIV;
        let fraction = self.0 % FixedU128::DIV;
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let fraction = format!("{fraction:0>DECIMALS$}");
        write!(f, "{whole}.{}", fraction.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_exactly() {
        let parse = |s: &str| s.parse::<FixedU128>();
        assert_eq!(parse("0.9"), Ok(FixedU128(900_000_000_000_000_000)));
        assert_eq!(parse("2"), Ok(FixedU128::from_u32(2)));
        assert_eq!(parse("0.000000000000000001"), Ok(FixedU128(1)));
        assert_eq!(parse("1.50"), Ok(FixedU128(1_500_000_000_000_000_000)));
        assert_eq!(parse("0.0000000000000000001"), Err(Error::TooManyDecimals));
        assert_eq!(parse(""), Err(Error::Empty));
        assert_eq!(parse(".5"), Err(Error::Empty));
        assert_eq!(parse("1."), Err(Error::Empty));
        assert_eq!(parse("-1"), Err(Error::InvalidCharacter('-')));
        assert_eq!(parse("1e3"), Err(Error::InvalidCharacter('e')));
        assert_eq!(parse("1.2.3"), Err(Error::InvalidCharacter('.')));
        assert_eq!(parse("340282366920938463464"), Err(Error::Overflow));
        assert_eq!(
            parse("340282366920938463463.374607431768211455"),
            Ok(FixedU128(u128::MAX))
        );
        assert_eq!(
            parse("340282366920938463463.374607431768211456"),
            Err(Error::Overflow)
        );
    }

    #[test]
    fn displays_shortest_exact_form() {
        assert_eq!(FixedU128(900_000_000_000_000_000).to_string(), "0.9");
        assert_eq!(FixedU128::from_u32(3).to_string(), "3");
        assert_eq!(FixedU128(1).to_string(), "0.000000000000000001");
        assert_eq!(FixedU128::zero().to_string(), "0");
    }

    proptest! {
        #[test]
        fn display_round_trips(inner in any::<u128>()) {
            let text = FixedU128(inner).to_string();
            prop_assert_eq!(text.parse::<FixedU128>(), Ok(FixedU128(inner)));
        }
    }
}
