//! Encoding and decoding of trie nodes.
//!
//! Leaf: `header ++ partial ++ (Compact(len) ++ value | value hash)`.
//! Branch: `header ++ partial ++ bitmap(u16 LE) ++ [value] ++ children`, each
//! child `Compact(len) ++ (hash | inline node)`; a 32-byte child is a hash.

use super::header::{NodeHeader, EMPTY_TRIE};
use codec::{Compact, Decode, Encode};
use entroos_primitives::hashing::blake2_256;
use std::borrow::Borrow;
use std::ops::Range;
use trie_db::nibble_ops::NIBBLE_LENGTH;
use trie_db::node::{NibbleSlicePlan, NodeHandlePlan, NodePlan, Value, ValuePlan};
use trie_db::ChildReference;

const HASH_LEN: usize = 32;

/// A malformed trie node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed trie node: {0}")]
pub struct TrieCodecError(pub String);

impl From<codec::Error> for TrieCodecError {
    fn from(e: codec::Error) -> Self {
        TrieCodecError(e.to_string())
    }
}

/// The node codec of [`Layout`](super::Layout).
pub struct NodeCodec;

/// Reads a byte slice front to back, handing out ranges.
struct Cursor<'a> {
    data: &'a [u8],
    offset: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, count: usize) -> Result<Range<usize>, TrieCodecError> {
        let end = self
            .offset
            .checked_add(count)
            .filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| TrieCodecError("node ends early".into()))?;
        let range = self.offset..end;
        self.offset = end;
        Ok(range)
    }

    fn byte_at_offset(&self) -> Result<u8, TrieCodecError> {
        self.data
            .get(self.offset)
            .copied()
            .ok_or_else(|| TrieCodecError("node ends early".into()))
    }

    fn compact_len(&mut self) -> Result<usize, TrieCodecError> {
        let rest = self.data.get(self.offset..).unwrap_or(&[]);
        let mut input = rest;
        let len = Compact::<u32>::decode(&mut input)?.0;
        self.offset = self
            .offset
            .saturating_add(rest.len().saturating_sub(input.len()));
        usize::try_from(len).map_err(|_| TrieCodecError("length overflow".into()))
    }

    /// The partial key of `nibbles` nibbles; an odd count pads the first byte's high nibble with 0.
    fn partial(&mut self, nibbles: usize) -> Result<NibbleSlicePlan, TrieCodecError> {
        let padded = nibbles % 2 == 1;
        if padded && self.byte_at_offset()? & 0xf0 != 0 {
            return Err(TrieCodecError("bad partial key padding".into()));
        }
        let range = self.take(nibbles.div_ceil(2))?;
        Ok(NibbleSlicePlan::new(range, usize::from(padded)))
    }

    fn inline_value(&mut self) -> Result<ValuePlan, TrieCodecError> {
        let len = self.compact_len()?;
        Ok(ValuePlan::Inline(self.take(len)?))
    }

    fn hashed_value(&mut self) -> Result<ValuePlan, TrieCodecError> {
        Ok(ValuePlan::Node(self.take(HASH_LEN)?))
    }
}

fn decode_branch(
    cursor: &mut Cursor<'_>,
    nibbles: usize,
    value_kind: Option<bool>,
) -> Result<NodePlan, TrieCodecError> {
    let partial = cursor.partial(nibbles)?;
    let bitmap_range = cursor.take(2)?;
    let bitmap_bytes = cursor.data.get(bitmap_range).unwrap_or(&[]);
    let bitmap = u16::decode(&mut &bitmap_bytes[..])?;
    if bitmap == 0 {
        return Err(TrieCodecError("branch without children".into()));
    }
    let value = match value_kind {
        None => None,
        Some(false) => Some(cursor.inline_value()?),
        Some(true) => Some(cursor.hashed_value()?),
    };
    let mut children: [Option<NodeHandlePlan>; NIBBLE_LENGTH] = Default::default();
    for (i, child) in children.iter_mut().enumerate() {
        if bitmap & (1 << i) == 0 {
            continue;
        }
        let len = cursor.compact_len()?;
        let range = cursor.take(len)?;
        *child = Some(if len == HASH_LEN {
            NodeHandlePlan::Hash(range)
        } else {
            NodeHandlePlan::Inline(range)
        });
    }
    Ok(NodePlan::NibbledBranch {
        partial,
        value,
        children,
    })
}

fn encode_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Inline(v) => {
            Compact(u32::try_from(v.len()).unwrap_or(u32::MAX)).encode_to(out);
            out.extend_from_slice(v);
        }
        Value::Node(hash) => out.extend_from_slice(hash),
    }
}

impl trie_db::NodeCodec for NodeCodec {
    const ESCAPE_HEADER: Option<u8> = Some(0b0000_0001);
    type Error = TrieCodecError;
    type HashOut = [u8; 32];

    fn hashed_null_node() -> [u8; 32] {
        blake2_256(&[EMPTY_TRIE])
    }

    fn decode_plan(data: &[u8]) -> Result<NodePlan, TrieCodecError> {
        let mut input = data;
        let header = NodeHeader::decode(&mut input)?;
        let mut cursor = Cursor {
            data,
            offset: data.len().saturating_sub(input.len()),
        };
        let plan = match header {
            NodeHeader::Null => return Ok(NodePlan::Empty),
            NodeHeader::Branch(has_value, n) => {
                decode_branch(&mut cursor, n, has_value.then_some(false))?
            }
            NodeHeader::HashedValueBranch(n) => decode_branch(&mut cursor, n, Some(true))?,
            NodeHeader::Leaf(n) => NodePlan::Leaf {
                partial: cursor.partial(n)?,
                value: cursor.inline_value()?,
            },
            NodeHeader::HashedValueLeaf(n) => NodePlan::Leaf {
                partial: cursor.partial(n)?,
                value: cursor.hashed_value()?,
            },
        };
        if cursor.offset != data.len() {
            return Err(TrieCodecError("trailing bytes after node".into()));
        }
        Ok(plan)
    }

    fn is_empty_node(data: &[u8]) -> bool {
        data == [EMPTY_TRIE]
    }

    fn empty_node() -> &'static [u8] {
        &[EMPTY_TRIE]
    }

    fn leaf_node(partial: impl Iterator<Item = u8>, number_nibble: usize, value: Value) -> Vec<u8> {
        let mut out = Vec::new();
        let header = match value {
            Value::Inline(_) => NodeHeader::Leaf(number_nibble),
            Value::Node(_) => NodeHeader::HashedValueLeaf(number_nibble),
        };
        header.encode_to(&mut out);
        out.extend(partial);
        encode_value(&value, &mut out);
        out
    }

    /// Never called: the layout has no extension nodes.
    fn extension_node(
        _partial: impl Iterator<Item = u8>,
        _number_nibble: usize,
        _child_ref: ChildReference<[u8; 32]>,
    ) -> Vec<u8> {
        Vec::new()
    }

    /// Never called: branches always carry their partial key in this layout.
    fn branch_node(
        _children: impl Iterator<Item = impl Borrow<Option<ChildReference<[u8; 32]>>>>,
        _value: Option<Value>,
    ) -> Vec<u8> {
        Vec::new()
    }

    fn branch_node_nibbled(
        partial: impl Iterator<Item = u8>,
        number_nibble: usize,
        children: impl Iterator<Item = impl Borrow<Option<ChildReference<[u8; 32]>>>>,
        value: Option<Value>,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let header = match value {
            None => NodeHeader::Branch(false, number_nibble),
            Some(Value::Inline(_)) => NodeHeader::Branch(true, number_nibble),
            Some(Value::Node(_)) => NodeHeader::HashedValueBranch(number_nibble),
        };
        header.encode_to(&mut out);
        out.extend(partial);
        let bitmap_at = out.len();
        out.extend_from_slice(&[0, 0]);
        if let Some(value) = &value {
            encode_value(value, &mut out);
        }
        let mut bitmap: u16 = 0;
        for (i, child) in children.enumerate().take(NIBBLE_LENGTH) {
            let Some(child) = child.borrow() else {
                continue;
            };
            bitmap |= 1 << i;
            match child {
                ChildReference::Hash(hash) => hash.as_slice().encode_to(&mut out),
                ChildReference::Inline(data, len) => {
                    data.get(..*len).unwrap_or(&data[..]).encode_to(&mut out)
                }
            }
        }
        if let Some(slot) = out.get_mut(bitmap_at..bitmap_at.saturating_add(2)) {
            slot.copy_from_slice(&bitmap.to_le_bytes());
        }
        out
    }
}
