//! The protocol's edge: byte offsets ↔ positions in the negotiated
//! encoding (UTF-16 unless the client offers UTF-8), spans ↔ ranges, and
//! the compiler's diagnostics, kinds and tokens ↔ the protocol's types.
//! Nothing else in pipec knows UTF-16.

use pipec::diagnostic::{Code, Diagnostic as CompilerDiagnostic, Severity};
use pipec::ide::{self, Analysis, CompletionKind, DocumentSymbolKind};
use pipec::span::{LineIndex, SourceId, Span};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag,
    NumberOrString, Position, Range, Uri,
};

/// How positions count characters within a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The length of `text` in this encoding's units.
    fn units(self, text: &str) -> u32 {
        let count = match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.encode_utf16().count(),
        };
        u32::try_from(count).unwrap_or(u32::MAX)
    }
}

/// One text with its line index, for converting positions in it.
#[derive(Clone, Copy, Debug)]
pub struct Text<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl<'a> Text<'a> {
    /// The text of 0-based `line` without its line break.
    fn line(self, line: usize) -> (usize, &'a str) {
        let start = self.lines.line_start(line) as usize;
        let end = if line + 1 < self.lines.line_count() {
            self.lines.line_start(line + 1) as usize
        } else {
            self.text.len()
        };
        let slice = self.text.get(start..end).unwrap_or("");
        let slice = slice.strip_suffix('\n').unwrap_or(slice);
        let slice = slice.strip_suffix('\r').unwrap_or(slice);
        (start, slice)
    }

    /// The byte offset of `position`; a line or character past the end is
    /// clamped to the end of the line or text, as the protocol asks.
    pub fn offset(self, position: Position, encoding: Encoding) -> u32 {
        let line = position.line as usize;
        if line >= self.lines.line_count() {
            return u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        }
        let (start, line_text) = self.line(line);
        let mut units = 0u32;
        let mut byte = line_text.len();
        for (index, character) in line_text.char_indices() {
            if units >= position.character {
                byte = index;
                break;
            }
            units += match encoding {
                Encoding::Utf8 => character.len_utf8() as u32,
                Encoding::Utf16 => character.len_utf16() as u32,
            };
        }
        u32::try_from(start + byte).unwrap_or(u32::MAX)
    }

    pub fn position(self, offset: u32, encoding: Encoding) -> Position {
        let offset = pipec::span::floor_char_boundary(self.text, offset as usize);
        let line = self
            .lines
            .line_of(u32::try_from(offset).unwrap_or(u32::MAX));
        let start = self.lines.line_start(line) as usize;
        let character = encoding.units(self.text.get(start..offset).unwrap_or(""));
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            character,
        }
    }

    pub fn range(self, span: Span, encoding: Encoding) -> Range {
        Range {
            start: self.position(span.start, encoding),
            end: self.position(span.end, encoding),
        }
    }

    pub fn span(self, range: Range, encoding: Encoding) -> Span {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding);
        Span::new(start as usize, end.max(start) as usize)
    }

    /// The length of `span` in the encoding's units.
    pub fn units(self, span: Span, encoding: Encoding) -> u32 {
        encoding.units(self.text.get(span.range()).unwrap_or(""))
    }
}

/// The text of `source` in `analysis`.
pub fn text_of(analysis: &Analysis, source: SourceId) -> Option<Text<'_>> {
    analysis.sources.get(source).map(|file| Text {
        text: &file.text,
        lines: file.line_index(),
    })
}

/// Where the page of a code is: `docs/errors.md` in the repository, at the
/// heading GitHub derives from `## E0101: unexpected token`.
pub fn code_page(code: Code) -> String {
    let heading = format!("{} {}", code.as_str(), code.summary()).to_lowercase();
    let anchor: String = heading
        .chars()
        .filter(|character| {
            character.is_alphanumeric()
                || *character == ' '
                || *character == '-'
                || *character == '_'
        })
        .map(|character| if character == ' ' { '-' } else { character })
        .collect();
    format!(
        "{}/blob/main/docs/errors.md#{anchor}",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// Codes whose subject is something nothing uses: editors grey it out.
fn is_unnecessary(code: Code) -> bool {
    matches!(code.as_str(), "W0101" | "W0123" | "W0124") || code == Code::UnusedImport
}

/// The protocol's form of one diagnostic; `uri_of` names other sources
/// (secondary labels may point into an imported module).
pub fn diagnostic(
    analysis: &Analysis,
    diagnostic: &CompilerDiagnostic,
    encoding: Encoding,
    uri_of: &dyn Fn(SourceId) -> Option<Uri>,
) -> Option<lsp::Diagnostic> {
    let text = text_of(analysis, diagnostic.primary.source)?;
    let mut message = diagnostic.message.clone();
    if !diagnostic.primary.message.is_empty() {
        message.push_str(&format!("\n{}", diagnostic.primary.message));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related_information: Vec<DiagnosticRelatedInformation> = diagnostic
        .secondary
        .iter()
        .filter_map(|label| {
            let label_text = text_of(analysis, label.source)?;
            Some(DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri: uri_of(label.source)?,
                    range: label_text.range(label.span, encoding),
                },
                message: label.message.clone(),
            })
        })
        .collect();
    Some(lsp::Diagnostic {
        range: text.range(diagnostic.primary.span, encoding),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().to_owned())),
        code_description: code_page(diagnostic.code)
            .parse::<Uri>()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("pipec".to_owned()),
        message,
        related_information: (!related_information.is_empty()).then_some(related_information),
        tags: is_unnecessary(diagnostic.code).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    })
}

pub fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    use lsp::CompletionItemKind as Kind;
    match kind {
        CompletionKind::Keyword => Kind::KEYWORD,
        CompletionKind::Attribute => Kind::PROPERTY,
        CompletionKind::Job | CompletionKind::Step => Kind::CLASS,
        CompletionKind::Secret => Kind::CONSTANT,
        CompletionKind::Input | CompletionKind::Argument => Kind::FIELD,
        CompletionKind::MatrixKey | CompletionKind::Output => Kind::PROPERTY,
        CompletionKind::Module | CompletionKind::Pipeline => Kind::MODULE,
        CompletionKind::Template | CompletionKind::Action | CompletionKind::Function => {
            Kind::FUNCTION
        }
        CompletionKind::EnumValue => Kind::ENUM_MEMBER,
        CompletionKind::Context => Kind::VARIABLE,
    }
}

pub fn symbol_kind(kind: DocumentSymbolKind) -> lsp::SymbolKind {
    use lsp::SymbolKind as Kind;
    match kind {
        DocumentSymbolKind::Import => Kind::PACKAGE,
        DocumentSymbolKind::Template | DocumentSymbolKind::Action => Kind::FUNCTION,
        DocumentSymbolKind::Pipeline => Kind::MODULE,
        DocumentSymbolKind::Trigger => Kind::EVENT,
        DocumentSymbolKind::Secret => Kind::CONSTANT,
        DocumentSymbolKind::Job => Kind::CLASS,
        DocumentSymbolKind::Step => Kind::METHOD,
        DocumentSymbolKind::Input => Kind::FIELD,
        DocumentSymbolKind::Output => Kind::PROPERTY,
        DocumentSymbolKind::Block => Kind::OBJECT,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub fn document_symbol(
    symbol: &ide::DocumentSymbol,
    text: Text<'_>,
    encoding: Encoding,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if symbol.name.is_empty() {
            "?".to_owned()
        } else {
            symbol.name.clone()
        },
        detail: (!symbol.detail.is_empty()).then(|| symbol.detail.clone()),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: text.range(symbol.span, encoding),
        selection_range: text.range(symbol.selection_span, encoding),
        children: Some(
            symbol
                .children
                .iter()
                .map(|child| document_symbol(child, text, encoding))
                .collect(),
        ),
    }
}

/// The legend of the semantic tokens, in the order of the compiler's enums.
pub fn semantic_tokens_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: ide::TokenType::ALL
            .iter()
            .map(|token_type| lsp::SemanticTokenType::new(token_type.name()))
            .collect(),
        token_modifiers: ide::TokenModifier::ALL
            .iter()
            .map(|modifier| lsp::SemanticTokenModifier::new(modifier.name()))
            .collect(),
    }
}

/// Encodes tokens relative to each other, one line at a time: a token that
/// crosses lines (a `"""` string) becomes one token per line.
pub fn semantic_tokens(
    tokens: &[ide::SemanticToken],
    text: Text<'_>,
    encoding: Encoding,
) -> Vec<lsp::SemanticToken> {
    let mut encoded = Vec::with_capacity(tokens.len());
    let mut previous = Position {
        line: 0,
        character: 0,
    };
    for token in tokens {
        let token_type = ide::TokenType::ALL
            .iter()
            .position(|known| *known == token.token_type)
            .unwrap_or(0) as u32;
        let modifiers = token.modifiers.iter().fold(0u32, |bits, modifier| {
            let bit = ide::TokenModifier::ALL
                .iter()
                .position(|known| known == modifier)
                .unwrap_or(0);
            bits | (1 << bit)
        });
        let mut start = token.span.start;
        while start < token.span.end {
            let line = text.lines.line_of(start);
            let (line_start, line_text) = text.line(line);
            let line_end = u32::try_from(line_start + line_text.len()).unwrap_or(u32::MAX);
            let end = token.span.end.min(line_end);
            if end > start {
                let position = text.position(start, encoding);
                let length = text.units(Span { start, end }, encoding);
                let delta_line = position.line - previous.line;
                let delta_start = if delta_line == 0 {
                    position.character - previous.character
                } else {
                    position.character
                };
                encoded.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type,
                    token_modifiers_bitset: modifiers,
                });
                previous = position;
            }
            let next_line = text.lines.line_start(line + 1);
            if next_line <= start {
                break;
            }
            start = next_line;
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(source: &str) -> (String, LineIndex) {
        (source.to_owned(), LineIndex::new(source))
    }

    #[test]
    fn utf16_positions_count_surrogate_pairs_twice() {
        let (source, lines) = text("a = \"😀x\"\nb\n");
        let text = Text {
            text: &source,
            lines: &lines,
        };
        let x = source.find('x').expect("x") as u32;
        assert_eq!(text.position(x, Encoding::Utf16), Position::new(0, 7));
        assert_eq!(text.position(x, Encoding::Utf8), Position::new(0, 9));
        assert_eq!(text.offset(Position::new(0, 7), Encoding::Utf16), x);
        assert_eq!(text.offset(Position::new(1, 0), Encoding::Utf16), 12);
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let (source, lines) = text("ab\r\ncd");
        let text = Text {
            text: &source,
            lines: &lines,
        };
        assert_eq!(
            text.offset(Position::new(0, 99), Encoding::Utf16),
            2,
            "before the CR"
        );
        assert_eq!(text.offset(Position::new(9, 0), Encoding::Utf16), 6);
        assert_eq!(text.offset(Position::new(1, 1), Encoding::Utf16), 5);
    }

    #[test]
    fn a_position_inside_a_surrogate_pair_moves_to_its_end() {
        let (source, lines) = text("😀a");
        let text = Text {
            text: &source,
            lines: &lines,
        };
        assert_eq!(text.offset(Position::new(0, 1), Encoding::Utf16), 4);
    }

    #[test]
    fn code_pages_link_to_the_heading_of_the_code() {
        assert!(code_page(Code::UnknownJob).ends_with("docs/errors.md#e0204-unknown-job"));
        assert!(
            code_page(Code::InvalidNumber)
                .ends_with("#e0104-invalid-number-duration-or-percent-literal")
        );
    }

    #[test]
    fn a_token_across_lines_is_split_into_one_token_per_line() {
        let (source, lines) = text("a = \"\"\"\n  xy\n  \"\"\"\n");
        let text = Text {
            text: &source,
            lines: &lines,
        };
        let token = ide::SemanticToken {
            span: Span::new(4, source.len() - 1),
            token_type: ide::TokenType::String,
            modifiers: Vec::new(),
        };
        let encoded = semantic_tokens(&[token], text, Encoding::Utf16);
        let shape: Vec<(u32, u32, u32)> = encoded
            .iter()
            .map(|token| (token.delta_line, token.delta_start, token.length))
            .collect();
        assert_eq!(shape, [(0, 4, 3), (1, 0, 4), (1, 0, 5)]);
    }
}
