//! Dispatching the pallet's calls.

use crate::{weights, Call, Config, Pallet};
use entroos_primitives::dispatch::{DispatchClass, DispatchInfo, DispatchResult, Pays};
use entroos_support::dispatch::{ensure_none, ensure_signed, GetDispatchInfo, RawOrigin};
use entroos_support::state::Externalities;

impl GetDispatchInfo for Call {
    fn get_dispatch_info(&self) -> DispatchInfo {
        let (weight, class, pays_fee) = match self {
            Call::bond { .. } | Call::bond_extra { .. } => {
                (weights::BOND, DispatchClass::Normal, Pays::Yes)
            }
            Call::unbond { .. } => (weights::UNBOND, DispatchClass::Normal, Pays::Yes),
            Call::withdraw_unbonded {} => {
                (weights::WITHDRAW_UNBONDED, DispatchClass::Normal, Pays::Yes)
            }
            Call::validate { .. } => (weights::VALIDATE, DispatchClass::Normal, Pays::Yes),
            Call::chill {} => (weights::CHILL, DispatchClass::Normal, Pays::Yes),
            Call::set_keys { .. } => (weights::SET_KEYS, DispatchClass::Normal, Pays::Yes),
            // Unsigned reports pay nothing; the pool admits each offence once.
            Call::report_block_equivocation { .. } => (
                weights::REPORT_BLOCK_EQUIVOCATION,
                DispatchClass::Operational,
                Pays::No,
            ),
            Call::report_vote_equivocation { .. } => (
                weights::REPORT_VOTE_EQUIVOCATION,
                DispatchClass::Operational,
                Pays::No,
            ),
            Call::note_finality_round { note } => {
                let precommits = u64::try_from(note.precommits.len()).unwrap_or(u64::MAX);
                (
                    weights::note_finality_round(precommits),
                    DispatchClass::Operational,
                    Pays::No,
                )
            }
            Call::heartbeat { .. } => (weights::HEARTBEAT, DispatchClass::Operational, Pays::No),
        };
        DispatchInfo {
            weight,
            class,
            pays_fee,
        }
    }
}

impl<T: Config> Pallet<T> {
    /// Dispatches an entropy call.
    pub fn dispatch(ext: &mut dyn Externalities, origin: RawOrigin, call: Call) -> DispatchResult {
        match call {
            Call::bond { value } => Self::bond(ext, &ensure_signed(&origin)?, value),
            Call::bond_extra { max_additional } => {
                Self::bond_extra(ext, &ensure_signed(&origin)?, max_additional)
            }
            Call::unbond { value } => Self::unbond(ext, &ensure_signed(&origin)?, value),
            Call::withdraw_unbonded {} => Self::withdraw_unbonded(ext, &ensure_signed(&origin)?),
            Call::validate { prefs } => Self::validate(ext, &ensure_signed(&origin)?, prefs),
            Call::chill {} => Self::chill(ext, &ensure_signed(&origin)?),
            Call::set_keys { keys, proof } => {
                Self::set_keys(ext, &ensure_signed(&origin)?, keys, &proof)
            }
            Call::report_block_equivocation { proof } => {
                ensure_none(&origin)?;
                let offence = Self::check_block_report(ext, &proof).map_err(Self::error)?;
                Self::slash_offender(ext, &offence).map(drop)
            }
            Call::report_vote_equivocation { proof } => {
                ensure_none(&origin)?;
                let offence = Self::check_vote_report(ext, &proof).map_err(Self::error)?;
                Self::slash_offender(ext, &offence).map(drop)
            }
            Call::note_finality_round { note } => {
                ensure_none(&origin)?;
                Self::note_round(ext, &note)
            }
            Call::heartbeat {
                heartbeat,
                signature,
            } => {
                ensure_none(&origin)?;
                Self::note_heartbeat(ext, &heartbeat, &signature)
            }
        }
    }
}
