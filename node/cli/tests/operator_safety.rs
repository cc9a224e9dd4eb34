//! Operator safety: databases written by the real node, then damaged the
//! ways disks and operators damage them, are refused with a message naming
//! the problem and the fix, and no file of the database changes; once the
//! damage is undone the node reads exactly what was written before.

mod support;

use entroos_primitives::hashing::blake2_256;
use entroos_primitives::H256;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::*;

const WAIT: Duration = Duration::from_secs(60);

/// The dev chain's data directory under `base`.
fn chain_dir(base: &Path) -> PathBuf {
    base.join("chains").join("dev")
}

/// The database directory under `base`.
fn db_dir(base: &Path) -> PathBuf {
    chain_dir(base).join("db").join("full")
}

/// The finality record beside the database.
fn record(base: &Path) -> PathBuf {
    chain_dir(base).join("db").join("full.finalized")
}

/// Every file under the chain's `db` directory with the hash of its contents.
fn snapshot(base: &Path) -> BTreeMap<PathBuf, H256> {
    let mut files = BTreeMap::new();
    let mut pending = vec![chain_dir(base).join("db")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the db directory") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read a db file");
                files.insert(path, H256(blake2_256(&bytes)));
            }
        }
    }
    files
}

/// Runs `entroos-node <args> --base-path <base>` (on free ports), which
/// must exit with failure; returns its stderr.
fn refused(base: &Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entroos-node"))
        .args(args)
        .arg("--base-path")
        .arg(base)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn entroos-node");
    let status = wait_for("the command to exit", WAIT, || {
        child.try_wait().expect("try_wait")
    });
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert!(!status.success(), "{args:?} was not refused:\n{stderr}");
    stderr
}

/// The node refuses to start on `base`; returns its stderr.
fn start_refused(base: &Path, extra: &[&str]) -> String {
    let (rpc, metrics) = (free_port().to_string(), free_port().to_string());
    let mut args = vec!["--dev", "--rpc-port", &rpc, "--prometheus-port", &metrics];
    args.extend_from_slice(extra);
    refused(base, &args)
}

/// A node on the dev chain that does not author: what it reports is what
/// the database holds.
struct Reader {
    child: Child,
    port: u16,
}

impl Reader {
    fn start(base: &Path, extra: &[&str]) -> Reader {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_entroos-node"))
            .args(["--chain", "dev", "--no-prometheus", "--rpc-port"])
            .arg(port.to_string())
            .arg("--base-path")
            .arg(base)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn entroos-node");
        let mut reader = Reader { child, port };
        wait_for("the reader's JSON-RPC", WAIT, || {
            if let Ok(Some(status)) = reader.child.try_wait() {
                panic!("the reader exited with {status}");
            }
            reader.call("system_health", json!([])).ok()
        });
        reader
    }

    fn call(&self, method: &str, params: Value) -> std::io::Result<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let text = http::post_json(self.port, body.to_string().as_bytes())?.body;
        let response: Value = serde_json::from_str(&text).map_err(std::io::Error::other)?;
        Ok(response["result"].clone())
    }

    /// The best and finalized hashes.
    fn heads(&self) -> (H256, H256) {
        let best = self.call("chain_getBlockHash", json!([])).expect("best");
        let finalized = self
            .call("chain_getFinalizedHead", json!([]))
            .expect("finalized");
        (parse_hash(&best), parse_hash(&finalized))
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs an authoring dev node on `base` until block `number` is finalized,
/// then kills it with SIGKILL.
fn chain_until_finalized(base: &Path, number: u32, extra: &[&str]) {
    let node = Node::start(base, extra);
    wait_for(&format!("finalized #{number}"), WAIT, || {
        (node.finalized().0 >= number).then_some(())
    });
    node.kill9();
}

fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {signal} {pid}");
}

#[test]
fn deleted_current_is_refused_twice_and_restoring_it_reads_the_same_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    chain_until_finalized(base, 3, &[]);
    let heads = Reader::start(base, &[]).heads();
    let current = db_dir(base).join("CURRENT");
    let saved = std::fs::read(&current).expect("CURRENT");
    std::fs::remove_file(&current).expect("remove CURRENT");
    let before = snapshot(base);
    assert!(
        before
            .keys()
            .any(|path| path.extension().is_some_and(|e| e == "sst")),
        "the reader's open left tables to lose"
    );
    let message = format!(
        "Error: database files present in {} but CURRENT missing: the database is damaged; restore it from a backup, or run purge-chain to start over / re-sync",
        db_dir(base).display()
    );
    for attempt in 0..2 {
        let stderr = start_refused(base, &[]);
        assert!(stderr.contains(&message), "attempt {attempt}:\n{stderr}");
        assert_eq!(snapshot(base), before, "attempt {attempt} changed files");
        assert!(!current.exists(), "attempt {attempt} left a CURRENT behind");
    }
    std::fs::write(&current, saved).expect("restore CURRENT");
    assert_eq!(Reader::start(base, &[]).heads(), heads);
}

#[test]
fn a_manifest_cut_in_half_is_refused_with_the_recovery_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    chain_until_finalized(base, 3, &[]);
    let current = std::fs::read_to_string(db_dir(base).join("CURRENT")).expect("CURRENT");
    let manifest = db_dir(base).join(current.trim());
    let len = manifest.metadata().expect("MANIFEST").len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&manifest)
        .and_then(|file| file.set_len(len / 2))
        .expect("cut the MANIFEST");
    let before = snapshot(base);
    let stderr = start_refused(base, &[]);
    let db = db_dir(base);
    let named = [
        format!(
            "Error: the database at {} is damaged: its MANIFEST lacks the column families ",
            db.display()
        ),
        format!("Error: cannot open the database at {}: ", db.display()),
    ];
    assert!(named.iter().any(|m| stderr.contains(m)), "{stderr}");
    assert!(
        stderr.contains("restore it from a backup, or run purge-chain to start over / re-sync")
            || stderr
                .contains("restore them from a backup, or run purge-chain to start over / re-sync"),
        "{stderr}"
    );
    assert_eq!(snapshot(base), before, "the refusal changed files");
}

#[test]
fn an_archive_database_is_refused_with_state_pruning_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    chain_until_finalized(base, 2, &["--state-pruning", "archive"]);
    let heads = Reader::start(base, &["--state-pruning", "archive"]).heads();
    let before = snapshot(base);
    let stderr = start_refused(base, &["--state-pruning", "2"]);
    let message = format!(
        "Error: pruning mode mismatch: the database at {} was created with --state-pruning archive, not 2: pass --state-pruning archive, or run purge-chain to start over with 2",
        db_dir(base).display()
    );
    assert!(stderr.contains(&message), "{stderr}");
    assert_eq!(snapshot(base), before, "the refusal changed files");
    let reader = Reader::start(base, &["--state-pruning", "archive"]);
    assert_eq!(reader.heads(), heads);
}

#[test]
fn purge_chain_while_a_node_runs_is_refused_and_deletes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    let node = Node::start(base, &[]);
    wait_for("finalized #2", WAIT, || {
        (node.finalized().0 >= 2).then_some(())
    });
    // Stopped, the node writes nothing but keeps its lock.
    signal(node.pid(), "-STOP");
    let before = snapshot(base);
    let in_use = format!(
        "Error: the database at {} is in use by another process (pid {}); stop it first",
        chain_dir(base).display(),
        node.pid()
    );
    let purge = refused(base, &["purge-chain", "--dev", "-y"]);
    let second = start_refused(base, &[]);
    let export = refused(base, &["export-blocks", "--dev"]);
    let after = snapshot(base);
    signal(node.pid(), "-CONT");
    for stderr in [&purge, &second, &export] {
        assert!(stderr.contains(&in_use), "{stderr}");
    }
    assert_eq!(after, before, "a refused command changed files");
    let (finalized, _) = node.finalized();
    wait_for("the node to finalize on", WAIT, || {
        (node.finalized().0 > finalized).then_some(())
    });
}

#[test]
fn a_damaged_log_tail_that_lost_finalized_blocks_is_refused_by_the_finality_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    let node = Node::start(base, &[]);
    wait_for("finalized #3", WAIT, || {
        (node.finalized().0 >= 3).then_some(())
    });
    // Block #3's finalizing write is durable, so it ends before this offset.
    let log = newest_log(&db_dir(base));
    let intact = log.metadata().expect("log").len();
    wait_for("finalized #7", WAIT, || {
        (node.finalized().0 >= 7).then_some(())
    });
    node.kill9();
    assert_eq!(newest_log(&db_dir(base)), log, "the log was switched");
    let mut bytes = std::fs::read(&log).expect("read the log");
    let start = usize::try_from(intact).expect("offset");
    for byte in bytes.iter_mut().skip(start).take(64) {
        *byte ^= 0xa5;
    }
    std::fs::write(&log, bytes).expect("damage the log");

    let recorded = std::fs::read_to_string(record(base)).expect("finality record");
    let (number, hash) = recorded.trim().split_once(' ').expect("`<number> <hash>`");
    let number: u32 = number.parse().expect("recorded number");
    assert!(number >= 7, "recorded #{number}");
    let before = snapshot(base);
    let stderr = start_refused(base, &[]);
    let prefix = format!(
        "Error: finalized block #{number} ({hash}) recorded in {}, but the database's finalized head is #",
        record(base).display()
    );
    let rest = stderr
        .split_once(&prefix)
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("{stderr}"));
    let (found, rest) = rest.split_once(':').expect("found height");
    let found: u32 = found.parse().expect("found height");
    assert!((3..number).contains(&found), "{stderr}");
    assert!(
        rest.starts_with(" the database lost finalized blocks"),
        "{stderr}"
    );
    assert_eq!(snapshot(base), before, "the refusal changed files");
}

/// The newest write-ahead log in `db`.
fn newest_log(db: &Path) -> PathBuf {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(db)
        .expect("read the db directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    logs.pop().expect("a write-ahead log")
}
