//! Terminal rendering through codespan-reporting (see `docs/architecture.md`
//! for why this renderer).

use codespan_reporting::diagnostic as codespan;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, Config, termcolor};

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Sources;

/// Whether to emit ANSI colour codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorMode {
    Never,
    Always,
}

/// Renders diagnostics the way a compiler prints them on a terminal,
/// one after the other, each ending with a blank line.
pub fn render_human(sources: &Sources, diagnostics: &[Diagnostic], color: ColorMode) -> String {
    let config = Config::default();
    // Snippets of very long lines (minified or generated input) would flood
    // the terminal; such diagnostics are printed without the snippet.
    let short_config = Config {
        display_style: term::DisplayStyle::Medium,
        ..Config::default()
    };
    let files = SourceFiles(sources);
    let mut buffer = match color {
        ColorMode::Never => termcolor::Buffer::no_color(),
        ColorMode::Always => termcolor::Buffer::ansi(),
    };
    for diagnostic in diagnostics {
        let converted = to_codespan(diagnostic);
        let config = if touches_long_line(sources, diagnostic) {
            &short_config
        } else {
            &config
        };
        if term::emit_to_write_style(&mut buffer, config, &files, &converted).is_err() {
            // A span that does not fit its text is a compiler bug; print the
            // message without a snippet rather than lose the diagnostic.
            let fallback = format!(
                "{}[{}]: {}\n\n",
                severity_word(diagnostic.severity),
                diagnostic.code,
                diagnostic.message
            );
            let _ = std::io::Write::write_all(&mut buffer, fallback.as_bytes());
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Lines longer than this are not shown in snippets.
const LONGEST_SNIPPET_LINE: usize = 400;

fn touches_long_line(sources: &Sources, diagnostic: &Diagnostic) -> bool {
    std::iter::once(&diagnostic.primary)
        .chain(&diagnostic.secondary)
        .any(|label| {
            sources.get(label.source).is_some_and(|file| {
                let line = file.line_index().line_of(label.span.start);
                let start = file.line_index().line_start(line) as usize;
                let end = if line + 1 < file.line_index().line_count() {
                    file.line_index().line_start(line + 1) as usize
                } else {
                    file.text.len()
                };
                end - start > LONGEST_SNIPPET_LINE
            })
        })
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn to_codespan(diagnostic: &Diagnostic) -> codespan::Diagnostic<u32> {
    let severity = match diagnostic.severity {
        Severity::Error => codespan::Severity::Error,
        Severity::Warning => codespan::Severity::Warning,
    };
    let primary = &diagnostic.primary;
    let mut labels = vec![
        codespan::Label::primary(primary.source.0, primary.span.range())
            .with_message(&primary.message),
    ];
    labels.extend(diagnostic.secondary.iter().map(|label| {
        codespan::Label::secondary(label.source.0, label.span.range()).with_message(&label.message)
    }));
    let mut notes: Vec<String> = diagnostic
        .notes
        .iter()
        .map(|note| format!("note: {note}"))
        .collect();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    codespan::Diagnostic::new(severity)
        .with_code(diagnostic.code.as_str())
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Adapts [`Sources`] to codespan's file database without copying texts or
/// recomputing line starts.
struct SourceFiles<'a>(&'a Sources);

impl<'a> Files<'a> for SourceFiles<'a> {
    type FileId = u32;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: u32) -> Result<&'a str, FilesError> {
        self.file(id).map(|file| file.name.as_str())
    }

    fn source(&'a self, id: u32) -> Result<&'a str, FilesError> {
        self.file(id).map(|file| file.text.as_str())
    }

    fn line_index(&'a self, id: u32, byte_index: usize) -> Result<usize, FilesError> {
        let file = self.file(id)?;
        let offset = u32::try_from(byte_index).map_err(|_| FilesError::FileMissing)?;
        Ok(file.line_index().line_of(offset))
    }

    fn line_range(
        &'a self,
        id: u32,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        let file = self.file(id)?;
        let count = file.line_index().line_count();
        if line_index >= count {
            return Err(FilesError::LineTooLarge {
                given: line_index,
                max: count.saturating_sub(1),
            });
        }
        let start = file.line_index().line_start(line_index) as usize;
        let end = if line_index + 1 < count {
            file.line_index().line_start(line_index + 1) as usize
        } else {
            file.text.len()
        };
        Ok(start..end)
    }
}

impl SourceFiles<'_> {
    fn file(&self, id: u32) -> Result<&crate::source::SourceFile, FilesError> {
        self.0
            .get(crate::span::SourceId(id))
            .ok_or(FilesError::FileMissing)
    }
}
