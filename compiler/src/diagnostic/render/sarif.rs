//! SARIF 2.1.0, for code-scanning uploads (GitHub's `upload-sarif`,
//! GitLab's code quality reports read it too): one run of `pipec`, one
//! rule per code used, one result per diagnostic with its related
//! locations and its fixes as artifact changes.

use serde_json::{Value, json};

use crate::diagnostic::{Code, Diagnostic, ExplainPage, Label, Severity};
use crate::source::Sources;

/// The whole log as one pretty-printed JSON document.
pub fn render_sarif(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut codes: Vec<Code> = diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code)
        .collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<Value> = codes.iter().map(|code| rule(*code)).collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| result(sources, diagnostic, &codes))
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "pipec",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://example.invalid/pipec",
                    "rules": rules,
                }
            },
            // Columns count Unicode scalar values, as everywhere in pipec.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn rule(code: Code) -> Value {
    let mut rule = json!({
        "id": code.as_str(),
        "shortDescription": { "text": code.summary() },
        "defaultConfiguration": { "level": level(code.severity()) },
    });
    if let Some(page) = ExplainPage::of(code) {
        rule["fullDescription"] = json!({ "text": first_paragraph(page.body) });
        rule["help"] = json!({
            "text": format!("Run `pipec explain {}` for the example and the fix.", code.as_str()),
            "markdown": page.body,
        });
    }
    rule
}

fn first_paragraph(body: &str) -> String {
    body.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(sources: &Sources, diagnostic: &Diagnostic, codes: &[Code]) -> Value {
    let mut message = diagnostic.message.clone();
    for note in &diagnostic.notes {
        message.push_str("\nnote: ");
        message.push_str(note);
    }
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut value = json!({
        "ruleId": diagnostic.code.as_str(),
        "ruleIndex": codes.iter().position(|code| *code == diagnostic.code).unwrap_or(0),
        "level": level(diagnostic.severity),
        "message": { "text": message },
        "locations": [location(sources, &diagnostic.primary, None)],
    });
    if !diagnostic.secondary.is_empty() {
        value["relatedLocations"] = Value::Array(
            diagnostic
                .secondary
                .iter()
                .enumerate()
                .map(|(index, label)| location(sources, label, Some(index + 1)))
                .collect(),
        );
    }
    if !diagnostic.fixes.is_empty() {
        value["fixes"] = Value::Array(
            diagnostic
                .fixes
                .iter()
                .map(|fix| {
                    json!({
                        "description": { "text": fix.message },
                        "artifactChanges": fix.edits.iter().map(|edit| json!({
                            "artifactLocation": { "uri": uri(sources, edit.source) },
                            "replacements": [{
                                "deletedRegion": region(sources, edit.source, edit.span),
                                "insertedContent": { "text": edit.replacement },
                            }],
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        );
    }
    value
}

fn location(sources: &Sources, label: &Label, id: Option<usize>) -> Value {
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(sources, label.source) },
            "region": region(sources, label.source, label.span),
        },
    });
    if !label.message.is_empty() {
        location["message"] = json!({ "text": label.message });
    }
    if let Some(id) = id {
        location["id"] = json!(id);
    }
    location
}

fn region(sources: &Sources, source: crate::span::SourceId, span: crate::span::Span) -> Value {
    let Some(file) = sources.get(source) else {
        return json!({ "startLine": 1, "startColumn": 1 });
    };
    let start = file.line_column(span.start);
    let end = file.line_column(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// A relative URI: the file name as given, with spaces and `%` escaped.
fn uri(sources: &Sources, source: crate::span::SourceId) -> String {
    let name = sources
        .get(source)
        .map_or("unknown", |file| file.name.as_str());
    let mut escaped = String::with_capacity(name.len());
    for byte in name.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                escaped.push(byte as char)
            }
            other => escaped.push_str(&format!("%{other:02X}")),
        }
    }
    escaped
}
