//! The runtime version, as `Core_version` (SCALE) and `state_getRuntimeVersion`
//! (JSON) report it.

use crate::hashing::blake2_64;
pub use crate::RuntimeVersion;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// A runtime API's id: `blake2_64(trait name)`.
pub type ApiId = [u8; 8];

/// The id of the runtime API trait called `name`.
pub fn api_id(name: &str) -> ApiId {
    blake2_64(name.as_bytes())
}

impl Serialize for RuntimeVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let apis: Vec<(String, u32)> = self
            .apis
            .iter()
            .map(|(id, v)| (format!("0x{}", hex::encode(id)), *v))
            .collect();
        let mut st = s.serialize_struct("RuntimeVersion", 10)?;
        st.serialize_field("specName", &self.spec_name)?;
        st.serialize_field("implName", &self.impl_name)?;
        st.serialize_field("authoringVersion", &self.authoring_version)?;
        st.serialize_field("specVersion", &self.spec_version)?;
        st.serialize_field("implVersion", &self.impl_version)?;
        st.serialize_field("apis", &apis)?;
        st.serialize_field("transactionVersion", &self.transaction_version)?;
        st.serialize_field("systemVersion", &self.system_version)?;
        st.serialize_field("stateVersion", &self.system_version)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use codec::{Decode, Encode};

    #[test]
    fn json_shape() {
        let v = RuntimeVersion {
            spec_name: "entroos".into(),
            impl_name: "entroos-node".into(),
            authoring_version: 1,
            spec_version: 100,
            impl_version: 1,
            apis: vec![(api_id("Core"), 5)],
            transaction_version: 1,
            system_version: 1,
        };
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["apis"][0][0], "0xdf6acb689907609b");
        assert_eq!(json["specName"], "entroos");
        assert_eq!(json["stateVersion"], 1);
        assert_eq!(RuntimeVersion::decode(&mut &v.encode()[..]).unwrap(), v);
    }
}
