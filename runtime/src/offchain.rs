//! The runtime's side of the off-chain workers: what runs for each block
//! the node imports as its best, and how the proof-of-execution worker's
//! calls become signed transactions in the node's pool.
//!
//! The ledger's worker ([`pallet_poe::offchain::work`]) returns calls with
//! their signers (executor keys, whose public key is the provider account);
//! each becomes a signed v4 extrinsic as a wallet would make it:
//!
//! - nonce: the larger of the on-chain `System.Account` nonce and the
//!   pool's next index for the account (`ctx.account_next_index`), then
//!   one more for each further call of the same signer in this run;
//! - era: mortal, period 64, born at the parent of the block the worker
//!   runs for (see [`era_of`]; the genesis hash is System's block hash of
//!   0);
//! - tip 0, the runtime's spec and transaction versions;
//! - the signing payload (blake2-256 of it when longer than 256 bytes)
//!   signed by the keystore (`ctx.sr25519_sign` with the `exec` key type).
//!
//! A call that cannot be signed or that the pool refuses is reported in
//! the [`Report`] (the runtime has no log; the node's entry point drops
//! it) and never panics: the worker's kept run makes it submit the call
//! again a few blocks later if it is still not on chain.

use crate::{RuntimeCall, System, UncheckedExtrinsic};
use codec::Encode;
use entroos_primitives::generic::extensions::AdditionalSigned;
use entroos_primitives::generic::{signing_payload, SignedExtra};
use entroos_primitives::{AccountId32, Era, Header, MultiAddress, MultiSignature};
use entroos_support::hooks::{Hooks, OffchainContext, OffchainError};
use entroos_support::state::Externalities;
use pallet_poe::local::EXECUTOR_KEY_TYPE;
use pallet_poe::offchain::Submission;
use std::collections::BTreeMap;

/// The era period of the workers' transactions, in blocks.
pub const ERA_PERIOD: u64 = 64;

/// What one run of the workers submitted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The extrinsics the pool accepted, encoded.
    pub submitted: Vec<Vec<u8>>,
    /// The calls that could not be signed or that the pool refused.
    pub refused: Vec<(AccountId32, OffchainError)>,
}

/// Runs every pallet's off-chain worker for the imported block `header`.
pub fn run(ext: &dyn Externalities, header: &Header, ctx: &mut dyn OffchainContext) -> Report {
    let n = header.number;
    crate::System::offchain_worker(ext, n, ctx);
    crate::Timestamp::offchain_worker(ext, n, ctx);
    crate::Entropy::offchain_worker(ext, n, ctx);
    crate::Balances::offchain_worker(ext, n, ctx);
    crate::TransactionPayment::offchain_worker(ext, n, ctx);
    crate::Poe::offchain_worker(ext, n, ctx);
    let submissions = pallet_poe::offchain::work(ext, n, ctx);
    submit_signed(ext, header, ctx, submissions)
}

/// The era of transactions made for block `header`, and the hash of the
/// block it is born at: mortal, born at the parent. Peers validate a
/// gossiped transaction against their own best block, which may not be
/// `header` yet when the transaction reaches them, but is its parent or
/// later; a transaction born at `header` itself would be refused there
/// and lost. Immortal for genesis, which has no parent.
pub fn era_of(header: &Header) -> (Era, entroos_primitives::H256) {
    match header.number.checked_sub(1) {
        Some(parent) => (
            Era::mortal(ERA_PERIOD, u64::from(parent)),
            header.parent_hash,
        ),
        None => (Era::Immortal, header.hash()),
    }
}

/// Signs each submission with its signer's executor key and submits it.
pub fn submit_signed(
    ext: &dyn Externalities,
    header: &Header,
    ctx: &mut dyn OffchainContext,
    submissions: Vec<Submission>,
) -> Report {
    let mut report = Report::default();
    let mut nonces: BTreeMap<AccountId32, u32> = BTreeMap::new();
    let (era, birth_hash) = era_of(header);
    let additional = AdditionalSigned {
        spec_version: crate::SPEC_VERSION,
        transaction_version: crate::TRANSACTION_VERSION,
        genesis_hash: pallet_system::BlockHash::get(ext, &0),
        birth_hash,
    };
    for Submission { signer, call } in submissions {
        let nonce = *nonces
            .entry(signer)
            .or_insert_with(|| next_nonce(ext, &*ctx, &signer));
        let extra = SignedExtra { era, nonce, tip: 0 };
        let call = RuntimeCall::Poe(call);
        let result = sign(&*ctx, &signer, &call, &extra, &additional).and_then(|signature| {
            let xt = UncheckedExtrinsic::new_signed(
                call,
                MultiAddress::Id(signer),
                MultiSignature::Sr25519(signature),
                extra,
            )
            .encode();
            ctx.submit_transaction(xt.clone()).map(|()| xt)
        });
        match result {
            Ok(xt) => {
                report.submitted.push(xt);
                nonces.insert(signer, nonce.saturating_add(1));
            }
            Err(error) => report.refused.push((signer, error)),
        }
    }
    report
}

/// The nonce `who`'s next transaction needs: past the chain's and the pool's.
fn next_nonce(ext: &dyn Externalities, ctx: &dyn OffchainContext, who: &AccountId32) -> u32 {
    let on_chain = System::account_nonce(ext, who);
    ctx.account_next_index(&who.0)
        .map_or(on_chain, |pooled| pooled.max(on_chain))
}

/// `signer`'s executor key's signature of the extrinsic's signing payload.
fn sign(
    ctx: &dyn OffchainContext,
    signer: &AccountId32,
    call: &RuntimeCall,
    extra: &SignedExtra,
    additional: &AdditionalSigned,
) -> Result<[u8; 64], OffchainError> {
    let payload = signing_payload(&call.encode(), extra, additional);
    ctx.sr25519_sign(EXECUTOR_KEY_TYPE, &signer.0, &payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesis::DEV_PRESET;
    use crate::testing::{dev_pair, TestChain};
    use codec::Decode;
    use entroos_primitives::H256;
    use entroos_support::offchain::testing::TestOffchain;

    fn who(name: &str) -> AccountId32 {
        AccountId32(dev_pair(name).unwrap().public())
    }

    fn commit(signer: AccountId32, job_id: u64) -> Submission {
        let call = pallet_poe::Call::commit_receipt {
            job_id,
            commitment: H256([7; 32]),
        };
        Submission { signer, call }
    }

    #[test]
    fn calls_become_mortal_signed_extrinsics_with_consecutive_nonces() {
        let mut chain = TestChain::new(DEV_PRESET).unwrap();
        chain.build_block(&[]).unwrap();
        let mut node = TestOffchain::with_keys(
            EXECUTOR_KEY_TYPE,
            [dev_pair("Bob").unwrap(), dev_pair("Charlie").unwrap()],
        );
        node.next_index.insert(who("Bob").0, 3);
        node.refuse.insert(1);
        let submissions = vec![
            commit(who("Bob"), 0),
            commit(who("Bob"), 1),
            commit(who("Bob"), 2),
            commit(who("Charlie"), 0),
            commit(who("Dave"), 0),
        ];
        let head = chain.head.clone();
        let report = chain.read(|ext| submit_signed(ext, &head, &mut node, submissions));
        assert_eq!(
            report.refused,
            vec![
                (
                    who("Bob"),
                    OffchainError::Rejected("refused by the test".into())
                ),
                (who("Dave"), OffchainError::MissingKey),
            ]
        );
        assert_eq!(report.submitted, node.submitted);
        let decoded: Vec<UncheckedExtrinsic> = node
            .submitted
            .iter()
            .map(|xt| UncheckedExtrinsic::decode(&mut &xt[..]).unwrap())
            .collect();
        let nonces: Vec<(AccountId32, u32)> = decoded
            .iter()
            .map(|xt| {
                let (address, _, extra) = xt.signature.clone().unwrap();
                assert_eq!(
                    extra.era,
                    Era::mortal(ERA_PERIOD, u64::from(head.number) - 1)
                );
                assert_eq!(extra.tip, 0);
                (*address.account().unwrap(), extra.nonce)
            })
            .collect();
        // Past the pool's index; a refused call's nonce is used again.
        assert_eq!(
            nonces,
            vec![(who("Bob"), 3), (who("Bob"), 4), (who("Charlie"), 0)]
        );
        // The chain takes Charlie's (signature, era, genesis and nonce
        // check; the call itself fails: Charlie is assigned nothing).
        let charlie = node.submitted[2].clone();
        let (_, results) = chain.build_block(&[charlie]).unwrap();
        assert!(matches!(results.as_slice(), [Ok(Err(_))]), "{results:?}");
    }
}
