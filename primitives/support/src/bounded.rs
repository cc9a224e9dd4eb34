//! Bounded collections for storage: a `Vec` with a length bound fixed by a
//! type, encoded exactly like a `Vec` and described in the metadata as
//! Substrate's `bounded_collections::bounded_vec::BoundedVec<T, S>`.

use crate::storage::TypedGet;
use codec::{Decode, Encode, EncodeLike, Input};
use scale_info::{Path, Type, TypeInfo, TypeParameter};
use std::marker::PhantomData;

/// A bound of `N`, for [`BoundedVec`].
pub struct ConstU32<const N: u32>;

impl<const N: u32> TypedGet for ConstU32<N> {
    type Value = u32;
    fn get() -> u32 {
        N
    }
}

/// More items than a bound allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{len} items where at most {bound} are allowed")]
pub struct BoundError {
    /// How many items were given.
    pub len: usize,
    /// The most allowed.
    pub bound: u32,
}

/// A `Vec` of at most `S::get()` items.
pub struct BoundedVec<T, S>(Vec<T>, PhantomData<S>);

impl<T, S: TypedGet<Value = u32>> BoundedVec<T, S> {
    /// The bound.
    pub fn bound() -> u32 {
        S::get()
    }

    /// The items.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// The items, unbounded.
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn check(len: usize) -> Result<(), BoundError> {
        let bound = S::get();
        match u32::try_from(len) {
            Ok(n) if n <= bound => Ok(()),
            _ => Err(BoundError { len, bound }),
        }
    }
}

impl<T, S: TypedGet<Value = u32>> TryFrom<Vec<T>> for BoundedVec<T, S> {
    type Error = BoundError;
    fn try_from(items: Vec<T>) -> Result<Self, BoundError> {
        Self::check(items.len())?;
        Ok(BoundedVec(items, PhantomData))
    }
}

impl<T, S> Default for BoundedVec<T, S> {
    fn default() -> Self {
        BoundedVec(Vec::new(), PhantomData)
    }
}

impl<T: Clone, S> Clone for BoundedVec<T, S> {
    fn clone(&self) -> Self {
        BoundedVec(self.0.clone(), PhantomData)
    }
}

impl<T: std::fmt::Debug, S> std::fmt::Debug for BoundedVec<T, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BoundedVec").field(&self.0).finish()
    }
}

impl<T: PartialEq, S> PartialEq for BoundedVec<T, S> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Eq, S> Eq for BoundedVec<T, S> {}

impl<T: Encode, S> Encode for BoundedVec<T, S> {
    fn size_hint(&self) -> usize {
        self.0.size_hint()
    }
    fn encode_to<O: codec::Output + ?Sized>(&self, dest: &mut O) {
        self.0.encode_to(dest)
    }
}

impl<T: Encode, S> EncodeLike for BoundedVec<T, S> {}

/// Decoding refuses more items than the bound, as Substrate's does.
impl<T: Decode, S: TypedGet<Value = u32>> Decode for BoundedVec<T, S> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let len = codec::Compact::<u32>::decode(input)?.0;
        let len = usize::try_from(len).map_err(|_| codec::Error::from("length overflows"))?;
        Self::check(len).map_err(|_| codec::Error::from("more items than the bound"))?;
        let mut items = Vec::new();
        for _ in 0..len {
            items.push(T::decode(input)?);
        }
        Ok(BoundedVec(items, PhantomData))
    }
}

impl<T: TypeInfo + 'static, S: 'static> TypeInfo for BoundedVec<T, S> {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("BoundedVec", "bounded_collections::bounded_vec"))
            .type_params(vec![
                TypeParameter::new("T", Some(scale_info::meta_type::<T>())),
                TypeParameter::new("S", None),
            ])
            .composite(
                scale_info::build::Fields::unnamed()
                    .field(|f| f.ty::<Vec<T>>().type_name("Vec<T>")),
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Three = BoundedVec<u16, ConstU32<3>>;

    #[test]
    fn encodes_as_a_vec_and_refuses_more_than_the_bound() {
        let bounded = Three::try_from(vec![1, 2, 3]).unwrap();
        assert_eq!(bounded.encode(), vec![1u16, 2, 3].encode());
        assert_eq!(Three::decode(&mut &bounded.encode()[..]), Ok(bounded));
        assert_eq!(
            Three::try_from(vec![1, 2, 3, 4]),
            Err(BoundError { len: 4, bound: 3 })
        );
        assert!(Three::decode(&mut &vec![1u16, 2, 3, 4].encode()[..]).is_err());
        assert!(Three::decode(&mut &[0x0c, 1][..]).is_err(), "truncated");
        assert_eq!(Three::bound(), 3);
    }

    #[test]
    fn metadata_names_substrates_type() {
        let info = Three::type_info();
        assert_eq!(
            info.path.segments,
            ["bounded_collections", "bounded_vec", "BoundedVec"]
        );
        assert_eq!(info.type_params.len(), 2);
    }
}
