//! Renderings of [`Diagnostic`](super::Diagnostic)s: human (terminal), JSON
//! (versioned, documented in `docs/cli.md`), GitHub workflow commands and
//! SARIF 2.1.0.

mod github;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use human::{ColorMode, render_human};
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use sarif::render_sarif;
