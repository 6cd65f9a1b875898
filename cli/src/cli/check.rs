//! `pipec check`: report problems in `.pipe` files.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use pipec::diagnostic::render::{
    ColorMode, render_github, render_human, render_json, render_sarif,
};
use pipec::diagnostic::{Diagnostic, Summary};
use pipec::source::Sources;

use super::{ColorChoice, OutputFormat, eprintln_safely, inputs, print_safely};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories (searched recursively for `*.pipe`); default `.`.
    paths: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Treat warnings as errors for the exit code.
    #[arg(long)]
    deny_warnings: bool,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The targets whose limits are checked, comma-separated; default all.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [TargetName::Github, TargetName::Gitlab, TargetName::K8s])]
    target: Vec<TargetName>,
}

/// A target named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetName {
    Github,
    Gitlab,
    K8s,
}

impl TargetName {
    pub fn target(self) -> pipec::backend::Target {
        match self {
            TargetName::Github => pipec::backend::Target::Github,
            TargetName::Gitlab => pipec::backend::Target::Gitlab,
            TargetName::K8s => pipec::backend::Target::K8s,
        }
    }
}

pub fn run(arguments: &CheckArgs) -> Result<ExitCode, String> {
    let files = inputs::find_pipe_files(&arguments.paths)?;
    let mut sources = inputs::load(&files)?;
    let targets: Vec<pipec::backend::Target> =
        arguments.target.iter().map(|name| name.target()).collect();
    let result = pipec::check_releasing(
        &mut sources,
        &inputs::FileLoader,
        &targets,
        pipec::Release::AtExit,
    );
    report(
        &sources,
        &result.diagnostics,
        arguments.format,
        arguments.color,
    );
    let summary = Summary::of(&result.diagnostics);
    if arguments.format == OutputFormat::Human {
        eprintln_safely(&summary_line(files.len(), summary));
    }
    let failed = summary.errors > 0 || (arguments.deny_warnings && summary.warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints diagnostics in the chosen format.
pub fn report(
    sources: &Sources,
    diagnostics: &[Diagnostic],
    format: OutputFormat,
    color: ColorChoice,
) {
    match format {
        OutputFormat::Human => {
            let text = render_human(sources, diagnostics, color_mode(color));
            if !text.is_empty() {
                let mut stderr = std::io::stderr().lock();
                let _ = std::io::Write::write_all(&mut stderr, text.as_bytes());
            }
        }
        OutputFormat::Json => print_safely(&render_json(sources, diagnostics)),
        OutputFormat::Github => print_safely(&render_github(sources, diagnostics)),
        OutputFormat::Sarif => print_safely(&render_sarif(sources, diagnostics)),
    }
}

fn color_mode(choice: ColorChoice) -> ColorMode {
    let enabled = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        }
    };
    if enabled {
        ColorMode::Always
    } else {
        ColorMode::Never
    }
}

fn summary_line(file_count: usize, summary: Summary) -> String {
    let files = plural(file_count, "file");
    match (summary.errors, summary.warnings) {
        (0, 0) => format!("checked {files}: no problems"),
        (errors, warnings) => format!(
            "checked {files}: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        ),
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
