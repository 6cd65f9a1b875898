//! Completion at cursor markers.

use super::*;

#[test]
fn completion_in_needs_offers_the_other_jobs() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  job build { step a { run = \"a\" } }\n  job lint { step a { run = \"a\" } }\n  job test { needs = [b$0] }\n}\n",
    );
    let completions = completions(&analysis, analysis.root, offset);
    assert_eq!(labels(&completions), ["build", "lint"]);
    assert_eq!(completions[0].replace.len(), 1, "replaces the typed `b`");
}

#[test]
fn completion_at_item_start_offers_the_blocks_and_attributes_of_the_enclosing_block() {
    let (analysis, offset) = fixture("pipeline ci {\n  job build {\n    $0\n  }\n}\n");
    let completions = completions(&analysis, analysis.root, offset);
    let labels = labels(&completions);
    for expected in [
        "use", "step", "matrix", "service", "needs", "image", "timeout",
    ] {
        assert!(labels.contains(&expected), "{expected} in {labels:?}");
    }
    assert!(
        !labels.contains(&"pipeline"),
        "pipeline is not valid in a job"
    );
    let timeout = completions
        .iter()
        .find(|completion| completion.label == "timeout")
        .expect("timeout");
    assert_eq!(timeout.detail, "duration");
    assert_eq!(timeout.insert_text, "timeout = ");
}

#[test]
fn completion_at_top_level_offers_pipeline_template_and_import() {
    let (analysis, offset) = fixture("pi$0\n");
    let labels: Vec<String> = completions(&analysis, analysis.root, offset)
        .into_iter()
        .map(|completion| completion.label)
        .collect();
    for expected in ["pipeline", "template", "import", "action"] {
        assert!(labels.iter().any(|label| label == expected), "{labels:?}");
    }
}

#[test]
fn completion_after_secrets_dot_offers_the_declared_secrets() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  secret TOKEN\n  secret DEPLOY_KEY\n  job a {\n    env { T = secrets.$0 }\n  }\n}\n",
    );
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["TOKEN", "DEPLOY_KEY"]
    );
}

#[test]
fn completion_after_inputs_and_matrix_offers_their_names() {
    let text = PIPELINE.replace("run = \"make\"", "run = \"make\", if = inputs.$0");
    let (analysis, offset) = fixture(&text);
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["target"]
    );
    let text = PIPELINE.replace("run = \"make\"", "run = \"make\", if = matrix.$0");
    let (analysis, offset) = fixture(&text);
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["os"]
    );
}

#[test]
fn completion_of_job_outputs_lists_what_the_upstream_job_declares() {
    let text = PIPELINE.replace("${jobs.build.outputs.tag}", "${jobs.build.outputs.$0}");
    let (analysis, offset) = fixture(&text);
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["tag"]
    );
}

#[test]
fn completion_in_an_import_string_offers_the_standard_library() {
    let (analysis, offset) = fixture("import \"std/py$0\n");
    let completions = completions(&analysis, analysis.root, offset);
    assert!(labels(&completions).contains(&"std/python"));
    assert_eq!(
        completions[0].replace,
        Span::new(8, 14),
        "the text after the quote"
    );
}

#[test]
fn completion_after_an_import_alias_offers_its_templates_with_signatures() {
    let (analysis, offset) =
        fixture("import \"std/python\" as py\npipeline ci {\n  job t {\n    use py.$0\n  }\n}\n");
    let completions = completions(&analysis, analysis.root, offset);
    let setup = completions
        .iter()
        .find(|completion| completion.label == "setup")
        .expect("py.setup");
    assert!(
        setup.documentation.contains("template setup("),
        "{}",
        setup.documentation
    );
}

#[test]
fn completion_in_an_action_call_offers_its_typed_inputs() {
    let (analysis, offset) = fixture(
        "import \"std/github\"\npipeline ci {\n  job t {\n    step c = github.checkout($0)\n  }\n}\n",
    );
    let completions = completions(&analysis, analysis.root, offset);
    let depth = completions
        .iter()
        .find(|completion| completion.label == "fetch-depth")
        .expect("fetch-depth");
    assert_eq!(depth.kind, CompletionKind::Argument);
    assert_eq!(depth.insert_text, "fetch-depth = ");
}

#[test]
fn completion_of_an_enum_attribute_offers_its_values() {
    let (analysis, offset) =
        fixture("pipeline ci {\n  job t {\n    artifact a { path = \"x\", when = $0 }\n  }\n}\n");
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["\"success\"", "\"failure\"", "\"always\""]
    );
}

#[test]
fn completion_of_a_job_template_instance_offers_qualified_job_templates() {
    let (analysis, offset) =
        fixture("import \"std/python\" as py\npipeline ci {\n  job unit = $0\n}\n");
    let labels: Vec<String> = completions(&analysis, analysis.root, offset)
        .into_iter()
        .map(|completion| completion.label)
        .collect();
    assert!(labels.contains(&"py.test".to_owned()), "{labels:?}");
    assert!(
        !labels.contains(&"py.setup".to_owned()),
        "a steps template is no job"
    );
}

#[test]
fn completion_after_jobs_and_git_offers_other_jobs_and_context_fields() {
    let text = PIPELINE.replace("${jobs.build.outputs.tag}", "${jobs.$0}");
    let (analysis, offset) = fixture(&text);
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["build"],
        "not the job itself"
    );
    let (analysis, offset) = fixture("pipeline ci {\n  job a {\n    if = git.$0\n  }\n}\n");
    let completions = completions(&analysis, analysis.root, offset);
    let branch = completions
        .iter()
        .find(|completion| completion.label == "branch")
        .expect("git.branch");
    assert_eq!(branch.detail, "string");
}

#[test]
fn completion_of_a_secret_typed_attribute_offers_the_declared_secrets_first() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  secret KUBE\n  job a {\n    deploy api { kubeconfig = $0 }\n  }\n}\n",
    );
    let completions = completions(&analysis, analysis.root, offset);
    assert_eq!(completions[0].label, "secrets.KUBE");
}

#[test]
fn completion_of_an_enum_argument_offers_its_values() {
    let (analysis, offset) = fixture(
        "import \"std/security\"\npipeline ci {\n  job scan = security.bandit(severity = $0)\n}\n",
    );
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["\"low\"", "\"medium\"", "\"high\""]
    );
}

#[test]
fn completion_after_use_offers_only_steps_templates_and_needs_skips_listed_jobs() {
    let (analysis, offset) =
        fixture("import \"std/python\" as py\npipeline ci {\n  job t {\n    use py.$0\n  }\n}\n");
    let labels: Vec<String> = completions(&analysis, analysis.root, offset)
        .into_iter()
        .map(|completion| completion.label)
        .collect();
    assert!(labels.contains(&"setup".to_owned()), "{labels:?}");
    assert!(
        !labels.contains(&"test".to_owned()),
        "py.test is a job template: {labels:?}"
    );

    let (analysis, offset) = fixture(
        "pipeline ci {\n  job build { step a { run = \"a\" } }\n  job lint { step a { run = \"a\" } }\n  job test { needs = [build, $0] }\n}\n",
    );
    assert_eq!(labels_of(&analysis, offset), ["lint"]);
}

fn labels_of(analysis: &Analysis, offset: u32) -> Vec<String> {
    completions(analysis, analysis.root, offset)
        .into_iter()
        .map(|completion| completion.label)
        .collect()
}

/// Found by the language server's random-edit test: a dot typed after a
/// non-ASCII character cut the line inside that character.
#[test]
fn completion_after_a_dot_following_non_ascii_text_does_not_panic() {
    for text in [
        "pipeline ci {\n  job a {\n    x = é.$0\n  }\n}\n",
        "pipeline ci {\n  job a {\n    x = 😀secrets.$0\n  }\n}\n",
        "import \"std/python\" as py\npipeline ci {\n  job a {\n    use épy.setup($0)\n  }\n}\n",
    ] {
        let (analysis, offset) = fixture(text);
        let _ = completions(&analysis, analysis.root, offset);
    }
    let (analysis, offset) =
        fixture("pipeline ci {\n  secret TOKEN\n  job a {\n    env { T = é secrets.$0 }\n  }\n}\n");
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["TOKEN"]
    );
}

#[test]
fn completion_of_a_value_offers_the_builtins_of_its_type() {
    let strategy = "pipeline ci {\n  job d {\n    deploy api {\n      image = \"ghcr.io/acme/api:1\"\n      strategy = $0\n    }\n  }\n}\n";
    let (analysis, offset) = fixture(strategy);
    let found = completions(&analysis, analysis.root, offset);
    let builtins: Vec<&str> = found
        .iter()
        .filter(|completion| completion.kind == CompletionKind::Function)
        .map(|completion| completion.label.as_str())
        .collect();
    assert_eq!(builtins, ["choose", "rolling", "blue_green", "canary"]);
    let canary = found
        .iter()
        .find(|completion| completion.label == "canary")
        .expect("canary");
    assert_eq!(canary.insert_text, "canary {");
    let choose = found
        .iter()
        .find(|completion| completion.label == "choose")
        .expect("choose");
    assert_eq!(choose.insert_text, "choose(");

    let condition = "pipeline ci {\n  job t {\n    if = $0\n    step s { run = \"x\" }\n  }\n}\n";
    let (analysis, offset) = fixture(condition);
    let labels = labels_of(&analysis, offset);
    for status in ["success", "failure", "always", "cancelled"] {
        assert!(
            labels.iter().any(|label| label == status),
            "{status} in {labels:?}"
        );
    }
    assert!(
        !labels.iter().any(|label| label == "hash_files"),
        "{labels:?}"
    );

    let cache_key = "pipeline ci {\n  job t {\n    cache pip { path = \"~/.cache/pip\", key = $0 }\n    step s { run = \"x\" }\n  }\n}\n";
    let (analysis, offset) = fixture(cache_key);
    let labels = labels_of(&analysis, offset);
    assert!(
        labels.iter().any(|label| label == "hash_files"),
        "{labels:?}"
    );
    assert!(!labels.iter().any(|label| label == "success"), "{labels:?}");
}

#[test]
fn completion_in_a_strategy_choice_offers_the_missing_values_then_the_strategies() {
    let text = "pipeline ci {\n  on manual {\n    input how: enum(\"canary\", \"blue_green\", \"rolling\") = \"canary\"\n  }\n  job d {\n    deploy api {\n      image    = \"ghcr.io/acme/api:1\"\n      port     = 8080\n      strategy = choose(inputs.how, {\n        canary = canary { steps = [50%, 100%] }\n        $0\n      })\n    }\n  }\n}\n";
    let (analysis, offset) = fixture(text);
    let found = completions(&analysis, analysis.root, offset);
    assert_eq!(labels(&found), ["blue_green", "rolling"]);
    assert_eq!(found[0].insert_text, "blue_green = ");

    let after_key = text.replace("$0", "rolling = $0");
    let (analysis, offset) = fixture(&after_key);
    let found = completions(&analysis, analysis.root, offset);
    assert_eq!(labels(&found), ["rolling", "blue_green", "canary"]);

    let in_a_strategy = text
        .replace("steps = [50%, 100%] }", "steps = [50%, 100%], $0 }")
        .replacen("\n        $0", "", 1);
    let (analysis, offset) = fixture(&in_a_strategy);
    let labels = labels_of(&analysis, offset);
    assert!(
        !labels
            .iter()
            .any(|label| label == "rolling" || label == "blue_green"),
        "inside a strategy, not a key of the choice: {labels:?}"
    );
}

#[test]
fn completion_in_a_strategy_offers_the_fields_not_yet_given() {
    let text = "pipeline ci {\n  job d {\n    deploy api {\n      image    = \"ghcr.io/acme/api:1\"\n      port     = 8080\n      strategy = canary {\n        steps = [10%, 100%]\n        $0\n      }\n    }\n  }\n}\n";
    let (analysis, offset) = fixture(text);
    let found = completions(&analysis, analysis.root, offset);
    assert_eq!(labels(&found), ["pause", "rollback"]);
    assert_eq!(found[0].insert_text, "pause = ");
    assert_eq!(found[0].detail, "duration");

    let smoke_test = text.replace(
        "canary {\n        steps = [10%, 100%]\n        $0\n      }",
        "blue_green {\n        smoke_test = { run = \"curl -f $$PREVIEW_URL\", $0 }\n      }",
    );
    let (analysis, offset) = fixture(&smoke_test);
    assert_eq!(
        labels(&completions(&analysis, analysis.root, offset)),
        ["image", "timeout"]
    );
}
