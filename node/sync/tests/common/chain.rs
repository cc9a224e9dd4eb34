//! A block tree of synthetic headers, standing in for the client: import
//! accepts a block whose parent is known and refuses one marked bad; fork
//! choice is the longest chain (the first seen wins a tie).

use entroos_client_api::{ChainHeads, ClientError, HeaderBackend, ImportError, ImportOutcome};
use entroos_primitives::{Block, BlockNumber, Digest, DigestItem, Header, OpaqueExtrinsic, H256};
use std::collections::BTreeMap;

/// The digest item that marks a block invalid.
const BAD: &[u8] = b"bad";

#[derive(Clone, Debug)]
pub struct MemChain {
    genesis: H256,
    blocks: BTreeMap<H256, Block>,
    canonical: Vec<H256>,
    justifications: BTreeMap<H256, Vec<u8>>,
}

impl Default for MemChain {
    fn default() -> Self {
        Self::new()
    }
}

impl MemChain {
    /// A chain holding only the shared genesis block.
    pub fn new() -> Self {
        let genesis = Block {
            header: Header::default(),
            extrinsics: Vec::new(),
        };
        let hash = genesis.header.hash();
        MemChain {
            genesis: hash,
            blocks: BTreeMap::from([(hash, genesis)]),
            canonical: vec![hash],
            justifications: BTreeMap::new(),
        }
    }

    /// Stores `bytes` as the justification of the canonical block `number`.
    pub fn justify(&mut self, number: BlockNumber, bytes: Vec<u8>) {
        let hash = self.canonical_hash(number).expect("a canonical block");
        self.justifications.insert(hash, bytes);
    }

    /// A block on `parent`, distinguished by `seed`; `bad` marks it invalid.
    pub fn child(parent: &Header, seed: u8, bad: bool) -> Block {
        let number = parent.number + 1;
        let logs = if bad {
            vec![DigestItem::Other(BAD.to_vec())]
        } else {
            vec![]
        };
        Block {
            header: Header {
                parent_hash: parent.hash(),
                number,
                state_root: H256([seed; 32]),
                extrinsics_root: H256::default(),
                digest: Digest { logs },
            },
            extrinsics: vec![OpaqueExtrinsic(vec![seed, (number % 251) as u8])],
        }
    }

    /// Grows `count` blocks on `from` (imported, or stored as they are if
    /// bad), every block from number `bad_from` on marked bad; the new tip.
    pub fn grow(
        &mut self,
        from: H256,
        count: u32,
        seed: u8,
        bad_from: Option<BlockNumber>,
    ) -> H256 {
        let mut parent = self.blocks[&from].header.clone();
        for _ in 0..count {
            let bad = bad_from.is_some_and(|b| parent.number + 1 >= b);
            let block = Self::child(&parent, seed, bad);
            parent = block.header.clone();
            self.store(block);
        }
        parent.hash()
    }

    /// Imports like the client does, in the model's terms.
    pub fn import(&mut self, block: &Block) -> Result<ImportOutcome, ImportError> {
        let hash = block.header.hash();
        if self.blocks.contains_key(&hash) {
            return Ok(ImportOutcome::AlreadyKnown(hash));
        }
        let parent = self
            .blocks
            .get(&block.header.parent_hash)
            .ok_or(ImportError::UnknownParent(block.header.parent_hash))?;
        if parent.header.number + 1 != block.header.number {
            return Err(ImportError::WrongNumber {
                parent: parent.header.number,
                number: block.header.number,
            });
        }
        if block
            .header
            .digest
            .logs
            .contains(&DigestItem::Other(BAD.to_vec()))
        {
            return Err(ImportError::Invalid("the block is marked bad".into()));
        }
        let best = self.store(block.clone());
        Ok(ImportOutcome::Imported { hash, best })
    }

    /// Stores a block whose parent is known, without checks; whether it
    /// became the best block.
    pub fn store(&mut self, block: Block) -> bool {
        let hash = block.header.hash();
        let number = block.header.number as usize;
        self.blocks.insert(hash, block);
        if number < self.canonical.len() {
            return false;
        }
        self.set_best(hash);
        true
    }

    fn set_best(&mut self, tip: H256) {
        let mut path = Vec::new();
        let mut hash = tip;
        loop {
            let header = &self.blocks[&hash].header;
            let n = header.number as usize;
            if self.canonical.get(n) == Some(&hash) {
                break;
            }
            path.push(hash);
            hash = header.parent_hash;
        }
        let keep = self.blocks[&hash].header.number as usize + 1;
        self.canonical.truncate(keep);
        self.canonical.extend(path.into_iter().rev());
    }

    pub fn best(&self) -> (BlockNumber, H256) {
        let hash = *self.canonical.last().expect("genesis");
        ((self.canonical.len() - 1) as BlockNumber, hash)
    }

    pub fn genesis(&self) -> H256 {
        self.genesis
    }

    pub fn block(&self, hash: &H256) -> Option<&Block> {
        self.blocks.get(hash)
    }

    pub fn canonical_hash(&self, number: BlockNumber) -> Option<H256> {
        self.canonical.get(number as usize).copied()
    }

    /// Whether any stored block is marked bad.
    pub fn holds_bad_blocks(&self) -> bool {
        self.blocks.values().any(|b| {
            b.header
                .digest
                .logs
                .contains(&DigestItem::Other(BAD.to_vec()))
        })
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }
}

impl HeaderBackend for MemChain {
    fn heads(&self) -> ChainHeads {
        ChainHeads {
            genesis: self.genesis,
            best: self.best(),
            finalized: (0, self.genesis),
            pruned_below: 0,
        }
    }

    fn header(&self, hash: &H256) -> Result<Option<Header>, ClientError> {
        Ok(self.blocks.get(hash).map(|b| b.header.clone()))
    }

    fn body(&self, hash: &H256) -> Result<Option<Vec<OpaqueExtrinsic>>, ClientError> {
        Ok(self.blocks.get(hash).map(|b| b.extrinsics.clone()))
    }

    fn justification(&self, hash: &H256) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(self.justifications.get(hash).cloned())
    }

    fn hash_of(&self, number: BlockNumber) -> Result<Option<H256>, ClientError> {
        Ok(self.canonical_hash(number))
    }
}
