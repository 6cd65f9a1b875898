//! Phase 2, resolve/check: the meaning of a parsed file. Each sub-phase
//! takes the syntax tree and adds diagnostics; none stops the others.
//!
//! Today: block schemas (`structure`), the job graph (`graph`) and secret
//! declarations (`secrets`), literal values (`values`). Types and template
//! instantiation arrive next.

mod conditions;
pub mod deploys;
pub mod escapes;
mod graph;
pub mod kubernetes;
mod literal_types;
mod references;
pub mod schema;
mod scripts;
mod secrets;
mod structure;
pub mod suggest;
pub mod targets;
mod values;
pub(crate) mod walk;

use crate::diagnostic::Diagnostic;
use crate::span::SourceId;
use crate::syntax::ast::{File, Item};

/// Checks one parsed file.
pub fn check_file(file: &File, source: SourceId) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    structure::check_structure(file, source, &mut diagnostics);
    values::check_values(&file.items, source, &mut diagnostics);
    scripts::check_scripts(&file.items, source, &mut diagnostics);
    conditions::check_status_predicates(&file.items, source, &mut diagnostics);
    for item in &file.items {
        if let Item::Block(block) = item
            && block.keyword.name == "pipeline"
        {
            graph::check_job_graph(block, source, &mut diagnostics);
            secrets::check_secrets(block, source, &mut diagnostics);
            references::check_references(block, source, &mut diagnostics);
        }
    }
    diagnostics
}
