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
