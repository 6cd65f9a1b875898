//! The language's built-in functions, methods and strategy constructors:
//! one table of their names, signatures and documentation, which the
//! lowering's "unknown function" suggestions, the editor's hover and its
//! completion all read. What each one means is lowered in `calls.rs`
//! (functions, methods), `strategy_choice.rs` (`choose`) and `deploy.rs`
//! (constructors).

/// One built-in.
#[derive(Debug)]
pub struct Builtin {
    pub name: &'static str,
    pub kind: BuiltinKind,
    /// How a call is written, with its type.
    pub signature: &'static str,
    pub doc: &'static str,
    /// The type of the attribute value it is written for, for completion:
    /// `bool` for a condition, `strategy`, `health`, `string`.
    pub value_type: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinKind {
    /// `name(…)`.
    Function,
    /// `text.name(…)`, on a string.
    Method,
    /// `name { … }`, a deploy strategy.
    Constructor,
}

impl BuiltinKind {
    /// The word diagnostics use for it.
    pub fn word(self) -> &'static str {
        match self {
            BuiltinKind::Function => "function",
            BuiltinKind::Method => "method",
            BuiltinKind::Constructor => "constructor",
        }
    }
}

const fn builtin(
    name: &'static str,
    kind: BuiltinKind,
    signature: &'static str,
    value_type: &'static str,
    doc: &'static str,
) -> Builtin {
    Builtin {
        name,
        kind,
        signature,
        doc,
        value_type,
    }
}

use BuiltinKind::{Constructor, Function, Method};

pub const BUILTINS: &[Builtin] = &[
    builtin(
        "hash_files",
        Function,
        "hash_files(glob, …) -> string",
        "string",
        "a digest of the files matching the patterns (constants), which changes when any of \
         them does: a cache `key` such as `hash_files(\"requirements*.txt\")`.",
    ),
    builtin(
        "success",
        Function,
        "success() -> bool",
        "bool",
        "true when everything this job or step depends on succeeded: the default condition, \
         written out to combine it (`if = success() && git.branch == \"main\"`). Conditions only.",
    ),
    builtin(
        "failure",
        Function,
        "failure() -> bool",
        "bool",
        "true when a job this one needs (or an earlier step of this job) failed: for \
         notifications, clean-ups and rollbacks. Conditions only.",
    ),
    builtin(
        "always",
        Function,
        "always() -> bool",
        "bool",
        "true whatever happened before: the job or step runs after failures too. \
         Conditions only.",
    ),
    builtin(
        "cancelled",
        Function,
        "cancelled() -> bool",
        "bool",
        "true when the run was cancelled. Conditions only.",
    ),
    builtin(
        "http",
        Function,
        "http(path, port = N) -> health",
        "health",
        "a deploy's health probe: an HTTP GET of `path` that must answer 2xx or 3xx; `port` \
         defaults to the deploy's.",
    ),
    builtin(
        "tcp",
        Function,
        "tcp(port) -> health",
        "health",
        "a deploy's health probe: a TCP connection to `port` must open.",
    ),
    builtin(
        "exec",
        Function,
        "exec([command, …]) -> health",
        "health",
        "a deploy's health probe: the command, run in the container, must exit 0.",
    ),
    builtin(
        "choose",
        Function,
        "choose(inputs.NAME, { VALUE = strategy, … }) -> strategy",
        "strategy",
        "a deploy strategy chosen when the run starts: one strategy for each value of an \
         `enum` manual input, such as `choose(inputs.strategy, { canary = canary { … }, \
         blue_green = blue_green { … } })`.",
    ),
    builtin(
        "starts_with",
        Method,
        "text.starts_with(prefix) -> bool",
        "bool",
        "whether the text starts with `prefix`: `git.branch.starts_with(\"release/\")`.",
    ),
    builtin(
        "ends_with",
        Method,
        "text.ends_with(suffix) -> bool",
        "bool",
        "whether the text ends with `suffix`.",
    ),
    builtin(
        "contains",
        Method,
        "text.contains(part) -> bool",
        "bool",
        "whether `part` occurs in the text: `git.commit_message.contains(\"[skip deploy]\")`.",
    ),
    builtin(
        "matches",
        Method,
        "text.matches(glob) -> bool",
        "bool",
        "whether the text matches the glob (a constant): `*` stays within a `/` segment, \
         `**` crosses them, as in branch filters.",
    ),
    builtin(
        "rolling",
        Constructor,
        "rolling { max_surge, max_unavailable } -> strategy",
        "strategy",
        "replaces the pods a few at a time: at most `max_surge` extra and `max_unavailable` \
         missing at once (counts or percents).",
    ),
    builtin(
        "blue_green",
        Constructor,
        "blue_green { preview_duration, auto_promote, scale_down_delay, rollback, smoke_test } \
         -> strategy",
        "strategy",
        "starts the new version beside the old one behind a preview Service, tests it there \
         (`smoke_test`, `rollback` conditions for `preview_duration`), then switches all \
         traffic at once; the old version is kept for `scale_down_delay`.",
    ),
    builtin(
        "canary",
        Constructor,
        "canary { steps, pause, rollback } -> strategy",
        "strategy",
        "moves traffic to the new version in `steps` (percents), waiting `pause` after each, \
         and rolls back when a `rollback` condition is crossed.",
    ),
];

/// The built-in of `kind` named `name`.
pub fn find(kind: BuiltinKind, name: &str) -> Option<&'static Builtin> {
    BUILTINS
        .iter()
        .find(|builtin| builtin.kind == kind && builtin.name == name)
}

/// The names of every built-in of `kind`, in the table's order.
pub fn names(kind: BuiltinKind) -> Vec<&'static str> {
    BUILTINS
        .iter()
        .filter(|builtin| builtin.kind == kind)
        .map(|builtin| builtin.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_documented_in_the_language_reference() {
        let reference = include_str!("../../../docs/language.md");
        for builtin in BUILTINS {
            let written = match builtin.kind {
                BuiltinKind::Constructor => format!("`{} {{", builtin.name),
                BuiltinKind::Method => format!(".{}(", builtin.name),
                BuiltinKind::Function => format!("`{}(", builtin.name),
            };
            assert!(
                reference.contains(&written),
                "docs/language.md does not show `{}` ({written})",
                builtin.name
            );
        }
    }

    #[test]
    fn names_are_unique_within_a_kind() {
        for (position, builtin) in BUILTINS.iter().enumerate() {
            assert!(
                BUILTINS[..position]
                    .iter()
                    .all(|earlier| earlier.kind != builtin.kind || earlier.name != builtin.name),
                "`{}` is listed twice",
                builtin.name
            );
        }
    }
}
