//! Turning the raw text of string literals into values: escapes of one-line
//! strings, and the indentation and line-break rules of `"""` strings.
//!
//! The lexer has already reported malformed escapes; decoding here is total
//! and keeps whatever it cannot decode as written.

use crate::span::Span;
use crate::syntax::ast::{Expr, StringPart};

/// A piece of a string before decoding.
pub enum RawPart<'src> {
    Text(&'src str, Span),
    Interpolation(Expr, Span),
}

/// Builds the parts of a literal from its raw pieces.
pub fn decode(triple: bool, raw: Vec<RawPart<'_>>) -> Vec<StringPart> {
    if triple {
        decode_triple(raw)
    } else {
        // Pushed into an exact-size vector rather than collected: a collect
        // would reuse `raw`'s allocation, sized for its larger elements and
        // grown by doubling, and the tree would keep that slack.
        let mut parts = Vec::with_capacity(raw.len());
        for part in raw {
            parts.push(match part {
                RawPart::Text(text, span) => decode_text(text, span),
                RawPart::Interpolation(expr, span) => StringPart::Interpolation {
                    expr: Box::new(expr),
                    span,
                },
            });
        }
        parts
    }
}

/// A piece of text of a one-line string.
pub fn decode_text(text: &str, span: Span) -> StringPart {
    StringPart::Text {
        value: decode_escapes(text),
        span,
    }
}

/// The value of a one-line string without interpolation (keys, import
/// paths, enum variants), from its raw text if it has any.
pub fn decode_plain(text: Option<&str>) -> String {
    text.map(decode_escapes).unwrap_or_default()
}

/// Decodes `\n \t \r \" \\ \$ \u{…}` and the literal `$${`.
fn decode_escapes(text: &str) -> String {
    // Most strings hold neither; the text before the first is copied whole.
    let Some(first_special) = text.bytes().position(|byte| byte == b'\\' || byte == b'$') else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first_special]);
    let mut chars = text[first_special..].chars().peekable();
    while let Some(character) = chars.next() {
        match character {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('$') => out.push('$'),
                Some('u') if chars.peek() == Some(&'{') => {
                    chars.next();
                    let digits: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    match u32::from_str_radix(&digits, 16)
                        .ok()
                        .and_then(char::from_u32)
                    {
                        Some(decoded) => out.push(decoded),
                        None => {
                            out.push_str("\\u{");
                            out.push_str(&digits);
                            out.push('}');
                        }
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '$' if text_continues_with(&chars, "${") => {
                chars.next();
                chars.next();
                out.push_str("${");
            }
            other => out.push(other),
        }
    }
    out
}

fn text_continues_with(chars: &std::iter::Peekable<std::str::Chars<'_>>, expected: &str) -> bool {
    chars.clone().take(expected.len()).eq(expected.chars())
}

/// `"""` strings: no backslash escapes (scripts keep their backslashes), `$${`
/// for a literal `${`, CRLF read as LF, a line break right after the opening
/// quotes dropped, the whitespace-only line before the closing quotes dropped,
/// and the indentation common to all non-blank lines removed.
fn decode_triple(raw: Vec<RawPart<'_>>) -> Vec<StringPart> {
    // Work on owned text pieces; interpolations stay where they are.
    let mut pieces: Vec<Piece> = raw
        .into_iter()
        .map(|part| match part {
            RawPart::Text(text, span) if text.contains('\r') => {
                Piece::Text(text.replace("\r\n", "\n"), span)
            }
            RawPart::Text(text, span) => Piece::Text(text.to_owned(), span),
            RawPart::Interpolation(expr, span) => Piece::Interpolation(expr, span),
        })
        .collect();

    let mut drops_first_line = false;
    if let Some(Piece::Text(text, _)) = pieces.first_mut()
        && let Some(newline) = text.find('\n')
        && text[..newline].trim().is_empty()
    {
        text.drain(..=newline);
        drops_first_line = true;
    }
    if let Some(Piece::Text(text, _)) = pieces.last_mut() {
        let last_line_start = text.rfind('\n').map_or(0, |index| index + 1);
        let single_piece_single_line = last_line_start == 0;
        if text[last_line_start..].trim().is_empty() && !single_piece_single_line {
            text.truncate(last_line_start);
        }
    }

    let indent = common_indent(&pieces, drops_first_line);
    let mut at_line_start = drops_first_line;
    let mut parts = Vec::with_capacity(pieces.len());
    let followed_by_interpolation: Vec<bool> = (0..pieces.len())
        .map(|position| matches!(pieces.get(position + 1), Some(Piece::Interpolation(..))))
        .collect();
    for (position, piece) in pieces.into_iter().enumerate() {
        match piece {
            Piece::Text(text, span) => {
                let mut value = String::with_capacity(text.len());
                let last = text.split('\n').count() - 1;
                for (index, line) in text.split('\n').enumerate() {
                    if index > 0 {
                        value.push('\n');
                    }
                    // Whitespace-only lines become empty, whatever their indentation.
                    let blank = line.trim_start_matches([' ', '\t']).is_empty()
                        && !(index == last && followed_by_interpolation[position]);
                    let line = if (index > 0 || at_line_start) && blank {
                        ""
                    } else if index > 0 || at_line_start {
                        strip_up_to(line, indent)
                    } else {
                        line
                    };
                    if line.contains("$${") {
                        value.push_str(&line.replace("$${", "${"));
                    } else {
                        value.push_str(line);
                    }
                }
                at_line_start = text.ends_with('\n');
                if !value.is_empty() {
                    parts.push(StringPart::Text { value, span });
                }
            }
            Piece::Interpolation(expr, span) => {
                at_line_start = false;
                parts.push(StringPart::Interpolation {
                    expr: Box::new(expr),
                    span,
                });
            }
        }
    }
    parts
}

enum Piece {
    Text(String, Span),
    Interpolation(Expr, Span),
}

/// The smallest indentation of a line with content; an interpolation is content.
fn common_indent(pieces: &[Piece], starts_at_line_start: bool) -> usize {
    let mut smallest: Option<usize> = None;
    let mut consider = |width: usize| smallest = Some(smallest.map_or(width, |s| s.min(width)));
    let mut at_line_start = starts_at_line_start;
    for (position, piece) in pieces.iter().enumerate() {
        let Piece::Text(text, _) = piece else {
            at_line_start = false;
            continue;
        };
        let followed_by_interpolation =
            matches!(pieces.get(position + 1), Some(Piece::Interpolation(..)));
        let lines: Vec<&str> = text.split('\n').collect();
        let last = lines.len() - 1;
        for (index, line) in lines.iter().enumerate() {
            if index == 0 && !at_line_start {
                continue;
            }
            let width = line.len() - line.trim_start_matches([' ', '\t']).len();
            let has_content = width < line.len() || (index == last && followed_by_interpolation);
            if has_content {
                consider(width);
            }
        }
        at_line_start = text.ends_with('\n');
    }
    smallest.unwrap_or(0)
}

fn strip_up_to(line: &str, width: usize) -> &str {
    let whitespace = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[whitespace.min(width)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(parts: &[StringPart]) -> String {
        parts
            .iter()
            .map(|part| match part {
                StringPart::Text { value, .. } => value.clone(),
                StringPart::Interpolation { .. } => "<expr>".to_owned(),
            })
            .collect()
    }

    #[test]
    fn escapes_are_decoded_in_one_line_strings() {
        let parts = decode(
            false,
            vec![RawPart::Text(r#"a\n\"b\" $${x} \u{e9}"#, Span::default())],
        );
        assert_eq!(plain(&parts), "a\n\"b\" ${x} é");
    }

    #[test]
    fn triple_strings_lose_common_indentation_and_keep_backslashes() {
        let text = "\n    pip install \\\n      -r req.txt\n        \n    pytest\n    ";
        let parts = decode(true, vec![RawPart::Text(text, Span::default())]);
        assert_eq!(plain(&parts), "pip install \\\n  -r req.txt\n\npytest\n");
    }

    #[test]
    fn interpolation_at_line_start_counts_as_content() {
        let expr = Expr {
            kind: crate::syntax::ast::ExprKind::Error,
            span: Span::default(),
        };
        let parts = decode(
            true,
            vec![
                RawPart::Text("\n      echo\n    ", Span::default()),
                RawPart::Interpolation(expr, Span::default()),
                RawPart::Text("\n    ", Span::default()),
            ],
        );
        assert_eq!(plain(&parts), "  echo\n<expr>\n");
    }
}
