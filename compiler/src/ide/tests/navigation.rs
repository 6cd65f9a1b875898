//! Definition, references and rename at cursor markers.

use super::*;

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

/// Two files of one directory: `ci` in one, `deploy` following it in the
/// other, with the cursor in `deploy`'s `pipeline = "…"`.
const FOLLOWER: &str = "//- /project/ci.pipe\npipeline ci {\n  name = \"Build and test\"\n  on push { branches = [\"main\"] }\n  job test { step t { run = \"make test\" } }\n}\n//- /project/deploy.pipe\npipeline deploy {\n  on success { pipeline = \"c$0i\" }\n  job release { step r { run = \"make release\" } }\n}\n";

#[test]
fn definition_of_the_pipeline_followed_is_its_label_in_the_file_beside() {
    let (analysis, offset) = fixture(FOLLOWER);
    assert!(
        crate::ide::diagnostics(&analysis, analysis.root).is_empty(),
        "the upstream is found beside the file"
    );
    let place = definition(&analysis, analysis.root, offset).expect("definition");
    assert_eq!(analysis.source_name(place.source), "/project/ci.pipe");
    assert_eq!(text_at(&analysis, place), "ci");
}

#[test]
fn hover_on_the_pipeline_followed_names_its_file_and_title() {
    let (analysis, offset) = fixture(FOLLOWER);
    let hover = crate::ide::hover::hover(&analysis, analysis.root, offset).expect("hover");
    assert!(hover.markdown.contains("pipeline ci"), "{}", hover.markdown);
    assert!(
        hover.markdown.contains("`ci.pipe` (Build and test)"),
        "{}",
        hover.markdown
    );
}

#[test]
fn completion_in_the_pipeline_followed_offers_the_others_of_the_directory() {
    let text = FOLLOWER.replace("pipeline = \"c$0i\"", "pipeline = \"$0\"").replace(
        "//- /project/deploy.pipe\n",
        "//- /project/release.pipe\npipeline release {\n  on push { tags = [\"v*\"] }\n  job r { step r { run = \"make\" } }\n}\n//- /elsewhere/other.pipe\npipeline other {\n  on push { branches = [\"main\"] }\n  job o { step o { run = \"make\" } }\n}\n//- /project/deploy.pipe\n",
    );
    let (analysis, offset) = fixture(&text);
    let completions = crate::ide::completion::completions(&analysis, analysis.root, offset);
    // Not `deploy` itself, nor a pipeline of another directory.
    assert_eq!(labels(&completions), ["ci", "release"]);
}
