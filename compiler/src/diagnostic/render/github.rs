//! GitHub Actions workflow commands (`::error file=…::message`), which the
//! runner turns into annotations on the pull request.

use std::fmt::Write;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

/// One `::error` or `::warning` line per diagnostic.
pub fn render_github(sources: &Sources, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let label = &diagnostic.primary;
        let mut properties = String::new();
        if let Some(file) = sources.get(label.source) {
            let start = file.line_column(label.span.start);
            let end = file.line_column(label.span.end);
            let _ = write!(
                properties,
                "file={},line={},col={},endLine={},endColumn={},",
                escape_property(&file.name),
                start.line,
                start.column,
                end.line,
                end.column
            );
        }
        let _ = write!(
            properties,
            "title={}",
            escape_property(diagnostic.code.as_str())
        );
        let mut message = diagnostic.message.clone();
        if !label.message.is_empty() {
            let _ = write!(message, "\n{}", label.message);
        }
        if let Some(help) = &diagnostic.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(out, "::{command} {properties}::{}", escape_data(&message));
    }
    out
}

/// Escapes a message the way `@actions/core` does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value; `:` and `,` separate properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_escape_separators_and_messages_escape_newlines() {
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(escape_data("one\ntwo"), "one%0Atwo");
    }
}
