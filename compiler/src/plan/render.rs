//! Plans for people (a table per pipeline), for programs (JSON with file
//! positions) and for READMEs (a Mermaid graph with skipped jobs greyed).

use std::fmt::Write;

use serde_json::{Value, json};

use crate::ir::{Origin, Project};
use crate::plan::{JobPlan, PipelinePlan, Start, Verdict};
use crate::source::Sources;

fn position(sources: &Sources, origin: Origin) -> String {
    match sources.get(origin.source) {
        Some(file) => {
            let at = file.line_column(origin.span.start);
            format!("{}:{}:{}", file.name, at.line, at.column)
        }
        None => String::new(),
    }
}

pub fn human(sources: &Sources, plans: &[PipelinePlan]) -> String {
    let mut out = String::new();
    for plan in plans {
        match &plan.start {
            Start::NotStarted { reason, origin } => {
                let _ = write!(out, "pipeline {}: not started: {reason}", plan.pipeline);
                if let Some(origin) = origin {
                    let _ = write!(out, " ({})", position(sources, *origin));
                }
                out.push('\n');
            }
            Start::Runs { assumptions } => {
                let _ = writeln!(out, "pipeline {}: starts", plan.pipeline);
                for assumption in assumptions {
                    let _ = writeln!(out, "  note: {assumption}");
                }
                let width = plan
                    .jobs
                    .iter()
                    .map(|job| job.name.len())
                    .max()
                    .unwrap_or(0);
                for job in &plan.jobs {
                    let _ = writeln!(out, "  {:<width$}  {}", job.name, describe(sources, job));
                    for instance in &job.instances {
                        let text: Vec<String> = instance
                            .iter()
                            .map(|(key, value)| format!("{key}={value}"))
                            .collect();
                        let _ = writeln!(out, "  {:<width$}    - {}", "", text.join(", "));
                    }
                }
            }
        }
    }
    out
}

fn describe(sources: &Sources, job: &JobPlan) -> String {
    match &job.verdict {
        Verdict::Runs => "runs".to_owned(),
        Verdict::RunsIf { condition, origin } => {
            format!(
                "runs if `{condition}` holds at run time ({})",
                position(sources, *origin)
            )
        }
        Verdict::RunsOnlyIf { condition, origin } => {
            format!(
                "runs only if `{condition}` ({})",
                position(sources, *origin)
            )
        }
        Verdict::Skipped { condition, origin } => {
            format!(
                "skipped: `{condition}` is false ({})",
                position(sources, *origin)
            )
        }
        Verdict::NeedSkipped { need, origin } => {
            format!(
                "not run: it needs `{need}`, which does not run ({})",
                position(sources, *origin)
            )
        }
    }
}

pub fn json(sources: &Sources, plans: &[PipelinePlan]) -> String {
    let located = |origin: &Origin| {
        let file = sources.get(origin.source);
        let at = file.map(|file| file.line_column(origin.span.start));
        json!({
            "file": file.map_or("", |file| file.name.as_str()),
            "line": at.map_or(0, |at| at.line),
            "column": at.map_or(0, |at| at.column),
        })
    };
    let pipelines: Vec<Value> = plans
        .iter()
        .map(|plan| {
            let start = match &plan.start {
                Start::Runs { assumptions } => {
                    json!({ "starts": true, "assumptions": assumptions })
                }
                Start::NotStarted { reason, origin } => json!({
                    "starts": false,
                    "reason": reason,
                    "location": origin.as_ref().map(located),
                }),
            };
            let jobs: Vec<Value> = plan
                .jobs
                .iter()
                .map(|job| {
                    let (verdict, detail) = match &job.verdict {
                        Verdict::Runs => ("runs", json!({})),
                        Verdict::RunsIf { condition, origin } => (
                            "runs_if",
                            json!({ "condition": condition, "location": located(origin) }),
                        ),
                        Verdict::RunsOnlyIf { condition, origin } => (
                            "runs_only_if",
                            json!({ "condition": condition, "location": located(origin) }),
                        ),
                        Verdict::Skipped { condition, origin } => (
                            "skipped",
                            json!({ "condition": condition, "location": located(origin) }),
                        ),
                        Verdict::NeedSkipped { need, origin } => (
                            "need_skipped",
                            json!({ "need": need, "location": located(origin) }),
                        ),
                    };
                    let mut value = json!({ "name": job.name, "verdict": verdict });
                    if let (Value::Object(target), Value::Object(extra)) = (&mut value, detail) {
                        target.extend(extra);
                    }
                    if !job.instances.is_empty() {
                        value["instances"] = Value::Array(
                            job.instances
                                .iter()
                                .map(|instance| {
                                    Value::Object(
                                        instance
                                            .iter()
                                            .map(|(key, value)| (key.clone(), json!(value)))
                                            .collect(),
                                    )
                                })
                                .collect(),
                        );
                    }
                    value
                })
                .collect();
            json!({ "pipeline": plan.pipeline, "start": start, "jobs": jobs })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({ "version": 1, "pipelines": pipelines }))
        .unwrap_or_default();
    text.push('\n');
    text
}

/// The job graph of each started pipeline, jobs that do not run greyed and
/// dashed, jobs that run only under a condition outlined.
pub fn mermaid(project: &Project, plans: &[PipelinePlan]) -> String {
    let mut out = String::new();
    for plan in plans {
        let Some(pipeline) = project
            .pipelines
            .iter()
            .find(|pipeline| pipeline.name == plan.pipeline)
        else {
            continue;
        };
        if matches!(plan.start, Start::NotStarted { .. }) {
            continue;
        }
        let mut graph = crate::diagram::mermaid(pipeline);
        graph.push_str(
            "  classDef skipped fill:#eee,stroke:#999,stroke-dasharray: 4 3,color:#777\n",
        );
        graph.push_str("  classDef conditional stroke-width:2px,stroke-dasharray: 2 2\n");
        for job in &plan.jobs {
            let class = match job.verdict {
                Verdict::Skipped { .. } | Verdict::NeedSkipped { .. } => "skipped",
                Verdict::RunsIf { .. } | Verdict::RunsOnlyIf { .. } => "conditional",
                Verdict::Runs => continue,
            };
            let _ = writeln!(
                graph,
                "  class {} {class}",
                crate::diagram::node_id(&job.name)
            );
        }
        out.push_str(&graph);
    }
    out
}
