//! Phase 2, resolve/check: the meaning of a parsed file. Each sub-phase
//! takes the syntax tree and adds diagnostics; none stops the others.
//!
//! Today: block schemas (`structure`), the job graph (`graph`) and secret
//! declarations (`secrets`), literal values (`values`, `globs`, `images`,
//! `environments`, `urls`, `limits`), references (`references`,
//! `env_references`), scripts and conditions, and unused declarations
//! (`unused`). Types and template instantiation arrive next.

mod conditions;
mod constructs;
pub mod deploys;
mod env_references;
mod environments;
pub mod escapes;
mod globs;
mod graph;
mod images;
pub mod kubernetes;
mod limits;
mod literal_text;
mod literal_types;
pub mod reachability;
mod references;
pub mod schema;
mod scripts;
mod secrets;
mod strategy_choice;
mod structure;
pub mod success_triggers;
pub mod suggest;
pub mod targets;
mod unused;
mod urls;
mod values;
pub(crate) mod walk;

use crate::diagnostic::Diagnostic;
use crate::span::SourceId;
use crate::syntax::ast::{File, Item};

/// Checks one parsed file; `text` is the source it was parsed from, for the
/// checks that look at how a value is written (a `0` written as such, not a
/// malformed literal the lexer recovered as `0`) and fixes that remove lines.
pub fn check_file(file: &File, text: &str, source: SourceId) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    structure::check_structure(file, source, &mut diagnostics);
    values::check_values(&file.items, source, &mut diagnostics);
    globs::check_globs(&file.items, source, &mut diagnostics);
    images::check_images(&file.items, source, &mut diagnostics);
    environments::check_environment_names(&file.items, source, &mut diagnostics);
    urls::check_urls(&file.items, source, &mut diagnostics);
    limits::check_limits(&file.items, text, source, &mut diagnostics);
    unused::check_unused_templates(&file.items, source, &mut diagnostics);
    scripts::check_scripts(&file.items, source, &mut diagnostics);
    conditions::check_status_predicates(&file.items, source, &mut diagnostics);
    for item in &file.items {
        if let Item::Block(block) = item
            && block.keyword.name == "pipeline"
        {
            graph::check_job_graph(block, source, &mut diagnostics);
            secrets::check_secrets(block, source, &mut diagnostics);
            references::check_references(block, source, &mut diagnostics);
            unused::check_unused_inputs(block, text, source, &mut diagnostics);
            env_references::check_env_references(block, source, &mut diagnostics);
        }
    }
    diagnostics
}
