//! The runtime's own check of an uploaded module, in pure Rust: a bounded
//! walk of the wasm binary's sections that enforces the executor's static
//! rules a runtime can check without an engine.
//!
//! Accepted: a wasm 1.0 binary (magic and version), sections known to the
//! format, each at most once and in the format's order, each exactly as
//! long as it says; a type section of function types over `i32`/`i64`
//! only (the two float value types are [`Error::FloatType`], other types
//! malformed);
//! function imports only, each of `wasi_snapshot_preview1` and one of
//! [`HOST_ABI`] with its all-`i32` signature; no start section; no export
//! name starting with a [`RESERVED_EXPORT_PREFIXES`] prefix; an exported
//! function `_start` of type `() -> ()` defined in the module.
//!
//! Not checked here (the engine checks it before running anything, and a
//! module it refuses is a typed `Refused` outcome, the same on every node):
//! function bodies (float instructions, feature subset, locals).
//!
//! Bounds: the input is at most the chain's module size; every count read
//! is only a loop bound and each iteration consumes input, so the work is
//! linear in the module's size and nothing is allocated ahead of a count.

use crate::Error;

/// The import module of every host call.
pub const WASI_MODULE: &[u8] = b"wasi_snapshot_preview1";
/// The host ABI: each call's name, number of `i32` parameters and results.
pub const HOST_ABI: [(&str, u8, u8); 5] = [
    ("args_sizes_get", 2, 1),
    ("args_get", 2, 1),
    ("fd_read", 4, 1),
    ("fd_write", 4, 1),
    ("proc_exit", 1, 0),
];
/// Export names the engine reserves for its instrumentation.
pub const RESERVED_EXPORT_PREFIXES: [&[u8]; 2] = [b"wasmer_", b"entroos_"];

const MAGIC: [u8; 4] = *b"\0asm";
const VERSION: [u8; 4] = [1, 0, 0, 0];
const I32: u8 = 0x7f;
const I64: u8 = 0x7e;
const F32: u8 = 0x7d;
const F64: u8 = 0x7c;
const FUNC_TYPE: u8 = 0x60;
const KIND_FUNC: u8 = 0x00;

/// What the check learned about an accepted module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleSummary {
    /// Host calls imported.
    pub imports: u32,
    /// Functions defined in the module.
    pub functions: u32,
}

/// A function type: parameter and result counts, and whether all are `i32`.
#[derive(Clone, Copy)]
struct FuncType {
    params: usize,
    results: usize,
    all_i32: bool,
}

/// A cursor over bytes that never reads past them.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, Error> {
        let (first, rest) = self.bytes.split_first().ok_or(Error::MalformedModule)?;
        self.bytes = rest;
        Ok(*first)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(Error::MalformedModule);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    /// An unsigned LEB128 `u32`: at most five bytes, no bits beyond 32.
    fn u32(&mut self) -> Result<u32, Error> {
        let mut value = 0u32;
        for shift in [0u32, 7, 14, 21, 28] {
            let byte = self.byte()?;
            let bits = u32::from(byte & 0x7f);
            if shift == 28 && bits > 0x0f {
                return Err(Error::MalformedModule);
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Error::MalformedModule)
    }

    fn len(&mut self) -> Result<usize, Error> {
        usize::try_from(self.u32()?).map_err(|_| Error::MalformedModule)
    }

    /// A name: a length-prefixed byte string (UTF-8 in valid modules).
    fn name(&mut self) -> Result<&'a [u8], Error> {
        let len = self.len()?;
        let name = self.take(len)?;
        std::str::from_utf8(name).map_err(|_| Error::MalformedModule)?;
        Ok(name)
    }

    fn end(&self) -> Result<(), Error> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Error::MalformedModule)
        }
    }
}

/// The position of a section id in the format's order (custom sections,
/// id 0, may appear anywhere and are not ranked).
fn rank(id: u8) -> Result<u8, Error> {
    match id {
        1..=9 => Ok(id),
        12 => Ok(10),
        10 => Ok(11),
        11 => Ok(12),
        _ => Err(Error::MalformedModule),
    }
}

/// Walks the sections and collects what the rules need.
#[derive(Default)]
struct Scan {
    types: Vec<FuncType>,
    imported_functions: u32,
    function_types: Vec<u32>,
    code_entries: Option<u32>,
    start_export: Option<u32>,
}

/// Checks `code` against the rules of the module docs.
pub fn check_module(code: &[u8], max_bytes: u32) -> Result<ModuleSummary, Error> {
    if u32::try_from(code.len()).map_or(true, |len| len > max_bytes) {
        return Err(Error::ModuleTooLarge);
    }
    let mut reader = Reader { bytes: code };
    if reader.take(4)? != MAGIC || reader.take(4)? != VERSION {
        return Err(Error::MalformedModule);
    }
    let mut scan = Scan::default();
    let mut last_rank = 0u8;
    while !reader.bytes.is_empty() {
        let id = reader.byte()?;
        let len = reader.len()?;
        let mut payload = Reader {
            bytes: reader.take(len)?,
        };
        if id == 0 {
            payload.name()?;
            continue;
        }
        let rank = rank(id)?;
        if rank <= last_rank {
            return Err(Error::MalformedModule);
        }
        last_rank = rank;
        scan.section(id, &mut payload)?;
    }
    scan.finish()
}

impl Scan {
    fn section(&mut self, id: u8, payload: &mut Reader<'_>) -> Result<(), Error> {
        match id {
            1 => self.types(payload)?,
            2 => self.imports(payload)?,
            3 => self.functions(payload)?,
            7 => self.exports(payload)?,
            8 => return Err(Error::StartSection),
            10 => {
                self.code_entries = Some(payload.u32()?);
                return Ok(());
            }
            _ => return Ok(()),
        }
        payload.end()
    }

    fn types(&mut self, r: &mut Reader<'_>) -> Result<(), Error> {
        for _ in 0..r.u32()? {
            if r.byte()? != FUNC_TYPE {
                return Err(Error::MalformedModule);
            }
            let (params, params_i32) = value_types(r)?;
            let (results, results_i32) = value_types(r)?;
            self.types.push(FuncType {
                params,
                results,
                all_i32: params_i32 && results_i32,
            });
        }
        Ok(())
    }

    fn imports(&mut self, r: &mut Reader<'_>) -> Result<(), Error> {
        for _ in 0..r.u32()? {
            let module = r.name()?;
            let name = r.name()?;
            if r.byte()? != KIND_FUNC {
                return Err(Error::ForbiddenImport);
            }
            let type_index = r.u32()?;
            let (_, params, results) = HOST_ABI
                .iter()
                .find(|(call, _, _)| call.as_bytes() == name)
                .filter(|_| module == WASI_MODULE)
                .ok_or(Error::ForbiddenImport)?;
            let matches = self.func_type(type_index).is_some_and(|ty| {
                ty.all_i32
                    && ty.params == usize::from(*params)
                    && ty.results == usize::from(*results)
            });
            if !matches {
                return Err(Error::BadImportSignature);
            }
            self.imported_functions = self.imported_functions.saturating_add(1);
        }
        Ok(())
    }

    fn functions(&mut self, r: &mut Reader<'_>) -> Result<(), Error> {
        for _ in 0..r.u32()? {
            let type_index = r.u32()?;
            if self.func_type(type_index).is_none() {
                return Err(Error::MalformedModule);
            }
            self.function_types.push(type_index);
        }
        Ok(())
    }

    fn exports(&mut self, r: &mut Reader<'_>) -> Result<(), Error> {
        for _ in 0..r.u32()? {
            let name = r.name()?;
            let kind = r.byte()?;
            let index = r.u32()?;
            if RESERVED_EXPORT_PREFIXES
                .iter()
                .any(|prefix| name.starts_with(prefix))
            {
                return Err(Error::ReservedExport);
            }
            if name == b"_start" {
                if kind != KIND_FUNC {
                    return Err(Error::MissingStart);
                }
                self.start_export = Some(index);
            }
        }
        Ok(())
    }

    fn func_type(&self, index: u32) -> Option<&FuncType> {
        self.types.get(usize::try_from(index).ok()?)
    }

    fn finish(self) -> Result<ModuleSummary, Error> {
        let functions =
            u32::try_from(self.function_types.len()).map_err(|_| Error::MalformedModule)?;
        if self.code_entries.unwrap_or(0) != functions {
            return Err(Error::MalformedModule);
        }
        let start = self.start_export.ok_or(Error::MissingStart)?;
        let defined = start
            .checked_sub(self.imported_functions)
            .ok_or(Error::MissingStart)?;
        let ty = usize::try_from(defined)
            .ok()
            .and_then(|i| self.function_types.get(i))
            .and_then(|ty| self.func_type(*ty))
            .ok_or(Error::MissingStart)?;
        if ty.params != 0 || ty.results != 0 {
            return Err(Error::MissingStart);
        }
        Ok(ModuleSummary {
            imports: self.imported_functions,
            functions,
        })
    }
}

/// A vector of value types: its length and whether every one is `i32`.
fn value_types(r: &mut Reader<'_>) -> Result<(usize, bool), Error> {
    let mut count = 0usize;
    let mut all_i32 = true;
    for _ in 0..r.u32()? {
        match r.byte()? {
            I32 => {}
            I64 => all_i32 = false,
            F32 | F64 => return Err(Error::FloatType),
            _ => return Err(Error::MalformedModule),
        }
        count = count.saturating_add(1);
    }
    Ok((count, all_i32))
}
