//! `pipec plan` agrees with what the backends write. For GitHub: for a table of
//! events, over the corpus and the examples, a pipeline starts on GitHub
//! exactly when the plan says it does, and every job whose fate the plan
//! decides runs on GitHub exactly when the plan says so. The GitHub side is
//! judged from the generated YAML alone: its `on:` filters and each job's
//! `needs` and `if:`, evaluated by `github_expressions`. For GitLab, by
//! gitlab-ci-local's own evaluation of the jobs' `rules:` (when
//! `PIPEC_GITLAB_CI_LOCAL` names it).

mod github_expressions;

use std::collections::HashMap;

use github_expressions::{Environment, Value, evaluate, mentions_status};
use pipec::backend::Target;
use pipec::plan::{Event, Start, Verdict};
use yaml_rust2::{Yaml, YamlLoader};

/// One event, as `pipec plan` takes it and as GitHub's contexts show it.
struct Case {
    name: &'static str,
    event: Event,
    github: Vec<(&'static str, &'static str)>,
}

fn event(kind: &str, branch: Option<&str>, tag: Option<&str>, base: Option<&str>) -> Event {
    Event {
        kind: kind.to_owned(),
        branch: branch.map(str::to_owned),
        tag: tag.map(str::to_owned),
        base: base.map(str::to_owned),
        changed: None,
        inputs: Vec::new(),
    }
}

fn cases() -> Vec<Case> {
    let push = |name, branch: &'static str| Case {
        name,
        event: event("push", Some(branch), None, None),
        github: vec![
            ("github.event_name", "push"),
            ("github.ref_type", "branch"),
            ("github.ref_name", branch),
            ("github.ref", leak(format!("refs/heads/{branch}"))),
        ],
    };
    let pull_request = |name, base: &'static str| Case {
        name,
        event: event("pull_request", None, None, Some(base)),
        github: vec![
            ("github.event_name", "pull_request"),
            ("github.ref_type", "branch"),
            ("github.ref_name", "7/merge"),
            ("github.ref", "refs/pull/7/merge"),
            ("github.head_ref", "feature/change"),
            ("github.base_ref", base),
        ],
    };
    vec![
        push("push to main", "main"),
        push("push to develop", "develop"),
        push("push to a feature branch", "feature/login"),
        push("push to a hotfix branch", "hotfix/urgent"),
        Case {
            name: "push of a tag",
            event: event("push", None, Some("v1.2.0"), None),
            github: vec![
                ("github.event_name", "push"),
                ("github.ref_type", "tag"),
                ("github.ref_name", "v1.2.0"),
                ("github.ref", "refs/tags/v1.2.0"),
            ],
        },
        pull_request("pull request to main", "main"),
        pull_request("pull request to develop", "develop"),
        Case {
            name: "schedule",
            event: event("schedule", Some("main"), None, None),
            github: vec![
                ("github.event_name", "schedule"),
                ("github.ref_type", "branch"),
                ("github.ref_name", "main"),
                ("github.ref", "refs/heads/main"),
            ],
        },
        Case {
            name: "manual run",
            event: event("manual", Some("main"), None, None),
            github: vec![
                ("github.event_name", "workflow_dispatch"),
                ("github.ref_type", "branch"),
                ("github.ref_name", "main"),
                ("github.ref", "refs/heads/main"),
            ],
        },
    ]
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Whether the workflow's `on:` starts a run for the case.
fn github_starts(workflow: &Yaml, case: &Case) -> bool {
    let on = &workflow["on"];
    let get = |name: &str| {
        case.github
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| *value)
    };
    let patterns = |value: &Yaml| -> Vec<String> {
        value
            .as_vec()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let filtered = |event: &Yaml, key: &str, value: &str| -> bool {
        let included = patterns(&event[key]);
        let ignored = patterns(&event[format!("{key}-ignore").as_str()]);
        let mut passes = included.is_empty()
            || included
                .iter()
                .any(|pattern| !pattern.starts_with('!') && pipec::glob::matches(pattern, value));
        for pattern in included
            .iter()
            .filter_map(|pattern| pattern.strip_prefix('!'))
        {
            if pipec::glob::matches(pattern, value) {
                passes = false;
            }
        }
        passes
            && !ignored
                .iter()
                .any(|pattern| pipec::glob::matches(pattern, value))
    };
    match case.event.kind.as_str() {
        "push" => {
            let push = &on["push"];
            if push.is_badvalue() {
                return false;
            }
            let has_branches =
                !push["branches"].is_badvalue() || !push["branches-ignore"].is_badvalue();
            let has_tags = !push["tags"].is_badvalue();
            if get("github.ref_type") == "tag" {
                (has_tags && filtered(push, "tags", get("github.ref_name")))
                    || (!has_tags && !has_branches)
            } else {
                (has_branches && filtered(push, "branches", get("github.ref_name")))
                    || (!has_tags && !has_branches)
            }
        }
        "pull_request" => {
            let event = &on["pull_request"];
            !event.is_badvalue() && filtered(event, "branches", get("github.base_ref"))
        }
        "schedule" => !on["schedule"].is_badvalue(),
        _ => !on["workflow_dispatch"].is_badvalue(),
    }
}

/// Whether each job runs on GitHub (`None` where it depends on what the
/// evaluation cannot know), in the workflow's order.
fn github_jobs(workflow: &Yaml, case: &Case) -> HashMap<String, Option<bool>> {
    let inputs = &workflow["on"]["workflow_dispatch"]["inputs"];
    let manual = case.event.kind == "manual";
    let lookup = |name: &str| -> Value {
        if let Some((_, value)) = case.github.iter().find(|(key, _)| *key == name) {
            return Value::String((*value).to_owned());
        }
        match name.split_once('.') {
            Some(("github", "head_ref" | "base_ref")) => Value::String(String::new()),
            Some(("inputs", input)) if !manual => {
                let _ = input;
                Value::Null
            }
            Some(("inputs", input)) => match &inputs[input]["default"] {
                Yaml::String(text) => Value::String(text.clone()),
                Yaml::Boolean(flag) => Value::Bool(*flag),
                Yaml::Integer(number) => Value::Number(*number as f64),
                _ => Value::Null,
            },
            _ => Value::Unknown,
        }
    };
    let Some(jobs) = workflow["jobs"].as_hash() else {
        return HashMap::new();
    };
    let mut fate: HashMap<String, Option<bool>> = HashMap::new();
    // Jobs come after the jobs they need in pipec's output order, except
    // notification jobs, which need all and come last.
    for (name, job) in jobs {
        let name = name.as_str().unwrap_or_default().to_owned();
        let needs: Vec<String> = job["needs"]
            .as_vec()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|item| item.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let needed: Vec<Option<bool>> = needs
            .iter()
            .map(|need| fate.get(need).copied().flatten())
            .collect();
        let all_ran = if needed.contains(&Some(false)) {
            Some(false)
        } else if needed.iter().all(|ran| *ran == Some(true)) {
            Some(true)
        } else {
            None
        };
        let condition = match &job["if"] {
            Yaml::String(text) => text.clone(),
            Yaml::Boolean(flag) => flag.to_string(),
            _ => String::new(),
        };
        let runs = if condition.is_empty() {
            all_ran
        } else if mentions_status(&condition) {
            match all_ran {
                None => None,
                Some(success) => evaluate(
                    &condition,
                    &Environment {
                        lookup: &lookup,
                        success,
                    },
                )
                .truthy(),
            }
        } else {
            match all_ran {
                Some(false) => Some(false),
                _ => {
                    let own = evaluate(
                        &condition,
                        &Environment {
                            lookup: &lookup,
                            success: true,
                        },
                    )
                    .truthy();
                    match (own, all_ran) {
                        (Some(false), _) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    }
                }
            }
        };
        fate.insert(name, runs);
    }
    fate
}

/// Compares every case; returns how many job fates both sides decided.
fn compare(name: &str, sources: Vec<(String, String)>) -> usize {
    let mut decided = 0;
    let mut sources_set = pipec::source::Sources::new();
    for (file, text) in &sources {
        sources_set.add(file.clone(), text.clone());
    }
    let loader = pipec_tests::DirectoryLoader(pipec_tests::repository_root());
    let result = pipec::build(&mut sources_set, &loader, &[Target::Github]);
    assert!(
        !result
            .diagnostics
            .iter()
            .any(pipec::diagnostic::Diagnostic::is_error),
        "{name} does not build"
    );
    let checked = pipec::check(&mut sources_set, &loader);
    let workflows: HashMap<String, Yaml> = result
        .generated
        .iter()
        .flat_map(|(_, generated)| &generated.files)
        .filter_map(|file| {
            let pipeline = file
                .path
                .strip_prefix(".github/workflows/")?
                .strip_suffix(".yml")?;
            let document = YamlLoader::load_from_str(&file.contents)
                .ok()?
                .into_iter()
                .next()?;
            Some((pipeline.to_owned(), document))
        })
        .collect();
    for case in cases() {
        for plan in pipec::plan::plan(&checked.project, None, &case.event) {
            let Some(workflow) = workflows.get(&plan.pipeline) else {
                continue;
            };
            let planned = matches!(plan.start, Start::Runs { .. });
            // A pipeline started by another's success is called by that
            // one's workflow, whose start is compared on its own; its jobs
            // see the caller's event and ref, as simulated here.
            let called = matches!(&plan.start, Start::Runs { assumptions }
                if assumptions.iter().any(|assumption| assumption.starts_with("the run of `")));
            if !called {
                assert_eq!(
                    github_starts(workflow, &case),
                    planned,
                    "{name}, pipeline `{}`, {}: GitHub and the plan disagree on whether it starts",
                    plan.pipeline,
                    case.name
                );
            }
            if !planned {
                continue;
            }
            let fate = github_jobs(workflow, &case);
            for job in &plan.jobs {
                let planned_run = match job.verdict {
                    Verdict::Runs => true,
                    Verdict::Skipped { .. } | Verdict::NeedSkipped { .. } => false,
                    Verdict::RunsIf { .. } | Verdict::RunsOnlyIf { .. } => continue,
                };
                if let Some(Some(runs)) = fate.get(&job.name) {
                    decided += 1;
                    assert_eq!(
                        *runs, planned_run,
                        "{name}, pipeline `{}`, job `{}`, {}: GitHub and the plan disagree",
                        plan.pipeline, job.name, case.name
                    );
                }
            }
        }
    }
    decided
}

#[test]
fn the_plan_agrees_with_the_github_workflows() {
    let root = pipec_tests::repository_root();
    let mut decided = 0;
    for path in pipec_tests::pipe_files(&pipec_tests::tests_dir().join("corpus")) {
        let name = path.strip_prefix(&root).map_or_else(
            |_| path.display().to_string(),
            |relative| relative.display().to_string(),
        );
        decided += compare(&name, vec![(name.clone(), pipec_tests::read(&path))]);
    }
    for directory in pipec_tests::example_directories() {
        let sources = pipec_tests::pipe_files(&directory)
            .iter()
            .map(|path| {
                let name = path.strip_prefix(&root).map_or_else(
                    |_| path.display().to_string(),
                    |relative| relative.display().to_string(),
                );
                (name, pipec_tests::read(path))
            })
            .collect();
        decided += compare(&directory.display().to_string(), sources);
    }
    // Most jobs' fates are decided on both sides; the test is not vacuous.
    assert!(decided > 150, "only {decided} job fates were compared");
}

#[test]
fn the_evaluator_reads_github_semantics() {
    let lookup = |name: &str| match name {
        "github.ref" => Value::String("refs/heads/main".to_owned()),
        "inputs.target" => Value::Null,
        _ => Value::Unknown,
    };
    let environment = Environment {
        lookup: &lookup,
        success: true,
    };
    assert_eq!(
        evaluate("github.ref == 'REFS/heads/main'", &environment),
        Value::Bool(true)
    );
    assert_eq!(
        evaluate("(inputs.target || 'staging') == 'staging'", &environment),
        Value::Bool(true)
    );
    assert_eq!(
        evaluate("startsWith(github.ref, 'refs/heads/')", &environment),
        Value::Bool(true)
    );
    assert_eq!(
        evaluate("!success() || always()", &environment),
        Value::Bool(true)
    );
    assert_eq!(
        evaluate("needs.build.outputs.tag == 'x'", &environment),
        Value::Unknown
    );
}

/// What `gitlab-ci-local --list` shows for an event: GitLab's own reading
/// of the rules the backend wrote, with the event's predefined variables.
fn gitlab_variables(case: &Case) -> Option<Vec<(&'static str, String)>> {
    let event = &case.event;
    let branch = event.branch.clone().unwrap_or_default();
    let variables = match event.kind.as_str() {
        "push" => match &event.tag {
            Some(tag) => vec![
                ("CI_PIPELINE_SOURCE", "push".to_owned()),
                ("CI_COMMIT_TAG", tag.clone()),
                ("CI_COMMIT_REF_NAME", tag.clone()),
                ("CI_COMMIT_BRANCH", String::new()),
            ],
            None => vec![
                ("CI_PIPELINE_SOURCE", "push".to_owned()),
                ("CI_COMMIT_BRANCH", branch.clone()),
                ("CI_COMMIT_REF_NAME", branch),
            ],
        },
        "pull_request" => vec![
            ("CI_PIPELINE_SOURCE", "merge_request_event".to_owned()),
            (
                "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
                event.base.clone().unwrap_or_default(),
            ),
            (
                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
                "feature/change".to_owned(),
            ),
            ("CI_COMMIT_REF_NAME", "feature/change".to_owned()),
            ("CI_COMMIT_BRANCH", String::new()),
        ],
        "schedule" => vec![
            ("CI_PIPELINE_SOURCE", "schedule".to_owned()),
            ("CI_COMMIT_BRANCH", branch.clone()),
            ("CI_COMMIT_REF_NAME", branch),
        ],
        "manual" => vec![
            ("CI_PIPELINE_SOURCE", "web".to_owned()),
            ("CI_COMMIT_BRANCH", branch.clone()),
            ("CI_COMMIT_REF_NAME", branch),
        ],
        _ => return None,
    };
    Some(variables)
}

/// The jobs `gitlab-ci-local --list` lists, by name (a matrix job's
/// instances, `unit: [3.11]`, under the job's name), with their `when`.
fn gitlab_listed_jobs(
    executable: &str,
    directory: &std::path::Path,
    case: &Case,
) -> HashMap<String, String> {
    let variables = gitlab_variables(case).unwrap_or_default();
    let mut command = std::process::Command::new(executable);
    command
        .current_dir(directory)
        .env("HOME", directory)
        .env("NO_COLOR", "1")
        .env("FORCE_COLOR", "0")
        .args(["--list", "--no-color"]);
    let names: Vec<&str> = variables.iter().map(|(name, _)| *name).collect();
    command.env("GCL_IGNORE_PREDEFINED_VARS", names.join(","));
    for (name, value) in &variables {
        command.arg("--variable").arg(format!("{name}={value}"));
    }
    let output = command.output().expect("gitlab-ci-local runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "gitlab-ci-local failed for {}:\n{text}\n{}",
        case.name,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut jobs = HashMap::new();
    let mut lines = text.lines().skip_while(|line| !line.starts_with("name "));
    let Some(header) = lines.next() else {
        return jobs;
    };
    let when_column = header.find("when").unwrap_or(0);
    for line in lines {
        let name = line
            .split("  ")
            .next()
            .unwrap_or_default()
            .split(": [")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let when = line
            .get(when_column..)
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        if !name.is_empty() {
            jobs.insert(name, when);
        }
    }
    jobs
}

/// `pipec plan` against GitLab's own evaluation of the jobs' rules the
/// backend wrote: for every corpus case that is one pipeline without path
/// filters (gitlab-ci-local evaluates `changes:` against a remote it does
/// not have), and every event of the table that starts it, the jobs that
/// run on GitLab are those the plan says run. `PIPEC_GITLAB_CI_LOCAL` names the executable;
/// `.ci/run` sets it.
#[test]
fn the_plan_agrees_with_gitlab_ci_local() {
    let Ok(executable) = std::env::var("PIPEC_GITLAB_CI_LOCAL") else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "skipping the gitlab-ci-local cross-check: PIPEC_GITLAB_CI_LOCAL is not set (.ci/run sets it)"
            );
        }
        return;
    };
    let scratch = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gitlab-ci-local");
    let loader = pipec_tests::DirectoryLoader(pipec_tests::repository_root());
    let mut compared = 0;
    for path in pipec_tests::pipe_files(&pipec_tests::tests_dir().join("corpus")) {
        let mut sources = pipec::source::Sources::new();
        sources.add(pipec_tests::file_name(&path), pipec_tests::read(&path));
        let result = pipec::build(&mut sources, &loader, &[Target::Gitlab]);
        let files: Vec<&pipec::backend::OutputFile> = result
            .generated
            .iter()
            .flat_map(|(_, generated)| &generated.files)
            .collect();
        let [file] = files.as_slice() else {
            continue;
        };
        if file.path != ".gitlab-ci.yml" || file.contents.contains("changes:") {
            continue;
        }
        let checked = pipec::check(&mut sources, &loader);
        let directory = scratch.join(pipec_tests::file_name(&path));
        let _ = std::fs::remove_dir_all(&directory);
        std::fs::create_dir_all(&directory).expect("scratch directory");
        std::fs::write(directory.join(".gitlab-ci.yml"), &file.contents).expect("write");
        for arguments in [&["init", "-q", "-b", "main"][..], &["add", "-A"]] {
            let status = std::process::Command::new("git")
                .args(arguments)
                .current_dir(&directory)
                .status()
                .expect("git runs");
            assert!(status.success());
        }
        for case in cases() {
            let Some(plan) = pipec::plan::plan(&checked.project, None, &case.event).pop() else {
                continue;
            };
            // `--list` does not apply `workflow: rules` (it lists the jobs
            // of a pipeline GitLab would not create), so only the jobs of
            // pipelines that start are compared; whether one starts is
            // compared with GitHub's filters above.
            if !matches!(plan.start, Start::Runs { .. }) {
                continue;
            }
            let listed = gitlab_listed_jobs(&executable, &directory, &case);
            for job in &plan.jobs {
                let planned = match job.verdict {
                    Verdict::Runs => true,
                    Verdict::Skipped { .. } | Verdict::NeedSkipped { .. } => false,
                    Verdict::RunsIf { .. } | Verdict::RunsOnlyIf { .. } => continue,
                };
                let on_gitlab = listed.get(&job.name).is_some_and(|when| when != "never");
                compared += 1;
                assert_eq!(
                    on_gitlab,
                    planned,
                    "{}, job `{}`, {}: GitLab lists {:?}, the plan says {:?}",
                    path.display(),
                    job.name,
                    case.name,
                    listed.get(&job.name),
                    job.verdict
                );
            }
        }
    }
    assert!(compared > 30, "only {compared} job fates were compared");
}
