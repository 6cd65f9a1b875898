//! Unit tests of the pattern grammar.

use super::pattern::{GlobKind, glob_problem};
use crate::check::literal_text;

fn what(pattern: &str, kind: GlobKind) -> Option<String> {
    let characters: Vec<char> = pattern.chars().collect();
    glob_problem(&characters, kind).map(|problem| problem.what)
}

fn fixed(pattern: &str, kind: GlobKind) -> Option<String> {
    let characters: Vec<char> = pattern.chars().collect();
    let fix = glob_problem(&characters, kind)?.fix?;
    Some(
        literal_text::apply(&characters, &fix.replacements)
            .into_iter()
            .collect(),
    )
}

#[test]
fn valid_patterns_pass() {
    for pattern in [
        "main",
        "feature/*",
        "release/**",
        "v[0-9]+.*",
        "!docs/**",
        "*.jsx?",
        "**",
        "[CB]at",
    ] {
        assert_eq!(what(pattern, GlobKind::Ref), None, "{pattern}");
    }
    for pattern in [
        "src/**",
        "**/*.md",
        "docs/*",
        "!README.md",
        "a b/c",
        "\\[x\\]",
        "**/migrate-*.sql",
    ] {
        assert_eq!(what(pattern, GlobKind::Path), None, "{pattern}");
    }
}

#[test]
fn malformed_patterns_fail() {
    for pattern in [
        "",
        " main",
        "main ",
        "!",
        "[0-9",
        "a]",
        "[]",
        "[a-]",
        "[z-a]",
        "?x",
        "*+",
        "a**b",
        "src/**.py",
        "x\ny",
    ] {
        assert!(what(pattern, GlobKind::Path).is_some(), "{pattern}");
    }
    for pattern in [
        "/main",
        "my branch",
        "a~1",
        "x^",
        "a:b",
        "release/",
        "v1.",
        "a\\*",
    ] {
        assert!(what(pattern, GlobKind::Ref).is_some(), "{pattern}");
    }
    assert!(what("./src/**", GlobKind::Path).is_some());
    assert_eq!(what("a b", GlobKind::Path), None);
}

#[test]
fn fixes_produce_valid_patterns() {
    assert_eq!(fixed("./src/**", GlobKind::Path).as_deref(), Some("src/**"));
    assert_eq!(
        fixed("!/docs/*", GlobKind::Path).as_deref(),
        Some("!docs/*")
    );
    assert_eq!(
        fixed("src/**.py", GlobKind::Path).as_deref(),
        Some("src/**/*.py")
    );
    assert_eq!(fixed(" main", GlobKind::Ref).as_deref(), Some("main"));
    assert_eq!(fixed("/main", GlobKind::Ref).as_deref(), Some("main"));
    // Removing the prefix would leave an empty pattern: no fix.
    assert_eq!(fixed("./", GlobKind::Path), None);
    assert_eq!(fixed("a**b", GlobKind::Path), None);
}
