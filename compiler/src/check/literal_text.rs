//! The text of a string literal as the value checks read it: one atom per
//! decoded character, with the character's source span where the source
//! holds it as written, and one opaque atom per `${…}` interpolation, whose
//! value exists only when the pipeline runs.
//!
//! Spans inside a literal are known only for text written without escapes
//! (and, in `"""` strings, without stripped indentation): every escape and
//! every stripped character makes the source longer than the value, so a
//! text part whose source is exactly as long as its value is its value.

use std::ops::Range;

use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{StringLiteral, StringPart};

/// A string literal under judgement: its atoms, and where it is.
#[derive(Debug)]
pub struct Literal {
    pub atoms: Vec<Atom>,
    /// The whole literal, quotes included.
    pub span: Span,
    pub source: SourceId,
}

impl Literal {
    pub fn new(string: &StringLiteral, span: Span, source: SourceId) -> Literal {
        Literal {
            atoms: atoms(string),
            span,
            source,
        }
    }

    /// A label on the atoms `at`, or on the whole literal when their place
    /// in the source is not known.
    pub fn label(&self, at: Range<usize>, message: impl Into<String>) -> Label {
        let at = self.atoms.get(at).unwrap_or_default();
        Label::new(self.source, span_of(at, self.span), message)
    }

    /// The diagnostic for `problem` of this literal, a `KIND` such as
    /// `url`: `invalid KIND `TEXT`: WHAT` (or `empty KIND`), with the
    /// problem's label, help, note and fix. The fix is left out when any of
    /// its atoms is not written as is in the source.
    pub fn report(&self, code: Code, kind: &str, problem: Problem) -> Diagnostic {
        let message = if self.atoms.is_empty() {
            format!("empty {kind}")
        } else {
            format!(
                "invalid {kind} `{}`: {}",
                display(&self.atoms),
                problem.what
            )
        };
        let mut diagnostic = Diagnostic::new(code, message, self.label(problem.at, problem.label))
            .with_help(problem.help);
        if let Some(note) = problem.note {
            diagnostic = diagnostic.with_note(note);
        }
        if let Some(fix) = problem.fix
            && let Some(edits) = fix
                .replacements
                .iter()
                .map(|(at, text)| self.replace(at.clone(), text))
                .collect::<Option<Vec<_>>>()
        {
            diagnostic = diagnostic.with_fix(fix.message, edits);
        }
        diagnostic
    }

    /// An edit replacing the atoms `at` with `replacement` (inserting before
    /// the atom at `at.start` when `at` is empty), when those atoms are
    /// written as is in the source. `replacement` must need no escape in a
    /// string literal.
    pub fn replace(&self, at: Range<usize>, replacement: &str) -> Option<Edit> {
        if at.is_empty() {
            return Some(Edit {
                source: self.source,
                span: Span::empty_at(self.atoms.get(at.start)?.span?.start),
                replacement: replacement.to_owned(),
            });
        }
        let atoms = self.atoms.get(at)?;
        let mut end: Option<u32> = None;
        for atom in atoms {
            let span = atom.span?;
            if atom.is_opaque() || end.is_some_and(|end| end != span.start) {
                return None;
            }
            end = Some(span.end);
        }
        Some(Edit {
            source: self.source,
            span: Span {
                start: atoms.first()?.span?.start,
                end: end?,
            },
            replacement: replacement.to_owned(),
        })
    }
}

/// The first thing wrong with a literal, by atom positions, as a value check
/// finds it.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub at: Range<usize>,
    /// Completes `invalid KIND `TEXT`: …`, e.g. `it contains a space`.
    pub what: String,
    pub label: &'static str,
    pub help: String,
    pub note: Option<&'static str>,
    pub fix: Option<Box<TextFix>>,
}

/// A fix as replacements of atom ranges, in increasing order.
#[derive(Debug, PartialEq, Eq)]
pub struct TextFix {
    pub message: String,
    pub replacements: Vec<(Range<usize>, String)>,
}

impl Problem {
    pub fn new(
        at: Range<usize>,
        what: impl Into<String>,
        label: &'static str,
        help: impl Into<String>,
    ) -> Problem {
        Problem {
            at,
            what: what.into(),
            label,
            help: help.into(),
            note: None,
            fix: None,
        }
    }

    pub fn with_note(mut self, note: &'static str) -> Problem {
        self.note = Some(note);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = help.into();
        self
    }

    pub fn with_fix(
        mut self,
        message: impl Into<String>,
        replacements: Vec<(Range<usize>, String)>,
    ) -> Problem {
        self.fix = Some(Box::new(TextFix {
            message: message.into(),
            replacements,
        }));
        self
    }
}

/// `characters` with `replacements` (increasing, not overlapping) applied.
pub fn apply(characters: &[char], replacements: &[(Range<usize>, String)]) -> Vec<char> {
    let mut result = Vec::with_capacity(characters.len());
    let mut next = 0;
    for (at, text) in replacements {
        result.extend(characters.get(next..at.start).unwrap_or_default());
        result.extend(text.chars());
        next = at.end.max(next);
    }
    result.extend(characters.get(next..).unwrap_or_default());
    result
}

/// One character of a literal, or an interpolation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atom {
    /// The character; `None` for an interpolation.
    pub character: Option<char>,
    /// Where the atom is in the source, when that is known.
    pub span: Option<Span>,
}

impl Atom {
    pub fn is(self, character: char) -> bool {
        self.character == Some(character)
    }

    pub fn is_opaque(self) -> bool {
        self.character.is_none()
    }
}

/// The atoms of `string`, in order.
pub fn atoms(string: &StringLiteral) -> Vec<Atom> {
    let mut atoms = Vec::new();
    for part in &string.parts {
        match part {
            StringPart::Text { value, span } => {
                let verbatim = span.len() as usize == value.len();
                for (offset, character) in value.char_indices() {
                    let span = verbatim.then(|| {
                        let start = span.start as usize + offset;
                        Span::new(start, start + character.len_utf8())
                    });
                    atoms.push(Atom {
                        character: Some(character),
                        span,
                    });
                }
            }
            StringPart::Interpolation { span, .. } => atoms.push(Atom {
                character: None,
                span: Some(*span),
            }),
        }
    }
    atoms
}

/// The characters of `atoms` when none is an interpolation.
pub fn plain(atoms: &[Atom]) -> Option<Vec<char>> {
    atoms.iter().map(|atom| atom.character).collect()
}

/// The position of the first literal space, tab, line break or other
/// control character: never part of a glob, an image or a URL.
pub fn first_space(atoms: &[Atom]) -> Option<usize> {
    atoms.iter().position(|atom| {
        atom.character
            .is_some_and(|c| c.is_whitespace() || c.is_control())
    })
}

/// The source span covering `atoms`, or `fallback` (the whole literal)
/// when their place in the source is not known or they are none.
pub fn span_of(atoms: &[Atom], fallback: Span) -> Span {
    match (atoms.first(), atoms.last()) {
        (
            Some(Atom {
                span: Some(first), ..
            }),
            Some(Atom {
                span: Some(last), ..
            }),
        ) => first.to(*last),
        _ => fallback,
    }
}

/// The literal as shown in a message: interpolations as `${…}`, control
/// characters escaped so that the message stays on one line, and long
/// texts shortened.
pub fn display(atoms: &[Atom]) -> String {
    shorten(atoms.iter().map(|atom| atom.character))
}

/// `display` of a plain text.
pub fn display_chars(characters: impl IntoIterator<Item = char>) -> String {
    shorten(characters.into_iter().map(Some))
}

/// At most 60 characters (`None` for an interpolation), then `…`.
fn shorten(pieces: impl Iterator<Item = Option<char>>) -> String {
    const LONGEST: usize = 60;
    let mut text = String::new();
    for (index, piece) in pieces.enumerate() {
        if index == LONGEST {
            text.push('…');
            break;
        }
        match piece {
            None => text.push_str("${…}"),
            Some(character) if character.is_control() => {
                text.extend(character.escape_default());
            }
            Some(character) => text.push(character),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(parts: Vec<StringPart>) -> StringLiteral {
        StringLiteral {
            parts,
            triple: false,
            span: Span::default(),
        }
    }

    #[test]
    fn verbatim_text_has_spans_and_escaped_text_does_not() {
        let verbatim = literal(vec![StringPart::Text {
            value: "ab".to_owned(),
            span: Span::new(10, 12),
        }]);
        let spans: Vec<_> = atoms(&verbatim).iter().map(|atom| atom.span).collect();
        assert_eq!(spans, [Some(Span::new(10, 11)), Some(Span::new(11, 12))]);
        let escaped = literal(vec![StringPart::Text {
            value: "a\n".to_owned(),
            span: Span::new(10, 13),
        }]);
        assert!(atoms(&escaped).iter().all(|atom| atom.span.is_none()));
    }

    #[test]
    fn display_keeps_one_line_and_marks_interpolations() {
        let atoms = [
            Atom {
                character: Some('\n'),
                span: None,
            },
            Atom {
                character: None,
                span: None,
            },
        ];
        assert_eq!(display(&atoms), "\\n${…}");
        assert_eq!(display_chars(['a'; 70]).chars().count(), 61);
    }
}
