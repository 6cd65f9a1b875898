//! Shapes of the Kubernetes output that must hold whatever the pipeline:
//! selectors, labels and ports agree, canary steps rise, conditions and
//! scripts never hold a runtime value, and the CI deploy jobs apply exactly
//! the files this backend writes.

use yaml_rust2::{Yaml as Parsed, YamlLoader};

use crate::backend::{OutputFile, Target};
use crate::source::Sources;

const DEPLOYS: &str = r#"
pipeline deploy {
  secret DB_PASSWORD
  job staging {
    environment staging {}
    deploy api {
      image    = "ghcr.io/acme/api:${git.sha}"
      port     = 8000
      replicas = 3
      health   = http("/health")
      env { DATABASE_URL = "postgres://app:${secrets.DB_PASSWORD}@db/app" }
      strategy = rolling { max_surge = 25%, max_unavailable = 0 }
    }
  }
  job preview {
    needs = [staging]
    environment preview { approval { reviewers = 1 } }
    deploy web {
      image    = "ghcr.io/acme/web:${inputs.tag}"
      port     = 3000
      health   = tcp()
      strategy = blue_green {
        preview_duration = 1m
        smoke_test       = {
          image = "ghcr.io/acme/web-tests:${git.sha}"
          run   = "curl -fsS \"$PREVIEW_URL/health\" | grep -v '{{error}}'"
        }
      }
    }
  }
  job production {
    needs = [preview]
    environment production {}
    deploy api {
      image    = "ghcr.io/acme/api:${git.sha}"
      port     = 8000
      health   = http("/health", port = 9000)
      autoscale { min = 2, max = 6, cpu = 60% }
      strategy = canary {
        steps    = [5%, 25%, 60%, 100%]
        pause    = 90s
        rollback = [error_rate > 2.5%, latency_p99 > 1s]
      }
    }
  }
  on manual { input tag: string = "latest" }
}
"#;

fn build(text: &str, targets: &[Target]) -> Vec<OutputFile> {
    let mut sources = Sources::new();
    sources.add("test.pipe", text);
    let result = crate::build(&mut sources, &crate::resolve::NoFiles, targets);
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.is_error())
        .map(|diagnostic| diagnostic.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    result
        .generated
        .into_iter()
        .flat_map(|(_, generated)| generated.files)
        .collect()
}

fn documents(files: &[OutputFile], path: &str) -> Vec<Parsed> {
    let file = files
        .iter()
        .find(|file| file.path == path)
        .unwrap_or_else(|| panic!("no file {path}"));
    YamlLoader::load_from_str(&file.contents).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn of_kind<'a>(documents: &'a [Parsed], kind: &str) -> Vec<&'a Parsed> {
    documents
        .iter()
        .filter(|document| document["kind"].as_str() == Some(kind))
        .collect()
}

fn workload(documents: &[Parsed]) -> &Parsed {
    documents
        .iter()
        .find(|document| matches!(document["kind"].as_str(), Some("Deployment" | "Rollout")))
        .unwrap_or_else(|| panic!("no workload"))
}

const MANIFESTS: &[&str] = &[
    "k8s/staging/api.yaml",
    "k8s/preview/web.yaml",
    "k8s/production/api.yaml",
];

#[test]
fn selectors_equal_the_pod_labels_and_every_service_selects_the_pods() {
    let files = build(DEPLOYS, &[Target::K8s]);
    for path in MANIFESTS {
        let documents = documents(&files, path);
        let workload = workload(&documents);
        let selector = &workload["spec"]["selector"]["matchLabels"];
        let labels = &workload["spec"]["template"]["metadata"]["labels"];
        let selector_map = selector
            .as_hash()
            .unwrap_or_else(|| panic!("{path}: no selector"));
        for (key, value) in selector_map {
            assert_eq!(&labels[key.as_str().unwrap_or_default()], value, "{path}");
        }
        for service in of_kind(&documents, "Service") {
            assert_eq!(&service["spec"]["selector"], selector, "{path}");
        }
        for budget in of_kind(&documents, "PodDisruptionBudget") {
            assert_eq!(
                &budget["spec"]["selector"]["matchLabels"], selector,
                "{path}"
            );
        }
    }
}

#[test]
fn ports_agree_between_the_container_its_probes_and_its_services() {
    let files = build(DEPLOYS, &[Target::K8s]);
    for path in MANIFESTS {
        let documents = documents(&files, path);
        let container = &workload(&documents)["spec"]["template"]["spec"]["containers"][0];
        let port = &container["ports"][0];
        for service in of_kind(&documents, "Service") {
            let service_port = &service["spec"]["ports"][0];
            assert_eq!(service_port["targetPort"], port["name"], "{path}");
            assert_eq!(service_port["port"], port["containerPort"], "{path}");
        }
        for probe in ["readinessProbe", "livenessProbe"] {
            let probe = &container[probe];
            let probe_port = if probe["httpGet"].is_badvalue() {
                &probe["tcpSocket"]["port"]
            } else {
                &probe["httpGet"]["port"]
            };
            // The probe uses the named port, or the port the probe names.
            assert!(
                *probe_port == port["name"] || probe_port.as_i64() == Some(9000),
                "{path}: {probe_port:?}"
            );
        }
    }
}

#[test]
fn canary_steps_rise_with_pauses_and_leave_the_last_step_to_the_promotion() {
    let files = build(DEPLOYS, &[Target::K8s]);
    let documents = documents(&files, "k8s/production/api.yaml");
    let canary = &workload(&documents)["spec"]["strategy"]["canary"];
    let steps = canary["steps"].as_vec().cloned().unwrap_or_default();
    let weights: Vec<i64> = steps
        .iter()
        .filter_map(|step| step["setWeight"].as_i64())
        .collect();
    assert_eq!(weights, [5, 25, 60]);
    assert_eq!(steps.len(), 6, "a pause after each weight");
    assert_eq!(steps[1]["pause"]["duration"].as_str(), Some("90s"));
    // The analysis reads the canary Service, which the file defines.
    assert_eq!(canary["canaryService"].as_str(), Some("api-canary"));
    let services: Vec<&str> = of_kind(&documents, "Service")
        .iter()
        .filter_map(|service| service["metadata"]["name"].as_str())
        .collect();
    assert_eq!(services, ["api", "api-canary"]);
    let analysis = of_kind(&documents, "AnalysisTemplate");
    assert_eq!(
        analysis[0]["metadata"]["name"].as_str(),
        canary["analysis"]["templates"][0]["templateName"].as_str()
    );
    let conditions: Vec<&str> = analysis[0]["spec"]["metrics"]
        .as_vec()
        .map(|metrics| {
            metrics
                .iter()
                .filter_map(|metric| metric["successCondition"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(conditions[0].ends_with("<= 0.025"), "{conditions:?}");
    assert!(conditions[1].ends_with("<= 1"), "{conditions:?}");
    // The autoscaler owns the replica count of its Rollout.
    assert!(workload(&documents)["spec"]["replicas"].is_badvalue());
    let autoscaler = of_kind(&documents, "HorizontalPodAutoscaler");
    assert_eq!(
        autoscaler[0]["spec"]["scaleTargetRef"]["kind"].as_str(),
        Some("Rollout")
    );
}

#[test]
fn blue_green_has_active_and_preview_services_and_waits_for_promotion() {
    let files = build(DEPLOYS, &[Target::K8s]);
    let documents = documents(&files, "k8s/preview/web.yaml");
    let blue_green = &workload(&documents)["spec"]["strategy"]["blueGreen"];
    assert_eq!(blue_green["autoPromotionEnabled"].as_bool(), Some(false));
    let services: Vec<&str> = of_kind(&documents, "Service")
        .iter()
        .filter_map(|service| service["metadata"]["name"].as_str())
        .collect();
    assert_eq!(
        services,
        [
            blue_green["activeService"].as_str().unwrap_or_default(),
            blue_green["previewService"].as_str().unwrap_or_default()
        ]
    );
}

#[test]
fn a_blue_green_smoke_test_is_a_job_of_the_pre_promotion_analysis_that_no_service_selects() {
    let files = build(DEPLOYS, &[Target::K8s]);
    let documents = documents(&files, "k8s/preview/web.yaml");
    let analysis = &workload(&documents)["spec"]["strategy"]["blueGreen"]["prePromotionAnalysis"];
    assert_eq!(
        analysis["templates"][0]["templateName"].as_str(),
        Some("web-smoke-test")
    );
    assert_eq!(analysis["args"][0]["value"].as_str(), Some("web-preview"));
    let template = of_kind(&documents, "AnalysisTemplate")[0];
    assert_eq!(
        template["metadata"]["name"].as_str(),
        Some("web-smoke-test")
    );
    let metric = &template["spec"]["metrics"][0];
    // Measured once: no interval, no count.
    assert!(metric["interval"].is_badvalue() && metric["count"].is_badvalue());
    let job = &metric["provider"]["job"]["spec"];
    assert_eq!(job["backoffLimit"].as_i64(), Some(0));
    assert_eq!(job["activeDeadlineSeconds"].as_i64(), Some(300));
    let pod = &job["template"];
    assert_eq!(pod["spec"]["restartPolicy"].as_str(), Some("Never"));
    let selector = &workload(&documents)["spec"]["selector"]["matchLabels"];
    for (key, _) in selector.as_hash().into_iter().flatten() {
        let key = key.as_str().unwrap_or_default();
        assert!(
            pod["metadata"]["labels"][key].is_badvalue(),
            "the Services would select the smoke test's pod by `{key}`"
        );
    }
    let container = &pod["spec"]["containers"][0];
    assert_eq!(
        container["image"].as_str(),
        Some("ghcr.io/acme/web-tests:${GIT_SHA}")
    );
    assert_eq!(
        container["env"][0]["value"].as_str(),
        Some("http://{{args.service}}.{{args.namespace}}.svc.cluster.local:3000")
    );
    // The script is an argument's value, which Argo does not read for
    // `{{…}}`: its own braces survive.
    assert_eq!(
        container["command"][3].as_str(),
        Some("{{args.smoke-test-script}}")
    );
    let script = template["spec"]["args"]
        .as_vec()
        .into_iter()
        .flatten()
        .find(|arg| arg["name"].as_str() == Some("smoke-test-script"))
        .and_then(|arg| arg["value"].as_str());
    assert_eq!(
        script,
        Some("curl -fsS \"$PREVIEW_URL/health\" | grep -v '{{error}}'")
    );
    assert_eq!(
        container["securityContext"]["readOnlyRootFilesystem"].as_bool(),
        Some(true)
    );
    assert_eq!(
        pod["spec"]["automountServiceAccountToken"].as_bool(),
        Some(false)
    );
}

#[test]
fn deploy_steps_fail_when_an_analysis_is_inconclusive_instead_of_promoting() {
    let files = build(DEPLOYS, &[Target::Github]);
    let workflow = files
        .iter()
        .find(|file| file.path.starts_with(".github/"))
        .map(|file| file.contents.clone())
        .unwrap_or_default();
    let inconclusive = workflow
        .find("*InconclusiveAnalysisRun*) ")
        .unwrap_or_else(|| panic!("no inconclusive case:\n{workflow}"));
    let promote = workflow.find("Paused*) ").unwrap_or(0);
    assert!(inconclusive < promote, "the promotion is tried first");
    assert!(
        workflow[inconclusive..]
            .lines()
            .next()
            .unwrap_or_default()
            .contains("exit 1")
    );
}

#[test]
fn secrets_in_a_deploy_come_from_the_pipelines_secret_never_from_the_manifest() {
    let files = build(DEPLOYS, &[Target::K8s]);
    let documents = documents(&files, "k8s/staging/api.yaml");
    let env = &workload(&documents)["spec"]["template"]["spec"]["containers"][0]["env"];
    assert_eq!(
        env[0]["valueFrom"]["secretKeyRef"]["name"].as_str(),
        Some("deploy-secrets")
    );
    assert_eq!(
        env[1]["value"].as_str(),
        Some("postgres://app:$(DB_PASSWORD)@db/app")
    );
}

/// The deploy steps GitHub runs apply the files this backend writes, with
/// every placeholder of the manifest filled in.
#[test]
fn ci_deploy_jobs_apply_exactly_the_manifests_with_their_placeholders() {
    let files = build(DEPLOYS, &[Target::Github, Target::K8s]);
    let workflow = files
        .iter()
        .find(|file| file.path.starts_with(".github/"))
        .map(|file| file.contents.clone())
        .unwrap_or_default();
    for path in MANIFESTS {
        let manifest = files
            .iter()
            .find(|file| file.path == *path)
            .map(|file| file.contents.clone())
            .unwrap_or_default();
        assert!(
            workflow.contains(&format!("< {path} |")),
            "GitHub does not apply {path}"
        );
        let mut rest = manifest.as_str();
        while let Some(start) = rest.find("${") {
            let end = rest[start..]
                .find('}')
                .map_or(rest.len(), |end| start + end);
            let placeholder = &rest[start + 2..end];
            assert!(
                workflow.contains(&format!("\\${{{placeholder}}}")),
                "{path}: `{placeholder}` is never substituted"
            );
            rest = &rest[end..];
        }
    }
}

const CONDITIONS: &str = r#"
pipeline ci {
  on manual { input dry_run: bool = false }
  job build {
    step make {
      if  = git.branch.matches("release/*") && !inputs.dry_run
      run = "make ${git.sha}"
    }
  }
  job report {
    needs = [build]
    if    = failure() && git.branch == "it's"
    step send { run = "echo failed" }
  }
}
"#;

#[test]
fn conditions_read_parameters_as_values_and_scripts_read_variables() {
    let files = build(CONDITIONS, &[Target::K8s]);
    let documents = documents(&files, "k8s/workflows/ci.yaml");
    let tasks = documents[0]["spec"]["templates"][0]["dag"]["tasks"]
        .as_vec()
        .cloned()
        .unwrap_or_default();
    let when = tasks[1]["when"].as_str().unwrap_or_default();
    assert_eq!(
        when,
        "{{= tasks.build.status in ['Failed', 'Error'] && workflow.parameters.git_branch == 'it\\'s' }}"
    );
    assert!(
        tasks[1]["depends"]
            .as_str()
            .unwrap_or_default()
            .contains("build.Failed")
    );
    let script = documents[0]["spec"]["templates"][1]["script"]["source"]
        .as_str()
        .unwrap_or_default();
    assert!(!script.contains("{{"), "an Argo tag in a script:\n{script}");
    assert!(script.contains("make ${GIT_SHA}"));
    assert!(script.contains("grep -Eq '^release/[^/]*$'"), "{script}");
}

/// Every template a task or a step calls is defined, no DAG task mixes
/// `depends` with `continueOn` (Argo refuses it), and every parameter a
/// template reads is one of its inputs.
#[test]
fn every_template_called_is_defined_and_reads_only_its_inputs() {
    let text = include_str!("../../../../tests/corpus/workflow-features.pipe");
    let files = build(text, &[Target::K8s]);
    let documents = documents(&files, "k8s/workflows/features.yaml");
    let templates = documents[1]["spec"]["templates"]
        .as_vec()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = templates
        .iter()
        .filter_map(|template| template["name"].as_str())
        .collect();
    let mut calls: Vec<&Parsed> = Vec::new();
    for template in &templates {
        for task in template["dag"]["tasks"].as_vec().into_iter().flatten() {
            assert!(
                task["depends"].is_badvalue() || task["continueOn"].is_badvalue(),
                "{task:?}"
            );
            calls.push(task);
        }
        for group in template["steps"].as_vec().into_iter().flatten() {
            calls.extend(group.as_vec().into_iter().flatten());
        }
        let text = format!("{:?}", template["script"]);
        let inputs: Vec<&str> = template["inputs"]["parameters"]
            .as_vec()
            .into_iter()
            .flatten()
            .filter_map(|parameter| parameter["name"].as_str())
            .collect();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("{{inputs.parameters.") {
            let after = &rest[start + "{{inputs.parameters.".len()..];
            let end = after.find("}}").unwrap_or(after.len());
            assert!(
                inputs.contains(&&after[..end]),
                "`{}` is no input of {:?}",
                &after[..end],
                template["name"]
            );
            rest = &after[end..];
        }
    }
    for call in calls {
        let called = call["template"].as_str().unwrap_or_default();
        assert!(names.contains(&called), "no template `{called}`");
    }
}

const CHOSEN: &str = r#"
pipeline release {
  on manual { input strategy: enum("blue_green", "canary") = "blue_green" }
  job production {
    environment production {}
    deploy api {
      image    = "ghcr.io/acme/api:${git.sha}"
      port     = 8000
      strategy = choose(inputs.strategy, {
        blue_green = blue_green { preview_duration = 2m }
        canary     = canary { steps = [50%, 100%], pause = 1m, rollback = [error_rate > 1%] }
      })
    }
  }
}
"#;

#[test]
fn a_strategy_chosen_per_run_writes_one_complete_manifest_per_alternative() {
    let files = build(CHOSEN, &[Target::K8s]);
    assert!(
        files
            .iter()
            .all(|file| file.path != "k8s/production/api.yaml")
    );
    for (path, strategy, service) in [
        (
            "k8s/production/api.blue-green.yaml",
            "blueGreen",
            "api-preview",
        ),
        ("k8s/production/api.canary.yaml", "canary", "api-canary"),
    ] {
        let documents = documents(&files, path);
        let rollout = workload(&documents);
        assert_eq!(rollout["kind"].as_str(), Some("Rollout"), "{path}");
        assert_eq!(rollout["metadata"]["name"].as_str(), Some("api"), "{path}");
        assert!(
            !rollout["spec"]["strategy"][strategy].is_badvalue(),
            "{path}"
        );
        let services: Vec<&str> = of_kind(&documents, "Service")
            .iter()
            .filter_map(|document| document["metadata"]["name"].as_str())
            .collect();
        assert_eq!(services, ["api", service], "{path}");
    }
}

#[test]
fn every_target_picks_the_chosen_manifest_from_the_inputs_variable_not_the_script_text() {
    for target in [Target::Github, Target::Gitlab, Target::K8s] {
        let files = build(CHOSEN, &[target]);
        let deploying: Vec<&OutputFile> = files
            .iter()
            .filter(|file| file.contents.contains("api.canary.yaml | kubectl apply"))
            .collect();
        assert_eq!(deploying.len(), 1, "{target:?}");
        let text = &deploying[0].contents;
        assert!(text.contains("case \"$INPUTS_STRATEGY\" in"), "{target:?}");
        assert!(
            text.contains("'blue_green')") && text.contains("'canary')"),
            "{target:?}"
        );
        // The input reaches the script only as that variable.
        let case = text.find("case \"$INPUTS_STRATEGY\"").unwrap_or_default();
        let end = case + text[case..].find("\nesac").unwrap_or_default();
        let script = &text[case..end];
        for spliced in ["${{", "{{workflow.", "$strategy"] {
            assert!(!script.contains(spliced), "{target:?}: {spliced}");
        }
    }
}
