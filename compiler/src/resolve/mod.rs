//! Phase 2, resolve: from the files the user named to the program they
//! make up: every import loaded (the standard library from the binary,
//! relative imports through the caller's [`ModuleLoader`]), cycles and
//! missing modules reported with the import chain, and the references to
//! templates and actions in other modules checked.

mod imports;
mod templates;

pub use imports::{Module, ModuleLoader, NoFiles, Program, default_alias, load_program};
pub use templates::check_template_references;
pub(crate) use templates::template_references;
