//! Generic chain types: headers, digests, blocks, eras and extrinsics.

mod block;
mod digest;
mod era;
pub mod extensions;
mod extrinsic;
mod header;

pub use block::{Block, OpaqueExtrinsic};
pub use digest::{ConsensusEngineId, Digest, DigestItem};
pub use era::Era;
pub use extrinsic::{signing_payload, SignedExtra, UncheckedExtrinsic, EXTRINSIC_FORMAT_VERSION};
pub use header::Header;
