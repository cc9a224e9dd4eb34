//! Test runtimes for pallets' unit tests and benches, as FRAME's
//! `config_preludes::TestDefaultConfig` is for Substrate's:
//!
//! - [`test_events!`](crate::test_events) declares a runtime event enum
//!   over the pallets' events, with the `From` conversions each pallet's
//!   `RuntimeEvent` bound asks for;
//! - [`impl_test_system_config!`](crate::impl_test_system_config)
//!   implements System's `Config` with test values (block hash count 250,
//!   SS58 prefix 42, default block weights and length, one unit per
//!   database read and write).
//!
//! Nothing here is compiled into a runtime unless a test names it.

use entroos_primitives::version::RuntimeVersion;

/// The runtime version of a test runtime named `name`.
pub fn test_version(name: &str) -> RuntimeVersion {
    RuntimeVersion {
        spec_name: name.into(),
        impl_name: name.into(),
        authoring_version: 1,
        spec_version: 1,
        impl_version: 1,
        apis: vec![],
        transaction_version: 1,
        system_version: 1,
    }
}

/// Declares a test runtime's event enum, e.g.
/// `test_events!(pub TestEvent { System(pallet_system::Event), Balances(crate::Event) })`.
#[macro_export]
macro_rules! test_events {
    ($vis:vis $name:ident { $($variant:ident($event:ty)),+ $(,)? }) => {
        #[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode, scale_info::TypeInfo)]
        $vis enum $name {
            $($variant($event)),+
        }
        $(
            impl From<$event> for $name {
                fn from(e: $event) -> Self {
                    $name::$variant(e)
                }
            }
        )+
    };
}

/// Implements System's `Config` for the test runtime `$runtime`, with
/// events `$event`, account data `$data` and the version name `$name`.
#[macro_export]
macro_rules! impl_test_system_config {
    ($runtime:ty, $event:ty, $data:ty, $name:literal) => {
        impl $crate::Config for $runtime {
            type RuntimeEvent = $event;
            type AccountData = $data;
            const BLOCK_HASH_COUNT: u32 = 250;
            const SS58_PREFIX: u16 = 42;
            fn version() -> entroos_primitives::version::RuntimeVersion {
                $crate::testing::test_version($name)
            }
            fn block_weights() -> $crate::BlockWeights {
                $crate::BlockWeights::default()
            }
            fn block_length() -> $crate::BlockLength {
                $crate::BlockLength::default()
            }
            fn db_weight() -> entroos_primitives::weights::RuntimeDbWeight {
                entroos_primitives::weights::RuntimeDbWeight { read: 1, write: 1 }
            }
        }
    };
}
