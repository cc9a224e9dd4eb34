//! `TypeInfo` for types whose metadata path must be Substrate's exactly
//! (clients look them up by path), written by hand because the derive can
//! only name the module a type is defined in.

/// Implements `TypeInfo` for a newtype over `$inner` with the given path.
macro_rules! newtype_type_info {
    ($ty:ty, $name:literal, $module:literal, $inner:ty, $inner_name:literal) => {
        impl scale_info::TypeInfo for $ty {
            type Identity = Self;
            fn type_info() -> scale_info::Type {
                scale_info::Type::builder()
                    .path(scale_info::Path::new($name, $module))
                    .composite(
                        scale_info::build::Fields::unnamed()
                            .field(|f| f.ty::<$inner>().type_name($inner_name)),
                    )
            }
        }
    };
}
pub(crate) use newtype_type_info;
