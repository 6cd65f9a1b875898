//! What a job's templates take from the DAG: matrix values, other jobs'
//! outputs and artifacts, and the small pieces of Argo syntax that carry
//! them (parameters, arguments).

use crate::backend::k8s::env::{contexts_of, embedded_references};
use crate::backend::k8s::naming;
use crate::backend::k8s::pod;
use crate::backend::k8s::script;
use crate::backend::yaml::Yaml;
use crate::ir::{Context, Expr, Job, Pipeline, StepAction};

/// What a job's templates take from the DAG: matrix values, other jobs'
/// outputs and artifacts.
#[derive(Debug)]
pub struct JobInputs {
    pub matrix_keys: Vec<String>,
    /// `(parameter, job, output)` for each `jobs.X.outputs.Y` read.
    pub outputs: Vec<(String, String, String)>,
    /// `(input name, path in the container, producer task, producer artifact)`.
    pub artifacts: Vec<(String, String, String, String)>,
}

impl JobInputs {
    pub fn of(pipeline: &Pipeline, job: &Job) -> JobInputs {
        let matrix_keys = job.matrix.as_ref().map_or_else(Vec::new, |matrix| {
            matrix.keys().into_iter().map(str::to_owned).collect()
        });
        let mut outputs = Vec::new();
        let expressions = expressions_in_pods(job);
        for context in contexts_of(expressions) {
            if let Context::JobOutput {
                job: producer,
                output,
            } = context
            {
                outputs.push((
                    naming::output_parameter(&producer, &output),
                    producer,
                    output,
                ));
            }
        }
        let mut artifacts = Vec::new();
        for need in &job.artifacts_from {
            let Some(producer) = pipeline.job(&need.job) else {
                continue;
            };
            for artifact in &producer.artifacts {
                for (index, path) in artifact.paths.iter().enumerate() {
                    let name = artifact_name(&artifact.name, index);
                    artifacts.push((
                        format!("{}-{name}", naming::job_template(producer)),
                        pod::workspace_path(path),
                        naming::job_template(producer),
                        name,
                    ));
                }
            }
        }
        JobInputs {
            matrix_keys,
            outputs,
            artifacts,
        }
    }

    /// The `inputs` of a template taking these values; `paths` gives input
    /// artifacts the path a pod loads them to.
    pub fn inputs(&self, checkout: Option<Yaml>, paths: bool) -> Option<Yaml> {
        let mut parameters: Vec<Yaml> = self.matrix_keys.iter().map(|key| named(key)).collect();
        parameters.extend(
            self.outputs
                .iter()
                .map(|(parameter, _, _)| named(parameter)),
        );
        let mut artifacts: Vec<Yaml> = checkout.into_iter().collect();
        for (name, path, _, _) in &self.artifacts {
            let mut artifact = named(name);
            if paths {
                artifact.insert("path", Yaml::str(path.clone()));
            }
            artifacts.push(artifact);
        }
        arguments(parameters, artifacts)
    }

    /// Arguments that hand a template's own inputs on to another; with
    /// `from_items`, the matrix values come from the loop's item instead.
    pub fn forward(&self, from_items: bool) -> Option<Yaml> {
        let mut parameters: Vec<Yaml> = self
            .matrix_keys
            .iter()
            .map(|key| {
                let source = if from_items {
                    "item"
                } else {
                    "inputs.parameters"
                };
                argument(key, &format!("{{{{{source}.{key}}}}}"))
            })
            .collect();
        parameters.extend(self.outputs.iter().map(|(parameter, _, _)| {
            argument(parameter, &format!("{{{{inputs.parameters.{parameter}}}}}"))
        }));
        let artifacts: Vec<Yaml> = self
            .artifacts
            .iter()
            .map(|(name, _, _, _)| artifact_from(name, &format!("{{{{inputs.artifacts.{name}}}}}")))
            .collect();
        arguments(parameters, artifacts)
    }
}

/// The runtime values the job's script reads from its container's
/// variables: those of its steps and outputs, and the secrets and `vars`
/// the pipeline's and job's variables embed.
pub fn script_contexts(pipeline: &Pipeline, job: &Job) -> Vec<Context> {
    let mut expressions: Vec<&Expr> = Vec::new();
    for step in script::script_steps(job) {
        expressions.extend(step.condition.as_deref());
        expressions.extend(step.env.iter().map(|var| &var.value));
        if let StepAction::Run { script, .. } = &step.action {
            expressions.push(script);
        }
    }
    expressions.extend(job.outputs.iter().map(|output| &output.value));
    let mut contexts = contexts_of(expressions);
    for context in embedded_references([pipeline.env.as_slice(), job.env.as_slice()]) {
        if !contexts.contains(&context) {
            contexts.push(context);
        }
    }
    contexts
}

/// The job's expressions that its pods read: all but its condition, which
/// the DAG decides.
fn expressions_in_pods(job: &Job) -> Vec<&Expr> {
    job.expressions()
        .into_iter()
        .filter(|expr| {
            !job.condition
                .as_ref()
                .is_some_and(|condition| std::ptr::eq(condition, *expr))
        })
        .collect()
}

/// The Argo artifact of path `index` of an artifact with several paths.
pub fn artifact_name(name: &str, index: usize) -> String {
    if index == 0 {
        name.to_owned()
    } else {
        format!("{name}-{}", index + 1)
    }
}

pub fn named(name: &str) -> Yaml {
    let mut entry = Yaml::map();
    entry.insert("name", Yaml::str(name.to_owned()));
    entry
}

pub fn argument(name: &str, value: &str) -> Yaml {
    let mut entry = named(name);
    entry.insert("value", Yaml::str(value.to_owned()));
    entry
}

/// An artifact argument taken from another node's artifact.
pub fn artifact_from(name: &str, from: &str) -> Yaml {
    let mut entry = named(name);
    entry.insert("from", Yaml::str(from.to_owned()));
    entry
}

/// `parameters` and `artifacts` under one mapping, or nothing when both
/// are empty (template `inputs`, `outputs` and step `arguments` alike).
pub fn arguments(parameters: Vec<Yaml>, artifacts: Vec<Yaml>) -> Option<Yaml> {
    let mut out = Yaml::map();
    if !parameters.is_empty() {
        out.insert("parameters", Yaml::Seq(parameters));
    }
    if !artifacts.is_empty() {
        out.insert("artifacts", Yaml::Seq(artifacts));
    }
    (!out.is_empty_collection()).then_some(out)
}
