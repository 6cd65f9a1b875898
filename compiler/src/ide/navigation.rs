//! Go to definition, find references and rename, from the index of names.
//!
//! Input: an analysis and a byte offset. Output: spans in the analysis's
//! sources, possibly in other files (an imported module, `std/…`). A symbol
//! is identified by its kind and the source name and span of its
//! definition, so that the language server can gather the references in
//! every open file's analysis, not only the one the request came from.

use std::fmt;

use crate::ide::index::{Symbol, SymbolKind};
use crate::ide::{Analysis, FileSpan, TextEdit, is_identifier};
use crate::span::{SourceId, Span};

/// The symbol whose name is at `offset`.
pub fn symbol_at(analysis: &Analysis, source: SourceId, offset: u32) -> Option<Symbol> {
    analysis
        .index()
        .at(source, offset)
        .map(|occurrence| occurrence.symbol.clone())
}

/// Where the name at `offset` is defined.
pub fn definition(analysis: &Analysis, source: SourceId, offset: u32) -> Option<FileSpan> {
    symbol_at(analysis, source, offset)
        .map(|symbol| symbol.definition)
        .or_else(|| crate::ide::upstreams::definition(analysis, source, offset))
}

/// Every place the name at `offset` is written, the definition first when
/// `include_declaration`.
pub fn references(
    analysis: &Analysis,
    source: SourceId,
    offset: u32,
    include_declaration: bool,
) -> Vec<FileSpan> {
    let Some(symbol) = symbol_at(analysis, source, offset) else {
        return Vec::new();
    };
    let definition_name = analysis.source_name(symbol.definition.source);
    occurrences_of(
        analysis,
        symbol.kind,
        definition_name,
        symbol.definition.span,
        include_declaration,
    )
}

/// The occurrences in `analysis` of the symbol of `kind` defined at `span`
/// of the source named `definition_source`.
pub fn occurrences_of(
    analysis: &Analysis,
    kind: SymbolKind,
    definition_source: &str,
    span: Span,
    include_declaration: bool,
) -> Vec<FileSpan> {
    let Some(definition_id) = analysis.source_named(definition_source) else {
        return Vec::new();
    };
    let mut found: Vec<FileSpan> = analysis
        .index()
        .all()
        .filter(|(_, occurrence)| {
            occurrence.symbol.kind == kind
                && occurrence.symbol.definition.source == definition_id
                && occurrence.symbol.definition.span == span
                && (include_declaration || !occurrence.is_definition)
        })
        .map(|(source, occurrence)| FileSpan {
            source,
            span: occurrence.span,
        })
        .collect();
    found.sort();
    found
}

/// Why a rename is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// Nothing renamable is at the cursor.
    NothingToRename,
    /// Imports and modules are renamed by editing the import.
    NotRenamable(SymbolKind),
    /// The standard library is part of the compiler and cannot be edited.
    InStandardLibrary,
    /// The new name is not an identifier or is a reserved word.
    InvalidName(String),
}

impl fmt::Display for RenameError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::NothingToRename => {
                write!(formatter, "no job, template, secret or other name here")
            }
            RenameError::NotRenamable(kind) => write!(
                formatter,
                "a {} cannot be renamed; edit the import",
                kind.describe()
            ),
            RenameError::InStandardLibrary => {
                write!(formatter, "names of the standard library cannot be renamed")
            }
            RenameError::InvalidName(name) => write!(
                formatter,
                "`{name}` is not a valid name: use letters, digits, `_` and inner `-`, not a reserved word"
            ),
        }
    }
}

/// The edits that rename the symbol at `offset` to `new_name` in every
/// place of this analysis that writes it.
pub fn rename(
    analysis: &Analysis,
    source: SourceId,
    offset: u32,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    let symbol = symbol_at(analysis, source, offset).ok_or(RenameError::NothingToRename)?;
    check_renamable(analysis, &symbol, new_name)?;
    let definition_name = analysis.source_name(symbol.definition.source);
    Ok(occurrences_of(
        analysis,
        symbol.kind,
        definition_name,
        symbol.definition.span,
        true,
    )
    .into_iter()
    .map(|place| TextEdit {
        source: place.source,
        span: place.span,
        replacement: new_name.to_owned(),
    })
    .collect())
}

/// Whether `symbol` may be renamed to `new_name`.
pub fn check_renamable(
    analysis: &Analysis,
    symbol: &Symbol,
    new_name: &str,
) -> Result<(), RenameError> {
    if matches!(symbol.kind, SymbolKind::Module | SymbolKind::Import) {
        return Err(RenameError::NotRenamable(symbol.kind));
    }
    if analysis
        .source_name(symbol.definition.source)
        .starts_with("std/")
    {
        return Err(RenameError::InStandardLibrary);
    }
    if !is_identifier(new_name) {
        return Err(RenameError::InvalidName(new_name.to_owned()));
    }
    Ok(())
}
