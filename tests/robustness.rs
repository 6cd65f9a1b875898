//! The parser never panics and always returns a tree, whatever the input:
//! random text, pathological nesting, huge lines, unterminated constructs.
//! Runs on the test harness's own threads, whose stacks are small (2 MiB),
//! so deep input that recursed without bound would fail here.

use pipec::diagnostic::Code;
use proptest::prelude::*;

fn codes(text: &str) -> Vec<Code> {
    pipec::parse_text(text)
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code)
        .collect()
}

#[test]
fn ten_thousand_nested_lists_are_one_nesting_error() {
    let text = format!(
        "pipeline a {{ x = {}{} }}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(codes(&text), [Code::NestingTooDeep]);
}

#[test]
fn ten_thousand_nested_blocks_are_one_nesting_error() {
    let text = format!("pipeline a {}{}", "{".repeat(10_000), "}".repeat(10_000));
    assert_eq!(codes(&text), [Code::NestingTooDeep]);
}

#[test]
fn ten_thousand_nested_interpolations_are_reported() {
    let text = format!(
        "pipeline a {{ x = \"{}{}\" }}",
        "${\"".repeat(10_000),
        "\"}".repeat(10_000)
    );
    assert!(codes(&text).contains(&Code::NestingTooDeep));
}

#[test]
fn unclosed_brackets_to_the_end_of_a_long_line_are_reported_once_each_kind() {
    let text = "(".repeat(100_000);
    let found = codes(&text);
    assert!(found.contains(&Code::NestingTooDeep));
    assert!(found.len() <= 2, "{found:?}");
}

#[test]
fn a_ten_megabyte_line_parses() {
    let text = format!("x = \"{}\"\n", "a".repeat(10 * 1024 * 1024));
    assert_eq!(codes(&text), []);
}

#[test]
fn long_operator_chains_stay_shallow() {
    let text = format!("pipeline a {{ x = a{} }}", " || a && !b".repeat(100_000));
    assert_eq!(codes(&text), []);
}

#[test]
fn unterminated_string_and_interpolation_at_end_of_file() {
    assert_eq!(codes("x = \"abc"), [Code::UnterminatedString]);
    assert_eq!(codes("x = \"\"\"abc\n  def"), [Code::UnterminatedString]);
    assert_eq!(codes("x = \"a ${ b"), [Code::UnterminatedInterpolation]);
    assert_eq!(codes("x = \"\"\"a ${ b"), [Code::UnterminatedInterpolation]);
}

#[test]
fn invalid_utf8_read_lossily_still_parses() {
    // The CLI refuses non-UTF-8 files; the library must still cope with the
    // replacement characters a lossy reader would produce.
    let text = String::from_utf8_lossy(b"job a { x = \xff\xfe }").into_owned();
    assert_eq!(codes(&text), [Code::InvalidCharacter]);
}

/// Characters the grammar cares about, to make random inputs hit interesting paths.
fn pipe_like_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "pipeline", "job", "step", " ", "\n", "{", "}", "(", ")", "[", "]", "\"", "\"\"\"", "${",
        "$${", "=", "==", "!", "&&", "||", ",", ".", ":", "a", "b-c", "1", "5m", "10%", "1.5",
        "//c\n", "\\", "\\u{", "import", "template", "use", "input", "enum", "in", "<", ">", "é",
        "\t", "#", "-",
    ]);
    prop::collection::vec(pieces, 0..200).prop_map(|pieces| pieces.concat())
}

/// Text for the string values that the value checks take apart (globs,
/// image references, URLs): their separators, escapes and interpolations.
fn value_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "a",
        "Z",
        "0",
        "9",
        ".",
        "/",
        "./",
        "-",
        "_",
        "__",
        ":",
        "@",
        "*",
        "**",
        "?",
        "+",
        "[",
        "]",
        "!",
        "\\\\",
        "\\n",
        "\\u{e9}",
        "${x}",
        "$${",
        " ",
        "é",
        "sha256:",
        "http://",
        "https://",
        "//",
        "~",
        "^",
        "localhost",
        "%",
        "a-",
        "[a-",
        "z-a]",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|pieces| pieces.concat())
}

/// Whether `span` lies within `text` on character boundaries.
fn fits(text: &str, span: pipec::span::Span) -> bool {
    span.start <= span.end && text.get(span.range()).is_some()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn value_checks_never_panic_and_point_into_the_text(
        value in value_text(),
        environment in "[a-zA-Z_][a-zA-Z0-9_]{0,70}",
    ) {
        let text = format!(
            "pipeline p {{\n  on push {{ branches = [\"{value}\"], paths = [\"{value}\"] }}\n  \
             on manual {{ input x: string = \"{value}\" }}\n  env {{ A = \"{value}\" }}\n  \
             job j {{\n    image = \"{value}\"\n    \
             environment {environment} {{ url = \"{value}\", tier = \"production\" }}\n    \
             service s {{ image = \"{value}\" }}\n    deploy d {{ image = \"{value}\" }}\n    \
             step s {{ run = \"echo ${{env.A}}\" }}\n  }}\n}}\n"
        );
        let mut sources = pipec::source::Sources::new();
        sources.add("p.pipe", text.clone());
        let result = pipec::check(&mut sources, &pipec::resolve::NoFiles);
        for diagnostic in &result.diagnostics {
            prop_assert!(fits(&text, diagnostic.primary.span), "{diagnostic:?}");
            for fix in &diagnostic.fixes {
                for edit in &fix.edits {
                    prop_assert!(fits(&text, edit.span), "{diagnostic:?}");
                }
            }
        }
    }

    #[test]
    fn parser_never_panics_on_token_soup(text in pipe_like_text()) {
        let parsed = pipec::parse_text(&text);
        for diagnostic in &parsed.diagnostics {
            let span = diagnostic.primary.span;
            prop_assert!(span.start <= span.end && span.end as usize <= text.len());
        }
    }

    #[test]
    fn parser_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = pipec::parse_text(&text);
    }

    #[test]
    fn parser_never_panics_on_lossy_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = pipec::parse_text(&String::from_utf8_lossy(&bytes));
    }
}
