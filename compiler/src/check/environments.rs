//! Phase 2k: environment names. The label of `environment NAME` becomes a
//! GitHub environment, a GitLab environment and the suffix of a Kubernetes
//! namespace and directory, so it must be a DNS-1123 label: lowercase
//! letters, digits and `-`, starting and ending with a letter or digit, at
//! most 63 characters. (A `.pipe` name is already within the characters
//! GitHub and GitLab accept.) The fix renames `Prod_EU` to `prod-eu`.

use crate::check::{literal_text, walk};
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::SourceId;
use crate::syntax::ast::{Block, ExprKind, Ident, Item};

/// The longest DNS-1123 label.
const LONGEST: usize = 63;

pub fn check_environment_names(
    items: &[Item],
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    walk::for_each_body(items, &mut |body| {
        for block in body.blocks() {
            if block.keyword.name == "environment"
                && let Some(label) = &block.label
                && let Some(problem) = name_problem(&label.name)
            {
                diagnostics.push(invalid_name(label, problem, source));
            }
        }
    });
}

/// Whether an environment is production: `tier = "production"`, or named
/// `production` or `prod`.
pub fn is_production(environment: &Block) -> bool {
    let named = environment.label.as_ref().is_some_and(|label| {
        label.name.eq_ignore_ascii_case("production") || label.name.eq_ignore_ascii_case("prod")
    });
    let tier = environment
        .body
        .iter()
        .flat_map(|body| body.items.iter())
        .any(|item| match item {
            Item::Attribute(attribute) if attribute.key.name == "tier" => {
                matches!(&attribute.value.kind, ExprKind::String(tier) if tier.as_plain().as_deref() == Some("production"))
            }
            _ => false,
        });
    named || tier
}

/// What keeps `name` from being a DNS-1123 label.
fn name_problem(name: &str) -> Option<String> {
    if name.len() > LONGEST {
        return Some(format!("it is longer than {LONGEST} characters"));
    }
    let uppercase = name.chars().any(|c| c.is_ascii_uppercase());
    let underscore = name.contains('_');
    let other = name
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '_' | '-'));
    let bad_edge = [name.chars().next(), name.chars().last()]
        .iter()
        .any(|edge| edge.is_some_and(|c| !c.is_ascii_alphanumeric()));
    Some(match (uppercase, underscore, other) {
        (_, _, Some(character)) => format!("`{character}` is not allowed"),
        (true, true, None) => "it has uppercase letters and `_`".to_owned(),
        (true, false, None) => "it has uppercase letters".to_owned(),
        (false, true, None) => "it has `_`".to_owned(),
        (false, false, None) if bad_edge => {
            "it must start and end with a letter or digit".to_owned()
        }
        (false, false, None) => return None,
    })
}

/// `Prod_EU` → `prod-eu`, when that is a valid name and a `.pipe` name.
fn suggested_name(name: &str) -> Option<String> {
    let mut suggestion = String::with_capacity(name.len());
    for character in name.chars() {
        let character = if character == '_' {
            '-'
        } else {
            character.to_ascii_lowercase()
        };
        // `a__b` would become `a--b`, which is not one `.pipe` name.
        if !(character == '-' && suggestion.ends_with('-')) {
            suggestion.push(character);
        }
    }
    let suggestion = suggestion.trim_matches('-').to_owned();
    let starts_with_letter = suggestion
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase());
    (starts_with_letter && suggestion != name && name_problem(&suggestion).is_none())
        .then_some(suggestion)
}

fn invalid_name(label: &Ident, problem: String, source: SourceId) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        Code::InvalidEnvironmentName,
        format!(
            "invalid environment name `{}`: {problem}",
            literal_text::display_chars(label.name.chars())
        ),
        Label::new(source, label.span, "not a valid Kubernetes name"),
    )
    .with_note(format!("the environment name is also the suffix of a Kubernetes namespace and directory: lowercase letters, digits and `-`, starting and ending with a letter or digit, at most {LONGEST} characters"));
    match suggested_name(&label.name) {
        Some(suggestion) => diagnostic
            .with_help(format!("rename it `{suggestion}`"))
            .with_fix(
                format!("rename it `{suggestion}`"),
                vec![Edit {
                    source,
                    span: label.span,
                    replacement: suggestion,
                }],
            ),
        None => diagnostic.with_help("use lowercase letters, digits and `-`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_names_pass_and_others_fail() {
        for name in ["production", "staging", "eu-west-1", "a"] {
            assert_eq!(name_problem(name), None, "{name}");
        }
        for name in ["Production", "prod_eu", "_staging", "x".repeat(64).as_str()] {
            assert!(name_problem(name).is_some(), "{name}");
        }
    }

    #[test]
    fn suggestions_are_valid_names() {
        assert_eq!(suggested_name("Prod_EU").as_deref(), Some("prod-eu"));
        assert_eq!(suggested_name("_staging_").as_deref(), Some("staging"));
        assert_eq!(suggested_name("a__b").as_deref(), Some("a-b"));
        assert_eq!(suggested_name("_1x"), None);
        assert_eq!(suggested_name(&"X".repeat(64)), None);
    }
}
