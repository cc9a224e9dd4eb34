//! Untrusted bytes into every decoder: random and mutated inputs never
//! panic, anything accepted stays within the protocol's bounds and
//! re-encodes to the same bytes, and valid messages round-trip.

use codec::Encode;
use entroos_network_api::*;
use entroos_primitives::{Digest, DigestItem, Header, OpaqueExtrinsic, H256};
use proptest::prelude::*;

fn hash() -> impl Strategy<Value = H256> {
    any::<[u8; 32]>().prop_map(H256)
}

fn digest_item() -> impl Strategy<Value = DigestItem> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..8).prop_map(DigestItem::Other),
        (any::<[u8; 4]>(), prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(id, data)| DigestItem::PreRuntime(id, data)),
        (any::<[u8; 4]>(), prop::collection::vec(any::<u8>(), 0..8))
            .prop_map(|(id, data)| DigestItem::Seal(id, data)),
        Just(DigestItem::RuntimeEnvironmentUpdated),
    ]
}

fn header() -> impl Strategy<Value = Header> {
    (
        hash(),
        any::<u32>(),
        hash(),
        hash(),
        prop::collection::vec(digest_item(), 0..3),
    )
        .prop_map(
            |(parent_hash, number, state_root, extrinsics_root, logs)| Header {
                parent_hash,
                number,
                state_root,
                extrinsics_root,
                digest: Digest { logs },
            },
        )
}

fn block_data() -> impl Strategy<Value = BlockData> {
    (
        hash(),
        prop::option::of(header()),
        prop::option::of(prop::collection::vec(
            prop::collection::vec(any::<u8>(), 0..16).prop_map(OpaqueExtrinsic),
            0..4,
        )),
        prop::option::of(prop::collection::vec(any::<u8>(), 0..16)),
    )
        .prop_map(|(hash, header, body, justification)| BlockData {
            hash,
            header,
            body,
            justification,
        })
}

fn response() -> impl Strategy<Value = BlockResponse> {
    prop::collection::vec(block_data(), 0..6).prop_map(|blocks| BlockResponse { blocks })
}

fn request() -> impl Strategy<Value = BlockRequest> {
    (
        prop::sample::select(vec![
            BlockAttributes::HEADER,
            BlockAttributes::HEADER | BlockAttributes::BODY,
            BlockAttributes::FULL,
        ]),
        prop_oneof![
            hash().prop_map(FromBlock::Hash),
            any::<u32>().prop_map(FromBlock::Number)
        ],
        prop::sample::select(vec![Direction::Ascending, Direction::Descending]),
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(fields, from, direction, max)| BlockRequest {
            fields,
            from,
            direction,
            max,
        })
}

fn status() -> impl Strategy<Value = Status> {
    (any::<u8>(), any::<u32>(), hash(), hash()).prop_map(
        |(roles, best_number, best_hash, genesis_hash)| Status {
            roles: Roles(roles),
            best_number,
            best_hash,
            genesis_hash,
        },
    )
}

fn announce() -> impl Strategy<Value = BlockAnnounce> {
    (header(), any::<bool>()).prop_map(|(header, is_best)| BlockAnnounce { header, is_best })
}

fn transactions() -> impl Strategy<Value = Transactions> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..32), 0..8).prop_map(Transactions)
}

/// A valid encoding with a few bytes overwritten, cut or inserted.
fn mutate(bytes: Vec<u8>, edits: Vec<(usize, u8, u8)>) -> Vec<u8> {
    let mut bytes = bytes;
    for (at, kind, value) in edits {
        let at = if bytes.is_empty() {
            0
        } else {
            at % bytes.len()
        };
        match kind % 3 {
            0 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = value;
                }
            }
            1 => bytes.truncate(at),
            _ => bytes.insert(at, value),
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4)
}

/// Checks every decoder on `bytes`: no panic, bounds, canonical re-encoding.
fn check_all(bytes: &[u8]) {
    if let Ok(response) = BlockResponse::decode_bounded(bytes) {
        assert!(response.blocks.len() <= MAX_BLOCKS_PER_RESPONSE as usize);
        for block in &response.blocks {
            let body = block.body.as_ref().map_or(0, Vec::len);
            assert!(body <= MAX_EXTRINSICS_PER_BLOCK as usize);
            let justification = block.justification.as_ref().map_or(0, Vec::len);
            assert!(justification <= MAX_JUSTIFICATION_BYTES);
        }
        assert_eq!(response.encode(), bytes);
    }
    if let Ok(request) = BlockRequest::decode_bounded(bytes) {
        assert_eq!(request.encode(), bytes);
    }
    if let Ok(status) = Status::decode_bounded(bytes) {
        assert_eq!(status.encode(), bytes);
    }
    if let Ok(txs) = Transactions::decode_bounded(bytes) {
        assert!(txs.0.len() <= MAX_TRANSACTIONS_PER_MESSAGE as usize);
        assert_eq!(txs.encode(), bytes);
    }
    if let Ok(announce) = BlockAnnounce::decode_bounded(bytes) {
        assert!(announce.encode().len() <= bytes.len().saturating_add(2));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_all(&bytes);
    }

    #[test]
    fn mutated_responses_never_panic(r in response(), e in edits()) {
        check_all(&mutate(r.encode(), e));
    }

    #[test]
    fn mutated_requests_never_panic(r in request(), e in edits()) {
        check_all(&mutate(r.encode(), e));
    }

    #[test]
    fn mutated_announces_never_panic(a in announce(), e in edits()) {
        check_all(&mutate(a.encode(), e));
    }

    #[test]
    fn mutated_statuses_and_transactions_never_panic(s in status(), t in transactions(), e in edits()) {
        check_all(&mutate(s.encode(), e.clone()));
        check_all(&mutate(t.encode(), e));
    }

    #[test]
    fn valid_messages_round_trip(
        r in response(), q in request(), s in status(), a in announce(), t in transactions()
    ) {
        prop_assert_eq!(BlockResponse::decode_bounded(&r.encode()), Ok(r));
        prop_assert_eq!(BlockRequest::decode_bounded(&q.encode()), Ok(q));
        prop_assert_eq!(Status::decode_bounded(&s.encode()), Ok(s));
        prop_assert_eq!(BlockAnnounce::decode_bounded(&a.encode()), Ok(a));
        prop_assert_eq!(Transactions::decode_bounded(&t.encode()), Ok(t));
    }

    #[test]
    fn built_responses_always_decode(
        blocks in prop::collection::vec(block_data(), 0..40),
        max_blocks in 0u32..200,
        max_bytes in 0usize..4_000,
    ) {
        let response = build_response(blocks.clone(), max_blocks, max_bytes);
        let bytes = response.encode();
        prop_assert!(bytes.len() <= max_bytes.max(1));
        prop_assert!(response.blocks.len() <= max_blocks as usize);
        prop_assert_eq!(&response.blocks[..], &blocks[..response.blocks.len()]);
        prop_assert_eq!(BlockResponse::decode_bounded(&bytes), Ok(response));
    }
}

#[test]
fn oversized_messages_are_refused_before_decoding() {
    let huge = vec![0u8; MAX_RESPONSE_BYTES + 1];
    assert!(matches!(
        BlockResponse::decode_bounded(&huge),
        Err(DecodeError::TooLarge { .. })
    ));
    assert!(matches!(
        Transactions::decode_bounded(&huge),
        Err(DecodeError::TooLarge { .. })
    ));
    let small = vec![0u8; MAX_REQUEST_BYTES + 1];
    assert!(matches!(
        BlockRequest::decode_bounded(&small),
        Err(DecodeError::TooLarge { .. })
    ));
    assert!(matches!(
        Status::decode_bounded(&small),
        Err(DecodeError::TooLarge { .. })
    ));
    let announce = vec![0u8; MAX_ANNOUNCE_BYTES + 1];
    assert!(matches!(
        BlockAnnounce::decode_bounded(&announce),
        Err(DecodeError::TooLarge { .. })
    ));
}

#[test]
fn declared_counts_beyond_the_limits_are_refused() {
    let txs = codec::Compact(MAX_TRANSACTIONS_PER_MESSAGE + 1).encode();
    assert!(matches!(
        Transactions::decode_bounded(&txs),
        Err(DecodeError::TooMany { .. })
    ));
    let mut block = codec::Compact(1u32).encode();
    block.extend(H256::default().encode());
    block.push(0);
    block.push(1);
    block.extend(codec::Compact(MAX_EXTRINSICS_PER_BLOCK + 1).encode());
    assert!(matches!(
        BlockResponse::decode_bounded(&block),
        Err(DecodeError::TooMany {
            what: "extrinsics",
            ..
        })
    ));
}
