//! The editor features on small fixtures: one or more files, `//- /name`
//! starting each, and `$0` marking the cursor (in the root, the file that
//! holds it). Each test states the behaviour an editor user sees.

use std::collections::HashMap;

use super::*;
use crate::resolve::ModuleLoader;

struct Files(HashMap<String, String>);

impl ModuleLoader for Files {
    fn load(&self, path: &str) -> Result<String, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_owned())
    }
}

/// The analysis of the fixture's root and the cursor's byte offset.
fn fixture(text: &str) -> (Analysis, u32) {
    let mut files: Vec<(String, String)> = Vec::new();
    if text.starts_with("//- ") {
        for section in text.split("//- ").skip(1) {
            let (name, body) = section.split_once('\n').unwrap_or((section, ""));
            files.push((name.trim().to_owned(), body.to_owned()));
        }
    } else {
        files.push(("/main.pipe".to_owned(), text.to_owned()));
    }
    let root = files
        .iter()
        .position(|(_, body)| body.contains("$0"))
        .unwrap_or(0);
    let (root_name, root_text) = files[root].clone();
    let offset = root_text.find("$0").unwrap_or(root_text.len());
    let root_text = root_text.replacen("$0", "", 1);
    let loader = Files(files.into_iter().collect());
    let analysis = Analysis::new(&root_name, &root_text, &loader);
    (analysis, offset as u32)
}

fn labels(completions: &[Completion]) -> Vec<&str> {
    completions
        .iter()
        .map(|completion| completion.label.as_str())
        .collect()
}

fn text_at(analysis: &Analysis, place: FileSpan) -> &str {
    analysis
        .text(place.source)
        .get(place.span.range())
        .unwrap_or("")
}

const PIPELINE: &str = "pipeline ci {
  secret TOKEN
  on manual {
    input target: enum(\"staging\", \"production\") = \"staging\" { description = \"where to deploy\" }
  }
  job build {
    matrix { os = [\"ubuntu-24.04\"] }
    step make { run = \"make\" }
    output tag = \"v1\"
  }
  job test {
    needs = [build]
    step check { run = \"echo ${jobs.build.outputs.tag}\" }
  }
}
";

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
        hover.markdown.contains("template setup(version: string"),
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
fn definition_of_a_needed_job_is_its_label() {
    let text = PIPELINE.replace("needs = [build]", "needs = [bu$0ild]");
    let (analysis, offset) = fixture(&text);
    let place = definition(&analysis, analysis.root, offset).expect("definition");
    assert_eq!(text_at(&analysis, place), "build");
    assert!(
        place.span.start < offset,
        "the label comes before the reference"
    );
}

#[test]
fn definition_goes_into_an_imported_file_and_into_the_standard_library() {
    let (analysis, offset) = fixture(
        "//- /common.pipe\ntemplate lint() : steps {\n  step l { run = \"lint\" }\n}\n//- /main.pipe\nimport \"./common.pipe\"\npipeline ci {\n  job a { use common.li$0nt() }\n}\n",
    );
    let place = definition(&analysis, analysis.root, offset).expect("definition");
    assert_eq!(analysis.source_name(place.source), "/common.pipe");
    assert_eq!(text_at(&analysis, place), "lint");

    let (analysis, offset) = fixture(
        "import \"std/github\"\npipeline ci {\n  job a { step c = github.check$0out() }\n}\n",
    );
    let place = definition(&analysis, analysis.root, offset).expect("definition");
    assert_eq!(analysis.source_name(place.source), "std/github");
    assert_eq!(text_at(&analysis, place), "checkout");
}

#[test]
fn definition_of_an_import_path_is_the_module() {
    let (analysis, offset) = fixture("import \"std/pyt$0hon\" as py\n");
    let place = definition(&analysis, analysis.root, offset).expect("definition");
    assert_eq!(analysis.source_name(place.source), "std/python");
    assert_eq!(place.span, Span::empty_at(0));
}

#[test]
fn references_of_a_job_include_needs_and_outputs_paths() {
    let text = PIPELINE.replace("job build {", "job bu$0ild {");
    let (analysis, offset) = fixture(&text);
    let places = references(&analysis, analysis.root, offset, true);
    let texts: Vec<&str> = places
        .iter()
        .map(|place| text_at(&analysis, *place))
        .collect();
    assert_eq!(
        texts,
        ["build", "build", "build"],
        "label, needs, jobs.build.outputs"
    );
    assert_eq!(references(&analysis, analysis.root, offset, false).len(), 2);
}

#[test]
fn rename_of_a_secret_edits_the_declaration_and_every_use() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  secret TOK$0EN\n  job a {\n    env { T = secrets.TOKEN, U = \"x${secrets.TOKEN}\" }\n    step s { run = \"x\" }\n  }\n}\n",
    );
    let edits = rename(&analysis, analysis.root, offset, "API_TOKEN").expect("rename");
    assert_eq!(edits.len(), 3);
    assert!(edits.iter().all(|edit| edit.replacement == "API_TOKEN"));
}

#[test]
fn rename_of_a_template_edits_its_uses() {
    let (analysis, offset) = fixture(
        "template setup() : steps {\n  step s { run = \"x\" }\n}\npipeline ci {\n  job a { use set$0up() }\n  job b { use setup }\n}\n",
    );
    let edits = rename(&analysis, analysis.root, offset, "prepare").expect("rename");
    assert_eq!(edits.len(), 3);
}

#[test]
fn rename_refuses_bad_names_and_the_standard_library() {
    let text = PIPELINE.replace("job build {", "job bu$0ild {");
    let (analysis, offset) = fixture(&text);
    assert_eq!(
        rename(&analysis, analysis.root, offset, "not a name"),
        Err(RenameError::InvalidName("not a name".to_owned()))
    );
    assert!(rename(&analysis, analysis.root, offset, "use").is_err());
    let (analysis, offset) = fixture(
        "import \"std/github\"\npipeline ci {\n  job a { step c = github.check$0out() }\n}\n",
    );
    assert_eq!(
        rename(&analysis, analysis.root, offset, "co"),
        Err(RenameError::InStandardLibrary)
    );
}

#[test]
fn document_symbols_nest_jobs_and_steps_in_their_pipeline() {
    let (analysis, _) = fixture(PIPELINE);
    let symbols = document_symbols(&analysis, analysis.root);
    assert_eq!(symbols.len(), 1);
    let pipeline = &symbols[0];
    assert_eq!(
        (pipeline.name.as_str(), pipeline.kind),
        ("ci", DocumentSymbolKind::Pipeline)
    );
    let names: Vec<&str> = pipeline
        .children
        .iter()
        .map(|child| child.name.as_str())
        .collect();
    assert_eq!(names, ["TOKEN", "manual", "build", "test"]);
    let build = &pipeline.children[2];
    let inner: Vec<&str> = build
        .children
        .iter()
        .map(|child| child.name.as_str())
        .collect();
    assert_eq!(inner, ["make", "tag"]);
}

#[test]
fn code_actions_offer_the_fix_of_a_misspelt_attribute() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  job a {\n    timout$0 = 5m\n    step s { run = \"x\" }\n  }\n}\n",
    );
    let actions = code_actions(&analysis, analysis.root, Span::empty_at(offset));
    let action = actions.first().expect("a fix");
    assert_eq!(action.diagnostic.code.as_str(), "E0202");
    assert_eq!(action.edits[0].replacement, "timeout");
}

#[test]
fn code_actions_offer_moving_a_secret_into_env() {
    let (analysis, offset) = fixture(
        "pipeline ci {\n  secret TOKEN\n  job a {\n    step s { run = \"curl -H ${secrets.TO$0KEN}\" }\n  }\n}\n",
    );
    let actions = code_actions(&analysis, analysis.root, Span::empty_at(offset));
    assert!(
        actions
            .iter()
            .any(|action| action.diagnostic.code.as_str() == "E0306"),
        "{actions:?}"
    );
}

#[test]
fn semantic_tokens_tell_jobs_secrets_and_context_apart_and_do_not_overlap() {
    let (analysis, _) = fixture(PIPELINE);
    let tokens = semantic_tokens(&analysis, analysis.root);
    for pair in tokens.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start, "{pair:?}");
    }
    let text = analysis.text(analysis.root);
    let of = |word: &str| {
        tokens
            .iter()
            .find(|token| text.get(token.span.range()) == Some(word))
            .map(|token| token.token_type)
    };
    assert_eq!(of("pipeline"), Some(TokenType::Keyword));
    assert_eq!(of("TOKEN"), Some(TokenType::Variable));
    assert_eq!(of("jobs"), Some(TokenType::Variable));
    assert_eq!(of("target"), Some(TokenType::Parameter));
    assert_eq!(of("run"), Some(TokenType::Property));
}

#[test]
fn diagnostics_belong_to_the_file_of_their_primary_label() {
    let (analysis, _) = fixture(
        "//- /common.pipe\ntemplate t() : steps {\n  step s { timout = 5m }\n}\n//- /main.pipe\nimport \"./common.pipe\"\npipeline ci {\n  job a { use common.t() }\n  job b { needs = [nope]$0 }\n}\n",
    );
    let root: Vec<&str> = diagnostics(&analysis, analysis.root)
        .iter()
        .map(|diagnostic| diagnostic.code.as_str())
        .collect();
    assert!(root.contains(&"E0204"), "{root:?}");
    assert!(
        !root.contains(&"E0202"),
        "the misspelling is in common.pipe"
    );
    let common = analysis.source_named("/common.pipe").expect("loaded");
    assert!(
        diagnostics(&analysis, common)
            .iter()
            .any(|diagnostic| diagnostic.code.as_str() == "E0202")
    );
}

#[test]
fn every_feature_answers_at_every_offset_of_broken_text() {
    let texts = [
        PIPELINE,
        "pipeline ci {\n  job a {\n    needs = [\n",
        "import \"std/\npipeline { job { step s = github.",
        "template t(x: enum(\"a\"), : steps { use t(x = \"a\" }\n\"\u{e9}\" = ${",
    ];
    for text in texts {
        let (analysis, _) = fixture(text);
        let root = analysis.root;
        for offset in 0..=text.len() as u32 + 2 {
            let _ = completions(&analysis, root, offset);
            let _ = hover(&analysis, root, offset);
            let _ = references(&analysis, root, offset, true);
            let _ = rename(&analysis, root, offset, "x");
            let _ = code_actions(&analysis, root, Span::empty_at(offset));
        }
        let _ = semantic_tokens(&analysis, root);
        let _ = document_symbols(&analysis, root);
    }
}

#[test]
fn identifiers_follow_the_lexer() {
    assert!(is_identifier("build-image"));
    assert!(is_identifier("_x1"));
    assert!(!is_identifier("x-"));
    assert!(!is_identifier("a--b"));
    assert!(!is_identifier("1x"));
    assert!(!is_identifier("template"));
    assert!(!is_identifier(""));
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
fn references_of_a_template_parameter_include_named_arguments() {
    let (analysis, offset) = fixture(
        "template setup(vers$0ion: string = \"3\") : steps {\n  step s { run = \"v ${version}\" }\n}\npipeline ci {\n  job a { use setup(version = \"4\") }\n}\n",
    );
    let places = references(&analysis, analysis.root, offset, true);
    assert_eq!(
        places.len(),
        3,
        "the parameter, its use in the body, the named argument"
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
