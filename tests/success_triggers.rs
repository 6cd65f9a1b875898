//! `on success`: the pipeline followed is found beside a file checked
//! alone, a build needs its file, cycles are reported once, `pipec plan`
//! follows the chain, and what each target writes to start a follower.

use std::collections::BTreeMap;

use pipec::backend::Target;
use pipec::diagnostic::{Code, Diagnostic};
use pipec::plan::{Event, Start};
use pipec::resolve::ModuleLoader;
use pipec::source::Sources;

/// Files of one directory, `project/`, in memory.
struct Project(BTreeMap<String, String>);

impl ModuleLoader for Project {
    fn load(&self, path: &str) -> Result<String, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_owned())
    }

    fn pipe_files_in(&self, directory: &str) -> Vec<String> {
        self.0
            .keys()
            .filter(|path| path.rsplit_once('/').map_or("", |(dir, _)| dir) == directory)
            .cloned()
            .collect()
    }
}

const CI: &str = r#"
pipeline ci {
  on push { branches = ["main", "release/**"] }
  on pull_request { branches = ["main"] }
  concurrency { group = "ci-${git.ref}", cancel_in_progress = true }
  job test {
    image = "alpine:3.20"
    step test { run = "make test" }
  }
}
"#;

const DEPLOY: &str = r#"
pipeline deploy {
  on success { pipeline = "ci", branches = ["main"] }
  on manual { input environment: enum("staging", "production") = "staging" }
  secret DEPLOY_TOKEN
  job release {
    image = "alpine:3.20"
    permissions { packages = "write" }
    env { DEPLOY_TOKEN = secrets.DEPLOY_TOKEN }
    step release { run = "make release ENV=${inputs.environment}" }
  }
}
"#;

const ANNOUNCE: &str = r#"
pipeline announce {
  on success { pipeline = "deploy" }
  on manual { input environment: string = "" }
  secret SLACK_TOKEN
  job announce {
    image = "alpine:3.20"
    env {
      SLACK_TOKEN = secrets.SLACK_TOKEN
      TARGET      = inputs.environment
    }
    step announce { run = "make announce" }
  }
}
"#;

fn project() -> Project {
    Project(BTreeMap::from([
        ("project/ci.pipe".to_owned(), CI.to_owned()),
        ("project/deploy.pipe".to_owned(), DEPLOY.to_owned()),
        ("project/announce.pipe".to_owned(), ANNOUNCE.to_owned()),
    ]))
}

fn sources_of(loader: &Project, names: &[&str]) -> Sources {
    let mut sources = Sources::new();
    for name in names {
        let path = format!("project/{name}");
        sources.add(path.clone(), loader.load(&path).unwrap_or_default());
    }
    sources
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code.as_str())
        .collect()
}

#[test]
fn a_file_checked_alone_finds_the_pipeline_it_follows_beside_it() {
    let loader = project();
    let mut sources = sources_of(&loader, &["deploy.pipe"]);
    let checked = pipec::check(&mut sources, &loader);
    assert_eq!(codes(&checked.diagnostics), Vec::<&str>::new());
}

#[test]
fn a_misspelt_upstream_is_reported_with_the_names_beside_it() {
    let mut loader = project();
    loader.0.insert(
        "project/deploy.pipe".to_owned(),
        DEPLOY.replace("pipeline = \"ci\"", "pipeline = \"cj\""),
    );
    let mut sources = sources_of(&loader, &["deploy.pipe"]);
    let checked = pipec::check(&mut sources, &loader);
    assert_eq!(codes(&checked.diagnostics), ["E0226"]);
    let fix = &checked.diagnostics[0].fixes[0];
    assert_eq!(fix.edits[0].replacement, "\"ci\"");
}

#[test]
fn a_build_without_the_upstream_file_is_refused_and_writes_nothing() {
    let loader = project();
    let mut sources = sources_of(&loader, &["deploy.pipe"]);
    let built = pipec::build(&mut sources, &loader, Target::ALL);
    assert_eq!(codes(&built.diagnostics), ["E0226"]);
    assert!(
        built.diagnostics[0]
            .message
            .contains("not part of this build")
    );
    assert!(built.generated.is_empty());
}

#[test]
fn the_same_label_in_another_directory_is_not_followed() {
    let mut loader = project();
    let ci = loader.0.remove("project/ci.pipe").unwrap_or_default();
    loader.0.insert("elsewhere/ci.pipe".to_owned(), ci);
    let mut sources = Sources::new();
    sources.add("elsewhere/ci.pipe", CI);
    sources.add("project/deploy.pipe", DEPLOY);
    let checked = pipec::check(&mut sources, &loader);
    assert_eq!(codes(&checked.diagnostics), ["E0226"]);
}

#[test]
fn a_cycle_of_three_is_reported_once_with_every_member() {
    let text = ["a", "b", "c"]
        .iter()
        .zip(["c", "a", "b"])
        .map(|(name, follows)| {
            format!(
                "pipeline {name} {{\n  on success {{ pipeline = \"{follows}\" }}\n  job j {{\n    image = \"alpine:3.20\"\n    step s {{ run = \"true\" }}\n  }}\n}}\n"
            )
        })
        .collect::<String>();
    let (diagnostics, _) = pipec_tests::check_text("cycle.pipe", &text);
    assert_eq!(codes(&diagnostics), ["E0227"]);
    assert_eq!(diagnostics[0].code, Code::PipelineTriggerCycle);
    assert_eq!(diagnostics[0].secondary.len(), 2);
    assert_eq!(
        diagnostics[0].message,
        "pipelines `a`, `b` and `c` start each other"
    );
}

#[test]
fn a_long_chain_is_no_cycle() {
    let mut text = String::from(
        "pipeline p0 {\n  on push { branches = [\"main\"] }\n  job j {\n    image = \"alpine:3.20\"\n    step s { run = \"true\" }\n  }\n}\n",
    );
    for index in 1..200 {
        text.push_str(&format!(
            "pipeline p{index} {{\n  on success {{ pipeline = \"p{}\" }}\n  job j {{\n    image = \"alpine:3.20\"\n    step s {{ run = \"true\" }}\n  }}\n}}\n",
            index - 1
        ));
    }
    let (diagnostics, rendered) = pipec_tests::check_text("chain.pipe", &text);
    // No cycle; only GitHub's limit on nested reusable workflows, once, at
    // the eleventh pipeline of the chain.
    assert_eq!(codes(&diagnostics), ["E0401"], "{rendered}");
    assert!(rendered.contains("p10"), "{rendered}");
}

fn checked_project() -> pipec::ir::Project {
    let loader = project();
    let mut sources = sources_of(&loader, &["ci.pipe", "deploy.pipe", "announce.pipe"]);
    let checked = pipec::check(&mut sources, &loader);
    assert_eq!(codes(&checked.diagnostics), Vec::<&str>::new());
    checked.project
}

fn start_of(project: &pipec::ir::Project, pipeline: &str, event: &Event) -> Start {
    pipec::plan::plan(project, Some(pipeline), event)
        .into_iter()
        .next()
        .map(|plan| plan.start)
        .expect("the pipeline is planned")
}

#[test]
fn the_plan_follows_the_chain_on_matching_branches_only() {
    let project = checked_project();
    let push = |branch: &str| Event {
        kind: "push".to_owned(),
        branch: Some(branch.to_owned()),
        ..Event::default()
    };
    match start_of(&project, "announce", &push("main")) {
        Start::Runs { assumptions } => assert_eq!(
            assumptions,
            ["the run of `ci` succeeds", "the run of `deploy` succeeds"]
        ),
        other => panic!("announce should follow a push to main: {other:?}"),
    }
    // `ci` runs for release branches, but `deploy` follows only `main`.
    assert!(matches!(
        start_of(&project, "deploy", &push("release/1.0")),
        Start::NotStarted { .. }
    ));
    let pull_request = Event {
        kind: "pull_request".to_owned(),
        base: Some("main".to_owned()),
        ..Event::default()
    };
    assert!(matches!(
        start_of(&project, "deploy", &pull_request),
        Start::NotStarted { .. }
    ));
}

fn built(target: Target) -> Vec<pipec::backend::OutputFile> {
    let loader = project();
    let mut sources = sources_of(&loader, &["ci.pipe", "deploy.pipe", "announce.pipe"]);
    let result = pipec::build(&mut sources, &loader, &[target]);
    assert_eq!(codes(&result.diagnostics), Vec::<&str>::new());
    result
        .generated
        .into_iter()
        .flat_map(|(_, generated)| generated.files)
        .collect()
}

fn file(files: &[pipec::backend::OutputFile], path: &str) -> yaml_rust2::Yaml {
    let text = files
        .iter()
        .find(|file| file.path == path)
        .map_or("", |file| file.contents.as_str());
    yaml_rust2::YamlLoader::load_from_str(text)
        .ok()
        .and_then(|documents| documents.into_iter().next())
        .unwrap_or(yaml_rust2::Yaml::BadValue)
}

#[test]
fn github_calls_each_follower_with_what_its_chain_needs() {
    let files = built(Target::Github);
    let ci = file(&files, ".github/workflows/ci.yml");
    let start = &ci["jobs"]["start-deploy"];
    assert_eq!(
        start["uses"].as_str(),
        Some("./.github/workflows/deploy.yml")
    );
    // The secrets of `announce`, which `deploy` calls in turn, too.
    assert!(!start["secrets"]["DEPLOY_TOKEN"].is_badvalue());
    assert!(!start["secrets"]["SLACK_TOKEN"].is_badvalue());
    assert_eq!(start["permissions"]["packages"].as_str(), Some("write"));
    let condition = start["if"].as_str().unwrap_or_default();
    assert!(
        condition.starts_with("!cancelled() && !failure()"),
        "{condition}"
    );
    assert!(
        condition.contains("github.event_name != 'pull_request'"),
        "{condition}"
    );
    // A newer run cancels an older one only when the older could not have
    // started `deploy`: GitHub would cancel the deploy with it.
    assert_eq!(
        ci["concurrency"]["cancel-in-progress"].as_str(),
        Some("${{ !(github.event_name != 'pull_request' && github.ref == 'refs/heads/main') }}")
    );
    let deploy = file(&files, ".github/workflows/deploy.yml");
    let call = &deploy["on"]["workflow_call"];
    assert_eq!(
        call["inputs"]["environment"]["type"].as_str(),
        Some("string")
    );
    assert!(!call["secrets"]["SLACK_TOKEN"].is_badvalue());
    // `announce` shares `environment` with `deploy`: the value is passed on.
    assert_eq!(
        deploy["jobs"]["start-announce"]["with"]["environment"].as_str(),
        Some("${{ inputs.environment }}")
    );
}

#[test]
fn gitlab_starts_a_follower_after_each_job_that_starts_its_upstream() {
    let files = built(Target::Gitlab);
    let root = file(&files, ".gitlab-ci.yml");
    let after_ci = &root["deploy-after-ci-pipeline"];
    assert_eq!(after_ci["needs"][0].as_str(), Some("ci-pipeline"));
    let rules = after_ci["rules"].as_vec().cloned().unwrap_or_default();
    assert!(!rules.is_empty());
    for rule in &rules {
        let condition = rule["if"].as_str().unwrap_or_default();
        assert!(!condition.contains("merge_request_event"), "{condition}");
        assert!(
            condition.contains("$CI_COMMIT_BRANCH == \"main\""),
            "{condition}"
        );
    }
    // After a manual deploy, announce gets the deploy's environment.
    assert_eq!(
        root["announce-after-deploy-pipeline"]["variables"]["INPUTS_ENVIRONMENT"].as_str(),
        Some("${DEPLOY_INPUTS_ENVIRONMENT}")
    );
    assert_eq!(
        root["announce-after-deploy-after-ci-pipeline"]["needs"][0].as_str(),
        Some("deploy-after-ci-pipeline")
    );
}

#[test]
fn argo_submits_a_follower_with_values_that_cannot_change_its_manifest() {
    let files = built(Target::K8s);
    let text = files
        .iter()
        .find(|file| file.path == "k8s/workflows/deploy.yaml")
        .map_or(String::new(), |file| file.contents.clone());
    let documents = yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_default();
    let template = documents
        .iter()
        .find(|document| document["kind"].as_str() == Some("WorkflowTemplate"))
        .cloned()
        .unwrap_or(yaml_rust2::Yaml::BadValue);
    let start = template["spec"]["templates"]
        .as_vec()
        .and_then(|templates| {
            templates
                .iter()
                .find(|entry| entry["name"].as_str() == Some("pipec-start-announce"))
                .cloned()
        })
        .unwrap_or(yaml_rust2::Yaml::BadValue);
    assert_eq!(start["serviceAccountName"].as_str(), Some("deploy-starter"));
    let manifest = start["resource"]["manifest"].as_str().unwrap_or_default();
    assert!(!manifest.contains("PIPEC_PARAMETER"), "{manifest}");
    // What Argo does: each tag becomes the JSON string of the value. A
    // branch name that looks like YAML stays one string.
    let hostile = "main\": x\n  kind: Pod";
    let substituted = manifest.replace(
        "{{=toJson(workflow.parameters.git_branch)}}",
        &serde_json::to_string(hostile).unwrap_or_default(),
    );
    let workflow = yaml_rust2::YamlLoader::load_from_str(&substituted)
        .ok()
        .and_then(|documents| documents.into_iter().next())
        .unwrap_or(yaml_rust2::Yaml::BadValue);
    assert_eq!(workflow["kind"].as_str(), Some("Workflow"));
    let parameters = workflow["spec"]["arguments"]["parameters"]
        .as_vec()
        .cloned()
        .unwrap_or_default();
    let branch = parameters
        .iter()
        .find(|parameter| parameter["name"].as_str() == Some("git_branch"));
    assert_eq!(
        branch.and_then(|parameter| parameter["value"].as_str()),
        Some(hostile)
    );
    assert!(
        parameters
            .iter()
            .any(|parameter| parameter["name"].as_str() == Some("environment"))
    );
    // The service account may create Workflows and nothing else.
    let role = documents
        .iter()
        .find(|document| document["kind"].as_str() == Some("Role"))
        .cloned()
        .unwrap_or(yaml_rust2::Yaml::BadValue);
    assert_eq!(role["rules"][0]["resources"][0].as_str(), Some("workflows"));
    assert_eq!(role["rules"][0]["verbs"].as_vec().map(Vec::len), Some(1));
}
