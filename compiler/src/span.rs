//! Source locations shared by every phase.
//!
//! Spans are byte offsets into one source text. Line and column numbers are
//! computed only when a diagnostic is rendered, through [`LineIndex`]; UTF-16
//! positions exist only in the language server.

use serde::Serialize;

/// Identifies one source text among those loaded for a compilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SourceId(pub u32);

/// A half-open byte range `start..end` within one source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// Builds a span from byte offsets; offsets past `u32::MAX` saturate, which
    /// only happens for inputs larger than 4 GiB that are rejected before parsing.
    pub fn new(start: usize, end: usize) -> Span {
        let clamp = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// An empty span at `offset`, used for "expected … here" positions.
    pub fn empty_at(offset: u32) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

/// Maps byte offsets of one text to lines and columns in `O(log lines)`.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(offset, _)| Span::new(offset + 1, offset + 1).start),
        );
        LineIndex { line_starts }
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next_line) => next_line - 1,
        }
    }

    /// The byte offset at which 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts
            .get(line)
            .copied()
            .unwrap_or_else(|| self.line_starts.last().copied().unwrap_or(0))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 1-based line and column of `offset` in `text` (the text this index was built from).
    pub fn line_column(&self, text: &str, offset: u32) -> LineColumn {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = floor_char_boundary(text, offset as usize);
        let column = text
            .get(start..end)
            .map_or(0, |prefix| prefix.chars().count());
        LineColumn {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }
}

/// The largest char boundary of `text` at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let text = "ab\nçd\n";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_column(text, 0),
            LineColumn { line: 1, column: 1 }
        );
        assert_eq!(
            index.line_column(text, 3),
            LineColumn { line: 2, column: 1 }
        );
        // `d` follows the two-byte `ç`.
        assert_eq!(
            index.line_column(text, 5),
            LineColumn { line: 2, column: 2 }
        );
        assert_eq!(
            index.line_column(text, 7),
            LineColumn { line: 3, column: 1 }
        );
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let text = "a";
        let index = LineIndex::new(text);
        assert_eq!(
            index.line_column(text, 99),
            LineColumn { line: 1, column: 2 }
        );
    }
}
