//! `pipec graph`: a pipeline's job graph as a Mermaid flowchart or a
//! Graphviz digraph, for READMEs and reviews. Jobs are grouped in stages
//! (their depth in the `needs` graph), edges carry the condition of the job
//! they lead to, and deploy jobs show their environment and approval.

use std::fmt::Write;

use crate::ir::{Job, Pipeline};

/// The stage of each job: 0 for jobs that need nothing, else one more
/// than the deepest job it needs. Cycles (reported by the checker) count
/// as depth 0 where they close.
pub fn stages(pipeline: &Pipeline) -> Vec<usize> {
    let index: foldhash::HashMap<&str, usize> = pipeline
        .jobs
        .iter()
        .enumerate()
        .map(|(position, job)| (job.name.as_str(), position))
        .collect();
    let mut depth: Vec<Option<usize>> = vec![None; pipeline.jobs.len()];
    let mut visiting = vec![false; pipeline.jobs.len()];
    for start in 0..pipeline.jobs.len() {
        let mut stack = vec![(start, false)];
        while let Some((position, expanded)) = stack.pop() {
            if depth[position].is_some() {
                continue;
            }
            let needs: Vec<usize> = pipeline.jobs[position]
                .needs
                .iter()
                .filter_map(|need| index.get(need.job.as_str()).copied())
                .collect();
            if expanded {
                let deepest = needs.iter().filter_map(|&needed| depth[needed]).max();
                depth[position] = Some(deepest.map_or(0, |deepest| deepest + 1));
                visiting[position] = false;
            } else if !visiting[position] {
                visiting[position] = true;
                stack.push((position, true));
                stack.extend(
                    needs
                        .into_iter()
                        .filter(|&needed| depth[needed].is_none() && !visiting[needed])
                        .map(|needed| (needed, false)),
                );
            }
        }
    }
    depth.into_iter().map(|depth| depth.unwrap_or(0)).collect()
}

/// What a node says about its job, one line each.
fn job_lines(job: &Job) -> Vec<String> {
    let mut lines = vec![job.name.clone()];
    if let Some(instance) = &job.instance_of {
        lines.push(instance.template.clone());
    }
    if let Some(matrix) = &job.matrix {
        let combinations = matrix.combinations().len();
        lines.push(format!("matrix: {combinations} runs"));
    }
    if let Some(environment) = &job.environment {
        let mut line = format!("environment: {}", environment.name);
        if let Some(approval) = &environment.approval {
            line.push_str(&format!(", approval by {}", approval.reviewers));
        }
        lines.push(line);
    }
    for deploy in &job.deploys {
        let strategies: Vec<&str> = deploy
            .strategy
            .variants()
            .iter()
            .map(|variant| match variant.strategy {
                crate::ir::Strategy::Rolling { .. } => "rolling",
                crate::ir::Strategy::BlueGreen { .. } => "blue-green",
                crate::ir::Strategy::Canary { .. } => "canary",
            })
            .collect();
        let strategy = match deploy.strategy.choice() {
            None => strategies.join(""),
            Some(choice) => format!("{} by inputs.{}", strategies.join(" or "), choice.input),
        };
        lines.push(format!("deploy {} ({strategy})", deploy.service));
    }
    lines
}

fn condition_label(job: &Job) -> Option<String> {
    job.condition.as_ref().map(ToString::to_string)
}

/// A Mermaid flowchart, left to right, one subgraph per stage.
pub fn mermaid(pipeline: &Pipeline) -> String {
    let stages = stages(pipeline);
    let mut out = String::from("flowchart LR\n");
    let deepest = stages.iter().copied().max().unwrap_or(0);
    for stage in 0..=deepest {
        let members: Vec<&Job> = pipeline
            .jobs
            .iter()
            .zip(&stages)
            .filter(|(_, depth)| **depth == stage)
            .map(|(job, _)| job)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  subgraph stage_{stage}[\"stage {}\"]", stage + 1);
        for job in members {
            let label = job_lines(job)
                .iter()
                .map(|line| mermaid_text(line))
                .collect::<Vec<_>>()
                .join("<br/>");
            let _ = writeln!(out, "    {}[\"{label}\"]", node_id(&job.name));
        }
        out.push_str("  end\n");
    }
    for job in &pipeline.jobs {
        let label = condition_label(job);
        for need in &job.needs {
            match &label {
                Some(label) => {
                    let _ = writeln!(
                        out,
                        "  {} -->|\"{}\"| {}",
                        node_id(&need.job),
                        mermaid_text(label),
                        node_id(&job.name)
                    );
                }
                None => {
                    let _ = writeln!(out, "  {} --> {}", node_id(&need.job), node_id(&job.name));
                }
            }
        }
    }
    out
}

/// A Graphviz digraph, left to right, one cluster per stage.
pub fn dot(pipeline: &Pipeline) -> String {
    let stages = stages(pipeline);
    let mut out = format!(
        "digraph {} {{\n  rankdir=LR;\n  node [shape=box];\n",
        dot_id(&pipeline.name)
    );
    let deepest = stages.iter().copied().max().unwrap_or(0);
    for stage in 0..=deepest {
        let members: Vec<&Job> = pipeline
            .jobs
            .iter()
            .zip(&stages)
            .filter(|(_, depth)| **depth == stage)
            .map(|(job, _)| job)
            .collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  subgraph cluster_stage_{stage} {{\n    label={};",
            dot_id(&format!("stage {}", stage + 1))
        );
        for job in members {
            let label = job_lines(job)
                .iter()
                .map(|line| line.replace('\\', "\\\\"))
                .collect::<Vec<_>>()
                .join("\\n");
            let _ = writeln!(
                out,
                "    {} [label={}];",
                dot_id(&job.name),
                dot_quoted(&label)
            );
        }
        out.push_str("  }\n");
    }
    for job in &pipeline.jobs {
        let label = condition_label(job);
        for need in &job.needs {
            match &label {
                Some(label) => {
                    let escaped = label.replace('\\', "\\\\");
                    let _ = writeln!(
                        out,
                        "  {} -> {} [label={}];",
                        dot_id(&need.job),
                        dot_id(&job.name),
                        dot_quoted(&escaped)
                    );
                }
                None => {
                    let _ = writeln!(out, "  {} -> {};", dot_id(&need.job), dot_id(&job.name));
                }
            }
        }
    }
    out.push_str("}\n");
    out
}

/// Mermaid node ids take letters, digits and `_`.
pub(crate) fn node_id(name: &str) -> String {
    name.chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character
            } else {
                '_'
            }
        })
        .collect()
}

/// Text inside a quoted Mermaid label, with the characters Mermaid would
/// read as markup written as numeric entity codes (`#34;` is `"`).
fn mermaid_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '"' | '&' | '<' | '>' | '#' | '|' => {
                escaped.push_str(&format!("#{};", character as u32))
            }
            other => escaped.push(other),
        }
    }
    escaped
}

fn dot_id(name: &str) -> String {
    dot_quoted(name)
}

fn dot_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            // `\n` in labels is Graphviz's line break and is kept.
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}
