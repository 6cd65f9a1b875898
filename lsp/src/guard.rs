//! Containing panics: a bug in one feature must cost one answer, not the
//! editor's whole session. Every call into the compiler goes through
//! [`guarded`].

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `work`; a panic becomes `Err` with its message. The state `work`
/// touches is replaced whole by each call (an analysis, a list of edits),
/// so a half-finished call leaves nothing inconsistent behind.
pub fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let outcome: Result<(), String> = guarded(|| panic!("index {} out of range", 3));
        assert_eq!(outcome, Err("index 3 out of range".to_owned()));
        assert_eq!(guarded(|| 2 + 2), Ok(4));
    }
}
