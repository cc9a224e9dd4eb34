//! Deferred sr25519 checks, for importing whole blocks.
//!
//! A block is valid only if every signature in it is, so an importer need
//! not stop at each one: inside [`deferring`], every
//! [`verify_deferrable`] call on the same thread records its signature
//! and answers `true`, and the caller verifies the recorded ones together
//! afterwards with [`verify_all`] (a batch verification, about twice as
//! fast per signature, which can also be split across threads). Nothing
//! computed inside may be trusted before they verified: the caller throws
//! it all away if they do not.
//!
//! Only checks whose failure rejects the whole computation may be
//! deferrable (a transaction's own signature in a block is one); outside
//! [`deferring`], [`verify_deferrable`] verifies at once, exactly as
//! [`sr25519::verify`] does.

use super::sr25519;
use std::cell::RefCell;

/// A recorded signature check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeferredCheck {
    /// The signed message.
    pub message: Vec<u8>,
    /// The signature.
    pub signature: [u8; 64],
    /// The signer's public key.
    pub public: [u8; 32],
}

thread_local! {
    static RECORDED: RefCell<Option<Vec<DeferredCheck>>> = const { RefCell::new(None) };
}

/// Puts back what was recorded before, even if `f` panics.
struct Restore(Option<Vec<DeferredCheck>>);

impl Drop for Restore {
    fn drop(&mut self) {
        let outer = self.0.take();
        RECORDED.with(|recorded| *recorded.borrow_mut() = outer);
    }
}

/// Runs `f` with this thread's deferrable checks recorded; returns its
/// result and the checks, which must all verify before the result is used.
pub fn deferring<R>(f: impl FnOnce() -> R) -> (R, Vec<DeferredCheck>) {
    let outer = RECORDED.with(|recorded| recorded.borrow_mut().replace(Vec::new()));
    let restore = Restore(outer);
    let result = f();
    let checks = RECORDED.with(|recorded| recorded.borrow_mut().take().unwrap_or_default());
    drop(restore);
    (result, checks)
}

/// Verifies `signature` of `message` by `public` now, or, inside
/// [`deferring`], records it and answers `true`.
pub fn verify_deferrable(signature: &[u8; 64], message: &[u8], public: &[u8; 32]) -> bool {
    let recorded = RECORDED.with(|recorded| match recorded.borrow_mut().as_mut() {
        Some(checks) => {
            checks.push(DeferredCheck {
                message: message.to_vec(),
                signature: *signature,
                public: *public,
            });
            true
        }
        None => false,
    });
    recorded || sr25519::verify(signature, message, public)
}

/// Whether every one of `checks` verifies (one batch; empty verifies).
pub fn verify_all(checks: &[DeferredCheck]) -> bool {
    let items: Vec<(&[u8], [u8; 64], [u8; 32])> = checks
        .iter()
        .map(|check| (check.message.as_slice(), check.signature, check.public))
        .collect();
    sr25519::verify_batch(&items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sr25519::Pair;

    #[test]
    fn checks_inside_are_recorded_and_pass_until_verified() {
        let alice = Pair::from_uri("//Alice").unwrap();
        let good = alice.sign(b"good");
        let (answers, checks) = deferring(|| {
            [
                verify_deferrable(&good, b"good", &alice.public()),
                verify_deferrable(&good, b"forged", &alice.public()),
            ]
        });
        assert_eq!(answers, [true, true], "deferred checks pass for now");
        assert_eq!(checks.len(), 2);
        assert!(verify_all(&checks[..1]));
        assert!(!verify_all(&checks), "the forged one fails the batch");
    }

    #[test]
    fn outside_a_deferral_checks_run_at_once() {
        let alice = Pair::from_uri("//Alice").unwrap();
        let good = alice.sign(b"good");
        assert!(verify_deferrable(&good, b"good", &alice.public()));
        assert!(!verify_deferrable(&good, b"forged", &alice.public()));
        let ((), checks) = deferring(|| ());
        assert!(checks.is_empty() && verify_all(&checks));
    }

    #[test]
    fn a_nested_deferral_keeps_its_own_checks_and_a_panic_restores() {
        let alice = Pair::from_uri("//Alice").unwrap();
        let sig = alice.sign(b"m");
        let ((inner, outer_answer), outer) = deferring(|| {
            let ((), inner) = deferring(|| {
                verify_deferrable(&sig, b"inner", &alice.public());
            });
            (inner, verify_deferrable(&sig, b"m", &alice.public()))
        });
        assert!(outer_answer);
        assert_eq!(inner.len(), 1);
        assert_eq!(outer.len(), 1);
        let panicked = std::panic::catch_unwind(|| deferring(|| panic!("inside")));
        assert!(panicked.is_err());
        assert!(
            !verify_deferrable(&sig, b"forged", &alice.public()),
            "no deferral left open"
        );
    }
}
