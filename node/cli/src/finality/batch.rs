//! Finality of imported blocks on a single-authority chain, where every
//! block of the one authority is final as soon as it is imported (as the
//! author finalizes its own).
//!
//! Finalizing is a synced database write and a durable finality record,
//! so when blocks arrive in bulk (from a peer, from a block file) they are
//! finalized in batches: [`BatchFinality`] remembers the latest best block
//! imported and finalizes it once `max_blocks` have been noted or
//! `max_delay` has passed since the first of them, and when flushed. Its
//! ancestors are final with it. A noted block that is no longer on the
//! best chain when the batch closes is left alone.

use entroos_client::Client;
use entroos_client_api::{ClientError, Finalizer};
use entroos_primitives::{BlockNumber, H256};
use std::time::{Duration, Instant};

/// Imported best blocks waiting to be finalized together.
#[derive(Debug)]
pub struct BatchFinality {
    latest: Option<(BlockNumber, H256)>,
    noted: u32,
    since: Option<Instant>,
    max_blocks: u32,
    max_delay: Duration,
}

impl BatchFinality {
    /// Batches of at most `max_blocks` blocks and `max_delay`.
    pub fn new(max_blocks: u32, max_delay: Duration) -> Self {
        BatchFinality {
            latest: None,
            noted: 0,
            since: None,
            max_blocks,
            max_delay,
        }
    }

    /// Notes a block imported as the best block; closes the batch if it
    /// is full or old. Returns the number finalized, if any.
    pub fn note_best(
        &mut self,
        client: &Client,
        number: BlockNumber,
        hash: H256,
    ) -> Result<Option<BlockNumber>, ClientError> {
        self.latest = Some((number, hash));
        self.noted = self.noted.saturating_add(1);
        let since = *self.since.get_or_insert_with(Instant::now);
        if self.noted >= self.max_blocks || since.elapsed() >= self.max_delay {
            return self.flush(client);
        }
        Ok(None)
    }

    /// Finalizes the latest noted block if it is still on the best chain
    /// and the chain has a single authority. Returns the number finalized.
    pub fn flush(&mut self, client: &Client) -> Result<Option<BlockNumber>, ClientError> {
        self.noted = 0;
        self.since = None;
        let Some((number, hash)) = self.latest.take() else {
            return Ok(None);
        };
        if number <= client.heads().finalized.0 || client.hash_of(number)? != Some(hash) {
            return Ok(None);
        }
        if !client.single_authority(&hash)? {
            return Ok(None);
        }
        client.finalize(&hash, None)?;
        Ok(Some(number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entroos_authorship::author_with_key;
    use entroos_client::testing::{dev_client, TEST_SLOT_MILLIS, TEST_START_MILLIS};
    use entroos_db::Pruning;
    use entroos_primitives::crypto::sr25519;

    /// Builds and imports the next block at `slot`; its number and hash.
    fn import_next(client: &Client, slot: u64) -> (BlockNumber, H256) {
        let alice = sr25519::Pair::from_uri("//Alice").unwrap();
        let header = author_with_key(client, &alice, slot, TEST_SLOT_MILLIS).unwrap();
        (header.number, header.hash())
    }

    #[test]
    fn a_batch_is_finalized_when_full_and_when_flushed() {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let first_slot = TEST_START_MILLIS / TEST_SLOT_MILLIS - 10;
        let mut finality = BatchFinality::new(3, Duration::from_secs(3600));
        let mut finalized = Vec::new();
        for slot in first_slot..first_slot + 5 {
            let (number, hash) = import_next(&client, slot);
            finalized.extend(finality.note_best(&client, number, hash).unwrap());
        }
        assert_eq!(finalized, [3], "the third block closes the first batch");
        assert_eq!(client.heads().finalized.0, 3);
        assert_eq!(finality.flush(&client).unwrap(), Some(5));
        assert_eq!(client.heads().finalized.0, 5);
        assert_eq!(
            finality.flush(&client).unwrap(),
            None,
            "nothing noted since"
        );
    }

    #[test]
    fn an_old_batch_is_finalized_with_its_next_block() {
        let (client, _clock) = dev_client(Pruning::Archive).unwrap();
        let slot = TEST_START_MILLIS / TEST_SLOT_MILLIS - 10;
        let mut finality = BatchFinality::new(1_000, Duration::ZERO);
        let (number, hash) = import_next(&client, slot);
        assert_eq!(finality.note_best(&client, number, hash).unwrap(), Some(1));
    }
}
