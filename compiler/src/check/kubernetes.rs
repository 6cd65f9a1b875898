//! Phase 3 check on the IR, for builds that include Kubernetes: the names
//! the Argo Workflows output derives from the pipeline are valid and
//! distinct (`backend::k8s::naming`).
//!
//! - no two jobs become one template, and no job takes a name pipec uses
//!   itself (E0407);
//! - no manual input takes the name of a git parameter (E0407);
//! - no two files of the output share a path (E0407);
//! - CronWorkflow names fit Argo's 52 characters, runner labels are
//!   Kubernetes label values (E0406).

use crate::backend::k8s::naming;
use crate::backend::names::manifest_path;
use crate::check::deploys::keyword;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::ir::{Origin, Project};

/// Argo appends a timestamp to a CronWorkflow's name for each run.
const MAX_CRON_NAME: usize = 52;

pub fn check_kubernetes(project: &Project, diagnostics: &mut Vec<Diagnostic>) {
    let mut files: Vec<(String, Origin, String)> = Vec::new();
    for pipeline in &project.pipelines {
        let head = Origin::new(
            pipeline.origin.source,
            keyword(pipeline.origin.span, "pipeline"),
        );
        let mut templates: Vec<(String, Origin, String)> = vec![
            (
                naming::MAIN_TEMPLATE.to_owned(),
                head,
                "pipec's DAG".to_owned(),
            ),
            (
                naming::EXIT_TEMPLATE.to_owned(),
                head,
                "pipec's exit handler".to_owned(),
            ),
        ];
        templates.extend((0..pipeline.notifications.len()).map(|index| {
            (
                naming::notify_template(index),
                head,
                "a notification".to_owned(),
            )
        }));
        let mut positions: foldhash::HashMap<String, usize> = templates
            .iter()
            .enumerate()
            .map(|(position, (name, _, _))| (name.clone(), position))
            .collect();
        for job in &pipeline.jobs {
            for name in naming::job_templates(job) {
                let owner = format!("job `{}`", job.name);
                if let Some((_, origin, other)) =
                    positions.get(&name).map(|&position| &templates[position])
                {
                    // Two jobs of one name are reported as duplicates (E0203).
                    if *other == owner {
                        break;
                    }
                    diagnostics.push(
                        Diagnostic::new(
                            Code::KubernetesNameCollision,
                            format!("{owner} and {other} would both be the Argo template `{name}`"),
                            Label::new(job.origin.source, keyword(job.origin.span, "job"), "this job"),
                        )
                        .with_secondary(Label::new(origin.source, origin.span, format!("{other} is here")))
                        .with_note("Argo names templates and tasks with lower-case letters, digits and `-`")
                        .with_help("rename one of the jobs"),
                    );
                    break;
                }
                let head = Origin::new(job.origin.source, keyword(job.origin.span, "job"));
                positions.insert(name.clone(), templates.len());
                templates.push((name, head, owner));
            }
            let task = naming::job_template(job);
            if task.starts_with(|character: char| character.is_ascii_digit()) {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidKubernetesName,
                        format!("job `{}` would be the Argo task `{task}`, which starts with a digit", job.name),
                        Label::new(job.origin.source, keyword(job.origin.span, "job"), "this job"),
                    )
                    .with_note("Argo refuses task names that start with a digit in a DAG with dependencies")
                    .with_help("start the job's name with a letter"),
                );
            }
            for service in &job.services {
                if !crate::check::deploys::is_dns_label(&service.name) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::InvalidKubernetesName,
                            format!("service `{}` is not a valid Kubernetes name", service.name),
                            Label::new(
                                service.origin.source,
                                keyword(service.origin.span, "service"),
                                "the sidecar and the host name the job reaches it by",
                            ),
                        )
                        .with_help(format!(
                            "use lower-case letters, digits and `-`: `{}`",
                            crate::backend::names::dns_label(&service.name)
                        )),
                    );
                }
            }
            if let Some(runner) = job.runner.as_ref().and_then(|runner| runner.as_str())
                && !is_label_value(runner)
            {
                diagnostics.push(
                    Diagnostic::new(
                        Code::InvalidKubernetesName,
                        format!("runner `{runner}` is not a Kubernetes label value"),
                        Label::new(job.origin.source, keyword(job.origin.span, "job"), "its pods select nodes labelled `pipec.dev/runner` with it"),
                    )
                    .with_help("use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit"),
                );
            }
        }
        for input in pipeline
            .triggers
            .manual
            .iter()
            .flat_map(|manual| &manual.inputs)
        {
            if naming::GIT_PARAMETERS
                .iter()
                .any(|(name, _)| *name == input.name)
            {
                diagnostics.push(
                    Diagnostic::new(
                        Code::KubernetesNameCollision,
                        format!(
                            "input `{}` has the name of a git parameter of the Argo workflow",
                            input.name
                        ),
                        Label::new(
                            input.origin.source,
                            input.origin.span,
                            "a workflow parameter of this name carries the git context",
                        ),
                    )
                    .with_help(format!(
                        "rename the input, for example `{}_input`",
                        input.name
                    )),
                );
            }
        }
        if let Some(longest) = naming::cron_names(pipeline)
            .into_iter()
            .max_by_key(String::len)
            && longest.len() > MAX_CRON_NAME
            && !pipeline.triggers.schedules.is_empty()
        {
            let origin = pipeline.triggers.schedules[0].origin;
            diagnostics.push(
                Diagnostic::new(
                    Code::InvalidKubernetesName,
                    format!("the CronWorkflow `{longest}` has a name longer than {MAX_CRON_NAME} characters"),
                    Label::new(origin.source, origin.span, format!("named after pipeline `{}`", pipeline.name)),
                )
                .with_note("Argo adds a timestamp to the name of each run")
                .with_help("shorten the pipeline's name"),
            );
        }
        let mut own = vec![naming::workflow_file(pipeline)];
        if !pipeline.triggers.schedules.is_empty() {
            own.push(naming::schedules_file(pipeline));
        }
        for path in own {
            let origin = Origin::new(
                pipeline.origin.source,
                keyword(pipeline.origin.span, "pipeline"),
            );
            files.push((
                path,
                origin,
                format!("the workflow of pipeline `{}`", pipeline.name),
            ));
        }
        for job in &pipeline.jobs {
            for deploy in &job.deploys {
                let origin =
                    Origin::new(deploy.origin.source, keyword(deploy.origin.span, "deploy"));
                for variant in deploy.strategy.variants() {
                    files.push((
                        manifest_path(job, deploy, variant.alternative),
                        origin,
                        format!("deploy `{}`", deploy.service),
                    ));
                }
            }
        }
    }
    // For each path, the first file written there and the first that is
    // not a deploy's: deploys sharing a file are judged by `check::deploys`,
    // so a deploy collides only with the first other file of its path.
    let mut first_at: foldhash::HashMap<&str, (usize, Option<usize>)> =
        foldhash::HashMap::default();
    for (index, (path, origin, what)) in files.iter().enumerate() {
        let is_deploy = what.starts_with("deploy");
        let earlier = match first_at.get_mut(path.as_str()) {
            None => {
                first_at.insert(path, (index, (!is_deploy).then_some(index)));
                continue;
            }
            Some((first, first_not_deploy)) => {
                let earlier = if is_deploy {
                    *first_not_deploy
                } else {
                    Some(*first)
                };
                if !is_deploy && first_not_deploy.is_none() {
                    *first_not_deploy = Some(index);
                }
                earlier
            }
        };
        let Some((_, earlier_origin, earlier)) = earlier.map(|earlier| &files[earlier]) else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::KubernetesNameCollision,
                format!("{what} and {earlier} would both be written to `{path}`"),
                Label::new(origin.source, origin.span, "written here"),
            )
            .with_secondary(Label::new(
                earlier_origin.source,
                earlier_origin.span,
                "and here",
            ))
            .with_help("rename the pipeline or the environment"),
        );
    }
}

/// A Kubernetes label value: empty, or at most 63 letters, digits, `-`,
/// `_` and `.` beginning and ending with a letter or digit.
fn is_label_value(text: &str) -> bool {
    text.len() <= 63
        && text.chars().all(|character| {
            character.is_ascii_alphanumeric() || matches!(character, '-' | '_' | '.')
        })
        && text
            .chars()
            .next()
            .is_none_or(|first| first.is_ascii_alphanumeric())
        && text
            .chars()
            .last()
            .is_none_or(|last| last.is_ascii_alphanumeric())
}
