//! The block request server: walks, caps and parts.

mod common;

use codec::Encode;
use common::chain::MemChain;
use entroos_network_api::{
    BlockAttributes, BlockRequest, BlockResponse, Direction, FromBlock, MAX_BLOCKS_PER_RESPONSE,
};
use entroos_primitives::{BlockNumber, H256};
use entroos_sync::{serve, ServeLimits};
use proptest::prelude::*;

fn chain(len: u32) -> MemChain {
    let mut chain = MemChain::new();
    let genesis = chain.genesis();
    chain.grow(genesis, len, 1, None);
    chain
}

fn request(from: FromBlock, direction: Direction, max: Option<u32>) -> BlockRequest {
    BlockRequest {
        fields: BlockAttributes::FULL,
        from,
        direction,
        max,
    }
}

fn numbers(response: &BlockResponse) -> Vec<BlockNumber> {
    response
        .blocks
        .iter()
        .map(|b| b.header.as_ref().unwrap().number)
        .collect()
}

fn answer(request: &BlockRequest, chain: &MemChain) -> BlockResponse {
    serve(request, chain, ServeLimits::default()).unwrap()
}

#[test]
fn ascending_by_number_walks_the_best_chain() {
    let chain = chain(20);
    let response = answer(
        &request(FromBlock::Number(3), Direction::Ascending, Some(5)),
        &chain,
    );
    assert_eq!(numbers(&response), vec![3, 4, 5, 6, 7]);
    let tail = answer(
        &request(FromBlock::Number(18), Direction::Ascending, Some(5)),
        &chain,
    );
    assert_eq!(numbers(&tail), vec![18, 19, 20]);
}

#[test]
fn descending_by_hash_walks_parents_down_to_genesis() {
    let chain = chain(20);
    let top = chain.canonical_hash(10).unwrap();
    let response = answer(
        &request(FromBlock::Hash(top), Direction::Descending, Some(3)),
        &chain,
    );
    assert_eq!(numbers(&response), vec![10, 9, 8]);
    let from_two = chain.canonical_hash(2).unwrap();
    let response = answer(
        &request(FromBlock::Hash(from_two), Direction::Descending, Some(10)),
        &chain,
    );
    assert_eq!(numbers(&response), vec![2, 1, 0]);
}

#[test]
fn an_unknown_start_gives_an_empty_answer() {
    let chain = chain(5);
    let unknown = answer(
        &request(FromBlock::Hash(H256([3; 32])), Direction::Descending, None),
        &chain,
    );
    assert!(unknown.blocks.is_empty());
    let beyond = answer(
        &request(FromBlock::Number(6), Direction::Ascending, None),
        &chain,
    );
    assert!(beyond.blocks.is_empty());
    let none = answer(
        &request(FromBlock::Number(1), Direction::Ascending, Some(0)),
        &chain,
    );
    assert!(none.blocks.is_empty());
}

#[test]
fn ascending_from_a_side_block_stops_where_the_best_chain_leaves_it() {
    let mut chain = chain(10);
    let parent = chain.canonical_hash(5).unwrap();
    let side = chain.grow(parent, 1, 9, None);
    let response = answer(
        &request(FromBlock::Hash(side), Direction::Ascending, Some(4)),
        &chain,
    );
    assert_eq!(numbers(&response), vec![6]);
    assert_eq!(response.blocks[0].hash, side);
}

#[test]
fn the_count_and_byte_caps_hold() {
    let chain = chain(300);
    let unlimited = answer(
        &request(FromBlock::Number(1), Direction::Ascending, None),
        &chain,
    );
    assert_eq!(unlimited.blocks.len(), MAX_BLOCKS_PER_RESPONSE as usize);
    let one = unlimited.blocks[0].encoded_size();
    let limits = ServeLimits {
        max_blocks: 100,
        max_bytes: 10 * one + 5,
    };
    let small = serve(
        &request(FromBlock::Number(1), Direction::Ascending, None),
        &chain,
        limits,
    )
    .unwrap();
    assert_eq!(small.blocks.len(), 10);
    assert!(small.encode().len() <= limits.max_bytes);
    let few = ServeLimits {
        max_blocks: 7,
        ..ServeLimits::default()
    };
    let capped = serve(
        &request(FromBlock::Number(1), Direction::Ascending, Some(50)),
        &chain,
        few,
    )
    .unwrap();
    assert_eq!(capped.blocks.len(), 7);
}

#[test]
fn only_the_parts_asked_for_are_sent() {
    let chain = chain(5);
    let headers = BlockRequest {
        fields: BlockAttributes::HEADER,
        from: FromBlock::Number(1),
        direction: Direction::Ascending,
        max: Some(2),
    };
    let response = answer(&headers, &chain);
    assert!(response
        .blocks
        .iter()
        .all(|b| b.header.is_some() && b.body.is_none() && b.justification.is_none()));
    let bodies = BlockRequest {
        fields: BlockAttributes::BODY,
        ..headers
    };
    let response = answer(&bodies, &chain);
    assert!(response
        .blocks
        .iter()
        .all(|b| b.header.is_none() && b.body.is_some()));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever is asked, the answer decodes within the protocol's bounds,
    /// starts where asked, and chains in the asked direction.
    #[test]
    fn answers_start_where_asked_and_chain(
        len in 1u32..200,
        start in 0u32..220,
        max in prop::option::of(0u32..300),
        descending in any::<bool>(),
        by_hash in any::<bool>(),
    ) {
        let chain = chain(len);
        let direction = if descending { Direction::Descending } else { Direction::Ascending };
        let from = match (by_hash, chain.canonical_hash(start)) {
            (true, Some(hash)) => FromBlock::Hash(hash),
            _ => FromBlock::Number(start),
        };
        let response = answer(&request(from, direction, max), &chain);
        let decoded = BlockResponse::decode_bounded(&response.encode()).unwrap();
        prop_assert_eq!(&decoded, &response);
        let cap = max.unwrap_or(u32::MAX).min(MAX_BLOCKS_PER_RESPONSE) as usize;
        prop_assert!(response.blocks.len() <= cap);
        let got = numbers(&response);
        if start <= len && cap > 0 {
            let expected: Vec<u32> = if descending {
                (0..=start).rev().take(cap).collect()
            } else {
                (start..=len).take(cap).collect()
            };
            prop_assert_eq!(got, expected);
        } else {
            prop_assert!(got.is_empty());
        }
        for block in &response.blocks {
            prop_assert_eq!(block.header.as_ref().unwrap().hash(), block.hash);
        }
    }
}
