//! System's stored types, under FRAME's metadata paths.

use codec::{Decode, Encode, MaxEncodedLen};
use entroos_primitives::dispatch::DispatchClass;
use entroos_primitives::Weight;
use scale_info::TypeInfo;

/// One value per dispatch class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo)]
#[scale_info(
    replace_segment("pallet_system", "frame_support"),
    replace_segment("types", "dispatch")
)]
pub struct PerDispatchClass<T> {
    /// Normal.
    pub normal: T,
    /// Operational.
    pub operational: T,
    /// Mandatory.
    pub mandatory: T,
}

impl<T> PerDispatchClass<T> {
    /// The value for `class`.
    pub fn get(&self, class: DispatchClass) -> &T {
        match class {
            DispatchClass::Normal => &self.normal,
            DispatchClass::Operational => &self.operational,
            DispatchClass::Mandatory => &self.mandatory,
        }
    }
    /// The value for `class`, mutably.
    pub fn get_mut(&mut self, class: DispatchClass) -> &mut T {
        match class {
            DispatchClass::Normal => &mut self.normal,
            DispatchClass::Operational => &mut self.operational,
            DispatchClass::Mandatory => &mut self.mandatory,
        }
    }
}

/// Weight limits of one dispatch class.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("pallet_system", "frame_system"),
    replace_segment("types", "limits")
)]
pub struct WeightsPerClass {
    /// The base weight of every extrinsic of the class.
    pub base_extrinsic: Weight,
    /// The most one extrinsic may weigh.
    pub max_extrinsic: Option<Weight>,
    /// The most all extrinsics of the class may weigh together.
    pub max_total: Option<Weight>,
    /// Weight reserved for the class beyond `max_total`.
    pub reserved: Option<Weight>,
}

/// The block's weight limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("pallet_system", "frame_system"),
    replace_segment("types", "limits")
)]
pub struct BlockWeights {
    /// The weight of an empty block.
    pub base_block: Weight,
    /// The most a block may weigh.
    pub max_block: Weight,
    /// Per-class limits.
    pub per_class: PerDispatchClass<WeightsPerClass>,
}

/// The block's length limits, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode, TypeInfo)]
#[scale_info(
    replace_segment("pallet_system", "frame_system"),
    replace_segment("types", "limits")
)]
pub struct BlockLength {
    /// Per-class maximum.
    pub max: PerDispatchClass<u32>,
}
