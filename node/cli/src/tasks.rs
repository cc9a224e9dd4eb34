//! The node's tasks and threads: every long-running piece is started here,
//! named, and stopped at shutdown (tasks aborted, threads joined after
//! their stop flags are set by their owners).

use entroos_client_api::Spawner;
use entroos_client_api::Task;
use parking_lot::Mutex;
use std::thread::JoinHandle;

/// Starts and stops the node's tasks and threads.
pub struct TaskManager {
    runtime: tokio::runtime::Handle,
    tasks: Mutex<Vec<(&'static str, tokio::task::JoinHandle<()>)>>,
    threads: Mutex<Vec<(&'static str, JoinHandle<()>)>>,
}

impl TaskManager {
    /// A manager that spawns on the current tokio runtime.
    pub fn new(runtime: tokio::runtime::Handle) -> Self {
        TaskManager {
            runtime,
            tasks: Mutex::default(),
            threads: Mutex::default(),
        }
    }

    /// Takes charge of a task started elsewhere.
    pub fn adopt(&self, name: &'static str, task: tokio::task::JoinHandle<()>) {
        self.tasks.lock().push((name, task));
    }

    /// Aborts every task and waits for every thread.
    pub async fn shutdown(&self) {
        let tasks: Vec<_> = std::mem::take(&mut *self.tasks.lock());
        for (name, task) in tasks {
            task.abort();
            let _ = task.await;
            tracing::debug!(target: "service", "task {name} stopped");
        }
        let threads: Vec<_> = std::mem::take(&mut *self.threads.lock());
        for (name, thread) in threads {
            if tokio::task::block_in_place(|| thread.join()).is_err() {
                tracing::error!(target: "service", "thread {name} panicked");
            }
        }
    }
}

impl Spawner for TaskManager {
    fn spawn(&self, name: &'static str, task: Task) {
        let handle = self.runtime.spawn(task);
        self.tasks.lock().push((name, handle));
    }

    fn spawn_blocking(&self, name: &'static str, work: Box<dyn FnOnce() + Send + 'static>) {
        match std::thread::Builder::new().name(name.into()).spawn(work) {
            Ok(thread) => self.threads.lock().push((name, thread)),
            Err(e) => tracing::error!(target: "service", "cannot start thread {name}: {e}"),
        }
    }
}
