//! Command-line interface: argument parsing (clap derive) and dispatch.
//!
//! Exit codes: 0 success, 1 diagnostics with errors (or warnings under
//! `--deny-warnings`), 2 usage or I/O problems.

mod build;
mod check;
mod debug;
mod diff;
mod explain;
mod fmt;
mod graph;
mod inputs;
mod plan;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Compile typed `.pipe` pipelines to GitHub Actions, GitLab CI and Kubernetes.
#[derive(Debug, Parser)]
#[command(
    name = "pipec",
    version,
    about,
    after_help = "Examples:\n  pipec check                      check every .pipe file under the current directory\n  pipec check ci.pipe --format json\n  pipec explain E0101              explain an error code",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check `.pipe` files and report problems without writing anything.
    #[command(
        after_help = "Examples:\n  pipec check\n  pipec check pipelines/ --deny-warnings\n  pipec check ci.pipe --format github   # annotations in a GitHub Actions job"
    )]
    Check(check::CheckArgs),
    /// Compile `.pipe` files into GitHub Actions, GitLab CI and Kubernetes files.
    #[command(
        after_help = "Examples:\n  pipec build                          write every target under the repository root\n  pipec build ci.pipe --target github\n  pipec build --check                  exit 1 if a generated file is missing or stale"
    )]
    Build(build::BuildArgs),
    /// Rewrite `.pipe` files in the one canonical layout, keeping every comment.
    #[command(
        after_help = "Examples:\n  pipec fmt                 format every .pipe file under the current directory\n  pipec fmt --check         exit 1 if a file is not formatted (pre-commit, CI)\n  pipec fmt --stdin < ci.pipe"
    )]
    Fmt(fmt::FmtArgs),
    /// Draw a pipeline's job graph as a Mermaid or Graphviz diagram.
    #[command(
        after_help = "Examples:\n  pipec graph ci.pipe                    a Mermaid flowchart for a README\n  pipec graph ci.pipe --format dot | dot -Tsvg > ci.svg"
    )]
    Graph(graph::GraphArgs),
    /// Show which jobs run for an event, and why the others do not.
    #[command(
        after_help = "Examples:\n  pipec plan ci.pipe --event push --branch main\n  pipec plan ci.pipe --event pull_request --base main --changed src/app.py\n  pipec plan ci.pipe --event manual --input target=production --format json"
    )]
    Plan(plan::PlanArgs),
    /// Explain an error or warning code, with an example and the fix.
    #[command(after_help = "Examples:\n  pipec explain E0101\n  pipec explain --list")]
    Explain(explain::ExplainArgs),
    /// Inspect the compiler's intermediate results.
    #[command(subcommand)]
    Debug(debug::DebugCommand),
    /// Run the language server on standard input and output (for editors).
    #[command(
        after_help = "Editors start this themselves; see editors/README.md for VS Code, Neovim and Helix."
    )]
    Lsp,
}

/// How diagnostics are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source snippets with labels, for people (on standard error).
    Human,
    /// One JSON document, schema version 1 (on standard output).
    Json,
    /// GitHub Actions `::error` workflow commands (on standard output).
    Github,
    /// SARIF 2.1.0 for code-scanning uploads (on standard output).
    Sarif,
}

/// Whether to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let outcome = match cli.command {
        Command::Check(arguments) => check::run(&arguments),
        Command::Build(arguments) => build::run(&arguments),
        Command::Fmt(arguments) => fmt::run(&arguments),
        Command::Graph(arguments) => graph::run(&arguments),
        Command::Plan(arguments) => plan::run(&arguments),
        Command::Explain(arguments) => explain::run(&arguments),
        Command::Debug(command) => debug::run(&command),
        Command::Lsp => pipec_lsp::run_stdio()
            .map(|()| ExitCode::SUCCESS)
            .map_err(|error| format!("the language server could not start: {error}")),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln_safely(&format!("error: {message}"));
            ExitCode::from(2)
        }
    }
}

/// Writes to standard error, ignoring a closed pipe rather than panicking.
pub fn eprintln_safely(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}

/// Writes to standard output, ignoring a closed pipe rather than panicking.
pub fn print_safely(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
}
