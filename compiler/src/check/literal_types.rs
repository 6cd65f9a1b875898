//! Phase 2h: literal attribute values against the type the block schema
//! gives (`timeout = 30` is not a duration). Values computed from the
//! runtime context, calls and template parameters are typed by the type
//! checker proper; only literals are judged here.

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::SourceId;
use crate::syntax::ast::{Expr, ExprKind};

/// The kind of a literal, or `None` for values that are not literals.
fn literal_kind(expr: &Expr) -> Option<&'static str> {
    Some(match &expr.kind {
        ExprKind::Int(_) => "int",
        ExprKind::Bool(_) => "bool",
        ExprKind::Duration(_) => "duration",
        ExprKind::Percent(_) => "percent",
        ExprKind::String(_) => "string",
        ExprKind::List(_) => "list",
        ExprKind::Record(_) => "record",
        ExprKind::Unary { operand, .. } => return literal_kind(operand),
        _ => return None,
    })
}

/// Checks `value` against the schema type `expected`; types the literal
/// check cannot judge (`health`, `strategy`, `list<status>`) are skipped.
pub fn check_literal(
    value: &Expr,
    expected: &str,
    attribute: &str,
    source: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(alternatives) = crate::types::schema_alternatives(expected) {
        // `string | list<string>`: either alternative will do, and the
        // second is tried only when the first does not fit.
        let mut rejected = Vec::new();
        check_literal(value, alternatives.0, attribute, source, &mut rejected);
        if rejected.is_empty() {
            return;
        }
        rejected.clear();
        check_literal(value, alternatives.1, attribute, source, &mut rejected);
        if !rejected.is_empty() {
            diagnostics.push(mismatch(value, expected, attribute, source));
        }
        return;
    }
    let Some(found) = literal_kind(value) else {
        return;
    };
    if let Some(element) = expected
        .strip_prefix("list<")
        .and_then(|rest| rest.strip_suffix('>'))
    {
        match &value.kind {
            ExprKind::List(elements) => {
                for element_value in elements {
                    check_literal(element_value, element, attribute, source, diagnostics);
                }
            }
            _ => diagnostics.push(mismatch(value, expected, attribute, source)),
        }
        return;
    }
    if let Some(variants) = expected
        .strip_prefix("enum(")
        .and_then(|rest| rest.strip_suffix(')'))
    {
        let allowed: Vec<&str> = variants
            .split(", ")
            .map(|variant| variant.trim_matches('"'))
            .collect();
        let matches = match &value.kind {
            ExprKind::String(string) => string
                .as_plain()
                .is_none_or(|text| allowed.contains(&text.as_str())),
            _ => false,
        };
        if !matches {
            let choices = allowed
                .iter()
                .map(|variant| format!("`\"{variant}\"`"))
                .collect::<Vec<_>>()
                .join(", ");
            let found_text = match &value.kind {
                ExprKind::String(string) => string.as_plain().map(|text| format!("`\"{text}\"`")),
                _ => None,
            };
            let mut diagnostic = match found_text {
                Some(found_text) => Diagnostic::new(
                    Code::AttributeTypeMismatch,
                    format!("`{attribute}` expects one of {choices}, found {found_text}"),
                    Label::new(source, value.span, "not one of the allowed values"),
                ),
                None => mismatch(value, expected, attribute, source)
                    .with_help(format!("one of {choices}")),
            };
            if let ExprKind::String(string) = &value.kind
                && let Some(text) = string.as_plain()
            {
                suggest::offer(&mut diagnostic, &text, &allowed, source, value.span);
                // The fix must keep the quotes.
                if let Some(fix) = diagnostic.fixes.last_mut() {
                    for edit in &mut fix.edits {
                        edit.replacement = format!("\"{}\"", edit.replacement);
                    }
                }
            }
            diagnostics.push(diagnostic);
        }
        return;
    }
    let accepted: &[&str] = match expected {
        "string" | "cron" | "glob" | "job" => &["string"],
        "int" => &["int"],
        "bool" => &["bool"],
        "duration" => &["duration"],
        "percent" => &["percent"],
        "record" => &["record"],
        "secret" => {
            if found == "string" {
                diagnostics.push(
                    Diagnostic::new(
                        Code::AttributeTypeMismatch,
                        format!("`{attribute}` expects a secret, found a string written in the file"),
                        Label::new(source, value.span, "a secret's value must not be in the repository"),
                    )
                    .with_help("declare `secret NAME` in the pipeline, set its value in the CI service, and write `secrets.NAME` here"),
                );
            }
            return;
        }
        _ => return,
    };
    // Job names in `needs` are paths, not strings.
    if expected == "job" {
        if let ExprKind::String(string) = &value.kind {
            let mut diagnostic = mismatch(value, "job name", attribute, source)
                .with_help("write the job's name without quotes: `needs = [build]`");
            if let Some(name) = string.as_plain() {
                diagnostic = diagnostic.with_fix(
                    "remove the quotes",
                    vec![crate::diagnostic::Edit {
                        source,
                        span: value.span,
                        replacement: name,
                    }],
                );
            }
            diagnostics.push(diagnostic);
        }
        return;
    }
    if !accepted.contains(&found) {
        diagnostics.push(mismatch(value, expected, attribute, source));
    }
}

fn mismatch(value: &Expr, expected: &str, attribute: &str, source: SourceId) -> Diagnostic {
    let found = literal_kind(value).unwrap_or("value");
    let mut diagnostic = Diagnostic::new(
        Code::AttributeTypeMismatch,
        format!(
            "`{attribute}` expects {}, found {}",
            article(expected),
            article(found)
        ),
        Label::new(source, value.span, format!("expected {expected}")),
    );
    let hint = match (expected, found) {
        ("duration", "int") => Some("write a unit: `30m`, `90s`, `2h`"),
        ("percent", "int") => Some("write a percent: `10%`"),
        ("int", "string") | ("bool", "string") => Some("write the value without quotes"),
        ("string", "int") | ("string", "bool") => Some("quote the value: `\"…\"`"),
        _ => None,
    };
    if let Some(hint) = hint {
        diagnostic = diagnostic.with_help(hint);
    }
    diagnostic
}

fn article(kind: &str) -> String {
    if kind.starts_with("list") || kind.contains('|') {
        return kind.to_owned();
    }
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}
