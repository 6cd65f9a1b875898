//! `on success`: the upstream's WorkflowTemplate ends with a task that
//! submits each follower, a Workflow from the follower's template, once
//! every other task is done and none failed. The submission is an Argo
//! resource template run as a service account that may create Workflows
//! and nothing else (a ServiceAccount, Role and RoleBinding beside the
//! template).
//!
//! The follower gets the upstream run's git parameters and event, and the
//! values of the manual inputs it shares with the upstream. They
//! are spliced into the Workflow's manifest, a text, so each is written
//! as a JSON string by Argo's `toJson`: a branch named `x"` or holding
//! YAML cannot change what the manifest says.

use crate::backend::k8s::conditions;
use crate::backend::k8s::inputs::{argument, named};
use crate::backend::k8s::naming;
use crate::backend::k8s::workflow::labels;
use crate::backend::yaml::{Yaml, render};
use crate::ir::Pipeline;

/// The git parameters a follower is given: what every template declares,
/// and the repository, which an upstream with followers always declares.
pub const PASSED: &[&str] = &[
    "git_repo",
    "git_branch",
    "git_tag",
    "git_sha",
    "git_ref",
    "event",
];

/// The service account the submissions run as.
pub fn starter_account(upstream: &Pipeline) -> String {
    format!("{}-starter", naming::workflow_name(upstream))
}

/// The DAG task that submits `follower`, after every job's task.
pub fn start_task(upstream: &Pipeline, follower: &Pipeline) -> Yaml {
    let name = naming::start_template(follower);
    let mut task = named(&name);
    task.insert("template", Yaml::str(name));
    // A task skipped by its condition, or left out after such a one, is
    // no failure; a failed task makes the whole expression false.
    let depends: Vec<String> = upstream
        .jobs
        .iter()
        .map(|job| {
            let task = naming::job_template(job);
            format!("({task}.Succeeded || {task}.Skipped || {task}.Omitted)")
        })
        .collect();
    if !depends.is_empty() {
        task.insert("depends", Yaml::str(depends.join(" && ")));
    }
    let trigger = follower
        .triggers
        .success
        .as_ref()
        .expect("a follower has `on success`");
    task.insert(
        "when",
        Yaml::str(conditions::pipeline_condition(
            upstream,
            &trigger.condition(),
        )),
    );
    task
}

/// The resource template that creates the follower's Workflow.
pub fn start_template(upstream: &Pipeline, follower: &Pipeline) -> Yaml {
    let mut metadata = Yaml::map();
    metadata.insert(
        "generateName",
        Yaml::str(format!("{}-", naming::workflow_name(follower))),
    );
    metadata.insert("labels", labels(follower));
    let mut template_ref = Yaml::map();
    template_ref.insert("name", Yaml::str(naming::workflow_name(follower)));
    let passed_inputs = crate::ir::passed_inputs(upstream, follower);
    let passed: Vec<&str> = PASSED
        .iter()
        .copied()
        .chain(passed_inputs.iter().map(|(given, _)| given.name.as_str()))
        .collect();
    // Each value is written as a placeholder the writer leaves plain, then
    // replaced by its tag: unquoted, each tag expands to the JSON string
    // `toJson` makes, whatever the value holds.
    let placeholder = |index: usize| format!("PIPEC_PARAMETER_{index}");
    let parameters: Vec<Yaml> = passed
        .iter()
        .enumerate()
        .map(|(index, parameter)| argument(parameter, &placeholder(index)))
        .collect();
    let mut arguments = Yaml::map();
    arguments.insert("parameters", Yaml::Seq(parameters));
    let mut spec = Yaml::map();
    spec.insert("workflowTemplateRef", template_ref);
    spec.insert("arguments", arguments);
    let mut workflow = Yaml::map();
    workflow.insert("apiVersion", Yaml::str("argoproj.io/v1alpha1"));
    workflow.insert("kind", Yaml::str("Workflow"));
    workflow.insert("metadata", metadata);
    workflow.insert("spec", spec);
    let mut manifest = render("", &[workflow]);
    // Backwards, so that `…_1` is not found inside `…_10`.
    for (index, parameter) in passed.iter().enumerate().rev() {
        manifest = manifest.replace(
            &format!("value: {}\n", placeholder(index)),
            &format!(
                "value: {{{{=toJson(workflow.parameters{})}}}}\n",
                conditions::member(parameter)
            ),
        );
    }
    let mut resource = Yaml::map();
    resource.insert("action", Yaml::str("create"));
    resource.insert("manifest", Yaml::str(manifest));
    let mut template = named(&naming::start_template(follower));
    template.insert("serviceAccountName", Yaml::str(starter_account(upstream)));
    template.insert("automountServiceAccountToken", Yaml::Bool(true));
    template.insert("resource", resource);
    template
}

/// The service account of the submissions, allowed to create Workflows
/// in the namespace (and to report its step's result, as every Argo
/// executor must).
pub fn starter_documents(upstream: &Pipeline) -> Vec<Yaml> {
    let account = starter_account(upstream);
    let metadata = |kind: &str| {
        let mut metadata = Yaml::map();
        metadata.insert("name", Yaml::str(account.clone()));
        metadata.insert("labels", labels(upstream));
        let mut document = Yaml::map();
        document.insert(
            "apiVersion",
            Yaml::str(if kind == "ServiceAccount" {
                "v1"
            } else {
                "rbac.authorization.k8s.io/v1"
            }),
        );
        document.insert("kind", Yaml::str(kind.to_owned()));
        document.insert("metadata", metadata);
        document
    };
    let rule = |resource: &str, verbs: &[&str]| {
        let mut rule = Yaml::map();
        rule.insert("apiGroups", Yaml::Seq(vec![Yaml::str("argoproj.io")]));
        rule.insert("resources", Yaml::Seq(vec![Yaml::str(resource.to_owned())]));
        rule.insert(
            "verbs",
            Yaml::Seq(
                verbs
                    .iter()
                    .map(|verb| Yaml::str((*verb).to_owned()))
                    .collect(),
            ),
        );
        rule
    };
    let mut account_document = metadata("ServiceAccount");
    account_document.insert("automountServiceAccountToken", Yaml::Bool(false));
    let mut role = metadata("Role");
    role.insert(
        "rules",
        Yaml::Seq(vec![
            rule("workflows", &["create"]),
            rule("workflowtaskresults", &["create", "patch"]),
        ]),
    );
    let mut binding = metadata("RoleBinding");
    let mut role_ref = Yaml::map();
    role_ref.insert("apiGroup", Yaml::str("rbac.authorization.k8s.io"));
    role_ref.insert("kind", Yaml::str("Role"));
    role_ref.insert("name", Yaml::str(account.clone()));
    binding.insert("roleRef", role_ref);
    let mut subject = Yaml::map();
    subject.insert("kind", Yaml::str("ServiceAccount"));
    subject.insert("name", Yaml::str(account));
    binding.insert("subjects", Yaml::Seq(vec![subject]));
    vec![account_document, role, binding]
}
