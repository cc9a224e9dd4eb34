//! Gives every function of a validated module one more `i64` local, where
//! the fuel meter keeps the function's fuel in a register-allocatable value
//! instead of a global in memory.
//!
//! Only the code section changes: each body's local declarations get a
//! trailing `(1, i64)` entry, so the indices of the existing locals stay the
//! same and the new local's index is `params + declared locals`. Every other
//! section is copied byte for byte.

use wasmer::wasmparser::{BinaryReaderError, FunctionBody, Parser, Payload};

use crate::error::ModuleError;

/// The `i64` value type byte.
const I64: u8 = 0x7e;
/// The code section's id.
const CODE_SECTION: u8 = 10;

/// A module with the fuel local added to each function body.
#[derive(Clone, Debug)]
pub struct WithFuelLocal {
    /// The rewritten module bytes.
    pub bytes: Vec<u8>,
    /// For each defined function, in order, the index of its fuel local.
    pub fuel_locals: Vec<u32>,
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
    let mut value: u64 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes
            .get(*pos)
            .ok_or_else(|| rewrite_error("truncated section header"))?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return u32::try_from(value).map_err(rewrite_error);
        }
    }
    Err(rewrite_error("section size is not a u32"))
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
    defined_types: Vec<u32>,
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
                    let params = ty.map_err(parse_error)?.params().len();
                    self.type_params
                        .push(u32::try_from(params).map_err(rewrite_error)?);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.defined_types.push(ty.map_err(parse_error)?);
                }
            }
            Payload::CodeSectionEntry(body) => {
                let params = self.params_of(self.bodies.len())?;
                self.bodies.push(rewrite_body(bytes, &body, params)?);
            }
            _ => {}
        }
        Ok(())
    }

    fn code_section(self) -> (Vec<u8>, Vec<u32>) {
        let mut contents = Vec::new();
        push_leb(&mut contents, self.bodies.len() as u64);
        let mut fuel_locals = Vec::with_capacity(self.bodies.len());
        for (body, index) in self.bodies {
            push_leb(&mut contents, body.len() as u64);
            contents.extend_from_slice(&body);
            fuel_locals.push(index);
        }
        let mut section = vec![CODE_SECTION];
        push_leb(&mut section, contents.len() as u64);
        section.extend_from_slice(&contents);
        (section, fuel_locals)
    }
}

/// Adds the fuel local to every function of `bytes`, a validated module.
pub fn add_fuel_local(bytes: &[u8]) -> Result<WithFuelLocal, ModuleError> {
    let mut scan = Scan::default();
    for payload in Parser::new(0).parse_all(bytes) {
        scan.payload(bytes, payload.map_err(parse_error)?)?;
    }
    let (code, fuel_locals) = scan.code_section();
    let mut out = Vec::with_capacity(bytes.len() + 8 * fuel_locals.len() + 8);
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
        if id == CODE_SECTION {
            out.extend_from_slice(&code);
        } else {
            out.extend_from_slice(&bytes[start..end]);
        }
        pos = end;
    }
    Ok(WithFuelLocal {
        bytes: out,
        fuel_locals,
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
        let rewritten = add_fuel_local(&bytes).expect("rewrites");
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
        let rewritten = add_fuel_local(&bytes).expect("rewrites");
        assert!(rewritten.fuel_locals.is_empty());
        assert_eq!(rewritten.bytes, bytes);
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
