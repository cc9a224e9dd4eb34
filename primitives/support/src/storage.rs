//! Typed storage items keyed exactly like FRAME:
//! value `twox128(pallet) ++ twox128(item)`, map `… ++ H(SCALE(k))`,
//! double map `… ++ H1(SCALE(k1)) ++ H2(SCALE(k2))`.
//!
//! Each item is a type alias over [`StorageValue`], [`StorageMap`] or
//! [`StorageDoubleMap`] with a [`StorageInstance`] naming it, and a query kind:
//! [`ValueQuery`] reads a missing value as `Default`, [`OptionQuery`] as `None`.
//! Values that fail to decode read as missing: state is only written by the
//! runtime itself, so that means corruption, and must not crash the node.

use crate::state::Externalities;
use codec::{Decode, DecodeAll, DecodeLimit, Encode, FullCodec};
use entroos_primitives::hashing::{storage_prefix, StorageHasher, StorageHasherKind};
use entroos_primitives::MAX_DECODE_DEPTH;
use frame_metadata::v14::{
    StorageEntryMetadata, StorageEntryModifier, StorageEntryType, StorageHasher as MetaHasher,
};
use scale_info::form::MetaForm;
use scale_info::{meta_type, TypeInfo};
use std::marker::PhantomData;

/// Names a storage item: its pallet prefix and item name.
pub trait StorageInstance {
    /// The pallet's storage prefix (its name in the runtime).
    const PALLET: &'static str;
    /// The item's name.
    const ITEM: &'static str;
}

/// Declares a [`StorageInstance`].
#[macro_export]
macro_rules! storage_instance {
    ($vis:vis $name:ident, $pallet:expr, $item:literal) => {
        #[doc = concat!("The storage instance of `", $item, "`.")]
        $vis struct $name;
        impl $crate::storage::StorageInstance for $name {
            const PALLET: &'static str = $pallet;
            const ITEM: &'static str = $item;
        }
    };
}

/// How a missing value reads.
pub trait QueryKind<V> {
    /// What a read returns.
    type Query;
    /// The metadata modifier.
    const MODIFIER: StorageEntryModifier;
    /// The read result for a stored (or missing) value.
    fn from_optional(value: Option<V>) -> Self::Query;
    /// The value to store (`None` deletes).
    fn to_optional(query: Self::Query) -> Option<V>;
    /// The SCALE bytes clients decode a missing value as.
    fn default_bytes() -> Vec<u8>;
}

/// A missing value reads as `V::default()`; storing the default deletes it.
pub struct ValueQuery;
/// A missing value reads as `None`.
pub struct OptionQuery;

impl<V: Default + Encode + PartialEq> QueryKind<V> for ValueQuery {
    type Query = V;
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Default;
    fn from_optional(value: Option<V>) -> V {
        value.unwrap_or_default()
    }
    fn to_optional(query: V) -> Option<V> {
        Some(query)
    }
    fn default_bytes() -> Vec<u8> {
        V::default().encode()
    }
}

impl<V: Encode> QueryKind<V> for OptionQuery {
    type Query = Option<V>;
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Optional;
    fn from_optional(value: Option<V>) -> Option<V> {
        value
    }
    fn to_optional(query: Option<V>) -> Option<V> {
        query
    }
    fn default_bytes() -> Vec<u8> {
        Option::<V>::None.encode()
    }
}

/// A constant supplied by a type, for [`ValueQueryWith`].
pub trait TypedGet {
    /// The value's type.
    type Value;
    /// The value.
    fn get() -> Self::Value;
}

/// Like [`ValueQuery`], but a missing value reads as `D::get()`.
pub struct ValueQueryWith<D>(PhantomData<D>);

impl<V: Encode, D: TypedGet<Value = V>> QueryKind<V> for ValueQueryWith<D> {
    type Query = V;
    const MODIFIER: StorageEntryModifier = StorageEntryModifier::Default;
    fn from_optional(value: Option<V>) -> V {
        value.unwrap_or_else(D::get)
    }
    fn to_optional(query: V) -> Option<V> {
        Some(query)
    }
    fn default_bytes() -> Vec<u8> {
        D::get().encode()
    }
}

/// Reads and decodes the value at a raw key (malformed reads as missing).
pub fn get_raw<V: Decode>(ext: &dyn Externalities, key: &[u8]) -> Option<V> {
    let bytes = ext.get(key)?;
    V::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &bytes[..]).ok()
}

fn meta_hasher(kind: StorageHasherKind) -> MetaHasher {
    match kind {
        StorageHasherKind::Blake2_128 => MetaHasher::Blake2_128,
        StorageHasherKind::Blake2_256 => MetaHasher::Blake2_256,
        StorageHasherKind::Blake2_128Concat => MetaHasher::Blake2_128Concat,
        StorageHasherKind::Twox128 => MetaHasher::Twox128,
        StorageHasherKind::Twox256 => MetaHasher::Twox256,
        StorageHasherKind::Twox64Concat => MetaHasher::Twox64Concat,
        StorageHasherKind::Identity => MetaHasher::Identity,
    }
}

fn write<V: Encode, Q: QueryKind<V>>(ext: &mut dyn Externalities, key: &[u8], query: Q::Query) {
    match Q::to_optional(query) {
        Some(v) => ext.set(key, v.encode()),
        None => ext.clear(key),
    }
}

/// Describes a storage entry for the metadata.
pub trait StorageEntry {
    /// The entry's metadata, with its documentation.
    fn metadata(docs: Vec<&'static str>) -> StorageEntryMetadata<MetaForm>;
}

/// A single value.
pub struct StorageValue<P, V, Q = OptionQuery>(PhantomData<(P, V, Q)>);

impl<P: StorageInstance, V: FullCodec, Q: QueryKind<V>> StorageValue<P, V, Q> {
    /// The storage key.
    pub fn key() -> [u8; 32] {
        storage_prefix(P::PALLET, P::ITEM)
    }
    /// Reads the value.
    pub fn get(ext: &dyn Externalities) -> Q::Query {
        Q::from_optional(get_raw(ext, &Self::key()))
    }
    /// Writes the value.
    pub fn put(ext: &mut dyn Externalities, value: &V) {
        ext.set(&Self::key(), value.encode());
    }
    /// Writes a query result (`None` under [`OptionQuery`] deletes).
    pub fn set(ext: &mut dyn Externalities, query: Q::Query) {
        write::<V, Q>(ext, &Self::key(), query)
    }
    /// Deletes the value.
    pub fn kill(ext: &mut dyn Externalities) {
        ext.clear(&Self::key());
    }
    /// Whether a value is stored.
    pub fn exists(ext: &dyn Externalities) -> bool {
        ext.exists(&Self::key())
    }
    /// Reads, changes and writes back the value.
    pub fn mutate<R>(ext: &mut dyn Externalities, f: impl FnOnce(&mut Q::Query) -> R) -> R {
        let mut value = Self::get(ext);
        let result = f(&mut value);
        Self::set(ext, value);
        result
    }
    /// Appends an item to a stored `Vec` without decoding it.
    pub fn append<Item: Encode>(ext: &mut dyn Externalities, item: &Item) {
        ext.append(&Self::key(), &item.encode());
    }
}

impl<P: StorageInstance, V: FullCodec + TypeInfo + 'static, Q: QueryKind<V>> StorageEntry
    for StorageValue<P, V, Q>
{
    fn metadata(docs: Vec<&'static str>) -> StorageEntryMetadata<MetaForm> {
        StorageEntryMetadata {
            name: P::ITEM,
            modifier: Q::MODIFIER,
            ty: StorageEntryType::Plain(meta_type::<V>()),
            default: Q::default_bytes(),
            docs,
        }
    }
}

/// Every `(key, value)` stored under `prefix ++ H(key)`, in key order: the
/// key is decoded from what follows the hasher's own bytes (so `H` must be
/// reversible); entries that do not decode are skipped.
fn entries_under<H: StorageHasher, K: Decode, V: Decode>(
    ext: &dyn Externalities,
    prefix: &[u8],
) -> Vec<(K, V)> {
    ext.keys_with_prefix(prefix)
        .into_iter()
        .filter_map(|raw| {
            let encoded = raw.get(prefix.len().saturating_add(H::HASH_PREFIX_LEN)..)?;
            let key = K::decode_all(&mut &encoded[..]).ok()?;
            Some((key, get_raw(ext, &raw)?))
        })
        .collect()
}

/// A map from `K` to `V`.
pub struct StorageMap<P, H, K, V, Q = OptionQuery>(PhantomData<(P, H, K, V, Q)>);

impl<P, H, K, V, Q> StorageMap<P, H, K, V, Q>
where
    P: StorageInstance,
    H: StorageHasher,
    K: FullCodec,
    V: FullCodec,
    Q: QueryKind<V>,
{
    /// The prefix of every key of this map.
    pub fn prefix() -> [u8; 32] {
        storage_prefix(P::PALLET, P::ITEM)
    }
    /// The storage key of `key`.
    pub fn key(key: &K) -> Vec<u8> {
        let mut out = Self::prefix().to_vec();
        out.extend(H::hash(&key.encode()));
        out
    }
    /// Reads the value at `key`.
    pub fn get(ext: &dyn Externalities, key: &K) -> Q::Query {
        Q::from_optional(get_raw(ext, &Self::key(key)))
    }
    /// Writes the value at `key`.
    pub fn insert(ext: &mut dyn Externalities, key: &K, value: &V) {
        ext.set(&Self::key(key), value.encode());
    }
    /// Writes a query result at `key`.
    pub fn set(ext: &mut dyn Externalities, key: &K, query: Q::Query) {
        write::<V, Q>(ext, &Self::key(key), query)
    }
    /// Deletes the value at `key`.
    pub fn remove(ext: &mut dyn Externalities, key: &K) {
        ext.clear(&Self::key(key));
    }
    /// Whether `key` has a value.
    pub fn contains_key(ext: &dyn Externalities, key: &K) -> bool {
        ext.exists(&Self::key(key))
    }
    /// Reads, changes and writes back the value at `key`.
    pub fn mutate<R>(
        ext: &mut dyn Externalities,
        key: &K,
        f: impl FnOnce(&mut Q::Query) -> R,
    ) -> R {
        let mut value = Self::get(ext, key);
        let result = f(&mut value);
        Self::set(ext, key, value);
        result
    }
    /// Like [`mutate`](Self::mutate), writing only when `f` succeeds.
    pub fn try_mutate<R, E>(
        ext: &mut dyn Externalities,
        key: &K,
        f: impl FnOnce(&mut Q::Query) -> Result<R, E>,
    ) -> Result<R, E> {
        let mut value = Self::get(ext, key);
        let result = f(&mut value)?;
        Self::set(ext, key, value);
        Ok(result)
    }
    /// Every entry, in key order (needs a reversible hasher).
    pub fn iter(ext: &dyn Externalities) -> Vec<(K, V)> {
        entries_under::<H, K, V>(ext, &Self::prefix())
    }
}

impl<P, H, K, V, Q> StorageEntry for StorageMap<P, H, K, V, Q>
where
    P: StorageInstance,
    H: StorageHasher,
    K: FullCodec + TypeInfo + 'static,
    V: FullCodec + TypeInfo + 'static,
    Q: QueryKind<V>,
{
    fn metadata(docs: Vec<&'static str>) -> StorageEntryMetadata<MetaForm> {
        StorageEntryMetadata {
            name: P::ITEM,
            modifier: Q::MODIFIER,
            ty: StorageEntryType::Map {
                hashers: vec![meta_hasher(H::METADATA)],
                key: meta_type::<K>(),
                value: meta_type::<V>(),
            },
            default: Q::default_bytes(),
            docs,
        }
    }
}

/// A map from `(K1, K2)` to `V`, iterable by `K1`.
pub struct StorageDoubleMap<P, H1, K1, H2, K2, V, Q = OptionQuery>(
    PhantomData<(P, H1, K1, H2, K2, V, Q)>,
);

impl<P, H1, K1, H2, K2, V, Q> StorageDoubleMap<P, H1, K1, H2, K2, V, Q>
where
    P: StorageInstance,
    H1: StorageHasher,
    K1: FullCodec,
    H2: StorageHasher,
    K2: FullCodec,
    V: FullCodec,
    Q: QueryKind<V>,
{
    /// The prefix of every key with first key `k1`.
    pub fn prefix(k1: &K1) -> Vec<u8> {
        let mut out = storage_prefix(P::PALLET, P::ITEM).to_vec();
        out.extend(H1::hash(&k1.encode()));
        out
    }
    /// The storage key of `(k1, k2)`.
    pub fn key(k1: &K1, k2: &K2) -> Vec<u8> {
        let mut out = Self::prefix(k1);
        out.extend(H2::hash(&k2.encode()));
        out
    }
    /// Reads the value at `(k1, k2)`.
    pub fn get(ext: &dyn Externalities, k1: &K1, k2: &K2) -> Q::Query {
        Q::from_optional(get_raw(ext, &Self::key(k1, k2)))
    }
    /// Writes the value at `(k1, k2)`.
    pub fn insert(ext: &mut dyn Externalities, k1: &K1, k2: &K2, value: &V) {
        ext.set(&Self::key(k1, k2), value.encode());
    }
    /// Deletes the value at `(k1, k2)`.
    pub fn remove(ext: &mut dyn Externalities, k1: &K1, k2: &K2) {
        ext.clear(&Self::key(k1, k2));
    }
    /// Whether `(k1, k2)` has a value.
    pub fn contains_key(ext: &dyn Externalities, k1: &K1, k2: &K2) -> bool {
        ext.exists(&Self::key(k1, k2))
    }
    /// Every `(k2, value)` under `k1`, in key order (needs a reversible second hasher).
    pub fn iter_prefix(ext: &dyn Externalities, k1: &K1) -> Vec<(K2, V)> {
        entries_under::<H2, K2, V>(ext, &Self::prefix(k1))
    }
    /// Deletes every value under `k1`.
    pub fn remove_prefix(ext: &mut dyn Externalities, k1: &K1) -> u32 {
        ext.clear_prefix(&Self::prefix(k1))
    }
}

impl<P, H1, K1, H2, K2, V, Q> StorageEntry for StorageDoubleMap<P, H1, K1, H2, K2, V, Q>
where
    P: StorageInstance,
    H1: StorageHasher,
    K1: FullCodec + TypeInfo + 'static,
    H2: StorageHasher,
    K2: FullCodec + TypeInfo + 'static,
    V: FullCodec + TypeInfo + 'static,
    Q: QueryKind<V>,
{
    fn metadata(docs: Vec<&'static str>) -> StorageEntryMetadata<MetaForm> {
        StorageEntryMetadata {
            name: P::ITEM,
            modifier: Q::MODIFIER,
            ty: StorageEntryType::Map {
                hashers: vec![meta_hasher(H1::METADATA), meta_hasher(H2::METADATA)],
                key: meta_type::<(K1, K2)>(),
                value: meta_type::<V>(),
            },
            default: Q::default_bytes(),
            docs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::TestExternalities;
    use entroos_primitives::hashing::{Blake2_128Concat, Twox64Concat};
    use entroos_primitives::AccountId32;

    storage_instance!(AccountPrefix, "System", "Account");
    storage_instance!(NumberPrefix, "System", "Number");
    storage_instance!(PairPrefix, "Test", "Pair");
    type Account = StorageMap<AccountPrefix, Blake2_128Concat, AccountId32, u64, ValueQuery>;
    type Number = StorageValue<NumberPrefix, u32, ValueQuery>;
    type Pair = StorageDoubleMap<PairPrefix, Twox64Concat, u32, Blake2_128Concat, u8, u8>;

    #[test]
    fn system_account_alice_key_matches_substrate() {
        let alice: AccountId32 = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
            .parse()
            .unwrap();
        assert_eq!(
            hex::encode(Account::key(&alice)),
            concat!(
                "26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9",
                "de1e86a9a8c739864cf3cc5ec2bea59f",
                "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d"
            )
        );
    }

    #[test]
    fn queries_iteration_and_defaults() {
        let mut t = TestExternalities::default();
        t.execute_with(|ext| {
            assert_eq!(Number::get(ext), 0);
            Number::put(ext, &7);
            assert_eq!(Number::get(ext), 7);
            Account::insert(ext, &AccountId32([2; 32]), &5);
            Account::insert(ext, &AccountId32([1; 32]), &6);
            assert_eq!(Account::iter(ext).len(), 2);
            Pair::insert(ext, &1, &9, &3);
            Pair::insert(ext, &1, &8, &4);
            Pair::insert(ext, &2, &8, &5);
            let mut under_one = Pair::iter_prefix(ext, &1);
            under_one.sort();
            assert_eq!(under_one, vec![(8, 4), (9, 3)]);
            assert_eq!(Pair::remove_prefix(ext, &1), 2);
            assert_eq!(Pair::get(ext, &2, &8), Some(5));
            ext.set(&Number::key(), vec![1, 2, 3, 4, 5]);
            assert_eq!(Number::get(ext), 0, "malformed values read as missing");
        });
    }
}
