//! The GitHub Actions backend: one workflow per pipeline, at
//! `.github/workflows/<pipeline>.yml`.
//!
//! Secure by construction: the workflow's token has no permissions
//! (`permissions: {}`) and each job gets what it uses; every action is
//! pinned to a full commit SHA; checkouts do not keep credentials; and no
//! runtime value is spliced into a script: the script reads it from an
//! environment variable the step sets.

pub mod actions;
mod expr;
mod job;
mod permissions;
mod starts;
mod steps;
mod triggers;

pub(crate) use crate::backend::escape::escape_into;
use crate::backend::yaml::{MappingDocument, Yaml};
use crate::backend::{BuildContext, Generated, OutputFile, header};
use crate::ir::{Followers, Job, Pipeline, Project, RawValue};

/// The runner of jobs that do not name one.
pub const DEFAULT_RUNNER: &str = "ubuntu-24.04";

pub fn generate(project: &Project, context: &BuildContext) -> Generated {
    let mut generated = Generated::default();
    let followers = project.followers();
    for pipeline in &project.pipelines {
        let mut document = MappingDocument::new(&header(&pipeline.source_file, context), &["on"]);
        let starts: Vec<(String, Yaml)> = followers
            .of(&pipeline.name)
            .iter()
            .map(|follower| starts::start_job(pipeline, follower, &followers))
            .collect();
        write_workflow(
            pipeline,
            &followers,
            &starts,
            &mut document,
            &mut generated.notes,
        );
        generated.files.push(OutputFile {
            path: format!(".github/workflows/{}.yml", pipeline.name),
            contents: document.finish(),
        });
    }
    generated
}

/// Writes the workflow one job at a time, each straight into the text
/// (`yaml::TextEmitter`), so a workflow of thousands of jobs never exists
/// as a tree.
fn write_workflow(
    pipeline: &Pipeline,
    followers: &Followers<'_>,
    starts: &[(String, Yaml)],
    document: &mut MappingDocument<'_>,
    notes: &mut Vec<String>,
) {
    let inputs = expr::Inputs {
        inputs: pipeline.inputs(),
    };
    let mut workflow = Yaml::map();
    workflow.insert("name", Yaml::str(pipeline.display_name().to_owned()));
    let mut on = triggers::on(&pipeline.triggers);
    if pipeline.triggers.success.is_some() {
        on.insert(
            "workflow_call",
            triggers::workflow_call(pipeline, followers),
        );
    }
    workflow.insert("on", on);
    workflow.insert("permissions", permissions::workflow(pipeline));
    if let Some(concurrency) = &pipeline.concurrency {
        let mut written = job::concurrency(concurrency, &inputs);
        if concurrency.cancel_in_progress
            && let Some(cancel) = starts::cancel_unless_starting(pipeline, followers, &inputs)
            && let Some(slot) = written.get_mut("cancel-in-progress")
        {
            *slot = Yaml::str(cancel);
        }
        workflow.insert("concurrency", written);
    }
    if !pipeline.env.is_empty() {
        workflow.insert("env", steps::env_map(&pipeline.env, &inputs));
    }
    // Where the jobs go; an escape block's other keys are merged around it.
    workflow.insert(JOBS, Yaml::Null);
    let (jobs_escapes, other_escapes): (Vec<_>, Vec<_>) = pipeline
        .escapes
        .github
        .iter()
        .cloned()
        .partition(|(key, _)| key == JOBS);
    escape_into(&mut workflow, &other_escapes);
    let Yaml::Map(entries) = workflow else {
        unreachable!("a workflow is a mapping");
    };
    for (key, value) in &entries {
        if key != JOBS {
            document.entry(0, key, value);
            continue;
        }
        match jobs_written_over(&jobs_escapes) {
            JobsEscape::Replaces(jobs) => {
                write_jobs(pipeline, &inputs, starts, &jobs, document, notes)
            }
            JobsEscape::ReplacesAll(value) => document.entry(0, JOBS, &value),
        }
    }
}

const JOBS: &str = "jobs";

/// What an escape block's `jobs = …` does to the generated jobs.
enum JobsEscape {
    /// Writes these jobs instead of the generated ones of the same name,
    /// and adds the others after them.
    Replaces(Vec<(String, Yaml)>),
    /// A value other than a mapping: it is the whole of `jobs:`.
    ReplacesAll(Yaml),
}

/// The `jobs` escapes merged as `escape_into` merges them into the
/// generated jobs: mappings replace or add jobs by name, and a value that
/// is not a mapping replaces them all (what follows merges into it).
fn jobs_written_over(escapes: &[(String, RawValue)]) -> JobsEscape {
    let mut holder = Yaml::Map(vec![(JOBS.into(), Yaml::map())]);
    escape_into(&mut holder, escapes);
    let merged = holder
        .get_mut(JOBS)
        .map_or(Yaml::Null, |slot| std::mem::replace(slot, Yaml::Null));
    let replaces_all = escapes
        .iter()
        .any(|(_, value)| !matches!(value, RawValue::Map(_)));
    match merged {
        Yaml::Map(jobs) if !replaces_all => JobsEscape::Replaces(
            jobs.into_iter()
                .map(|(name, job)| (name.into_owned(), job))
                .collect(),
        ),
        other => JobsEscape::ReplacesAll(other),
    }
}

/// The `jobs:` mapping, one job at a time; `replaced` are the jobs an
/// escape block writes instead of (or after) the generated ones.
fn write_jobs(
    pipeline: &Pipeline,
    inputs: &expr::Inputs,
    starts: &[(String, Yaml)],
    replaced: &[(String, Yaml)],
    document: &mut MappingDocument<'_>,
    notes: &mut Vec<String>,
) {
    let notifications: Vec<(String, Yaml)> = pipeline
        .notifications
        .iter()
        .map(|notification| job::notification(pipeline, notification))
        .collect();
    let has_entries = !pipeline.jobs.is_empty()
        || !starts.is_empty()
        || !notifications.is_empty()
        || !replaced.is_empty();
    document.open(0, JOBS, has_entries);
    let replacement = |name: &str| {
        replaced
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, job)| job)
    };
    // `jobs_to_come`: how many jobs this text will hold in the end, the
    // ones appended to it after these included.
    let write_some = |fragment: &mut MappingDocument<'_>,
                      jobs: &[Job],
                      jobs_to_come: usize,
                      notes: &mut Vec<String>| {
        for (index, ir_job) in jobs.iter().enumerate() {
            let start = fragment.len();
            match replacement(&ir_job.name) {
                Some(job) => fragment.entry(1, &ir_job.name, job),
                None => job::write_job(fragment, 1, pipeline, ir_job, inputs, notes),
            }
            if index == 0 {
                // Sized by the first job rather than grown by doubling:
                // every doubling copies the text into memory the kernel
                // must clear first. An eighth more for longer names.
                let first_job = fragment.len() - start;
                fragment.reserve((first_job + first_job / 8) * jobs_to_come.saturating_sub(1));
            }
        }
    };
    // Each job is written on its own, so a large workflow's jobs are
    // written in two halves at once: the first into the document on this
    // thread, the second on a helper, appended after it.
    let parallel = pipeline.jobs.len() >= JOBS_WORTH_A_THREAD;
    let (first_half, second_half) = pipeline.jobs.split_at(if parallel {
        pipeline.jobs.len() / 2
    } else {
        pipeline.jobs.len()
    });
    let mut second_fragment = document.fragment();
    let (second_notes, ()) = crate::parallel::both(
        parallel,
        || {
            let mut second_notes = Vec::new();
            write_some(
                &mut second_fragment,
                second_half,
                second_half.len(),
                &mut second_notes,
            );
            second_notes
        },
        || write_some(document, first_half, pipeline.jobs.len(), notes),
    );
    document.append(second_fragment);
    notes.extend(second_notes);
    for (name, start_job) in starts.iter().chain(&notifications) {
        document.entry(1, name, replacement(name).unwrap_or(start_job));
    }
    for (name, job) in replaced {
        let replaces_one = pipeline.job(name).is_some()
            || starts
                .iter()
                .chain(&notifications)
                .any(|(generated_name, _)| generated_name == name);
        if !replaces_one {
            document.entry(1, name, job);
        }
    }
}

/// Fewer jobs than this are written on one thread (at 500 a second
/// thread made the build slower).
const JOBS_WORTH_A_THREAD: usize = 1_000;
