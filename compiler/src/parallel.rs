//! Work run on two threads when there is enough of it.
//!
//! Results never depend on it: each side returns what it found, and the
//! caller joins the two in a fixed order.

use crate::source::Sources;

/// Below this much source text a thread costs more than it saves: at
/// 280 KB (500 benchmark jobs) the build was slower on two threads, the
/// helper's fresh heap costing more than the work it took.
const SOURCE_BYTES_WORTH_A_THREAD: usize = 1024 * 1024;

/// The stack of a helper thread: as deep as the main thread's, since the
/// checks recurse as deep on either.
const HELPER_STACK_BYTES: usize = 8 * 1024 * 1024;

/// Whether checking `sources` is large enough to share between threads.
pub fn worth_a_thread(sources: &Sources) -> bool {
    text_worth_a_thread(sources.iter().map(|file| file.text.len()).sum())
}

/// Below this much source text the backends of several targets run one
/// after another; each is a whole pass over the IR, so a thread pays off
/// on less text than it does for halves of one pass.
const SOURCE_BYTES_WORTH_A_BACKEND_THREAD: usize = 64 * 1024;

/// Whether `sources` are large enough for the backends of several targets
/// to run at once.
pub fn backends_worth_a_thread(sources: &Sources) -> bool {
    sources.iter().map(|file| file.text.len()).sum::<usize>() >= SOURCE_BYTES_WORTH_A_BACKEND_THREAD
}

/// Whether `source_bytes` of text are enough to share between threads.
pub fn text_worth_a_thread(source_bytes: usize) -> bool {
    source_bytes >= SOURCE_BYTES_WORTH_A_THREAD
}

/// `(first(), second())`, with `first` on a helper thread when `parallel`
/// (and a thread can be had); a panic on the helper goes on in the caller.
pub fn both<A: Send, B>(
    parallel: bool,
    first: impl FnOnce() -> A + Send,
    second: impl FnOnce() -> B,
) -> (A, B) {
    if !parallel {
        return (first(), second());
    }
    // Taken by whichever thread runs it: the helper, or this one when no
    // thread could be started.
    let first = std::sync::Mutex::new(Some(first));
    let run_first = || {
        let taken = first.lock().map(|mut slot| slot.take()).unwrap_or(None);
        taken.map(|first| first())
    };
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .stack_size(HELPER_STACK_BYTES)
            .spawn_scoped(scope, run_first);
        let second_result = second();
        let first_result = match helper {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => run_first(),
        };
        match first_result {
            Some(first_result) => (first_result, second_result),
            None => unreachable!("the first task runs once, on one of the threads"),
        }
    })
}

/// Drops `value` on a thread of its own when `parallel`, so that freeing a
/// large structure costs the caller nothing; the process may end first,
/// which frees it all the same.
pub fn drop_in_background<T: Send + 'static>(parallel: bool, value: T) {
    if parallel {
        // When no thread can be had, the closure, and the value in it, is
        // dropped here instead.
        let _detached = std::thread::Builder::new().spawn(move || drop(value));
    } else {
        drop(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_dropped_in_the_background_is_dropped() {
        for parallel in [false, true] {
            let (sender, receiver) = std::sync::mpsc::channel();
            struct Signal(std::sync::mpsc::Sender<()>);
            impl Drop for Signal {
                fn drop(&mut self) {
                    let _ = self.0.send(());
                }
            }
            drop_in_background(parallel, Signal(sender));
            assert_eq!(
                receiver.recv_timeout(std::time::Duration::from_secs(10)),
                Ok(())
            );
        }
    }

    #[test]
    fn both_sides_run_and_come_back_in_order() {
        for parallel in [false, true] {
            assert_eq!(both(parallel, || "first", || "second"), ("first", "second"));
        }
    }

    #[test]
    fn a_panic_on_the_helper_thread_goes_on_in_the_caller() {
        let outcome =
            std::panic::catch_unwind(|| both(true, || -> usize { panic!("in the helper") }, || 1));
        assert!(outcome.is_err());
    }
}
