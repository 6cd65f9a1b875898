//! Renderings of [`Diagnostic`](super::Diagnostic)s: human (terminal), JSON
//! (versioned, documented in `docs/cli.md`) and GitHub workflow commands.

mod github;
mod human;
mod json;

pub use github::render_github;
pub use human::{ColorMode, render_human};
pub use json::{JSON_SCHEMA_VERSION, render_json};
