// The records whose metadata path must be `frame_system::<Name>`: this file is
// `include!`d into the crate root, since the `TypeInfo` derive names the module
// a type is defined in.

/// An account's counters and its balance data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct AccountInfo<AccountData> {
    /// Transactions sent.
    pub nonce: Nonce,
    /// Modules that depend on this account existing.
    pub consumers: u32,
    /// Reasons this account may exist (e.g. a balance above the deposit).
    pub providers: u32,
    /// Self-sufficient references.
    pub sufficients: u32,
    /// The balances pallet's data.
    pub data: AccountData,
}

/// Which part of the block an event was emitted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub enum Phase {
    /// During the extrinsic at this index.
    ApplyExtrinsic(u32),
    /// After the extrinsics.
    Finalization,
    /// Before the extrinsics.
    Initialization,
}

/// An event with where it happened and its topics.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(replace_segment("pallet_system", "frame_system"))]
pub struct EventRecord<E, T> {
    /// When.
    pub phase: Phase,
    /// What.
    pub event: E,
    /// Index topics.
    pub topics: Vec<T>,
}

