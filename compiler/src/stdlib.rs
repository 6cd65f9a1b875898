//! The standard library, embedded in the binary so that `import "std/…"`
//! works from any directory with no files at run time.
//!
//! Its modules never change while the program runs, so each is parsed and
//! tree-checked once per process and the tree shared by every compilation
//! that imports it: the language server checks a file and its imports at
//! every keystroke, and `std/github` alone is 34 KB.

use std::sync::{Arc, OnceLock};

use crate::span::SourceId;
use crate::syntax::ParsedFile;

/// `(name, source)` of every module, importable as `std/<name>`.
pub const MODULES: &[(&str, &str)] = &[
    ("docker", include_str!("../../stdlib/docker.pipe")),
    ("github", include_str!("../../stdlib/github.pipe")),
    ("node", include_str!("../../stdlib/node.pipe")),
    ("notify", include_str!("../../stdlib/notify.pipe")),
    ("python", include_str!("../../stdlib/python.pipe")),
    ("security", include_str!("../../stdlib/security.pipe")),
];

/// The source of `std/<name>`.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(module_name, _)| *module_name == name)
        .map(|(_, source)| *source)
}

/// A module parsed once: its tree, and whether its tree checks found
/// nothing (then they need not run again).
#[derive(Debug)]
struct Preparsed {
    parsed: Arc<ParsedFile>,
    checks_clean: bool,
}

fn preparsed_modules() -> &'static [Option<Preparsed>] {
    static PREPARSED: OnceLock<Vec<Option<Preparsed>>> = OnceLock::new();
    PREPARSED.get_or_init(|| {
        MODULES
            .iter()
            .map(|(_, text)| {
                // Syntax diagnostics would name the source the tree was
                // parsed as; a module with any is parsed per compilation.
                let parsed = crate::syntax::parse(text, SourceId(0));
                if !parsed.diagnostics.is_empty() {
                    return None;
                }
                let checks_clean =
                    crate::check::check_file(&parsed.file, text, SourceId(0)).is_empty();
                Some(Preparsed {
                    parsed: Arc::new(parsed),
                    checks_clean,
                })
            })
            .collect()
    })
}

/// The shared tree of `std/<name>` when `text` is that module's text.
pub fn preparsed(name: &str, text: &str) -> Option<Arc<ParsedFile>> {
    let position = MODULES
        .iter()
        .position(|(module_name, module_text)| *module_name == name && *module_text == text)?;
    preparsed_modules()
        .get(position)?
        .as_ref()
        .map(|module| Arc::clone(&module.parsed))
}

/// Whether `parsed` is a shared stdlib tree whose tree checks found nothing.
pub fn checks_are_clean(parsed: &Arc<ParsedFile>) -> bool {
    preparsed_modules()
        .iter()
        .flatten()
        .any(|module| module.checks_clean && Arc::ptr_eq(&module.parsed, parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_is_parsed_once_and_shared_between_compilations() {
        for (name, text) in MODULES {
            let first = preparsed(name, text).expect("the standard library parses cleanly");
            let second = preparsed(name, text).expect("again");
            assert!(Arc::ptr_eq(&first, &second), "std/{name} is parsed once");
            assert!(
                checks_are_clean(&first),
                "std/{name} passes its tree checks"
            );
        }
        assert!(preparsed("python", "// another text").is_none());
    }
}
