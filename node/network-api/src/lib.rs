//! # EntroOS network API
//!
//! The network's seams without I/O: no sockets, no libp2p, no async
//! runtime. The transport crate implements [`NetworkService`] and emits
//! [`NetworkEvent`]s; block sync, transaction gossip and consensus use only
//! the types here.
//!
//! ## Protocols
//!
//! Named from the genesis hash as Substrate names them ([`ProtocolNames`]):
//!
//! | protocol | kind | messages |
//! |---|---|---|
//! | `/{genesis}/block-announces/1` | notifications, handshake [`Status`] | [`BlockAnnounce`] |
//! | `/{genesis}/sync/2` | request-response | [`BlockRequest`] → [`BlockResponse`] |
//! | `/{genesis}/transactions/1` | notifications | [`Transactions`] |
//! | `/{genesis}/{name}/{version}` | notifications | consensus and finality messages |
//!
//! `{genesis}` is lower-case hex without `0x`; a fork id, when given, sits
//! between it and the name. A handshake whose genesis differs from ours is
//! refused ([`Status::check_genesis`]), so peers of another chain never
//! reach the protocols above.
//!
//! ## Invariants
//!
//! - **Bounded decoding.** Untrusted bytes become messages only through
//!   each message's `decode_bounded`: the byte length is checked first,
//!   every sequence count before anything is allocated (at most
//!   [`MAX_BLOCKS_PER_RESPONSE`] blocks, [`MAX_EXTRINSICS_PER_BLOCK`]
//!   extrinsics, [`MAX_TRANSACTIONS_PER_MESSAGE`] transactions), nesting is
//!   limited to [`MAX_DECODE_DEPTH`], and left-over bytes are refused. Every
//!   failure is a typed [`DecodeError`] and none panics (property-tested
//!   with random bytes).
//! - **Responses fit their caps.** [`build_response`] stops before the
//!   block that would pass the count or byte cap, so an honest server never
//!   sends what an honest client refuses.
//! - **Reputation is a pure function of reports and time.**
//!   [`PeerReputation`] sums typed [`ReputationChange`]s, decays them
//!   towards zero per whole second of the injected clock and bans at
//!   [`ReputationConfig::ban_threshold`] for [`ReputationConfig::ban_millis`]
//!   (reports during a ban neither repeat nor extend it: [`Verdict::Banned`]);
//!   its memory is bounded by [`ReputationConfig::max_entries`].
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod bounded;
mod messages;
mod peer_id;
mod protocol;
pub mod reputation;
mod service;

pub use bounded::{
    DecodeError, MAX_ANNOUNCE_BYTES, MAX_BLOCKS_PER_RESPONSE, MAX_DECODE_DEPTH,
    MAX_EXTRINSICS_PER_BLOCK, MAX_JUSTIFICATION_BYTES, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES,
    MAX_STATUS_BYTES, MAX_TRANSACTIONS_BYTES, MAX_TRANSACTIONS_PER_MESSAGE,
};
pub use messages::{
    build_response, BlockAnnounce, BlockAttributes, BlockData, BlockRequest, BlockResponse,
    Direction, FromBlock, HandshakeError, ResponseBuilder, Roles, Status, Transactions,
};
pub use peer_id::{PeerId, PeerIdError, MAX_PEER_ID_BYTES};
pub use protocol::{ProtocolName, ProtocolNames};
pub use reputation::{PeerReputation, Reason, ReputationChange, ReputationConfig, Verdict};
pub use service::{
    NetworkEvent, NetworkService, NoNetwork, PeerInfo, ReplyId, RequestFailure, RequestId,
};
