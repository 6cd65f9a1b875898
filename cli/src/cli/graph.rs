//! `pipec graph`: draw a pipeline's job graph.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::{ColorChoice, OutputFormat, eprintln_safely, inputs, print_safely};

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The `.pipe` file.
    file: PathBuf,
    /// The pipeline to draw, when the file has several.
    #[arg(long)]
    pipeline: Option<String>,
    /// The diagram language.
    #[arg(long, value_enum, default_value_t = DiagramFormat::Mermaid)]
    format: DiagramFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiagramFormat {
    /// A Mermaid flowchart (GitHub and GitLab render it in Markdown).
    Mermaid,
    /// A Graphviz digraph.
    Dot,
}

pub fn run(arguments: &GraphArgs) -> Result<ExitCode, String> {
    let mut sources = inputs::load(std::slice::from_ref(&arguments.file))?;
    let result = pipec::check(&mut sources, &inputs::FileLoader);
    if result
        .diagnostics
        .iter()
        .any(pipec::diagnostic::Diagnostic::is_error)
    {
        super::check::report(
            &sources,
            &result.diagnostics,
            OutputFormat::Human,
            ColorChoice::Auto,
        );
        return Ok(ExitCode::from(1));
    }
    let pipelines = &result.project.pipelines;
    let pipeline = match &arguments.pipeline {
        Some(name) => pipelines
            .iter()
            .find(|pipeline| pipeline.name == *name)
            .ok_or_else(|| {
                let names: Vec<&str> = pipelines
                    .iter()
                    .map(|pipeline| pipeline.name.as_str())
                    .collect();
                format!(
                    "no pipeline `{name}` in `{}`; it has {}",
                    arguments.file.display(),
                    names.join(", ")
                )
            })?,
        None => match pipelines.as_slice() {
            [only] => only,
            [] => return Err(format!("`{}` has no pipeline", arguments.file.display())),
            several => {
                let names: Vec<&str> = several
                    .iter()
                    .map(|pipeline| pipeline.name.as_str())
                    .collect();
                eprintln_safely(&format!(
                    "`{}` has several pipelines: {}",
                    arguments.file.display(),
                    names.join(", ")
                ));
                return Err("choose one with `--pipeline NAME`".to_owned());
            }
        },
    };
    print_safely(&match arguments.format {
        DiagramFormat::Mermaid => pipec::diagram::mermaid(pipeline),
        DiagramFormat::Dot => pipec::diagram::dot(pipeline),
    });
    Ok(ExitCode::SUCCESS)
}
