//! Genesis: the ledger's parameters from the chain spec
//! (`runtimeGenesis.patch.poe`), e.g. `"poe": {"params": {"commitPeriod": 5}}`.
//! Modules, providers and jobs start empty.

use crate::params::Params;
use crate::Parameters;
use entroos_support::hooks::GenesisError;
use entroos_support::state::Externalities;
use serde::{Deserialize, Serialize};

/// The `poe` section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GenesisConfig {
    /// The ledger's parameters.
    #[serde(default)]
    pub params: Params,
}

impl GenesisConfig {
    /// Checks and stores the parameters.
    pub fn build(&self, ext: &mut dyn Externalities) -> Result<(), GenesisError> {
        self.params
            .check()
            .map_err(|e| GenesisError::Invalid(format!("poe: {e}")))?;
        Parameters::put(ext, &self.params);
        Ok(())
    }
}
