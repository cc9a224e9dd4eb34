//! `export-blocks` and `import-blocks`.
//!
//! Binary form (Substrate's): the block count as a SCALE `u64`, then each
//! block as a SCALE `SignedBlock` (block, then `Option<Justifications>`).
//! JSON form: an array of `{"block": {"header", "extrinsics"}, "justifications"}`,
//! the shape of `chain_getBlock`. Imported blocks are executed, their seals
//! checked, and committed one by one; a bad block stops the import with its
//! number and the reason, leaving every block before it imported (and, on
//! a single-authority chain, finalized). A file that stops decoding is
//! refused with the block where it stopped.

use crate::finality::BatchFinality;
use codec::{Decode, Encode};
use entroos_client::Client;
use entroos_client_api::{BlockImport, BlockOrigin, ClientError, ImportError, ImportOutcome};
use entroos_primitives::generic::SignedBlock;
use entroos_primitives::{Block, Header};
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Export and import errors.
#[derive(Debug, thiserror::Error)]
pub enum BlocksError {
    /// The block file cannot be opened.
    #[error("cannot open block file {}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The output file cannot be created.
    #[error("cannot create {}", path.display())]
    Create {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Reading the input failed.
    #[error("reading the blocks failed")]
    Read(#[source] std::io::Error),
    /// Writing the output failed.
    #[error("writing the blocks failed")]
    Write(#[source] std::io::Error),
    /// The chain has no database under the base path.
    #[error("no database of chain {chain} at {}: check --base-path and --chain (this command reads an existing database and never creates one)", path.display())]
    NoDatabase {
        /// The chain id.
        chain: String,
        /// Where the database was looked for.
        path: PathBuf,
    },
    /// The JSON input does not decode.
    #[error("the JSON block file does not decode")]
    Json(#[source] serde_json::Error),
    /// The JSON output cannot be written.
    #[error("writing the blocks as JSON failed")]
    JsonWrite(#[source] serde_json::Error),
    /// The binary input does not start with a block count.
    #[error("the block file does not decode: it does not start with a block count")]
    Count(#[source] codec::Error),
    /// The binary input declares more blocks than any file may hold.
    #[error("the block file does not decode: it declares {0} blocks, more than {MAX_BLOCKS}")]
    TooMany(u64),
    /// A block of the binary input does not decode.
    #[error("the block file does not decode at block {index} of {declared} ({position}), byte {offset}: the file is truncated or corrupt")]
    Truncated {
        /// The block's place in the file, from 1.
        index: u64,
        /// How many blocks the file declares.
        declared: u64,
        /// Which block it is.
        position: Position,
        /// Where its bytes start.
        offset: usize,
        /// The decoder's error.
        source: codec::Error,
    },
    /// A canonical block the export asked for is missing.
    #[error("block #{0} is not in the canonical chain")]
    NotCanonical(u32),
    /// A block was refused.
    #[error("block #{number} refused")]
    Refused {
        /// Its number.
        number: u32,
        /// Why.
        source: ImportError,
    },
    /// The chain.
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Where in the chain a block of a file that stopped decoding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Its header decoded: the block's number.
    Numbered(u32),
    /// Its header did not decode; the block before it in the file.
    After(u32),
    /// Nothing before it decoded.
    First,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Numbered(number) => write!(f, "#{number}"),
            Position::After(number) => write!(f, "the one after #{number}"),
            Position::First => write!(f, "the first block"),
        }
    }
}

/// The most blocks one file may declare.
const MAX_BLOCKS: u64 = 100_000_000;

/// Refuses a database directory that does not exist or is empty, so that a
/// read-only command never creates a fresh database at a mistyped path.
pub fn require_database(db: &Path, chain: &str) -> Result<(), BlocksError> {
    let has_entries = std::fs::read_dir(db)
        .map(|mut entries| entries.next().is_some())
        .unwrap_or(false);
    if has_entries {
        return Ok(());
    }
    Err(BlocksError::NoDatabase {
        chain: chain.into(),
        path: db.to_path_buf(),
    })
}

/// Opens the file `import` reads (stdin when `None`).
pub fn open_input(path: Option<&Path>) -> Result<Box<dyn Read>, BlocksError> {
    match path {
        Some(path) => std::fs::File::open(path)
            .map(|file| Box::new(file) as Box<dyn Read>)
            .map_err(|source| BlocksError::Open {
                path: path.to_path_buf(),
                source,
            }),
        None => Ok(Box::new(std::io::stdin().lock())),
    }
}

/// Creates the file `export` writes (stdout when `None`).
pub fn create_output(path: Option<&Path>) -> Result<Box<dyn Write>, BlocksError> {
    match path {
        Some(path) => std::fs::File::create(path)
            .map(|file| Box::new(std::io::BufWriter::new(file)) as Box<dyn Write>)
            .map_err(|source| BlocksError::Create {
                path: path.to_path_buf(),
                source,
            }),
        None => Ok(Box::new(std::io::stdout().lock())),
    }
}

/// Writes blocks `from..=to` of the canonical chain.
pub fn export(
    client: &Client,
    from: u32,
    to: Option<u32>,
    json: bool,
    out: &mut dyn Write,
) -> Result<u64, BlocksError> {
    let best = client.heads().best.0;
    let to = to.unwrap_or(best).min(best);
    let mut blocks = Vec::new();
    for number in from..=to {
        blocks.push(canonical_block(client, number)?);
    }
    let count = blocks.len() as u64;
    if json {
        serde_json::to_writer(&mut *out, &blocks).map_err(BlocksError::JsonWrite)?;
    } else {
        out.write_all(&count.encode()).map_err(BlocksError::Write)?;
        for block in blocks {
            out.write_all(&block.encode()).map_err(BlocksError::Write)?;
        }
    }
    out.flush().map_err(BlocksError::Write)?;
    Ok(count)
}

fn canonical_block(client: &Client, number: u32) -> Result<SignedBlock, BlocksError> {
    let hash = client
        .hash_of(number)?
        .ok_or(BlocksError::NotCanonical(number))?;
    let header = client
        .header(&hash)?
        .ok_or(ClientError::UnknownBlock(hash))?;
    let extrinsics = client.body(&hash)?.unwrap_or_default();
    Ok(SignedBlock {
        block: Block { header, extrinsics },
        justifications: None,
    })
}

/// The blocks of a block file.
pub fn parse(input: &[u8], json: bool) -> Result<Vec<Block>, BlocksError> {
    if json {
        let list: Vec<SignedBlock> = serde_json::from_slice(input).map_err(BlocksError::Json)?;
        return Ok(list.into_iter().map(|signed| signed.block).collect());
    }
    let mut cursor = input;
    let declared = u64::decode(&mut cursor).map_err(BlocksError::Count)?;
    if declared > MAX_BLOCKS {
        return Err(BlocksError::TooMany(declared));
    }
    let mut blocks: Vec<Block> = Vec::new();
    for index in 1..=declared {
        let offset = input.len().saturating_sub(cursor.len());
        let at = cursor;
        let signed = SignedBlock::decode(&mut cursor).map_err(|source| {
            let previous = blocks.last().map(|block| block.header.number);
            BlocksError::Truncated {
                index,
                declared,
                position: position_of(at, previous),
                offset,
                source,
            }
        })?;
        blocks.push(signed.block);
    }
    Ok(blocks)
}

/// Which block the bytes at `at` are: by their header if it decodes, else
/// by the block before them.
fn position_of(at: &[u8], previous: Option<u32>) -> Position {
    match (Header::decode(&mut &at[..]), previous) {
        (Ok(header), _) => Position::Numbered(header.number),
        (Err(_), Some(number)) => Position::After(number),
        (Err(_), None) => Position::First,
    }
}

/// Imported best blocks of a single-authority chain finalized together.
const FINALIZE_EVERY: u32 = 256;

/// Imports blocks, skipping those already known; returns how many were new.
/// On a single-authority chain the imported blocks are finalized in
/// batches of [`FINALIZE_EVERY`], and up to the last one imported when the
/// file ends or a block is refused.
pub fn import(client: &Client, json: bool, input: &mut dyn Read) -> Result<u64, BlocksError> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(BlocksError::Read)?;
    let mut finality = BatchFinality::new(FINALIZE_EVERY, Duration::MAX);
    let imported = import_blocks(client, parse(&bytes, json)?, &mut finality);
    finality.flush(client)?;
    imported
}

fn import_blocks(
    client: &Client,
    blocks: Vec<Block>,
    finality: &mut BatchFinality,
) -> Result<u64, BlocksError> {
    let mut imported = 0u64;
    for block in blocks {
        let number = block.header.number;
        let hash = block.header.hash();
        if client.header(&hash)?.is_some() {
            continue;
        }
        let outcome = client
            .import_block(block, BlockOrigin::File)
            .map_err(|source| BlocksError::Refused { number, source })?;
        if let ImportOutcome::Imported { best: true, .. } = outcome {
            finality.note_best(client, number, hash)?;
        }
        imported = imported.saturating_add(1);
    }
    Ok(imported)
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_primitives::{Digest, OpaqueExtrinsic, H256};

    fn block(number: u32, extrinsics: usize) -> SignedBlock {
        SignedBlock {
            block: Block {
                header: Header {
                    parent_hash: H256::default(),
                    number,
                    state_root: H256::default(),
                    extrinsics_root: H256::default(),
                    digest: Digest::default(),
                },
                extrinsics: (0..extrinsics)
                    .map(|i| OpaqueExtrinsic(vec![i as u8; 40]))
                    .collect(),
            },
            justifications: None,
        }
    }

    fn file(blocks: &[SignedBlock], declared: u64) -> Vec<u8> {
        let mut bytes = declared.encode();
        for block in blocks {
            bytes.extend(block.encode());
        }
        bytes
    }

    #[test]
    fn a_whole_file_parses() {
        let blocks = [block(1, 2), block(2, 0), block(3, 1)];
        let parsed = parse(&file(&blocks, 3), false).unwrap();
        assert_eq!(
            parsed.iter().map(|b| b.header.number).collect::<Vec<_>>(),
            [1, 2, 3]
        );
    }

    #[test]
    fn a_truncated_file_names_the_block_where_it_stops() {
        let blocks = [block(1, 2), block(2, 3), block(3, 1)];
        let bytes = file(&blocks, 3);
        let second = 8 + blocks[0].encode().len();

        // Cut inside block #2's body: its header still names it.
        let error = parse(&bytes[..second + 100], false).unwrap_err();
        assert!(
            matches!(error, BlocksError::Truncated { index: 2, declared: 3, position: Position::Numbered(2), offset, .. } if offset == second),
            "{error:?}"
        );
        assert!(error.to_string().starts_with(&format!(
            "the block file does not decode at block 2 of 3 (#2), byte {second}"
        )));

        // Cut inside block #2's header: named by the block before it.
        let error = parse(&bytes[..second + 10], false).unwrap_err();
        assert!(
            matches!(
                error,
                BlocksError::Truncated {
                    index: 2,
                    position: Position::After(1),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("(the one after #1)"), "{error}");

        // More blocks declared than present.
        let error = parse(&file(&blocks, 4), false).unwrap_err();
        assert!(
            matches!(
                error,
                BlocksError::Truncated {
                    index: 4,
                    declared: 4,
                    position: Position::After(3),
                    ..
                }
            ),
            "{error:?}"
        );

        let error = parse(&bytes[..9], false).unwrap_err();
        assert!(
            matches!(
                error,
                BlocksError::Truncated {
                    index: 1,
                    position: Position::First,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(matches!(parse(&[1, 2], false), Err(BlocksError::Count(_))));
        assert!(matches!(
            parse(&u64::MAX.encode(), false),
            Err(BlocksError::TooMany(u64::MAX))
        ));
    }

    #[test]
    fn a_database_must_exist_and_hold_something() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("chains/dev/db/full");
        let error = require_database(&db, "dev").unwrap_err();
        assert!(
            error.to_string().contains(&db.display().to_string()),
            "{error}"
        );
        std::fs::create_dir_all(&db).unwrap();
        assert!(require_database(&db, "dev").is_err(), "an empty directory");
        std::fs::write(db.join("CURRENT"), "MANIFEST-000001\n").unwrap();
        assert!(require_database(&db, "dev").is_ok());
    }

    #[test]
    fn a_missing_input_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.bin");
        let Err(error) = open_input(Some(&path)) else {
            panic!("a missing file opened");
        };
        assert!(
            error.to_string().contains(&path.display().to_string()),
            "{error}"
        );
    }
}
