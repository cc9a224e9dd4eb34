use crate::mock::*;
use crate::{Call, Error, Event, KeyKind, KeyOwner, Keys, SessionKeys};
use entroos_primitives::dispatch::DispatchError;
use entroos_support::dispatch::RawOrigin;
use entroos_support::state::Externalities;

fn set_keys(
    ext: &mut dyn Externalities,
    n: u8,
    v: &Validator,
    proof_stash: u8,
) -> Result<(), DispatchError> {
    let call = Call::set_keys {
        keys: v.keys(),
        proof: v.key_proof(&stash(proof_stash)),
    };
    Entropy::dispatch(ext, RawOrigin::Signed(stash(n)), call)
}

fn bond(ext: &mut dyn Externalities, n: u8) {
    Entropy::dispatch(ext, RawOrigin::Signed(stash(n)), Call::bond { value: BOND }).unwrap();
}

fn err(e: Error) -> Result<(), DispatchError> {
    Err(Entropy::error(e))
}

#[test]
fn keys_with_a_valid_proof_are_recorded_with_their_owner() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        pallet_system::Number::put(ext, &1);
        let v = Validator::new(1);
        assert_eq!(set_keys(ext, 1, &v, 1), err(Error::NotBonded));
        bond(ext, 1);
        set_keys(ext, 1, &v, 1).unwrap();
        assert_eq!(Keys::get(ext, &stash(1)), Some(v.keys()));
        assert_eq!(
            KeyOwner::get(ext, &(KeyKind::Vrf, v.keys().vrf)),
            Some(stash(1))
        );
        assert_eq!(
            KeyOwner::get(ext, &(KeyKind::Finality, v.keys().finality)),
            Some(stash(1))
        );
        assert!(entropy_events(ext).contains(&Event::KeysSet {
            stash: stash(1),
            keys: v.keys()
        }));
    });
}

#[test]
fn a_proof_for_another_stash_or_by_other_keys_is_refused() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        bond(ext, 1);
        let v = Validator::new(1);
        assert_eq!(
            set_keys(ext, 1, &v, 2),
            err(Error::InvalidKeyProof),
            "signed for stash 2"
        );
        let other = Validator::new(9);
        let mixed = SessionKeys {
            vrf: v.keys().vrf,
            finality: other.keys().finality,
        };
        let proof = v.key_proof(&stash(1));
        let call = Call::set_keys { keys: mixed, proof };
        assert_eq!(
            Entropy::dispatch(ext, RawOrigin::Signed(stash(1)), call),
            err(Error::InvalidKeyProof)
        );
        let mut forged = v.key_proof(&stash(1));
        forged.finality_signature[0] ^= 1;
        let call = Call::set_keys {
            keys: v.keys(),
            proof: forged,
        };
        assert_eq!(
            Entropy::dispatch(ext, RawOrigin::Signed(stash(1)), call),
            err(Error::InvalidKeyProof)
        );
        assert!(Keys::get(ext, &stash(1)).is_none());
    });
}

#[test]
fn a_key_belongs_to_one_stash_and_replacing_keys_frees_the_old_ones() {
    let mut t = new_test_ext(&[], test_params());
    t.execute_with(|ext| {
        bond(ext, 1);
        bond(ext, 2);
        let (first, second) = (Validator::new(1), Validator::new(2));
        set_keys(ext, 1, &first, 1).unwrap();
        // Stash 2 signs for itself with stash 1's keys: possession is proven,
        // but the keys are taken.
        assert_eq!(set_keys(ext, 2, &first, 2), err(Error::DuplicatedKey));
        set_keys(ext, 1, &first, 1).unwrap();
        assert_eq!(
            Keys::get(ext, &stash(1)),
            Some(first.keys()),
            "setting the same keys again is fine"
        );
        set_keys(ext, 1, &second, 1).unwrap();
        assert!(KeyOwner::get(ext, &(KeyKind::Vrf, first.keys().vrf)).is_none());
        set_keys(ext, 2, &first, 2).unwrap();
        assert_eq!(
            KeyOwner::get(ext, &(KeyKind::Vrf, first.keys().vrf)),
            Some(stash(2))
        );
    });
}

#[test]
fn new_keys_take_effect_at_the_next_selection() {
    let mut t = new_test_ext(&[(1, BOND), (2, BOND)], test_params());
    t.execute_with(|ext| {
        next_block(ext, GENESIS_SLOT, None).unwrap();
        let new_keys = Validator::new(50);
        set_keys(ext, 1, &new_keys, 1).unwrap();
        let keys_in = |set: crate::EpochSetOf<Test>| {
            set.authorities
                .as_slice()
                .iter()
                .find(|a| a.stash == stash(1))
                .unwrap()
                .keys
        };
        assert_eq!(keys_in(Entropy::current_set(ext)), Validator::new(1).keys());
        assert_eq!(
            keys_in(Entropy::next_set(ext)),
            Validator::new(1).keys(),
            "fixed before"
        );
        block_in_epoch(ext, 1);
        assert_eq!(keys_in(Entropy::current_set(ext)), Validator::new(1).keys());
        assert_eq!(
            keys_in(Entropy::next_set(ext)),
            new_keys.keys(),
            "selected after"
        );
    });
}

#[test]
fn the_ownership_message_binds_stash_and_keys() {
    let keys = SessionKeys {
        vrf: [1; 32],
        finality: [2; 32],
    };
    let message = crate::key_ownership_message(&stash(3), &keys);
    assert!(message.starts_with(b"entroos/session-keys"));
    assert_eq!(message.len(), 20 + 3 * 32);
    assert_ne!(message, crate::key_ownership_message(&stash(4), &keys));
}
