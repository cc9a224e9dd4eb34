//! The crate's error.

/// Why a decimal string is not a [`FixedU128`](crate::FixedU128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Nothing before or after the point.
    #[error("empty decimal")]
    Empty,
    /// A character other than a digit or one point.
    #[error("invalid character in decimal: {0:?}")]
    InvalidCharacter(char),
    /// More than 18 digits after the point: the value is not representable.
    #[error("more than 18 decimal places")]
    TooManyDecimals,
    /// Larger than the largest `FixedU128`.
    #[error("decimal too large")]
    Overflow,
}
