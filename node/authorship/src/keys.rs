//! Where the author finds its slot keys: the sr25519 VRF keys of an
//! epoch's authorities that this node holds.

use entroos_consensus_slots::HeldKeys;
use entroos_primitives::crypto::sr25519;

/// The slot keys a node holds.
pub trait SlotKeys {
    /// The pairs this node holds among `authorities` (an epoch's VRF keys).
    fn held(&self, authorities: &[[u8; 32]]) -> HeldKeys;
}

/// A single key: the pair itself, if it is one of the authorities.
impl SlotKeys for sr25519::Pair {
    fn held(&self, authorities: &[[u8; 32]]) -> HeldKeys {
        authorities
            .contains(&self.public())
            .then(|| self.clone())
            .into_iter()
            .collect()
    }
}

/// Several keys: those among the authorities.
impl SlotKeys for Vec<sr25519::Pair> {
    fn held(&self, authorities: &[[u8; 32]]) -> HeldKeys {
        self.iter()
            .filter(|pair| authorities.contains(&pair.public()))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_of_the_authorities_are_held() {
        let alice = sr25519::Pair::from_uri("//Alice").unwrap();
        let bob = sr25519::Pair::from_uri("//Bob").unwrap();
        assert_eq!(alice.held(&[bob.public()]).len(), 0);
        assert_eq!(alice.held(&[bob.public(), alice.public()]).len(), 1);
        let both = vec![alice.clone(), bob.clone()];
        let held = both.held(&[alice.public()]);
        assert!(held.get(&alice.public()).is_some() && held.get(&bob.public()).is_none());
    }
}
