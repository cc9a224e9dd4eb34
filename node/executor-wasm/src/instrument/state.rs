//! Exports everything a run can change in an instance, so that the
//! executor can put a used instance back exactly as instantiation left it:
//! every mutable global (the module's and the instrumentation's) as
//! `entroos_global_<index>`, and memory 0 as [`MEMORY`].
//!
//! Nothing else changes while a job runs: tables and data segments can only
//! change through reference-type and bulk-memory instructions, which
//! validation refuses, and start sections are refused too.

use std::sync::Arc;

use wasmer::sys::{FunctionMiddleware, MiddlewareError, ModuleMiddleware};
use wasmer::{ExportIndex, LocalFunctionIndex, ModuleInfo};

/// Prefix of the exports of mutable globals.
pub const GLOBAL_PREFIX: &str = "entroos_global_";
/// Export of memory 0.
pub const MEMORY: &str = "entroos_memory";

/// The middleware; it must come last in the chain, after every middleware
/// that adds globals.
pub fn state_exports() -> Arc<dyn ModuleMiddleware> {
    Arc::new(StateExports)
}

#[derive(Debug)]
struct StateExports;

impl ModuleMiddleware for StateExports {
    fn generate_function_middleware(&self, _: LocalFunctionIndex) -> Box<dyn FunctionMiddleware> {
        Box::new(Unchanged)
    }

    fn transform_module_info(&self, info: &mut ModuleInfo) -> Result<(), MiddlewareError> {
        let mutable: Vec<_> = info
            .globals
            .iter()
            .filter(|(_, ty)| ty.mutability.is_mutable())
            .map(|(index, _)| index)
            .collect();
        for index in mutable {
            info.exports.insert(
                format!("{GLOBAL_PREFIX}{}", index.as_u32()),
                ExportIndex::Global(index),
            );
        }
        if let Some((memory, _)) = info.memories.iter().next() {
            info.exports
                .insert(MEMORY.to_owned(), ExportIndex::Memory(memory));
        }
        Ok(())
    }
}

/// Function bodies pass through unchanged (the trait's default `feed`).
#[derive(Debug)]
struct Unchanged;

impl FunctionMiddleware for Unchanged {}
