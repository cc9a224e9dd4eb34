//! Aura's genesis: the initial authorities.

use crate::{Authorities, AuthorityId, AuthorityList, Config};
use entroos_support::hooks::GenesisError;
use entroos_support::state::Externalities;
use serde::{Deserialize, Serialize};

/// The initial authorities (`{"aura": {"authorities": ["5Grw…", …]}}`),
/// sr25519 public keys as SS58 addresses, as in Substrate's chain specs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// The authorities, in order.
    #[serde(default)]
    pub authorities: Vec<AuthorityId>,
}

impl GenesisConfig {
    /// Stores the authorities (none stored when the list is empty); rejects
    /// more than `MAX_AUTHORITIES` and a set that is already initialized.
    pub fn build<T: Config>(&self, ext: &mut dyn Externalities) -> Result<(), GenesisError> {
        if self.authorities.is_empty() {
            return Ok(());
        }
        if !Authorities::<T>::get(ext).is_empty() {
            return Err(GenesisError::Invalid(
                "the aura authorities are already initialized".into(),
            ));
        }
        let bounded = AuthorityList::<T>::try_from(self.authorities.clone())
            .map_err(|e| GenesisError::Invalid(format!("aura authorities: {e}")))?;
        Authorities::<T>::put(ext, &bounded);
        Ok(())
    }
}
