//! Static checks on module bytes: size, the deterministic feature subset,
//! the host ABI, the entry point and per-function bounds.

use wasmer::wasmparser::{
    BinaryReaderError, CompositeInnerType, Export, ExternalKind, FuncType, FunctionBody, Import,
    Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

use crate::abi::{HostCall, RESERVED_EXPORT_PREFIXES, WASI_MODULE};
use crate::config::MAX_FUNCTION_LOCALS;
use crate::error::ModuleError;
use crate::ModuleHash;

/// What validation learned about an accepted module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleInfo {
    /// blake2-256 of the module bytes: the module's identity.
    pub hash: ModuleHash,
    /// The module's size in bytes.
    pub size: usize,
    /// The host calls it imports, in import order.
    pub imports: Vec<HostCall>,
    /// The pages its memory starts with (0 without a memory).
    pub initial_pages: u32,
    /// Functions defined in the module (imports excluded).
    pub functions: u32,
}

/// The wasm features a job may use: the 1.0 core without floats, plus
/// mutable globals, sign extension and multi-value.
fn deterministic_features() -> WasmFeatures {
    WasmFeatures::MVP.difference(WasmFeatures::FLOATS)
        | WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::MULTI_VALUE
}

/// Validates `bytes` against the size bound, the feature subset and the ABI.
pub fn validate(
    bytes: &[u8],
    max_bytes: usize,
    hash: ModuleHash,
) -> Result<ModuleInfo, ModuleError> {
    if bytes.len() > max_bytes {
        return Err(ModuleError::TooLarge {
            size: bytes.len(),
            max: max_bytes,
        });
    }
    check_features(bytes)?;
    let mut scan = Scan::default();
    for payload in Parser::new(0).parse_all(bytes) {
        scan.payload(payload.map_err(malformed)?)?;
    }
    scan.finish(hash, bytes.len())
}

fn check_features(bytes: &[u8]) -> Result<(), ModuleError> {
    let strict = deterministic_features();
    let Err(error) = Validator::new_with_features(strict).validate_all(bytes) else {
        return Ok(());
    };
    let offset = error.offset();
    let with_floats = strict | WasmFeatures::FLOATS | WasmFeatures::SATURATING_FLOAT_TO_INT;
    if Validator::new_with_features(with_floats)
        .validate_all(bytes)
        .is_ok()
    {
        return Err(ModuleError::FloatInstruction { offset });
    }
    if Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .is_ok()
    {
        return Err(ModuleError::UnsupportedFeature {
            offset,
            reason: error.message().to_owned(),
        });
    }
    Err(malformed(error))
}

fn malformed(error: BinaryReaderError) -> ModuleError {
    ModuleError::Malformed {
        offset: error.offset(),
        reason: error.message().to_owned(),
    }
}

/// What the section walk collects.
#[derive(Default)]
struct Scan {
    types: Vec<Option<FuncType>>,
    imports: Vec<HostCall>,
    function_types: Vec<u32>,
    start_export: Option<u32>,
    initial_pages: u32,
    next_body: u32,
}

impl Scan {
    fn payload(&mut self, payload: Payload<'_>) -> Result<(), ModuleError> {
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group.map_err(malformed)?.into_types() {
                        self.types.push(match sub.composite_type.inner {
                            CompositeInnerType::Func(func) => Some(func),
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    self.import(import.map_err(malformed)?)?;
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.function_types.push(ty.map_err(malformed)?);
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let initial = memory.map_err(malformed)?.initial;
                    self.initial_pages = u32::try_from(initial).unwrap_or(u32::MAX);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    self.export(export.map_err(malformed)?)?;
                }
            }
            Payload::StartSection { .. } => return Err(ModuleError::StartSection),
            Payload::CodeSectionEntry(body) => self.body(&body)?,
            _ => {}
        }
        Ok(())
    }

    fn import(&mut self, import: Import<'_>) -> Result<(), ModuleError> {
        let forbidden = || ModuleError::ForbiddenImport {
            module: import.module.to_owned(),
            name: import.name.to_owned(),
        };
        let call = HostCall::from_name(import.name)
            .filter(|_| import.module == WASI_MODULE)
            .ok_or_else(forbidden)?;
        let TypeRef::Func(type_index) = import.ty else {
            return Err(forbidden());
        };
        if !self
            .func_type(type_index)
            .is_some_and(|ty| abi_matches(ty, call))
        {
            return Err(ModuleError::ImportSignature {
                name: import.name.to_owned(),
            });
        }
        self.imports.push(call);
        Ok(())
    }

    fn export(&mut self, export: Export<'_>) -> Result<(), ModuleError> {
        if RESERVED_EXPORT_PREFIXES
            .iter()
            .any(|prefix| export.name.starts_with(prefix))
        {
            return Err(ModuleError::ReservedExport {
                name: export.name.to_owned(),
            });
        }
        if export.name == "_start" {
            if export.kind != ExternalKind::Func {
                return Err(ModuleError::StartSignature);
            }
            self.start_export = Some(export.index);
        }
        Ok(())
    }

    fn body(&mut self, body: &FunctionBody<'_>) -> Result<(), ModuleError> {
        let defined = self.next_body;
        self.next_body = defined.saturating_add(1);
        let params = self
            .function_types
            .get(defined as usize)
            .and_then(|ty| self.func_type(*ty))
            .map_or(0, |ty| ty.params().len() as u64);
        let mut locals = params;
        for entry in body.get_locals_reader().map_err(malformed)? {
            locals = locals.saturating_add(u64::from(entry.map_err(malformed)?.0));
        }
        if locals > u64::from(MAX_FUNCTION_LOCALS) {
            let function = defined.saturating_add(self.imported_functions());
            return Err(ModuleError::TooManyLocals {
                function,
                locals,
                max: MAX_FUNCTION_LOCALS,
            });
        }
        Ok(())
    }

    fn func_type(&self, index: u32) -> Option<&FuncType> {
        self.types.get(index as usize).and_then(Option::as_ref)
    }

    fn imported_functions(&self) -> u32 {
        u32::try_from(self.imports.len()).unwrap_or(u32::MAX)
    }

    fn finish(self, hash: ModuleHash, size: usize) -> Result<ModuleInfo, ModuleError> {
        let start = self.start_export.ok_or(ModuleError::MissingStart)?;
        let defined = start
            .checked_sub(self.imported_functions())
            .ok_or(ModuleError::StartSignature)?;
        let ty = self
            .function_types
            .get(defined as usize)
            .and_then(|ty| self.func_type(*ty))
            .ok_or(ModuleError::StartSignature)?;
        if !ty.params().is_empty() || !ty.results().is_empty() {
            return Err(ModuleError::StartSignature);
        }
        Ok(ModuleInfo {
            hash,
            size,
            initial_pages: self.initial_pages,
            functions: u32::try_from(self.function_types.len()).unwrap_or(u32::MAX),
            imports: self.imports,
        })
    }
}

fn abi_matches(ty: &FuncType, call: HostCall) -> bool {
    let all_i32 = |types: &[ValType]| types.iter().all(|ty| *ty == ValType::I32);
    ty.params().len() == call.params()
        && ty.results().len() == call.results()
        && all_i32(ty.params())
        && all_i32(ty.results())
}
