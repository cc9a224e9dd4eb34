//! Dispatch and conversions of the outer call and event enums.

use crate::{Balances, Entropy, Poe, Runtime, RuntimeCall, RuntimeEvent, System, Timestamp};
use entroos_primitives::dispatch::{DispatchInfo, DispatchResult};
use entroos_support::dispatch::{GetDispatchInfo, RawOrigin};
use entroos_support::state::Externalities;

impl RuntimeCall {
    /// Dispatches the call to its pallet.
    pub fn dispatch(self, ext: &mut dyn Externalities, origin: RawOrigin) -> DispatchResult {
        match self {
            RuntimeCall::System(call) => System::dispatch(ext, origin, call),
            RuntimeCall::Timestamp(call) => Timestamp::dispatch(ext, origin, call),
            RuntimeCall::Entropy(call) => Entropy::dispatch(ext, origin, call),
            RuntimeCall::Balances(call) => Balances::dispatch(ext, origin, call),
            RuntimeCall::Poe(call) => Poe::dispatch(ext, origin, call),
        }
    }
}

impl GetDispatchInfo for RuntimeCall {
    fn get_dispatch_info(&self) -> DispatchInfo {
        match self {
            RuntimeCall::System(call) => call.get_dispatch_info(),
            RuntimeCall::Timestamp(call) => call.get_dispatch_info(),
            RuntimeCall::Entropy(call) => call.get_dispatch_info(),
            RuntimeCall::Balances(call) => call.get_dispatch_info(),
            RuntimeCall::Poe(call) => call.get_dispatch_info(),
        }
    }
}

impl From<pallet_system::Event> for RuntimeEvent {
    fn from(e: pallet_system::Event) -> Self {
        RuntimeEvent::System(e)
    }
}

impl From<pallet_entropy::Event> for RuntimeEvent {
    fn from(e: pallet_entropy::Event) -> Self {
        RuntimeEvent::Entropy(e)
    }
}

impl From<pallet_balances::Event> for RuntimeEvent {
    fn from(e: pallet_balances::Event) -> Self {
        RuntimeEvent::Balances(e)
    }
}

impl From<pallet_transaction_payment::Event> for RuntimeEvent {
    fn from(e: pallet_transaction_payment::Event) -> Self {
        RuntimeEvent::TransactionPayment(e)
    }
}

impl From<pallet_poe::Event> for RuntimeEvent {
    fn from(e: pallet_poe::Event) -> Self {
        RuntimeEvent::Poe(e)
    }
}

/// The runtime's event records, as stored in `System.Events`.
pub type EventRecord = pallet_system::EventRecord<RuntimeEvent, entroos_primitives::H256>;

impl Runtime {
    /// The events of the current block.
    pub fn events(ext: &dyn Externalities) -> Vec<EventRecord> {
        pallet_system::Events::<Runtime>::get(ext)
    }
}
