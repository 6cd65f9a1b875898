//! Outline, code actions, semantic tokens, diagnostics by file, robustness.

use super::*;

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
