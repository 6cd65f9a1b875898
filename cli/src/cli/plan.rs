//! `pipec plan`: which jobs run for an event, and why one does not.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pipec::plan::Event;

use super::{ColorChoice, OutputFormat, inputs, print_safely};

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The `.pipe` file (or directory).
    path: PathBuf,
    /// Only this pipeline.
    #[arg(long)]
    pipeline: Option<String>,
    /// What happened.
    #[arg(long, value_enum)]
    event: EventKind,
    /// The pushed branch (or the branch a schedule or manual run is on); default `main`.
    #[arg(long)]
    branch: Option<String>,
    /// The pushed tag (a push of a tag, not of a branch).
    #[arg(long, conflicts_with = "branch")]
    tag: Option<String>,
    /// The branch a pull request targets; default `main`.
    #[arg(long)]
    base: Option<String>,
    /// Changed files, for path filters (paths, or globs that stand for them).
    #[arg(long, num_args = 1..)]
    changed: Option<Vec<String>>,
    /// A manual input, `name=value`; repeat for several.
    #[arg(long = "input", value_parser = parse_input)]
    inputs: Vec<(String, String)>,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EventKind {
    Push,
    #[value(name = "pull_request")]
    PullRequest,
    Schedule,
    Manual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Human,
    Json,
    Mermaid,
}

fn parse_input(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(name, value)| (name.trim().to_owned(), value.to_owned()))
        .ok_or_else(|| format!("`{text}` is not `name=value`"))
}

pub fn run(arguments: &PlanArgs) -> Result<ExitCode, String> {
    let files = inputs::find_pipe_files(std::slice::from_ref(&arguments.path))?;
    let mut sources = inputs::load(&files)?;
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
    if let Some(name) = &arguments.pipeline
        && !result
            .project
            .pipelines
            .iter()
            .any(|pipeline| pipeline.name == *name)
    {
        return Err(format!(
            "no pipeline `{name}` in `{}`",
            arguments.path.display()
        ));
    }
    let event = Event {
        kind: match arguments.event {
            EventKind::Push => "push",
            EventKind::PullRequest => "pull_request",
            EventKind::Schedule => "schedule",
            EventKind::Manual => "manual",
        }
        .to_owned(),
        branch: arguments.branch.clone(),
        tag: arguments.tag.clone(),
        base: arguments.base.clone(),
        changed: arguments.changed.clone(),
        inputs: arguments.inputs.clone(),
    };
    let plans = pipec::plan::plan(&result.project, arguments.pipeline.as_deref(), &event);
    print_safely(&match arguments.format {
        PlanFormat::Human => pipec::plan::render::human(&sources, &plans),
        PlanFormat::Json => pipec::plan::render::json(&sources, &plans),
        PlanFormat::Mermaid => pipec::plan::render::mermaid(&result.project, &plans),
    });
    Ok(ExitCode::SUCCESS)
}
