//! Origins, typed pallet errors and per-call dispatch information.

use entroos_primitives::dispatch::{DispatchError, DispatchInfo, ModuleError};
use entroos_primitives::AccountId32;

/// Who is making a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawOrigin {
    /// The runtime itself (governance, genesis, sudo-like paths).
    Root,
    /// An account that signed the extrinsic.
    Signed(AccountId32),
    /// No one: inherents and unsigned extrinsics.
    None,
}

/// The signer, or `BadOrigin`.
pub fn ensure_signed(origin: &RawOrigin) -> Result<AccountId32, DispatchError> {
    match origin {
        RawOrigin::Signed(who) => Ok(*who),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// Ok for root, else `BadOrigin`.
pub fn ensure_root(origin: &RawOrigin) -> Result<(), DispatchError> {
    match origin {
        RawOrigin::Root => Ok(()),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// Ok for no origin, else `BadOrigin`.
pub fn ensure_none(origin: &RawOrigin) -> Result<(), DispatchError> {
    match origin {
        RawOrigin::None => Ok(()),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// A pallet's error enum: each variant becomes `DispatchError::Module`.
pub trait PalletError: codec::Encode + Copy + std::fmt::Debug {
    /// The variant's name, as the metadata lists it.
    fn name(&self) -> &'static str;

    /// The dispatch error for this pallet error at pallet index `index`.
    fn into_module_error(self, index: u8) -> DispatchError {
        let mut error = [0u8; 4];
        let encoded = self.encode();
        for (dst, src) in error.iter_mut().zip(encoded.iter()) {
            *dst = *src;
        }
        DispatchError::Module(ModuleError {
            index,
            error,
            message: Some(self.name()),
        })
    }
}

/// Declares a pallet error enum with the derives and [`PalletError`] it needs.
#[macro_export]
macro_rules! pallet_error {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
        $vis enum $name { $($(#[$vmeta])* $variant,)* }

        impl $crate::dispatch::PalletError for $name {
            fn name(&self) -> &'static str {
                match self { $(Self::$variant => stringify!($variant),)* }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::dispatch::PalletError::name(self))
            }
        }
    };
}

/// A call that knows its weight, class and fee rule before dispatch.
pub trait GetDispatchInfo {
    /// The call's dispatch information.
    fn get_dispatch_info(&self) -> DispatchInfo;
}

#[cfg(test)]
mod tests {
    use super::*;

    pallet_error! {
        /// Test errors.
        pub enum TestError {
            /// First.
            First,
            /// Second.
            Second,
        }
    }

    #[test]
    fn module_errors_carry_index_and_variant() {
        let err = TestError::Second.into_module_error(4);
        assert_eq!(
            err,
            DispatchError::Module(ModuleError {
                index: 4,
                error: [1, 0, 0, 0],
                message: Some("Second")
            })
        );
        assert_eq!(
            ensure_signed(&RawOrigin::Root),
            Err(DispatchError::BadOrigin)
        );
    }
}
