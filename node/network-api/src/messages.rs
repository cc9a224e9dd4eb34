//! The wire messages, SCALE-encoded. Every kind is decoded only through its
//! `decode_bounded`, which applies the limits of [`crate::bounded`].

mod announce;
mod request;
mod response;
mod status;
mod transactions;

pub use announce::BlockAnnounce;
pub use request::{BlockAttributes, BlockRequest, Direction, FromBlock};
pub use response::{build_response, BlockData, BlockResponse, ResponseBuilder};
pub use status::{HandshakeError, Roles, Status};
pub use transactions::Transactions;
