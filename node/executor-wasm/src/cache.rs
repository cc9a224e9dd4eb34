//! A bounded cache of compiled modules keyed by the module's hash.

use std::collections::HashMap;

use crate::compile::PreparedModule;
use crate::ModuleHash;

/// Cache counters since the executor was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Lookups that found a compiled module.
    pub hits: u64,
    /// Lookups that did not.
    pub misses: u64,
    /// Modules dropped to stay within the bound.
    pub evictions: u64,
    /// Modules held now.
    pub entries: usize,
}

struct Entry {
    module: PreparedModule,
    last_used: u64,
}

/// Least-recently-used cache of at most `capacity` modules.
pub struct ModuleCache {
    capacity: usize,
    entries: HashMap<ModuleHash, Entry>,
    clock: u64,
    stats: CacheStats,
}

impl ModuleCache {
    /// An empty cache; a capacity of 0 caches nothing.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: HashMap::new(),
            clock: 0,
            stats: CacheStats::default(),
        }
    }

    /// The module stored under `hash`, counting a hit or a miss.
    pub fn get(&mut self, hash: &ModuleHash) -> Option<PreparedModule> {
        self.clock = self.clock.wrapping_add(1);
        let Some(entry) = self.entries.get_mut(hash) else {
            self.stats.misses = self.stats.misses.saturating_add(1);
            return None;
        };
        entry.last_used = self.clock;
        self.stats.hits = self.stats.hits.saturating_add(1);
        Some(entry.module.clone())
    }

    /// Stores `module`, dropping the least recently used one when full.
    pub fn insert(&mut self, hash: ModuleHash, module: PreparedModule) {
        if self.capacity == 0 {
            return;
        }
        if !self.entries.contains_key(&hash) && self.entries.len() >= self.capacity {
            self.evict_oldest();
        }
        self.clock = self.clock.wrapping_add(1);
        self.entries.insert(
            hash,
            Entry {
                module,
                last_used: self.clock,
            },
        );
    }

    fn evict_oldest(&mut self) {
        let oldest = self
            .entries
            .iter()
            .min_by_key(|(_, entry)| entry.last_used)
            .map(|(hash, _)| *hash);
        if let Some(hash) = oldest {
            self.entries.remove(&hash);
            self.stats.evictions = self.stats.evictions.saturating_add(1);
        }
    }

    /// The counters and the current size.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            entries: self.entries.len(),
            ..self.stats
        }
    }
}
