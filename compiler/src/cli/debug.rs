//! `pipec debug …`: dumps of intermediate results, for bug reports and tests.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{inputs, print_safely};

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print the syntax tree of a file, with byte spans.
    Ast {
        /// The `.pipe` file.
        file: PathBuf,
    },
}

pub fn run(command: &DebugCommand) -> Result<ExitCode, String> {
    match command {
        DebugCommand::Ast { file } => {
            let sources = inputs::load(std::slice::from_ref(file))?;
            let Some(source) = sources.iter().next() else {
                return Ok(ExitCode::SUCCESS);
            };
            let parsed = pipec::syntax::parse(&source.text, source.id);
            print_safely(&pipec::syntax::dump::dump(&parsed.file));
            let failed = parsed
                .diagnostics
                .iter()
                .any(|diagnostic| diagnostic.is_error());
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
