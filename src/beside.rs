//! Work run beside the caller's: on a scoped thread of its own, or at once when no thread can
//! be started (a run never fails for want of a thread).

use std::thread::{Scope, ScopedJoinHandle};

/// Work started by [`run`]: its result comes with [`Beside::join`].
pub enum Beside<'s, T> {
    Thread(ScopedJoinHandle<'s, T>),
    Done(T),
}

impl<T> Beside<'_, T> {
    /// The work's result, once it has finished (a panic on its thread goes on here).
    pub fn join(self) -> T {
        match self {
            Beside::Thread(t) => t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Beside::Done(v) => v,
        }
    }
}

/// Start `f` on a thread of scope `s`; when none can be started, run it now (`f` is cloned
/// for the thread, which takes only borrowed data in every use here).
pub fn run<'s, 'e: 's, T: Send + 's>(
    s: &'s Scope<'s, 'e>,
    f: impl FnOnce() -> T + Send + Clone + 's,
) -> Beside<'s, T> {
    match std::thread::Builder::new().spawn_scoped(s, f.clone()) {
        Ok(t) => Beside::Thread(t),
        Err(_) => Beside::Done(f()),
    }
}
