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
    /// Print a generated pipeline of N jobs, the benchmarks' workload.
    GenBench {
        /// How many jobs.
        #[arg(long, default_value_t = 500)]
        jobs: usize,
    },
    /// Print the typed IR of the pipelines in the given files, as JSON.
    Ir {
        /// The `.pipe` files or directories.
        paths: Vec<PathBuf>,
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
            Ok(exit_code(&parsed.diagnostics))
        }
        DebugCommand::GenBench { jobs } => {
            print_safely(&pipec::workload::benchmark_pipeline(*jobs));
            Ok(ExitCode::SUCCESS)
        }
        DebugCommand::Ir { paths } => {
            let files = inputs::find_pipe_files(paths)?;
            let mut sources = inputs::load(&files)?;
            let result = pipec::check(&mut sources, &inputs::FileLoader);
            super::check::report(
                &sources,
                &result.diagnostics,
                super::OutputFormat::Human,
                super::ColorChoice::Auto,
            );
            let json = serde_json::to_string_pretty(&result.project)
                .map_err(|error| format!("cannot serialise the IR: {error}"))?;
            print_safely(&json);
            print_safely("\n");
            let failed = result
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

/// 1 when any diagnostic is an error: the dump may be incomplete.
fn exit_code(diagnostics: &[pipec::diagnostic::Diagnostic]) -> ExitCode {
    if diagnostics
        .iter()
        .any(pipec::diagnostic::Diagnostic::is_error)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
