//! `export-blocks` and `import-blocks`.
//!
//! Binary form (Substrate's): the block count as a SCALE `u64`, then each
//! block as a SCALE `SignedBlock` (block, then `Option<Justifications>`).
//! JSON form: an array of `{"block": {"header", "extrinsics"}, "justifications"}`,
//! the shape of `chain_getBlock`. Imported blocks are executed, their seals
//! checked, and committed one by one; a bad block stops the import with its
//! number and the reason, leaving every block before it imported.

use codec::{Decode, Encode};
use entroos_client::Client;
use entroos_client_api::{BlockImport, BlockOrigin, ClientError, Finalizer};
use entroos_primitives::generic::SignedBlock;
use entroos_primitives::Block;
use std::io::{Read, Write};

/// Export and import errors.
#[derive(Debug, thiserror::Error)]
pub enum BlocksError {
    /// Reading or writing failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The input does not decode.
    #[error("block file does not decode: {0}")]
    Decode(String),
    /// A block was refused.
    #[error("block #{number} refused: {reason}")]
    Refused {
        /// Its number.
        number: u32,
        /// Why.
        reason: String,
    },
    /// The chain.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// The most blocks one file may declare.
const MAX_BLOCKS: u64 = 100_000_000;

/// Writes blocks `from..=to` of the canonical chain.
pub fn export(
    client: &Client,
    from: u32,
    to: Option<u32>,
    json: bool,
    out: &mut dyn Write,
) -> Result<u64, BlocksError> {
    let to = to
        .unwrap_or(client.heads().best.0)
        .min(client.heads().best.0);
    let mut blocks = Vec::new();
    for number in from..=to {
        let hash = client.hash_of(number)?.ok_or(BlocksError::Refused {
            number,
            reason: "not in the canonical chain".into(),
        })?;
        let header = client
            .header(&hash)?
            .ok_or(ClientError::UnknownBlock(hash))?;
        let extrinsics = client.body(&hash)?.unwrap_or_default();
        blocks.push(SignedBlock {
            block: Block { header, extrinsics },
            justifications: None,
        });
    }
    let count = blocks.len() as u64;
    if json {
        serde_json::to_writer(&mut *out, &blocks)
            .map_err(|e| BlocksError::Decode(e.to_string()))?;
    } else {
        out.write_all(&count.encode())?;
        for block in blocks {
            out.write_all(&block.encode())?;
        }
    }
    out.flush()?;
    Ok(count)
}

fn parse(input: &[u8], json: bool) -> Result<Vec<Block>, BlocksError> {
    if json {
        let list: Vec<SignedBlock> =
            serde_json::from_slice(input).map_err(|e| BlocksError::Decode(e.to_string()))?;
        return Ok(list.into_iter().map(|signed| signed.block).collect());
    }
    let mut cursor = input;
    let count = u64::decode(&mut cursor).map_err(|e| BlocksError::Decode(e.to_string()))?;
    if count > MAX_BLOCKS {
        return Err(BlocksError::Decode(format!("{count} blocks declared")));
    }
    let mut blocks = Vec::new();
    for index in 0..count {
        let signed = SignedBlock::decode(&mut cursor)
            .map_err(|e| BlocksError::Decode(format!("block {index}: {e}")))?;
        blocks.push(signed.block);
    }
    Ok(blocks)
}

/// Imports blocks, skipping those already known; returns how many were new.
pub fn import(client: &Client, json: bool, input: &mut dyn Read) -> Result<u64, BlocksError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let mut imported = 0u64;
    for block in parse(&bytes, json)? {
        let number = block.header.number;
        if client.header(&block.header.hash())?.is_some() {
            continue;
        }
        let hash = block.header.hash();
        client
            .import_block(block, BlockOrigin::File)
            .map_err(|e| BlocksError::Refused {
                number,
                reason: e.to_string(),
            })?;
        if client.authorities_at(&hash)?.len() == 1 {
            client.finalize(&hash, None)?;
        }
        imported = imported.saturating_add(1);
    }
    Ok(imported)
}
