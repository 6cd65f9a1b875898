//! Which jobs run for an event, and why one does not: conditions evaluated
//! against what is known of the event (`evaluate`), and the facts each
//! declared trigger implies (`trigger_facts`), shared by the reachability
//! checks and `pipec plan`.

pub mod evaluate;

use crate::ir::Triggers;
pub use evaluate::{Facts, Known, Truth, evaluate};

/// One [`Facts`] per kind of event the triggers start the pipeline for,
/// with what their filters imply: a push that passed `branches` is to one
/// of those branches and has no tag; a pull request has no pushed branch.
pub fn trigger_facts(triggers: &Triggers) -> Vec<Facts> {
    let empty = || Known::Exactly(String::new());
    let matching = |patterns: &[String]| {
        if patterns.is_empty() {
            Known::Unknown
        } else {
            Known::Matching(patterns.to_vec())
        }
    };
    let mut facts = Vec::new();
    if let Some(push) = &triggers.push {
        let branches = &push.filters.branches;
        let base = |branch: Known, tag: Known| Facts {
            event: "push".to_owned(),
            branch,
            tag,
            base: empty(),
            inputs: Vec::new(),
        };
        match (
            branches.is_empty() && push.filters.branches_ignore.is_empty(),
            push.tags.is_empty(),
        ) {
            // Only tags: branch pushes do not start the pipeline.
            (true, false) => facts.push(base(empty(), matching(&push.tags))),
            // Only branches: tag pushes do not.
            (false, true) => facts.push(base(matching(branches), empty())),
            (false, false) => {
                facts.push(base(matching(branches), empty()));
                facts.push(base(empty(), matching(&push.tags)));
            }
            (true, true) => facts.push(base(Known::Unknown, Known::Unknown)),
        }
    }
    if let Some(pull_request) = &triggers.pull_request {
        facts.push(Facts {
            event: "pull_request".to_owned(),
            branch: empty(),
            tag: empty(),
            base: matching(&pull_request.filters.branches),
            inputs: Vec::new(),
        });
    }
    if !triggers.schedules.is_empty() {
        facts.push(Facts {
            event: "schedule".to_owned(),
            branch: Known::Unknown,
            tag: empty(),
            base: empty(),
            inputs: Vec::new(),
        });
    }
    if triggers.manual.is_some() {
        facts.push(Facts {
            event: "manual".to_owned(),
            branch: Known::Unknown,
            tag: Known::Unknown,
            base: empty(),
            inputs: Vec::new(),
        });
    }
    facts
}
