//! Hover at cursor markers.

use super::*;

#[test]
fn hover_on_an_attribute_shows_its_type_and_doc() {
    let (analysis, offset) = fixture("pipeline ci {\n  job a {\n    time$0out = 5m\n  }\n}\n");
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("timeout: duration"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("cancelled"));
}

#[test]
fn hover_on_a_block_keyword_shows_its_doc() {
    let (analysis, offset) = fixture("pipeline ci {\n  jo$0b a { step s { run = \"x\" } }\n}\n");
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("steps that run together"),
        "{}",
        hover.markdown
    );
}

#[test]
fn hover_on_a_job_in_needs_shows_the_job() {
    let text = PIPELINE.replace("needs = [build]", "needs = [bui$0ld]");
    let (analysis, offset) = fixture(&text);
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(hover.markdown.contains("job build"), "{}", hover.markdown);
    assert!(
        hover.markdown.contains("outputs: `tag`"),
        "{}",
        hover.markdown
    );
}

#[test]
fn hover_on_an_input_reference_shows_type_default_and_description() {
    let text = PIPELINE.replace(
        "run = \"make\"",
        "run = \"make\", if = inputs.tar$0get == \"staging\"",
    );
    let (analysis, offset) = fixture(&text);
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover
            .markdown
            .contains("enum(\"staging\", \"production\") = \"staging\""),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("where to deploy"));
}

#[test]
fn hover_on_a_stdlib_template_shows_signature_and_comment() {
    let (analysis, offset) = fixture(
        "import \"std/python\" as py\npipeline ci {\n  job t {\n    use py.se$0tup(version = \"3.12\")\n  }\n}\n",
    );
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("template setup(") && hover.markdown.contains("version: string"),
        "{}",
        hover.markdown
    );
    assert!(
        hover.markdown.contains("Installs Python"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("std/python"));
}

#[test]
fn hover_on_the_runtime_context_shows_type_and_doc() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  job a {\n    if = git.bra$0nch == \"main\"\n    step s { run = \"x\" }\n  }\n}\n",
    );
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("git.branch: string"),
        "{}",
        hover.markdown
    );
}

#[test]
fn hover_on_a_secret_reference_shows_the_declaration() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  secret TOKEN { description = \"the deploy token\" }\n  job a {\n    env { T = secrets.TO$0KEN }\n    step s { run = \"x\" }\n  }\n}\n",
    );
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("secret TOKEN"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("the deploy token"));
}

#[test]
fn hover_on_an_action_argument_shows_the_typed_input() {
    let (analysis, offset) = fixture(
        "import \"std/github\"\npipeline ci {\n  job a { step c = github.checkout(fetch-de$0pth = 0) }\n}\n",
    );
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("input fetch-depth: int"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains("action input"));
}

#[test]
fn hover_on_an_import_shows_the_module_documentation() {
    let (analysis, offset) =
        fixture("import \"std/python\" as p$0y\npipeline ci {\n  job a { use py.setup() }\n}\n");
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("std/python: Python setup steps"),
        "{}",
        hover.markdown
    );
}

#[test]
fn hover_on_an_env_reference_shows_the_nearest_value() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  env { MODE = \"ci\" }\n  job a {\n    env { MODE = \"job\" }\n    step s { run = \"x\", if = env.MO$0DE == \"job\" }\n  }\n}\n",
    );
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        hover.markdown.contains("env.MODE = \"job\""),
        "{}",
        hover.markdown
    );
}

#[test]
fn hover_on_a_context_root_says_what_it_holds() {
    let (analysis, offset) =
        fixture("pipeline ci {\n  job a {\n    if = mat$0rix.os == \"x\"\n  }\n}\n");
    let hover = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(hover.markdown.contains("matrix.KEY"), "{}", hover.markdown);
}

#[test]
fn hover_on_a_builtin_function_shows_its_signature_and_doc() {
    let text = PIPELINE.replace(
        "run = \"make\"",
        "run = \"make\", if = fail$0ure() || git.branch == \"main\"",
    );
    let (analysis, offset) = fixture(&text);
    let shown = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        shown
            .markdown
            .starts_with("```pipe\nfailure() -> bool\n```"),
        "{}",
        shown.markdown
    );
    assert!(
        shown.markdown.contains("built-in function"),
        "{}",
        shown.markdown
    );
    assert_eq!(
        analysis.text(analysis.root).get(shown.span.range()),
        Some("failure")
    );
}

#[test]
fn hover_on_a_method_names_the_method_and_on_its_receiver_the_context() {
    let text = PIPELINE.replace(
        "run = \"make\"",
        "run = \"make\", if = git.branch.starts_$0with(\"release/\")",
    );
    let (analysis, offset) = fixture(&text);
    let shown = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        shown.markdown.contains("text.starts_with(prefix) -> bool"),
        "{}",
        shown.markdown
    );
    let on_receiver = text.replace("git.branch.starts_$0with", "gi$0t.branch.starts_with");
    let (analysis, offset) = fixture(&on_receiver);
    let receiver = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        receiver.markdown.contains("runtime context"),
        "{}",
        receiver.markdown
    );
}

#[test]
fn hover_on_choose_and_on_a_strategy_constructor_explains_them() {
    let text = "pipeline ci {\n  on manual {\n    input how: enum(\"canary\", \"rolling\") = \"canary\"\n  }\n  job d {\n    deploy api {\n      image = \"ghcr.io/acme/api:1\"\n      port = 8080\n      strategy = cho$0ose(inputs.how, { canary = canary { steps = [50%, 100%] }, rolling = roll$1ing { max_surge = 1 } })\n    }\n  }\n}\n";
    let (analysis, offset) = fixture(&text.replace("$1", ""));
    let shown = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        shown.markdown.contains("choose(inputs.NAME"),
        "{}",
        shown.markdown
    );
    let (analysis, offset) = fixture(&text.replace("$0", "").replace("$1", "$0"));
    let constructor = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        constructor
            .markdown
            .contains("rolling { max_surge, max_unavailable } -> strategy"),
        "{}",
        constructor.markdown
    );
    assert!(
        constructor.markdown.contains("built-in constructor"),
        "{}",
        constructor.markdown
    );
}

#[test]
fn hover_on_a_strategy_field_shows_its_type() {
    let text = "pipeline ci {\n  job d {\n    deploy api {\n      image    = \"ghcr.io/acme/api:1\"\n      port     = 8080\n      strategy = blue_green {\n        preview_duration = 2m\n        smoke_test = { run = \"true\", time$1out = 2m }\n        scale_down$0_delay = 5m\n      }\n    }\n  }\n}\n";
    let (analysis, offset) = fixture(&text.replace("$1", ""));
    let shown = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        shown
            .markdown
            .starts_with("```pipe\nscale_down_delay: duration\n```"),
        "{}",
        shown.markdown
    );
    assert!(
        shown.markdown.contains("`blue_green` strategy"),
        "{}",
        shown.markdown
    );
    let (analysis, offset) = fixture(&text.replace("$0", "").replace("$1", "$0"));
    let shown = hover(&analysis, analysis.root, offset).expect("hover");
    assert!(
        shown.markdown.contains("timeout: duration"),
        "{}",
        shown.markdown
    );
    assert!(shown.markdown.contains("smoke test"), "{}", shown.markdown);
}
