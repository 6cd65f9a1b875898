//! Unit tests of the lexer.

use super::*;

fn kinds(source: &str) -> Vec<String> {
    lex(source, SourceId(0))
        .tokens
        .iter()
        .map(|(token, _)| format!("{token:?}"))
        .collect()
}

#[test]
fn line_breaks_inside_brackets_are_not_tokens() {
    assert_eq!(
        kinds("a = [\n1,\n2\n]\n"),
        [
            "Ident(\"a\")",
            "Assign",
            "LBracket",
            "Int(1)",
            "Comma",
            "Int(2)",
            "RBracket",
            "Newline"
        ]
    );
}

#[test]
fn interpolation_switches_to_code_and_back() {
    assert_eq!(
        kinds("\"a${x}b\""),
        [
            "StrStart { triple: false }",
            "StrText(\"a\")",
            "InterpStart",
            "Ident(\"x\")",
            "InterpEnd",
            "StrText(\"b\")",
            "StrEnd"
        ]
    );
}

#[test]
fn durations_combine_units() {
    assert_eq!(kinds("1h30m"), ["Duration(5400000)"]);
    assert_eq!(kinds("500ms"), ["Duration(500)"]);
}

#[test]
fn bad_unit_is_one_error() {
    let lexed = lex("5x", SourceId(0));
    assert_eq!(lexed.diagnostics.len(), 1);
    assert_eq!(lexed.diagnostics[0].code, Code::InvalidNumber);
}

#[test]
fn dashes_join_identifier_words() {
    assert_eq!(kinds("build-image"), ["Ident(\"build-image\")"]);
    assert_eq!(kinds("a -b"), ["Ident(\"a\")", "Minus", "Ident(\"b\")"]);
}

#[test]
fn comments_go_to_the_side_table() {
    let lexed = lex("a // note\nb", SourceId(0));
    assert_eq!(lexed.comments.len(), 1);
    assert_eq!(lexed.comments[0].text, " note");
    assert_eq!(lexed.tokens.len(), 3);
}
