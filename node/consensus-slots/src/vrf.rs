//! The slot VRF: a schnorrkel VRF over a merlin transcript of the epoch
//! randomness, the slot and the epoch index (see the crate docs for the
//! exact transcript), and the lottery value compared with the threshold.

use crate::SlotsError;
use merlin::Transcript;
use schnorrkel::vrf::{VRFInOut, VRFPreOut, VRFProof};
use schnorrkel::{Keypair, PublicKey};

/// The label the slot transcript starts with.
pub const VRF_TRANSCRIPT_LABEL: &[u8] = b"entroos-slot";
/// The context the lottery value is drawn from the VRF in/out with.
pub const VRF_OUTPUT_CONTEXT: &[u8] = b"entroos-vrf-out";

/// The VRF input of `slot` in the epoch of `epoch_index` with `randomness`.
pub fn slot_transcript(randomness: &[u8; 32], slot: u64, epoch_index: u64) -> Transcript {
    let mut transcript = Transcript::new(VRF_TRANSCRIPT_LABEL);
    transcript.append_message(b"randomness", randomness);
    transcript.append_u64(b"slot", slot);
    transcript.append_u64(b"epoch", epoch_index);
    transcript
}

/// The lottery value of a VRF evaluation: 16 bytes drawn from the in/out
/// with [`VRF_OUTPUT_CONTEXT`], read little-endian. A primary claim needs
/// it strictly below the authority's threshold.
pub fn lottery_value(inout: &VRFInOut) -> u128 {
    u128::from_le_bytes(inout.make_bytes::<[u8; 16]>(VRF_OUTPUT_CONTEXT))
}

/// A winning evaluation: the pre-output and proof a primary claim carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VrfWin {
    /// The VRF pre-output.
    pub output: [u8; 32],
    /// The proof.
    pub proof: [u8; 64],
    /// Its lottery value.
    pub value: u128,
}

/// Evaluates the VRF of `transcript` and proves it only if its lottery
/// value is below `threshold` (the proof is skipped for losing slots).
pub fn sign_if_below(keypair: &Keypair, transcript: Transcript, threshold: u128) -> Option<VrfWin> {
    if threshold == 0 {
        return None;
    }
    let (inout, proof, _) =
        keypair.vrf_sign_after_check(transcript, |inout| lottery_value(inout) < threshold)?;
    Some(VrfWin {
        output: inout.to_preout().to_bytes(),
        proof: proof.to_bytes(),
        value: lottery_value(&inout),
    })
}

/// Verifies that `output` and `proof` are `public`'s VRF of `transcript`;
/// returns the lottery value.
pub fn verify(
    public: &[u8; 32],
    transcript: Transcript,
    output: &[u8; 32],
    proof: &[u8; 64],
) -> Result<u128, VrfFailure> {
    let public = PublicKey::from_bytes(public).map_err(|_| VrfFailure::BadKey)?;
    let output = VRFPreOut::from_bytes(output).map_err(|_| VrfFailure::Malformed)?;
    let proof = VRFProof::from_bytes(proof).map_err(|_| VrfFailure::Malformed)?;
    let (inout, _) = public
        .vrf_verify(transcript, &output, &proof)
        .map_err(|_| VrfFailure::Invalid)?;
    Ok(lottery_value(&inout))
}

/// Why a VRF does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VrfFailure {
    /// The public key is not a valid point.
    BadKey,
    /// The output or proof bytes do not decode.
    Malformed,
    /// The proof is not the key's for this input and output.
    Invalid,
}

impl VrfFailure {
    /// The verification error for a claim by `authority_index`.
    pub(crate) fn into_error(self, authority_index: u32) -> SlotsError {
        match self {
            VrfFailure::BadKey => SlotsError::InvalidAuthorityKey {
                index: authority_index,
            },
            VrfFailure::Malformed => SlotsError::MalformedVrf,
            VrfFailure::Invalid => SlotsError::InvalidVrfProof { authority_index },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::crypto::sr25519::Pair;

    fn pair(n: u8) -> Pair {
        Pair::from_seed(&[n; 32]).unwrap()
    }

    #[test]
    fn a_win_verifies_and_its_value_is_deterministic() {
        let p = pair(1);
        let win = sign_if_below(
            p.as_schnorrkel(),
            slot_transcript(&[2; 32], 7, 1),
            u128::MAX,
        )
        .unwrap();
        let value = verify(
            &p.public(),
            slot_transcript(&[2; 32], 7, 1),
            &win.output,
            &win.proof,
        );
        assert_eq!(value, Ok(win.value));
        let again = sign_if_below(
            p.as_schnorrkel(),
            slot_transcript(&[2; 32], 7, 1),
            u128::MAX,
        )
        .unwrap();
        assert_eq!((again.output, again.value), (win.output, win.value));
    }

    #[test]
    fn every_input_changes_the_output() {
        let p = pair(1);
        let output = |randomness: u8, slot: u64, epoch: u64| {
            let t = slot_transcript(&[randomness; 32], slot, epoch);
            sign_if_below(p.as_schnorrkel(), t, u128::MAX)
                .unwrap()
                .output
        };
        let base = output(2, 7, 1);
        assert_ne!(base, output(3, 7, 1));
        assert_ne!(base, output(2, 8, 1));
        assert_ne!(base, output(2, 7, 2));
    }

    #[test]
    fn other_inputs_keys_or_bytes_do_not_verify() {
        let p = pair(1);
        let win = sign_if_below(
            p.as_schnorrkel(),
            slot_transcript(&[2; 32], 7, 1),
            u128::MAX,
        )
        .unwrap();
        let t = || slot_transcript(&[2; 32], 7, 1);
        let other_slot = slot_transcript(&[2; 32], 8, 1);
        assert_eq!(
            verify(&p.public(), other_slot, &win.output, &win.proof),
            Err(VrfFailure::Invalid)
        );
        assert_eq!(
            verify(&pair(2).public(), t(), &win.output, &win.proof),
            Err(VrfFailure::Invalid)
        );
        assert_eq!(
            verify(&[0xff; 32], t(), &win.output, &win.proof),
            Err(VrfFailure::BadKey)
        );
        assert!(verify(&p.public(), t(), &[0xff; 32], &win.proof).is_err());
        assert_eq!(
            verify(&p.public(), t(), &win.output, &[0xff; 64]),
            Err(VrfFailure::Malformed)
        );
        let mut proof = win.proof;
        proof[0] ^= 1;
        assert_ne!(verify(&p.public(), t(), &win.output, &proof), Ok(win.value));
    }

    #[test]
    fn nothing_is_signed_below_a_zero_threshold() {
        let t = slot_transcript(&[2; 32], 7, 1);
        assert_eq!(sign_if_below(pair(1).as_schnorrkel(), t, 0), None);
    }
}
