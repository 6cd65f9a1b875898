//! Machine-readable diagnostics. The schema is versioned by
//! [`JSON_SCHEMA_VERSION`] and documented in `docs/cli.md`; fields are only
//! ever added within a version.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, Summary};
use crate::source::Sources;
use crate::span::{LineColumn, SourceId, Span};

pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    primary: JsonLabel<'a>,
    secondary: Vec<JsonLabel<'a>>,
    notes: &'a [String],
    help: Option<&'a str>,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    span: Span,
    start: LineColumn,
    end: LineColumn,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    file: &'a str,
    span: Span,
    replacement: &'a str,
}

/// The whole report as one pretty-printed JSON document.
pub fn render_json(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let report = Report {
        version: JSON_SCHEMA_VERSION,
        diagnostics: diagnostics
            .iter()
            .map(|diagnostic| json_diagnostic(sources, diagnostic))
            .collect(),
        summary: Summary::of(diagnostics),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

fn json_diagnostic<'a>(sources: &'a Sources, diagnostic: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let label = |label: &'a crate::diagnostic::Label| {
        json_label(sources, label.source, label.span, &label.message)
    };
    JsonDiagnostic {
        code: diagnostic.code.as_str(),
        severity: diagnostic.severity,
        message: &diagnostic.message,
        primary: label(&diagnostic.primary),
        secondary: diagnostic.secondary.iter().map(label).collect(),
        notes: &diagnostic.notes,
        help: diagnostic.help.as_deref(),
        fixes: diagnostic
            .fixes
            .iter()
            .map(|fix| JsonFix {
                message: &fix.message,
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| JsonEdit {
                        file: file_name(sources, edit.source),
                        span: edit.span,
                        replacement: &edit.replacement,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn json_label<'a>(
    sources: &'a Sources,
    source: SourceId,
    span: Span,
    message: &'a str,
) -> JsonLabel<'a> {
    let position = |offset| {
        sources
            .get(source)
            .map_or(LineColumn { line: 0, column: 0 }, |file| {
                file.line_column(offset)
            })
    };
    JsonLabel {
        file: file_name(sources, source),
        span,
        start: position(span.start),
        end: position(span.end),
        message,
    }
}

fn file_name(sources: &Sources, source: SourceId) -> &str {
    sources.get(source).map_or("", |file| file.name.as_str())
}
