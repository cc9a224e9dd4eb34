//! The v4 extrinsic: `Compact(len) ++ body`, where the body is
//! `0x84 ++ MultiAddress ++ MultiSignature ++ extra ++ call` when signed and
//! `0x04 ++ call` when not. Decoding is bounded: the call is decoded with a
//! depth limit and must consume the body exactly.

use super::extensions::{AdditionalSigned, ExtraTypes};
use super::Era;
use crate::hashing::blake2_256;
use crate::{Address, MultiSignature, Nonce, MAX_DECODE_DEPTH};
use codec::{Decode, DecodeLimit, Encode, Input};
use scale_info::build::Fields;
use scale_info::{meta_type, Path, Type, TypeInfo, TypeParameter};

/// The extrinsic format version.
pub const EXTRINSIC_FORMAT_VERSION: u8 = 4;
const SIGNED_BIT: u8 = 0b1000_0000;

/// The extra data of a signed extrinsic, in extension order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedExtra {
    /// `CheckMortality`.
    pub era: Era,
    /// `CheckNonce`.
    #[codec(compact)]
    pub nonce: Nonce,
    /// `ChargeTransactionPayment`.
    #[codec(compact)]
    pub tip: u128,
}

/// An extrinsic as it travels: maybe signed, with its call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UncheckedExtrinsic<Call> {
    /// Sender, signature and extra data, when signed.
    pub signature: Option<(Address, MultiSignature, SignedExtra)>,
    /// The call.
    pub function: Call,
}

impl<Call: Encode> UncheckedExtrinsic<Call> {
    /// A signed extrinsic.
    pub fn new_signed(
        function: Call,
        signer: Address,
        signature: MultiSignature,
        extra: SignedExtra,
    ) -> Self {
        UncheckedExtrinsic {
            signature: Some((signer, signature, extra)),
            function,
        }
    }

    /// An unsigned extrinsic (inherent).
    pub fn new_unsigned(function: Call) -> Self {
        UncheckedExtrinsic {
            signature: None,
            function,
        }
    }

    fn encode_body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        match &self.signature {
            Some(signed) => {
                body.push(EXTRINSIC_FORMAT_VERSION | SIGNED_BIT);
                signed.encode_to(&mut body);
            }
            None => body.push(EXTRINSIC_FORMAT_VERSION),
        }
        self.function.encode_to(&mut body);
        body
    }
}

impl<Call: Encode> Encode for UncheckedExtrinsic<Call> {
    fn encode(&self) -> Vec<u8> {
        self.encode_body().encode()
    }
}

impl<Call: Decode> Decode for UncheckedExtrinsic<Call> {
    fn decode<I: Input>(input: &mut I) -> Result<Self, codec::Error> {
        let body = Vec::<u8>::decode(input)?;
        Self::decode_body(&body)
    }
}

impl<Call: Decode> UncheckedExtrinsic<Call> {
    /// Decodes a body (the bytes after the length prefix), consuming all of it.
    pub fn decode_body(body: &[u8]) -> Result<Self, codec::Error> {
        let input = &mut &body[..];
        let version = input.read_byte()?;
        if version & !SIGNED_BIT != EXTRINSIC_FORMAT_VERSION {
            return Err("Invalid transaction version".into());
        }
        let signature = if version & SIGNED_BIT != 0 {
            Some(<(Address, MultiSignature, SignedExtra)>::decode(input)?)
        } else {
            None
        };
        let function = Call::decode_with_depth_limit(MAX_DECODE_DEPTH, input)?;
        if !input.is_empty() {
            return Err("extrinsic has trailing bytes".into());
        }
        Ok(UncheckedExtrinsic {
            signature,
            function,
        })
    }
}

/// The bytes a signer signs: `call ++ extra ++ additional`, or their
/// blake2-256 when longer than 256 bytes.
pub fn signing_payload(call: &[u8], extra: &SignedExtra, additional: &AdditionalSigned) -> Vec<u8> {
    let mut payload = call.to_vec();
    extra.encode_to(&mut payload);
    additional.encode_to(&mut payload);
    if payload.len() > 256 {
        blake2_256(&payload).to_vec()
    } else {
        payload
    }
}

impl<Call: TypeInfo + 'static> TypeInfo for UncheckedExtrinsic<Call> {
    type Identity = Self;
    fn type_info() -> Type {
        Type::builder()
            .path(Path::new(
                "UncheckedExtrinsic",
                "sp_runtime::generic::unchecked_extrinsic",
            ))
            .type_params(vec![
                TypeParameter::new("Address", Some(meta_type::<Address>())),
                TypeParameter::new("Call", Some(meta_type::<Call>())),
                TypeParameter::new("Signature", Some(meta_type::<MultiSignature>())),
                TypeParameter::new("Extra", Some(meta_type::<ExtraTypes>())),
            ])
            .composite(Fields::unnamed().field(|f| f.ty::<Vec<u8>>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AccountId32, MultiAddress, H256};
    use codec::Compact;
    use proptest::prelude::*;

    fn bob() -> AccountId32 {
        "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
            .parse()
            .unwrap()
    }

    /// COMPAT §5.3: Alice → Bob 1e12 with Balances at 4 and transfer_keep_alive at 3.
    #[test]
    fn worked_payload_vector() {
        let mut call = vec![4u8, 3];
        MultiAddress::<AccountId32, ()>::Id(bob()).encode_to(&mut call);
        Compact(1_000_000_000_000u128).encode_to(&mut call);
        assert_eq!(
            hex::encode(&call),
            "0403008eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48070010a5d4e8"
        );
        let extra = SignedExtra {
            era: Era::mortal(64, 42),
            nonce: 0,
            tip: 0,
        };
        let additional = AdditionalSigned {
            spec_version: 100,
            transaction_version: 1,
            genesis_hash: H256([0x11; 32]),
            birth_hash: H256([0x22; 32]),
        };
        let payload = signing_payload(&call, &extra, &additional);
        assert_eq!(payload.len(), 117);
        let expected = format!(
            "{}a502000064000000010000{}{}{}",
            hex::encode(&call),
            "00",
            "11".repeat(32),
            "22".repeat(32)
        );
        assert_eq!(hex::encode(&payload), expected);
    }

    #[test]
    fn signed_round_trip_and_prefix() {
        let xt = UncheckedExtrinsic::new_signed(
            vec![4u8, 3],
            MultiAddress::Id(bob()),
            MultiSignature::Sr25519([7; 64]),
            SignedExtra {
                era: Era::Immortal,
                nonce: 5,
                tip: 1,
            },
        );
        let bytes = xt.encode();
        assert_eq!(bytes[2], 0x84);
        let back = UncheckedExtrinsic::<Vec<u8>>::decode(&mut &bytes[..]).unwrap();
        assert_eq!(back, xt);
    }

    #[test]
    fn rejects_other_versions_and_trailing_bytes() {
        assert!(UncheckedExtrinsic::<u8>::decode_body(&[0x05, 1]).is_err());
        assert!(UncheckedExtrinsic::<u8>::decode_body(&[0x04, 1, 2]).is_err());
        assert!(UncheckedExtrinsic::<u8>::decode_body(&[0x04, 1]).is_ok());
    }

    proptest! {
        #[test]
        fn decoding_random_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = UncheckedExtrinsic::<Vec<u8>>::decode(&mut &bytes[..]);
            let _ = UncheckedExtrinsic::<Vec<u8>>::decode_body(&bytes);
        }
    }
}
