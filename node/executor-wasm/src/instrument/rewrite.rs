//! Rewrites a validated module's bytes before compiling, in two ways.
//!
//! * **The fuel local.** Every function gets one more `i64` local, where the
//!   fuel meter keeps the function's fuel in a register-allocatable value
//!   instead of a global in memory. Each body's local declarations get a
//!   trailing `(1, i64)` entry, so the indices of the existing locals stay
//!   the same and the new local's index is `params + declared locals`.
//! * **The memory reset.** A module with a memory gets one more function,
//!   exported as [`ZERO_MEMORY`]: `memory.fill(0, 0, memory.size × 64 KiB)`,
//!   with which the executor zeroes a kept instance's memory at memory-copy
//!   speed. It is appended after every other function, so no index moves;
//!   its type is the `() -> ()` that `_start` already has.
//!
//! Only the function, export and code sections change; every other section
//! is copied byte for byte.

use wasmer::wasmparser::{BinaryReader, BinaryReaderError, FunctionBody, Parser, Payload, TypeRef};

use crate::error::ModuleError;

/// The export of the memory-zeroing function.
pub const ZERO_MEMORY: &str = "entroos_zero_memory";

/// The `i64` value type byte.
const I64: u8 = 0x7e;
const FUNCTION_SECTION: u8 = 3;
const EXPORT_SECTION: u8 = 7;
const CODE_SECTION: u8 = 10;
/// The export kind of a function.
const FUNCTION_EXPORT: u8 = 0;
/// The zeroing function's body after its locals: `i32.const 0`,
/// `i32.const 0`, `memory.size 0`, `i32.const 16`, `i32.shl`,
/// `memory.fill 0`, `end`.
const ZERO_MEMORY_CODE: [u8; 13] = [
    0x41, 0x00, 0x41, 0x00, 0x3f, 0x00, 0x41, 0x10, 0x74, 0xfc, 0x0b, 0x00, 0x0b,
];

/// A module rewritten for compiling.
#[derive(Clone, Debug)]
pub struct Rewritten {
    /// The rewritten module bytes.
    pub bytes: Vec<u8>,
    /// For each defined function, in order (the zeroing function last, if
    /// added), the index of its fuel local.
    pub fuel_locals: Vec<u32>,
    /// Whether [`ZERO_MEMORY`] was added.
    pub zero_memory: bool,
}

fn rewrite_error(reason: impl std::fmt::Display) -> ModuleError {
    ModuleError::Compile {
        reason: format!("adding the fuel local: {reason}"),
    }
}

fn parse_error(error: BinaryReaderError) -> ModuleError {
    rewrite_error(error.message())
}

/// Appends the unsigned LEB128 encoding of `value`.
fn push_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads an unsigned LEB128 `u32` at `*pos`, advancing it.
fn read_leb(bytes: &[u8], pos: &mut usize) -> Result<u32, ModuleError> {
    let rest = bytes
        .get(*pos..)
        .ok_or_else(|| rewrite_error("truncated section header"))?;
    let mut reader = BinaryReader::new(rest, *pos);
    let value = reader.read_var_u32().map_err(parse_error)?;
    *pos += reader.current_position();
    Ok(value)
}

/// One body with the fuel local added, and that local's index.
fn rewrite_body(
    bytes: &[u8],
    body: &FunctionBody<'_>,
    params: u32,
) -> Result<(Vec<u8>, u32), ModuleError> {
    let mut locals = body.get_locals_reader().map_err(parse_error)?;
    let entries = locals.get_count();
    let entries_start = locals.original_position();
    let mut declared: u32 = 0;
    for _ in 0..entries {
        let (count, _) = locals.read().map_err(parse_error)?;
        declared = declared
            .checked_add(count)
            .ok_or_else(|| rewrite_error("too many locals"))?;
    }
    let operators_start = locals.original_position();
    let end = body.range().end;
    let index = params
        .checked_add(declared)
        .ok_or_else(|| rewrite_error("too many locals"))?;
    let mut out = Vec::with_capacity(end - body.range().start + 8);
    push_leb(&mut out, u64::from(entries) + 1);
    out.extend_from_slice(&bytes[entries_start..operators_start]);
    out.extend_from_slice(&[1, I64]);
    out.extend_from_slice(&bytes[operators_start..end]);
    Ok((out, index))
}

/// What the rewrite needs from the module, gathered in one parse.
#[derive(Default)]
struct Scan {
    type_params: Vec<u32>,
    /// The first type `() -> ()`.
    unit_type: Option<u32>,
    imported_functions: u32,
    defined_types: Vec<u32>,
    has_memory: bool,
    bodies: Vec<(Vec<u8>, u32)>,
}

impl Scan {
    fn params_of(&self, function: usize) -> Result<u32, ModuleError> {
        self.defined_types
            .get(function)
            .and_then(|ty| self.type_params.get(*ty as usize))
            .copied()
            .ok_or_else(|| rewrite_error("a body without a declared type"))
    }

    fn payload(&mut self, bytes: &[u8], payload: Payload<'_>) -> Result<(), ModuleError> {
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    let ty = ty.map_err(parse_error)?;
                    let index = u32::try_from(self.type_params.len()).map_err(rewrite_error)?;
                    if ty.params().is_empty() && ty.results().is_empty() {
                        self.unit_type.get_or_insert(index);
                    }
                    let params = u32::try_from(ty.params().len()).map_err(rewrite_error)?;
                    self.type_params.push(params);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if let TypeRef::Func(_) = import.map_err(parse_error)?.ty {
                        self.imported_functions += 1;
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.defined_types.push(ty.map_err(parse_error)?);
                }
            }
            Payload::MemorySection(reader) => self.has_memory |= reader.count() > 0,
            Payload::CodeSectionEntry(body) => {
                let params = self.params_of(self.bodies.len())?;
                self.bodies.push(rewrite_body(bytes, &body, params)?);
            }
            _ => {}
        }
        Ok(())
    }

    /// The type of the zeroing function, if the module gets one: it needs
    /// a memory, a `() -> ()` type, and the sections it is added to.
    fn zeroing_type(&self) -> Option<u32> {
        (self.has_memory && !self.bodies.is_empty())
            .then_some(self.unit_type)
            .flatten()
    }

    fn code_section(mut self, zeroing: bool) -> (Vec<u8>, Vec<u32>) {
        if zeroing {
            let mut body = vec![1, 1, I64];
            body.extend_from_slice(&ZERO_MEMORY_CODE);
            self.bodies.push((body, 0));
        }
        let mut contents = Vec::new();
        push_leb(&mut contents, self.bodies.len() as u64);
        let mut fuel_locals = Vec::with_capacity(self.bodies.len());
        for (body, index) in self.bodies {
            push_leb(&mut contents, body.len() as u64);
            contents.extend_from_slice(&body);
            fuel_locals.push(index);
        }
        (section(CODE_SECTION, &contents), fuel_locals)
    }
}

/// A section with its id and size.
fn section(id: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![id];
    push_leb(&mut out, contents.len() as u64);
    out.extend_from_slice(contents);
    out
}

/// A vector section (`count` then entries) with `entry` appended.
fn with_entry(id: u8, contents: &[u8], entry: &[u8]) -> Result<Vec<u8>, ModuleError> {
    let mut pos = 0;
    let count = read_leb(contents, &mut pos)?;
    let mut out = Vec::with_capacity(contents.len() + entry.len() + 5);
    push_leb(&mut out, u64::from(count) + 1);
    out.extend_from_slice(&contents[pos..]);
    out.extend_from_slice(entry);
    Ok(section(id, &out))
}

/// The export entry of the zeroing function, function `index`.
fn zero_memory_export(index: u32) -> Vec<u8> {
    let mut entry = Vec::new();
    push_leb(&mut entry, ZERO_MEMORY.len() as u64);
    entry.extend_from_slice(ZERO_MEMORY.as_bytes());
    entry.push(FUNCTION_EXPORT);
    push_leb(&mut entry, u64::from(index));
    entry
}

/// Rewrites `bytes`, a validated module: fuel locals everywhere, and the
/// zeroing function if the module has a memory.
pub fn rewrite(bytes: &[u8]) -> Result<Rewritten, ModuleError> {
    let mut scan = Scan::default();
    for payload in Parser::new(0).parse_all(bytes) {
        scan.payload(bytes, payload.map_err(parse_error)?)?;
    }
    let zeroing_type = scan.zeroing_type();
    let zeroing_index = u32::try_from(scan.bodies.len())
        .ok()
        .and_then(|defined| defined.checked_add(scan.imported_functions));
    let (zeroing_type, zeroing_index) = match zeroing_type.zip(zeroing_index) {
        Some((ty, index)) => (Some(ty), index),
        None => (None, 0),
    };
    let (code, fuel_locals) = scan.code_section(zeroing_type.is_some());
    let mut out = Vec::with_capacity(bytes.len() + 8 * fuel_locals.len() + 64);
    let header = bytes
        .get(..8)
        .ok_or_else(|| rewrite_error("truncated header"))?;
    out.extend_from_slice(header);
    let mut pos = 8;
    while pos < bytes.len() {
        let start = pos;
        let id = bytes[pos];
        pos += 1;
        let size = read_leb(bytes, &mut pos)? as usize;
        let end = pos
            .checked_add(size)
            .filter(|end| *end <= bytes.len())
            .ok_or_else(|| rewrite_error("section past the end"))?;
        let contents = &bytes[pos..end];
        match (id, zeroing_type) {
            (CODE_SECTION, _) => out.extend_from_slice(&code),
            (FUNCTION_SECTION, Some(ty)) => {
                let mut entry = Vec::new();
                push_leb(&mut entry, u64::from(ty));
                out.extend(with_entry(id, contents, &entry)?);
            }
            (EXPORT_SECTION, Some(_)) => out.extend(with_entry(
                id,
                contents,
                &zero_memory_export(zeroing_index),
            )?),
            _ => out.extend_from_slice(&bytes[start..end]),
        }
        pos = end;
    }
    Ok(Rewritten {
        bytes: out,
        fuel_locals,
        zero_memory: zeroing_type.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmer::wasmparser::{Validator, WasmFeatures};

    fn module(wat: &str) -> Vec<u8> {
        wasmer::wat2wasm(wat.as_bytes())
            .expect("valid wat")
            .into_owned()
    }

    fn local_counts(bytes: &[u8]) -> Vec<u32> {
        let mut counts = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            if let Ok(Payload::CodeSectionEntry(body)) = payload {
                let mut total = 0;
                for local in body.get_locals_reader().expect("locals") {
                    total += local.expect("local").0;
                }
                counts.push(total);
            }
        }
        counts
    }

    #[test]
    fn each_function_gets_one_local_after_its_params_and_locals() {
        let bytes = module(
            r#"(module
                (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
                (func (param i32 i64) (local i32 i32) (local i64))
                (func)
                (func (export "_start") (local i32) (call 1 (i32.const 1) (i64.const 2))))"#,
        );
        let rewritten = rewrite(&bytes).expect("rewrites");
        assert_eq!(rewritten.fuel_locals, vec![5, 0, 1]);
        assert_eq!(local_counts(&bytes), vec![3, 0, 1]);
        assert_eq!(local_counts(&rewritten.bytes), vec![4, 1, 2]);
        Validator::new_with_features(WasmFeatures::default())
            .validate_all(&rewritten.bytes)
            .expect("still valid");
    }

    #[test]
    fn a_module_without_code_is_copied_unchanged() {
        let bytes = module(r#"(module (memory 1) (export "memory" (memory 0)))"#);
        let rewritten = rewrite(&bytes).expect("rewrites");
        assert!(rewritten.fuel_locals.is_empty());
        assert_eq!(rewritten.bytes, bytes);
    }

    #[test]
    fn a_module_with_a_memory_gets_the_zeroing_function() {
        let bytes = module(
            r#"(module
                (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
                (memory (export "memory") 2)
                (func (export "_start") (local i32)))"#,
        );
        let rewritten = rewrite(&bytes).expect("rewrites");
        assert!(rewritten.zero_memory);
        assert_eq!(rewritten.fuel_locals, vec![1, 0]);
        Validator::new_with_features(WasmFeatures::default())
            .validate_all(&rewritten.bytes)
            .expect("valid with bulk memory");
        let exported: Vec<(String, u32)> = Parser::new(0)
            .parse_all(&rewritten.bytes)
            .filter_map(|payload| match payload {
                Ok(Payload::ExportSection(reader)) => Some(reader),
                _ => None,
            })
            .flatten()
            .map(|export| export.expect("export"))
            .map(|export| (export.name.to_owned(), export.index))
            .collect();
        assert_eq!(
            exported,
            vec![
                ("memory".to_owned(), 0),
                ("_start".to_owned(), 1),
                (ZERO_MEMORY.to_owned(), 2)
            ]
        );
    }

    #[test]
    fn leb_round_trips() {
        for value in [0u32, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            let mut out = Vec::new();
            push_leb(&mut out, u64::from(value));
            let mut pos = 0;
            assert_eq!(read_leb(&out, &mut pos).expect("reads"), value);
            assert_eq!(pos, out.len());
        }
    }
}
