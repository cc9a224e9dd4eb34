//! `MultiSignature`: a signature of one of the supported schemes, verified
//! against a 32-byte account id.

use crate::crypto::{deferral, ed25519, sr25519};
use crate::AccountId32;
use codec::{Decode, Encode};
use scale_info::build::{Fields, Variants};
use scale_info::{Path, Type, TypeInfo};

/// Substrate's `sp_runtime::MultiSignature`. ECDSA decodes but never verifies
/// (an AccountId32 is not an ECDSA key).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum MultiSignature {
    /// An ed25519 signature.
    Ed25519([u8; 64]),
    /// An sr25519 signature (what every dev tool produces).
    Sr25519([u8; 64]),
    /// An ECDSA signature.
    Ecdsa([u8; 65]),
}

impl MultiSignature {
    /// Verifies the signature of `message` by `signer`.
    pub fn verify(&self, message: &[u8], signer: &AccountId32) -> bool {
        match self {
            MultiSignature::Sr25519(sig) => sr25519::verify(sig, message, &signer.0),
            MultiSignature::Ed25519(sig) => ed25519::verify(sig, message, &signer.0),
            MultiSignature::Ecdsa(_) => false,
        }
    }

    /// As [`verify`](Self::verify), except that an sr25519 check made
    /// inside [`deferral::deferring`] is recorded for a later batch.
    pub fn verify_deferrable(&self, message: &[u8], signer: &AccountId32) -> bool {
        match self {
            MultiSignature::Sr25519(sig) => deferral::verify_deferrable(sig, message, &signer.0),
            other => other.verify(message, signer),
        }
    }
}

impl TypeInfo for MultiSignature {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new("MultiSignature", "sp_runtime"))
            .variant(
                Variants::new()
                    .variant("Ed25519", |v| {
                        v.index(0)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 64]>()))
                    })
                    .variant("Sr25519", |v| {
                        v.index(1)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 64]>()))
                    })
                    .variant("Ecdsa", |v| {
                        v.index(2)
                            .fields(Fields::unnamed().field(|f| f.ty::<[u8; 65]>()))
                    }),
            )
    }
}
